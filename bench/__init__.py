"""Benchmarks run by `make bench`; each module listed in bench/__main__.py has a main()."""


def print_table(title: str, header: tuple[str, ...], rows: list[tuple[str, ...]], align: str) -> None:
    """One line per row, columns aligned as `align` says ('<' left, '>' right), for every benchmark."""
    widths = [max(len(row[i]) for row in rows + [header]) for i in range(len(header))]
    print(title)
    for row in [header] + rows:
        print("  " + "  ".join(f"{cell:{side}{width}}" for cell, side, width in zip(row, align, widths)).rstrip())
