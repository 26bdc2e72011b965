"""`python -m bench` runs every module below; `python -m bench publishing` runs only that one."""
import importlib
import sys

BENCH_MODULES = (
    "bench.publishing",
    "bench.engine",
)


def main(argv: list[str] | None = None) -> int:
    wanted = set(sys.argv[1:] if argv is None else argv)
    for name in BENCH_MODULES:
        if wanted and name.rsplit(".", 1)[-1] not in wanted:
            continue
        importlib.import_module(name).main()
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
