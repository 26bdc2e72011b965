"""Periods in the text ("in July", "January to May", "the first half", "a year earlier") and how
they resolve against the publication date.

A mention is found by the table of patterns below (tried in order; a span once claimed is not
read again, so "the same month in 2024" is one relative mention, not a year). Resolution:

- a month without a year is the latest such month not after the publication month ("in July"
  in an August 2025 article is 2025-07); the publication month itself is flagged for checking;
- a range without a year is the latest one that ends by the publication month;
- "year to date" ends at the latest month the article reports (else the month before publication);
- relative mentions ("a year earlier", "the same period in 2024", "the previous month") shift
  the figure's own period; "last month" is the month before publication;
- a month named as a comparison base ("from April") is the latest such month before the
  figure's period.

Months are counted as ordinals: year * 12 + month - 1.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .text import Spans

MONTH_NUMBERS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1, "eighteen": 18, "twenty-four": 24}
ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}

# month names are capitalised ("may" is a verb); abbreviations may take a full stop
MONTH = (r"(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\b"
         r"|(?:Sept|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b\.?)")
YEAR = r"(?:19[5-9][0-9]|20[0-9]{2})(?![0-9])"
COUNT = r"(?:[0-9]{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# "of 2025", "this year", "the year", "last year" after a part of a year
OF_YEAR = rf"(?:,?\s+(?:of\s+)?(?:(?P<year>{YEAR})|(?P<which>this|last)\s+year|the\s+year))?"
MODAL_MAY = re.compile(r"May\s+(?:be|see|have|not|also|continue|rise|fall|well|still|need|take|want)\b")


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: str      # month, range, ytd, year, shift, last_month, this_month, last_year, context, next, date, upto
    first: int | None = None      # first month number (1-12) of a month or a range
    last: int | None = None       # last month number of a range; the end of a year-to-date
    year: int | None = None       # the year written, if any
    which: str | None = None      # "this" or "last" year
    shift: int = 0                # months back, for a relative mention
    text: str = ""
    base: bool = False            # named as the comparison base of a change
    notes: tuple[str, ...] = field(default=())


def _ordinal(year: int, month: int) -> int:
    return year * 12 + month - 1


def month_text(ordinal: int) -> str:
    return f"{ordinal // 12:04d}-{ordinal % 12 + 1:02d}"


def period_text(period: tuple[int, int]) -> str:
    start, end = period
    return month_text(start) if start == end else f"{month_text(start)}..{month_text(end)}"


def month_number(name: str) -> int:
    return MONTH_NUMBERS[name.rstrip(".").lower()]


def _year_of(match: re.Match) -> tuple[int | None, str | None]:
    year = match.groupdict().get("year")
    return (int(year) if year else None), match.groupdict().get("which")


def _count(text: str) -> int:
    return int(text) if text.isdigit() else WORD_NUMBERS[text.lower()]


def _range(match, first, last, **extra):
    year, which = _year_of(match)
    return dict(kind="range", first=first, last=last, year=year, which=which, **extra)


def _month_range(match):
    first, last = month_number(match.group("m1")), month_number(match.group("m2"))
    year = match.group("y2") or match.group("y1")
    return dict(kind="range", first=first, last=last, year=int(year) if year else None)


def _quarters(match):
    word = match.group("q").lower()
    q = ORDINALS.get(word) or int(word)
    return _range(match, 3 * q - 2, 3 * q)


def _half(match):
    word = match.group("h").lower()
    h = 2 if word in ("second", "2nd", "h2", "2h") else 1
    return _range(match, 6 * h - 5, 6 * h)


def _same_period(match):
    year = match.group("year")
    return dict(kind="shift", shift=12, year=int(year) if year else None)


# (what it reads, pattern, what it is). Order matters: earlier patterns claim their span first.
PATTERNS = [
    ("a day's date", rf"\b{MONTH}\s+[0-9]{{1,2}}(?:st|nd|rd|th)?(?![0-9])(?:,?\s*{YEAR})?", lambda m: dict(kind="date")),
    ("a day's date", rf"\b[0-9]{{1,2}}(?:st|nd|rd|th)?\s+{MONTH}(?:\s+{YEAR})?", lambda m: dict(kind="date")),
    ("a day's date", r"(?<![0-9/])[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?(?![0-9/])", lambda m: dict(kind="date")),
    ("a day's date", rf"\b{YEAR}-[0-9]{{2}}-[0-9]{{2}}\b", lambda m: dict(kind="date")),
    # "records going back to June 2014", "data since 2015": when records start, not a figure's period
    ("when records start", rf"\b(?:(?:going\s+)?back\s+to|since|dating\s+from)\s+(?:(?:at\s+least|early|late|mid-?)\s+)?"
     rf"(?:{MONTH}\s+)?{YEAR}", lambda m: dict(kind="date")),
    ("between M and M", rf"\b(?i:between)\s+(?P<m1>{MONTH})(?:\s+(?P<y1>{YEAR}))?\s+and\s+(?P<m2>{MONTH})(?:,?\s+(?P<y2>{YEAR}))?",
     _month_range),
    ("M to M", rf"(?:\b(?i:from|for|in|during)\s+)?\b(?P<m1>{MONTH})(?:\s+(?P<y1>{YEAR}))?\s*(?:-|–|—|/|\bto\b|\bthrough\b|\bthru\b|\buntil\b)\s*"
     rf"(?P<m2>{MONTH})(?:,?\s+(?:of\s+)?(?P<y2>{YEAR}))?", _month_range),
    ("M and M combined", rf"\b(?P<m1>{MONTH})\s+and\s+(?P<m2>{MONTH})(?:\s+(?P<y2>{YEAR}))?\s+combined\b",
     lambda m: dict(kind="range", first=month_number(m.group("m1")), last=month_number(m.group("m2")),
                    year=int(m.group("y2")) if m.group("y2") else None)),
    # "January and February" are reported together by Chinese customs: one range
    ("January and February", rf"\b(?P<m1>January|Jan\.?)\s+and\s+(?P<m2>February|Feb\.?)(?:,?\s+(?P<y2>{YEAR}))?",
     lambda m: dict(kind="range", first=1, last=2, year=int(m.group("y2")) if m.group("y2") else None)),
    ("N-month exports", rf"\b(?P<n>{COUNT})[-\s]month\s+(?=(?:exports|shipments|total|sales|period|volume)\b)",
     lambda m: dict(kind="range", first=1, last=_count(m.group("n")))),
    ("the first N months", rf"\b(?:the\s+)?first\s+(?P<n>{COUNT})\s+months?{OF_YEAR}",
     lambda m: _range(m, 1, _count(m.group("n")))),
    ("the first three quarters", rf"\b(?:the\s+)?first\s+(?P<n>two|three|2|3)\s+quarters{OF_YEAR}",
     lambda m: _range(m, 1, 3 * _count(m.group("n")))),
    ("a half year", rf"\b(?:the\s+)?(?P<h>first|second|1st|2nd)[-\s]half{OF_YEAR}", _half),
    ("a half year", rf"\b(?P<h>H1|H2|1H|2H)(?:\s+(?P<year>{YEAR}))?\b", _half),
    ("a quarter", rf"\b(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[-\s]quarter{OF_YEAR}", _quarters),
    ("a quarter", rf"\bQ(?P<q>[1-4])(?:\s+(?P<year>{YEAR}))?\b", _quarters),
    ("year to date", r"\b(?:year[-\s]to[-\s]date|YTD|so\s+far\s+this\s+year|this\s+year\s+so\s+far|so\s+far\s+in\s+the\s+year)\b",
     lambda m: dict(kind="ytd")),
    ("year to date", rf"\b(?:so\s+far\s+in\s+(?P<year>{YEAR})|in\s+(?P<year2>{YEAR})\s+so\s+far)\b",
     lambda m: dict(kind="ytd", year=int(m.group("year") or m.group("year2")))),
    ("year to date", rf"\bin\s+the\s+year\s+(?:to|through|until)\s+(?P<m>{MONTH})",
     lambda m: dict(kind="ytd", last=month_number(m.group("m")))),
    ("the same period a year earlier",
     rf"\b(?:the\s+)?(?:same|corresponding|comparable)\s+(?:month|period|time|months|quarter)\s+(?:(?:of|in)\s+(?P<year>{YEAR})"
     r"|(?:of\s+)?last\s+year|(?:a|one)\s+year\s+(?:earlier|ago|before)|(?:of|in)\s+the\s+(?:previous|prior|preceding|erstwhile|former)\s+year"
     r"|(?:of\s+)?the\s+year\s+before)",
     _same_period),
    ("a year earlier", r"\b(?:(?:a|one)\s+year\s+(?:earlier|ago|before)|(?:the\s+)?(?:previous|prior|preceding)\s+year|the\s+year\s+before|year[-\s]earlier)\b",
     lambda m: dict(kind="shift", shift=12)),
    ("the month before", r"\b(?:a\s+month\s+(?:earlier|ago|before)|(?:the\s+)?(?:previous|prior|preceding)\s+month|the\s+month\s+before"
     r"|month[-\s]earlier)\b",
     lambda m: dict(kind="shift", shift=1)),
    ("a whole year", rf"\b(?:(?:for|in|during|throughout|over)\s+)?(?:all\s+of|the\s+whole\s+of|the\s+full\s+year(?:\s+of)?|full[-\s]year)\s+(?P<year>{YEAR})",
     lambda m: dict(kind="year", year=int(m.group("year")))),
    ("a whole year", rf"\b(?P<year>{YEAR})\s+as\s+a\s+whole\b", lambda m: dict(kind="year", year=int(m.group("year")))),
    ("last month", r"\blast\s+month\b", lambda m: dict(kind="last_month")),
    ("the following month", r"\b(?:the\s+(?:following|next)\s+month|a\s+month\s+later)\b", lambda m: dict(kind="next")),
    ("this month", r"\bthis\s+month\b", lambda m: dict(kind="this_month")),
    ("last year", r"\blast\s+year\b", lambda m: dict(kind="last_year")),
    ("this year", r"\bthis\s+year\b", lambda m: dict(kind="ytd")),
    ("that month", r"\b(?:that|this|the\s+same)\s+(?:month|period)\b|\b(?:in|during|for)\s+the\s+month\b", lambda m: dict(kind="context")),
    ("up to a month", rf"\b(?i:as\s+of|through|thru|until|up\s+to|by\s+the\s+end\s+of)\s+(?P<m>{MONTH})(?:,?\s+(?P<year>{YEAR}))?",
     lambda m: dict(kind="upto", first=month_number(m.group("m")), year=int(m.group("year")) if m.group("year") else None)),
    ("a month of the year before", rf"\b(?P<m>{MONTH})\s+(?:of\s+)?(?:the\s+)?(?:previous|prior|preceding|last)\s+year\b",
     lambda m: dict(kind="month", first=month_number(m.group("m")), which="previous")),
    ("a month", rf"\b(?P<m>{MONTH})(?:,?\s+(?:of\s+)?(?P<year>{YEAR}))?",
     lambda m: dict(kind="month", first=month_number(m.group("m")), year=int(m.group("year")) if m.group("year") else None)),
    ("a month", rf"\b(?P<year>{YEAR})-(?P<mm>0[1-9]|1[0-2])\b(?!-[0-9])",
     lambda m: dict(kind="month", first=int(m.group("mm")), year=int(m.group("year")))),
    ("a year", rf"\b(?:in|for|during|throughout|than\s+in|from|over)\s+(?P<year>{YEAR})\b(?!\s*[-–/])",
     lambda m: dict(kind="year", year=int(m.group("year")))),
]
_CASE_SENSITIVE = ("a month", "up to a month", "when records start", "M to M", "between M and M", "a day's date",
                   "M and M combined", "January and February", "a month of the year before")
_COMPILED = [(name, re.compile(pattern, 0 if name in _CASE_SENSITIVE
                               else re.IGNORECASE), make) for name, pattern, make in PATTERNS]


def find_mentions(text: str, taken: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Every period mention in `text` outside the spans already `taken` (figures, rankings)."""
    claimed = Spans(taken or [])
    found = []
    for name, pattern, make in _COMPILED:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if claimed.overlaps(start, end):
                continue
            if name == "a month" and MODAL_MAY.match(text, start):
                continue
            claimed.add(start, end)
            found.append(Mention(start, end, text=match.group(0), notes=(name,), **make(match)))
    return sorted(found, key=lambda m: m.start)


def publication_month(published: datetime.date) -> int:
    return _ordinal(published.year, published.month)


def latest(month: int, not_after: int) -> int:
    """The latest month numbered `month` (1-12) at or before the ordinal `not_after`."""
    year = not_after // 12
    return _ordinal(year, month) if _ordinal(year, month) <= not_after else _ordinal(year - 1, month)


def _year_for(mention: Mention, published: int) -> int | None:
    if mention.year:
        return mention.year
    if mention.which == "this":
        return published // 12
    if mention.which == "last":
        return published // 12 - 1
    return None


@dataclass(frozen=True)
class Resolved:
    period: tuple[int, int]
    flags: tuple[str, ...] = ()


def resolve(mention: Mention, published: int, figure_period: tuple[int, int] | None = None,
            last_month_named: int | None = None, latest_reported: int | None = None) -> Resolved | None:
    """The period a mention names. `figure_period`: the period of the figure a relative or base
    mention is relative to; `last_month_named`: the month the text named last ("that month");
    `latest_reported`: the latest month the article reports (where a year to date ends)."""
    kind, year = mention.kind, _year_for(mention, published)
    if kind == "upto":  # "as of August": the month, or (in a cumulative figure) the year to its end
        kind = "month"
    if kind == "month" and mention.which == "previous":  # "July of the previous year"
        reference = figure_period[0] if figure_period is not None else published
        month = _ordinal(reference // 12 - 1, mention.first)
        return Resolved((month, month))
    if kind == "month":
        if year is not None:
            month = _ordinal(year, mention.first)
            return Resolved((month, month))
        if mention.base and figure_period is not None:
            month = latest(mention.first, figure_period[0] - 1)
            return Resolved((month, month))
        month = latest(mention.first, published)
        flags = ("the month named is the publication month; check it is not a year earlier",) if month == published else ()
        return Resolved((month, month), flags)
    if kind == "range":
        if year is None:
            reference = figure_period[1] - 1 if mention.base and figure_period is not None else published
            end = latest(mention.last, reference)
            year = end // 12
        return Resolved((_ordinal(year, mention.first), _ordinal(year, mention.last)))
    if kind == "ytd":
        if mention.last is not None and year is not None:
            end = _ordinal(year, mention.last)
            return Resolved((_ordinal(year, 1), end))
        if mention.last is not None:
            end = latest(mention.last, published)
            return Resolved((_ordinal(end // 12, 1), end))
        if year is not None and (latest_reported is None or latest_reported // 12 != year):  # "so far in 2025"
            end = min(published - 1, _ordinal(year, 12))
            return Resolved((_ordinal(year, 1), end), (f"year to date taken to end in {month_text(end)}",))
        if latest_reported is not None:
            return Resolved((_ordinal(latest_reported // 12, 1), latest_reported),
                            (f"year to date taken to end in {month_text(latest_reported)}, the latest month the article reports",))
        end = published - 1
        return Resolved((_ordinal(end // 12, 1), end), (f"year to date taken to end in {month_text(end)}, the month before publication",))
    if kind == "year":
        return Resolved((_ordinal(mention.year, 1), _ordinal(mention.year, 12)))
    if kind == "last_year" and not mention.base:
        return Resolved((_ordinal(published // 12 - 1, 1), _ordinal(published // 12 - 1, 12)))
    if kind in ("shift", "last_year") or (kind == "last_month" and mention.base):
        if figure_period is None:
            return None
        shift = 1 if kind == "last_month" else (mention.shift or 12)
        if mention.year is not None:  # "the same period in 2024"
            shift = 12 * (figure_period[0] // 12 - mention.year)
            if shift <= 0:
                return None
        return Resolved((figure_period[0] - shift, figure_period[1] - shift))
    if kind == "last_month":
        return Resolved((published - 1, published - 1))
    if kind == "this_month":
        return Resolved((published, published), ("'this month' is the publication month; check it",))
    if kind == "next":
        if last_month_named is None:
            return None
        return Resolved((last_month_named + 1, last_month_named + 1),
                        (f"'{mention.text}' taken as {month_text(last_month_named + 1)}, the month after the one named before",))
    if kind == "context":
        if last_month_named is None:
            return None
        return Resolved((last_month_named, last_month_named),
                        (f"'{mention.text}' taken as {month_text(last_month_named)}, the month named before",))
    return None
