"""Labels, the one place they are written: series names, months, and the mark of a reconstructed figure.

A figure that is not as reported (derived from other claims, or a total of such months) carries
RECONSTRUCTED_MARK wherever it is shown: sentences, tables, charts, e-mail.
"""
from __future__ import annotations

import datetime

import pandas as pd

from ..ledger.periods import parse_month, parse_period

RECONSTRUCTED_MARK = "≈"
MARK_EXPLAINED = (f"Figures marked {RECONSTRUCTED_MARK} are reconstructed from other published statements "
                  "(growth rates, totals, rankings); unmarked figures are as reported.")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July",
               "August", "September", "October", "November", "December")
PRODUCT_LABELS = {"magnets": "Magnets", "rare_earths": "Rare earths (17 types)"}   # for legends and tables
PRODUCT_NAMES = {"magnets": "magnet exports", "rare_earths": "rare-earth exports (17 types)"}   # in sentences
PRODUCT_NOUNS = {"magnets": "rare-earth magnets", "rare_earths": "rare earths (17 types)"}    # "it exported X of ..."
PRODUCT_ADJECTIVES = {"magnets": "magnet", "rare_earths": "rare-earth"}                   # "July magnet shipments"
PRODUCT_TITLES = {"magnets": "rare-earth magnet exports", "rare_earths": "rare-earth exports (17 types)"}
DESTINATION_NAMES = {"US": "the US", "DE": "Germany", "JP": "Japan", "KR": "South Korea", "VN": "Vietnam",
                     "TH": "Thailand", "IN": "India", "FR": "France", "IT": "Italy", "NL": "the Netherlands",
                     "GB": "the UK", "MX": "Mexico", "EU": "the EU"}


STATUS_WORDS = {  # consistency.csv's status of a claim not taken as stated, for readers
    "disputed": "disputed: left out, its months cover every reading",
    "inconsistent": "set aside",
    "spread": "kept, within the allowance",
}


def destination_name(destination: str) -> str:
    return DESTINATION_NAMES.get(destination, destination)


def _parts(series: str) -> tuple[str, str]:
    product, _, destination = series.partition("/")
    return product, destination


def series_label(series: str) -> str:
    """'Magnets, world', 'Magnets to the US': for legends and table rows."""
    product, destination = _parts(series)
    name = PRODUCT_LABELS.get(product, product)
    return f"{name}, world" if destination == "world" else f"{name} to {destination_name(destination)}"


def product_adjective(series: str) -> str:
    return PRODUCT_ADJECTIVES.get(_parts(series)[0], _parts(series)[0])


def product_noun(series: str) -> str:
    return PRODUCT_NOUNS.get(_parts(series)[0], _parts(series)[0])


def product_title(series: str) -> str:
    """'rare-earth magnet exports', for the edition's title."""
    product, destination = _parts(series)
    name = PRODUCT_TITLES.get(product, product)
    return name if destination == "world" else f"{name} to {destination_name(destination)}"


def series_name(series: str) -> str:
    """'magnet exports', 'magnet exports to the US': for sentences."""
    product, destination = _parts(series)
    name = PRODUCT_NAMES.get(product, product)
    return name if destination == "world" else f"{name} to {destination_name(destination)}"


def mark(basis: str) -> str:
    return "" if basis == "reported" else RECONSTRUCTED_MARK


def number(value: float, basis: str) -> str:
    """Whole tonnes with thousands separators, marked unless reported: '5,577', '≈2,450'."""
    return f"{mark(basis)}{value:,.0f}"


def tonnes(figure) -> str:
    """A Figure (analysis) in tonnes: '5,577 t', '≈2,450 t'."""
    return f"{number(figure.value, figure.basis)} t"


def percent(value: float, basis: str, signed: bool = False) -> str:
    """A share such as % of baseline, whole per cent from 10% up, marked unless its figures are all
    reported (a reported month against a reconstructed baseline is a reconstructed share): '≈110%'."""
    digits = 0 if abs(value) >= 10 else 1
    return mark(basis) + (f"{value:+.{digits}f}%" if signed else f"{value:.{digits}f}%")


def stated_percent(claim, signed: bool = False, magnitude: bool = False) -> str:
    """A % change as its source wrote it: 'about +5.7%', 'nearly −19%' (magnitude: 'about 5.7%')."""
    text = claim.value_text.lstrip("+-") if magnitude else claim.value_text
    if signed and not magnitude and not text.startswith(("-", "+")):
        text = f"+{text}"
    return f"{QUALIFIER_WORDS.get(claim.qualifier, '')}{text.replace('-', '−')}%"


def change_text(value: float, basis: str = "reported", signed: bool = False) -> str:
    """A change in per cent, to one decimal as customs and the sources give it ('14.5%', '+4.5%'),
    marked when it rests on a reconstructed or hedged figure."""
    text = f"{value:+.1f}%" if signed else f"{value:.1f}%"
    return f"{mark(basis)}{text}"


def _month(month: str | pd.Period) -> pd.Period:
    return parse_month(month) if isinstance(month, str) else month


def month_label(month: str | pd.Period) -> str:
    """'2025-07' -> 'July 2025', independent of the machine's locale."""
    month = _month(month)
    return f"{MONTH_NAMES[month.month - 1]} {month.year}"


def day_label(day: str) -> str:
    """'2025-08-31' -> '31 August 2025'."""
    date = datetime.date.fromisoformat(day)
    return f"{date.day} {MONTH_NAMES[date.month - 1]} {date.year}"


def as_of_label(as_of: str) -> str:
    """What the edition's data stand at, for readers: 'data as of 31 August 2025', 'all data to date'."""
    return "all data to date" if as_of == "latest" else f"data as of {day_label(as_of)}"


def month_name(month: str | pd.Period) -> str:
    """'July'."""
    return MONTH_NAMES[_month(month).month - 1]


def short_month_name(month: str | pd.Period) -> str:
    """'Jul'."""
    return MONTH_NAMES[_month(month).month - 1][:3]


def short_month(month: str | pd.Period) -> str:
    """'Jul 2025', for tables."""
    month = _month(month)
    return f"{MONTH_NAMES[month.month - 1][:3]} {month.year}"


def months_label(months, word: str = "or") -> str:
    """'May 2025', 'May or June 2025', 'April, May or June 2025': months the data cannot tell apart
    (word='and': months named together)."""
    months = list(months)
    if len(months) == 1:
        return month_label(months[0])
    same_year = len({m.year for m in months}) == 1
    names = [month_name(m) if same_year else month_label(m) for m in months]
    text = f"{', '.join(names[:-1])} {word} {names[-1]}"
    return f"{text} {months[-1].year}" if same_year else text


def percent_range(low: float, high: float) -> str:
    """'6–8%': a percentage known only within bounds."""
    return f"{low:.0f}–{high:.0f}%"


def baseline_gap(gap: float, low: float, high: float) -> str:
    """Baseline minus exports, summed, in words: '≈5,875 t below baseline (5,864–5,889 t)'.

    A negative sum is exports above the baseline; saying 'a shortfall of −5,875 t' would leave
    the reader to undo a double negative. Bounds on both sides of zero name both directions.
    """
    def span(a: float, b: float) -> str:
        return f"{a:,.0f} t" if round(a) == round(b) else f"{a:,.0f}–{b:,.0f} t"

    if low >= 0:
        return f"{RECONSTRUCTED_MARK}{gap:,.0f} t below baseline ({span(low, high)})"
    if high <= 0:
        return f"{RECONSTRUCTED_MARK}{-gap:,.0f} t above baseline ({span(-high, -low)})"
    return f"between {-low:,.0f} t above and {high:,.0f} t below baseline"


def long_span(first: pd.Period, last: pd.Period) -> str:
    """For sentences: 'May 2025', 'February–September 2025', 'June 2024–March 2025'."""
    if first == last:
        return month_label(first)
    if first.year == last.year:
        return f"{month_name(first)}–{month_label(last)}"
    return f"{month_label(first)}–{month_label(last)}"


def span_label(first: pd.Period, last: pd.Period) -> str:
    """For readers: 'May 2024', 'Jan–Apr 2024', 'Jun 2024–Mar 2025'."""
    if first == last:
        return short_month(first)
    if first.year == last.year:
        return f"{month_name(first)[:3]}–{short_month(last)}"
    return f"{short_month(first)}–{short_month(last)}"


def table_month_label(first: str, last: str) -> str:
    """A line of the appendix: 'May 2024'; 'Jan–Mar 2025 total' for a total of several months
    (first is a range); 'Jan–Apr 2024, each' for a run of months that each have the bounds shown."""
    if ".." in first:
        total = parse_period(first)
        return f"{span_label(total.start, total.end)} total"
    label = span_label(parse_month(first), parse_month(last))
    return label if first == last else f"{label}, each"


def bounds_label(low: float, high: float) -> str:
    """'1,237–2,744' that never breaks across lines: no-break spaces, and word joiners, since a
    line may break after a dash."""
    return f"{low:,.0f}\u00a0\u2060–\u2060\u00a0{high:,.0f}"


def source_line(publishers: list[str]) -> str:
    names = ", ".join(publishers) if publishers else "the claims ledger"
    return f"Source: China customs figures as reported by {names}. Reconstruction and bounds: magnet_briefing."


QUALIFIER_WORDS = {"exact": "", "about": "about ", "nearly": "nearly ", "over": "over ", "under": "under "}
MEASURE_WORDS = {"mom_pct": "on the month before", "yoy_pct": "on a year earlier", "mom_ratio": "times the month before"}


def claim_statement(claim) -> str:
    """What a ledger row states, in words: '1,238 t', 'nearly +75% on the month before', 'the
    highest since January 2025'. The figure keeps the digits the source gave."""
    hedge = QUALIFIER_WORDS.get(claim.qualifier, "")
    text = claim.value_text
    if claim.measure == "level":
        return f"{hedge}{_written(text)} {claim.unit}"
    if claim.measure in ("mom_pct", "yoy_pct"):
        signed = text if text.startswith(("-", "+")) else f"+{text}"
        return f"{hedge}{signed.replace('-', '−')}% {MEASURE_WORDS[claim.measure]}"
    if claim.measure == "mom_ratio":
        return f"{hedge}{text} {MEASURE_WORDS[claim.measure]}"
    since = month_label(text)
    return f"the {'highest' if claim.measure == 'highest_since' else 'lowest'} since {since}"


SCALE_WORDS = {3: "thousand", 6: "million", 9: "billion"}


def _written(text: str) -> str:
    """A figure as the source wrote it, with thousands separators: '1238' -> '1,238', '1.2e6' -> '1.2 million'."""
    mantissa, _, exponent = text.lower().partition("e")
    if exponent and int(exponent) in SCALE_WORDS:
        return f"{mantissa} {SCALE_WORDS[int(exponent)]}"
    if exponent:
        return text
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return f"{float(mantissa):,.{decimals}f}"


def claim_anchor(claim_id: str) -> str:
    """The id of a claim's row in the appendix's claims table (ids are letters, digits, '.', '_', '-')."""
    return f"claim-{claim_id}"
