"""Human-readable labels shared by the HTML, the e-mail and the index."""
from __future__ import annotations

MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")


def month_label(month: str) -> str:
    """'2025-07' -> 'July 2025', independent of the machine's locale."""
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def file_size_label(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.2f} MB"
    return f"{max(1, round(size / 1000))} KB"
