"""Command line used by the Makefile: `report` builds one edition, `editions` builds them all.

The heavy modules (pandas, the engine, nbconvert) are imported inside the commands: `report`
starts the notebook's kernel first, so the kernel's own imports run while this process loads.
"""
from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from .config import NOTEBOOK, PARAMS_FILE, REPORTS_ROOT


def shown(path: Path) -> str:
    """A path as the user would type it from here."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_inputs(args: argparse.Namespace):
    """params.yaml with the command-line overrides, and the validated ledger."""
    from .config import ParameterError, check_names, defaults, read_params_file, resolve_data_folder
    from .ledger import load_ledger

    params_path = Path(args.params) if args.params else PARAMS_FILE
    if args.params and not params_path.exists():
        raise ParameterError(f"{args.params}: file not found")
    params = read_params_file(params_path)
    check_names(params, where=shown(params_path))
    if getattr(args, "month", None):
        params["month"] = args.month
    if args.data:
        params["data"] = args.data
    ledger = load_ledger(resolve_data_folder(params.get("data") or defaults()["data"]))
    return params, ledger


def file_size_label(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.2f} MB"
    return f"{max(1, round(size / 1000))} KB"


def run_report(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from .publish.notebook import start_kernel, stop_kernel

    kernel = start_kernel(Path(args.notebook))
    try:
        return _report(args, started, kernel)
    finally:
        stop_kernel(kernel)


def _report(args: argparse.Namespace, started: float, kernel) -> int:
    from .config import resolve
    from .publish.build import OUTPUT_FILES, BuildError, build_edition

    params, ledger = load_inputs(args)
    edition = resolve(params, ledger)
    print(f"==> Edition {edition.month} from {shown(ledger.folder)} ({len(ledger.claims)} claims)", flush=True)
    try:
        built = build_edition(edition, ledger, reports_root=Path(args.reports), notebook=Path(args.notebook),
                              say=lambda line: print(line, flush=True), kernel=kernel)
    except BuildError as error:
        print(f"error: {error.summary}", file=sys.stderr)
        if error.kept_notebook:
            print(f"       the failed notebook is kept at {shown(error.kept_notebook)}", file=sys.stderr)
        print(f"       {shown(Path(args.reports) / edition.month)} was left as it was", file=sys.stderr)
        return 1
    print(f"Done in {time.perf_counter() - started:.1f} s. Edition {edition.month} is in {shown(built.folder)}/:")
    for name in OUTPUT_FILES:
        path = built.folder / name
        if path.exists():
            print(f"    {name:<16} {file_size_label(path.stat().st_size):>9}")
    print(f"Index of all editions: {shown(Path(args.reports) / 'index.html')}")
    return 0


def run_editions(args: argparse.Namespace) -> int:
    from .publish.build import build_editions

    params, ledger = load_inputs(args)
    outcomes = build_editions(params, ledger, reports_root=Path(args.reports), notebook=Path(args.notebook),
                              workers=args.jobs, say=lambda line: print(line, flush=True))
    if not outcomes:
        print("No edition months between control_start and the latest month with data.", file=sys.stderr)
        return 1
    failed = [outcome for outcome in outcomes if not outcome.ok]
    print(f"{len(outcomes) - len(failed)} of {len(outcomes)} editions built in {shown(Path(args.reports))}/ "
          f"(index: {shown(Path(args.reports) / 'index.html')})")
    for outcome in failed:
        print(f"    FAILED {outcome.month}: {outcome.message}", file=sys.stderr)
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m magnet_briefing",
                                     description="Monthly briefings on China's rare-earth magnet exports.")
    commands = parser.add_subparsers(dest="command", required=True)
    report = commands.add_parser("report", help="build one edition into reports/<YYYY-MM>/")
    report.add_argument("--month", help="edition month YYYY-MM (default: params.yaml, 'latest')")
    report.set_defaults(run=run_report)
    editions = commands.add_parser("editions", help="build every month from control_start to the latest data")
    editions.add_argument("--jobs", type=int, default=None, help="parallel builds (default: all cores)")
    editions.set_defaults(run=run_editions)
    for command in (report, editions):
        command.add_argument("--data", help="ledger folder with claims.csv and sources.csv")
        command.add_argument("--params", help=f"parameter file (default: {shown(PARAMS_FILE)})")
        command.add_argument("--reports", default=str(REPORTS_ROOT), help="output folder (default: reports/)")
        command.add_argument("--notebook", default=str(NOTEBOOK), help="briefing notebook to execute")
    return parser


def _stop_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted; the previous editions are untouched", file=sys.stderr)
        return 130
    except Exception as error:
        from .config import ParameterError
        from .ledger import LedgerError

        if isinstance(error, LedgerError):
            for problem in error.problems:
                print(problem, file=sys.stderr)
            print(f"error: the ledger has {len(error.problems)} problem(s); nothing was built", file=sys.stderr)
            return 1
        if isinstance(error, ParameterError):
            print(f"error: {error}", file=sys.stderr)
            return 1
        raise
