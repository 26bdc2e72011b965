"""Read and validate the claims ledger (data/claims.csv + data/sources.csv).

The ledger is hand-edited by analysts, so every problem is reported at once,
one line each, as ``file:line: column ...`` -- never a traceback.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .periods import parse_month, parse_period
from .vocabulary import (
    CHANGE_MEASURES,
    CLAIM_COLUMNS,
    MEASURES,
    PRODUCTS,
    QUALIFIERS,
    RANK_MEASURES,
    SINGLE_MONTH_MEASURES,
    SOURCE_COLUMNS,
    UNITS,
    UNITS_FOR_MEASURE,
)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_COMMA_NUMBER = re.compile(r"^[+-]?[\d.]*,[\d.,]*$")
_DESTINATION = re.compile(r"^(world|[A-Z]{2})$")
_PUBLISHED = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class LedgerProblem:
    path: str
    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:"
        return f"{where} {self.column} {self.message}" if self.column else f"{where} {self.message}"


class LedgerError(ValueError):
    """Raised with every problem found, so one run shows them all."""

    def __init__(self, problems: list[LedgerProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Ledger:
    claims: pd.DataFrame
    sources: pd.DataFrame
    folder: Path


def _read_rows(path: Path, expected: list[str], problems: list[LedgerProblem], label: str):
    """Yield (line, row dict); header problems go to `problems`."""
    if not path.exists():
        problems.append(LedgerProblem(label, 0, None, f"file not found (expected columns: {','.join(expected)})"))
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            problems.append(LedgerProblem(label, 1, None, f"file is empty; expected the header {','.join(expected)}"))
            return
        header = [cell.strip() for cell in header]
        bad_header = False
        for position, name in enumerate(header, start=1):
            if name not in expected:
                problems.append(LedgerProblem(label, 1, f"column {position}",
                                              f"header '{name}' is not one of {', '.join(expected)}"))
                bad_header = True
        for name in expected:
            if name not in header:
                problems.append(LedgerProblem(label, 1, name, "column is missing from the header"))
                bad_header = True
        if bad_header:
            return
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                problems.append(LedgerProblem(label, line, None,
                                              f"has {len(record)} fields, the header has {len(header)}"))
                continue
            yield line, {name: cell.strip() for name, cell in zip(header, record)}


def _check_number(text: str) -> str | None:
    if _NUMBER.match(text):
        return None
    if _COMMA_NUMBER.match(text):
        return f"'{text}' uses a comma; write numbers with a decimal point and no thousands separator (e.g. 1238.5)"
    return f"'{text}' is not a number"


class _RowProblems:
    """Reports a row's problems, one per field, and remembers whether it had any."""

    def __init__(self, problems: list[LedgerProblem], label: str, line: int):
        self.problems, self.label, self.line, self.ok = problems, label, line, True

    def __call__(self, column: str, message: str) -> None:
        self.ok = False
        self.problems.append(LedgerProblem(self.label, self.line, column, message))


def _check_id(row: dict, column: str, seen: dict[str, int], bad: _RowProblems) -> None:
    """An id is present and unique in its file (`seen`: id -> the line that has it)."""
    text = row[column]
    if not text:
        bad(column, "is empty")
    elif text in seen:
        bad(column, f"'{text}' duplicates line {seen[text]}")
    else:
        seen[text] = bad.line


def load_sources(path: Path, label: str, problems: list[LedgerProblem]) -> pd.DataFrame:
    rows, seen = [], {}
    for line, row in _read_rows(path, SOURCE_COLUMNS, problems, label):
        bad = _RowProblems(problems, label, line)
        _check_id(row, "source_id", seen, bad)
        for column in ("publisher", "title"):
            if not row[column]:
                bad(column, "is empty; every source needs a publisher and a title")
        published = row["published"]
        if not _PUBLISHED.match(published):
            bad("published", f"'{published}' is not a date YYYY-MM-DD or YYYY-MM")
        else:
            try:
                pd.Timestamp(published if len(published) == 10 else published + "-01")
            except ValueError:
                bad("published", f"'{published}' is not a real date")
        rows.append({**row, "line": line})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS + ["line"])


def load_claims(path: Path, label: str, source_ids: set[str] | None,
                problems: list[LedgerProblem]) -> pd.DataFrame:
    rows, seen = [], {}
    for line, row in _read_rows(path, CLAIM_COLUMNS, problems, label):
        bad = _RowProblems(problems, label, line)
        _check_id(row, "claim_id", seen, bad)
        series = row["series"]
        product, _, destination = series.partition("/")
        if product not in PRODUCTS or not _DESTINATION.match(destination):
            bad("series", f"'{series}' is not <product>/<destination> with product one of "
                          f"{', '.join(PRODUCTS)} and destination 'world' or an ISO alpha-2 code such as US")

        period = None
        try:
            period = parse_period(row["period"])
        except ValueError as exc:
            bad("period", str(exc))

        measure = row["measure"]
        if measure not in MEASURES:
            bad("measure", f"'{measure}' is not one of {', '.join(MEASURES)}")
            measure = None

        unit = row["unit"]
        if unit not in UNITS:
            bad("unit", f"'{unit}' is not one of {', '.join(UNITS)}")
        elif measure and unit not in UNITS_FOR_MEASURE[measure]:
            wanted = " or ".join(UNITS_FOR_MEASURE[measure])
            bad("unit", f"'{unit}' does not fit measure {measure}, which takes {wanted}")

        qualifier = row["qualifier"]
        if qualifier not in QUALIFIERS:
            bad("qualifier", f"'{qualifier}' is not one of {', '.join(QUALIFIERS)}")
        elif measure in RANK_MEASURES and qualifier != "exact":
            bad("qualifier", f"'{qualifier}' cannot qualify a ranking; use exact")

        value_text, value = row["value"], None
        if measure in RANK_MEASURES:
            try:
                since = parse_month(value_text)
                if period is not None and since >= period.start:
                    bad("value", f"'{value_text}' must be a month before the period {row['period']}")
                value = float(since.ordinal)
            except ValueError as exc:
                bad("value", f"{exc} (a ranking's value is the month YYYY-MM it is the highest/lowest since)")
        else:
            problem = _check_number(value_text) if value_text else "is empty"
            if problem:
                bad("value", problem)
            else:
                value = float(value_text)
                if measure == "level" and value < 0:
                    bad("value", f"'{value_text}' is a negative tonnage")
                if measure in CHANGE_MEASURES and value <= -100:
                    bad("value", f"'{value_text}' % is a fall of 100% or more, which leaves nothing shipped")
                if measure == "mom_ratio" and value < 0:
                    bad("value", f"'{value_text}' is a negative ratio")

        if measure in SINGLE_MONTH_MEASURES and period is not None and period.is_range:
            bad("measure", f"{measure} needs a single month, not the range {row['period']}")

        sid = row["source_id"]
        if source_ids is not None and sid not in source_ids:
            bad("source_id", f"'{sid}' is not in sources.csv")

        if bad.ok:
            rows.append({**row, "value": value, "value_text": value_text,
                         "product": product, "destination": destination,
                         "start": period.start, "end": period.end, "line": line})
    columns = CLAIM_COLUMNS + ["value_text", "product", "destination", "start", "end", "line"]
    return pd.DataFrame(rows, columns=columns)


def load_ledger(folder: str | Path = "data") -> Ledger:
    """Load and validate a ledger folder; raise LedgerError listing every problem."""
    folder = Path(folder)
    problems: list[LedgerProblem] = []
    sources = load_sources(folder / "sources.csv", str(folder / "sources.csv"), problems)
    source_ids = set(sources["source_id"]) if len(sources) else None
    claims = load_claims(folder / "claims.csv", str(folder / "claims.csv"), source_ids, problems)
    if not problems and claims.empty:
        problems.append(LedgerProblem(str(folder / "claims.csv"), 2, None, "holds no claims"))
    if problems:
        raise LedgerError(problems)
    return Ledger(claims=claims, sources=sources, folder=folder)
