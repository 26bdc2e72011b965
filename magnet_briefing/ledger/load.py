"""Read and validate the claims ledger (data/claims.csv + data/sources.csv).

The ledger is hand-edited by analysts, so every problem is reported at once, one line each, as
``file:line: field message`` -- never a traceback (csv_file.py reads the files as plain data).
"""
from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import plausible
from .csv_file import LedgerProblem, read_rows, shown
from .intervals import KG_PER_TONNE
from .periods import parse_month, parse_period
from .vocabulary import (
    CHANGE_MEASURES,
    CLAIM_COLUMNS,
    ID_PATTERN,
    MEASURES,
    PRODUCTS,
    QUALIFIERS,
    RANK_MEASURES,
    SINGLE_MONTH_MEASURES,
    SOURCE_COLUMNS,
    UNITS,
    UNITS_FOR_MEASURE,
)

# ASCII digits only: str.isdigit and float() also take Arabic-Indic and other digits
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
_COMMA_NUMBER = re.compile(r"^[+-]?[0-9.]*,[0-9.,]*$")
_DESTINATION = re.compile(r"^(world|[A-Z]{2})$")
_PUBLISHED = re.compile(r"^[0-9]{4}-[0-9]{2}(-[0-9]{2})?$")
_ID = re.compile(ID_PATTERN)
MAX_EXPONENT = 100  # 1e6 is how to write "a million"; 1e999 is a typo
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


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


def _check_number(text: str) -> str | None:
    if _NUMBER.match(text):
        exponent = int(text.lower().partition("e")[2] or 0)
        if not math.isfinite(float(text)) or abs(exponent) > MAX_EXPONENT:
            return f"'{shown(text)}' is too large or too small to be a figure"
        return None
    if _COMMA_NUMBER.match(text):
        return f"'{text}' uses a comma; write numbers with a decimal point and no thousands separator (e.g. 1238.5)"
    return f"'{shown(text)}' is not a number"


class _RowProblems:
    """Reports a row's problems, one per field, and remembers whether it had any."""

    def __init__(self, problems: list[LedgerProblem], label: str, line: int):
        self.problems, self.label, self.line, self.ok = problems, label, line, True

    def __call__(self, column: str, message: str) -> None:
        self.ok = False
        self.problems.append(LedgerProblem(self.label, self.line, column, message))


def _check_id(row: dict, column: str, seen: dict[str, int], bad: _RowProblems) -> None:
    """An id is present, of the documented form, and unique in its file (`seen`: id -> its line)."""
    text = row[column]
    if not text:
        bad(column, "is empty")
    elif not _ID.match(text):
        bad(column, f"'{shown(text)}' is not an id: use up to 64 letters, digits, '.', '_' or '-', "
                    "starting with a letter or digit")
    elif text in seen:
        bad(column, f"'{text}' duplicates line {seen[text]}")
    else:
        seen[text] = bad.line


def load_sources(path: Path, label: str, problems: list[LedgerProblem]) -> pd.DataFrame:
    rows, seen = [], {}
    for line, row in read_rows(path, SOURCE_COLUMNS, problems, label):
        bad = _RowProblems(problems, label, line)
        _check_id(row, "source_id", seen, bad)
        for column in ("publisher", "title"):
            if not row[column]:
                bad(column, "is empty; every source needs a publisher and a title")
        published = row["published"]
        day = _publication_day(published, bad)
        if row["url"] and not _URL.match(row["url"]):
            bad("url", f"'{shown(row['url'])}' is not a web address starting with http:// or https://")
        # the publication month, for checking the source's claims; empty when the date is broken
        rows.append({**row, "line": line, "published_month": published[:7] if day else ""})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS + ["line", "published_month"])


def _publication_day(published: str, bad: _RowProblems) -> datetime.date | None:
    """The date a source was published, or None (with the problem reported)."""
    if not _PUBLISHED.match(published):
        bad("published", f"'{shown(published)}' is not a date YYYY-MM-DD or YYYY-MM")
        return None
    year, month = int(published[:4]), int(published[5:7])
    if not 1 <= month <= 12:
        bad("published", f"'{published}' is not a real date (month {month})")
        return None
    if (problem := plausible.year_problem(year)) is not None:
        bad("published", f"'{published}': {problem}")
        return None
    try:
        day = datetime.date.fromisoformat(published if len(published) == 10 else published + "-01")
    except ValueError:
        bad("published", f"'{published}' is not a real date")
        return None
    if day > plausible.today():
        bad("published", f"'{published}' is in the future")
        return None
    return day


def load_claims(path: Path, label: str, published: dict[str, str] | None,
                problems: list[LedgerProblem]) -> pd.DataFrame:
    """`published`: source id -> its publication date (None when sources.csv could not be read)."""
    rows, seen = [], {}
    for line, row in read_rows(path, CLAIM_COLUMNS, problems, label):
        bad = _RowProblems(problems, label, line)
        _check_id(row, "claim_id", seen, bad)
        series = row["series"]
        product, _, destination = series.partition("/")
        if product not in PRODUCTS or not _DESTINATION.match(destination):
            bad("series", f"'{shown(series)}' is not <product>/<destination> with product one of "
                          f"{', '.join(PRODUCTS)} and destination 'world' or an ISO alpha-2 code such as US")

        period = None
        try:
            period = parse_period(row["period"])
        except ValueError as exc:
            bad("period", shown(str(exc), 160))
        else:
            if (problem := plausible.year_problem(period.start) or plausible.year_problem(period.end)) is not None:
                bad("period", f"'{row['period']}': {problem}")
                period = None

        measure = row["measure"]
        if measure not in MEASURES:
            bad("measure", f"'{shown(measure)}' is not one of {', '.join(MEASURES)}")
            measure = None

        unit = row["unit"]
        if unit not in UNITS:
            bad("unit", f"'{shown(unit)}' is not one of {', '.join(UNITS)}")
        elif measure and unit not in UNITS_FOR_MEASURE[measure]:
            wanted = " or ".join(UNITS_FOR_MEASURE[measure])
            bad("unit", f"'{unit}' does not fit measure {measure}, which takes {wanted}")

        qualifier = row["qualifier"]
        if qualifier not in QUALIFIERS:
            bad("qualifier", f"'{shown(qualifier)}' is not one of {', '.join(QUALIFIERS)}")
        elif measure in RANK_MEASURES and qualifier != "exact":
            bad("qualifier", f"'{qualifier}' cannot qualify a ranking; use exact")

        value_text, value = row["value"], None
        if measure in RANK_MEASURES:
            try:
                since = parse_month(value_text)
            except ValueError:
                bad("value", f"'{shown(value_text)}' is not a month YYYY-MM (a ranking's value is the month "
                             "it is the highest/lowest since)")
            else:
                if period is not None and since >= period.start:
                    bad("value", f"'{value_text}' must be a month before the period {row['period']}")
                elif (problem := plausible.year_problem(since, plausible.FIRST_RANKING_YEAR)) is not None:
                    bad("value", f"'{value_text}': {problem}")
                value = float(since.ordinal)
        else:
            problem = _check_number(value_text) if value_text else "is empty"
            if problem:
                bad("value", problem)
            else:
                value = float(value_text)
                tonnes = value / KG_PER_TONNE if unit == "kg" else value
                if measure == "level" and value < 0:
                    bad("value", f"'{value_text}' is a negative tonnage")
                elif measure == "level" and tonnes > plausible.MAX_TONNES:
                    bad("value", f"'{value_text}' {unit} is more than {plausible.MAX_TONNES:,.0f} t")
                if measure in CHANGE_MEASURES and value <= -100:
                    bad("value", f"'{value_text}' % is a fall of 100% or more, which leaves nothing shipped")
                elif measure in CHANGE_MEASURES and value > plausible.MAX_PERCENT:
                    bad("value", f"'{value_text}' % is a rise of more than {plausible.MAX_PERCENT:,.0f}%")
                if measure == "mom_ratio" and value < 0:
                    bad("value", f"'{value_text}' is a negative ratio")
                elif measure == "mom_ratio" and value > plausible.MAX_RATIO:
                    bad("value", f"'{value_text}' is a multiple of more than {plausible.MAX_RATIO:,.0f}")

        if measure in SINGLE_MONTH_MEASURES and period is not None and period.is_range:
            bad("measure", f"{measure} needs a single month, not the range {row['period']}")

        sid = row["source_id"]
        if published is not None and sid not in published:
            bad("source_id", f"'{shown(sid)}' is not in sources.csv")
        elif published is not None and period is not None and published[sid]:
            if (problem := plausible.publication_problem(period.start, published[sid])) is not None:
                bad("period", f"'{row['period']}' {problem}")

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
    sources_problems = len(problems)
    sources = load_sources(folder / "sources.csv", str(folder / "sources.csv"), problems)
    # None: sources.csv could not be read, so claims' sources are not checked against it
    readable = len(sources) or len(problems) == sources_problems
    published = dict(zip(sources["source_id"], sources["published_month"])) if readable else None
    claims = load_claims(folder / "claims.csv", str(folder / "claims.csv"), published, problems)
    if not problems and claims.empty:
        problems.append(LedgerProblem(str(folder / "claims.csv"), 2, None, "holds no claims"))
    if problems:
        raise LedgerError(problems)
    return Ledger(claims=claims, sources=sources, folder=folder)
