"""The briefing's words: headline figure, summary paragraph and key points, generated from the numbers.

Every figure in a sentence comes from the reconstruction (monthly.csv) and each key point
carries the claim ids behind it. Reconstructed figures carry the mark labels.py gives them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..analysis.baselines import pre_control_months
from ..analysis.disagreements import disputes_touching
from ..analysis.edition_numbers import EditionNumbers
from ..analysis.figures import Figure, change, month_figure, stated_change
from ..analysis.recovery import since_controls, trough
from ..config import EditionParameters
from ..engine import Reconstruction
from ..engine.basis import PINNED
from ..ledger.load import Ledger
from ..ledger.periods import parse_month
from .labels import (
    MARK_EXPLAINED,
    baseline_gap,
    change_text,
    destination_name,
    long_span,
    mark,
    month_label,
    month_name,
    months_label,
    number,
    percent,
    percent_range,
    product_noun,
    series_name,
    span_label,
    stated_percent,
    tonnes,
)


@dataclass(frozen=True)
class KeyPoint:
    text: str
    claims: tuple[str, ...]


def baseline_label(kind: str, control_start: str) -> str:
    if kind == "same_month_prior_year":
        return "the same month a year earlier"
    first, *_, last = pre_control_months(control_start)
    return f"the {span_label(first, last)} monthly average"


def _month_on_month(result: Reconstruction, numbers: EditionNumbers, params: EditionParameters):
    """'nearly +75% on June' and the claims behind it, or None when the change is not known."""
    if not numbers.mom.pinned:
        return None
    month = numbers.month
    text, _, quoted = change_words(result, params.headline, month, month, "mom_pct", numbers.mom, signed=True)
    return f"{text} on {month_name(month - 1)}", set(numbers.mom.claims) | quoted


def headline_figure(result: Reconstruction, numbers: EditionNumbers, params: EditionParameters) -> str:
    """The edition's headline figure, for the subtitle and the e-mail subject (the month is in the title)."""
    text = f"{tonnes(numbers.level)} shipped"
    if (mom := _month_on_month(result, numbers, params)) is not None:
        text += f", {mom[0]}"
    if numbers.of_base.pinned:
        label = "the pre-control level" if params.baseline == "pre_control_mean" else "a year earlier"
        text += f", {percent(numbers.of_base.value, numbers.of_base.basis)} of {label}"
    return text


def change_words(result: Reconstruction, series: str, first: pd.Period, last: pd.Period, measure: str,
                 figure: Figure, signed: bool = False) -> tuple[str, float, set[str]]:
    """How a change is written, with its sign and the claim it quotes: as its source stated it
    when a claim the reconstruction keeps does (its digits and its hedge: 'about 5.7%'), else as
    computed (one decimal, marked unless reported). Unsigned text is the magnitude."""
    moved = figure.value - 100
    stated = stated_change(result, series, first, last, measure, computed=moved)
    if stated is not None:
        return stated_percent(stated, signed=signed, magnitude=not signed), float(stated.value), {stated.claim_id}
    return change_text(moved if signed else abs(moved), figure.basis, signed=signed), moved, set()


def ytd_change_words(result: Reconstruction, series: str, month: pd.Period, row,
                     signed: bool = False) -> tuple[str, float, set[str]]:
    """change_words for January to `month` on the same months a year earlier (a year-to-date row)."""
    figure = Figure(row["change_pct"] + 100, row["change_low"] + 100, row["change_high"] + 100, row["change_basis"])
    return change_words(result, series, pd.Period(year=month.year, month=1, freq="M"), month, "yoy_pct", figure,
                        signed)


def _level_point(result: Reconstruction, numbers: EditionNumbers, params: EditionParameters) -> KeyPoint:
    """'July magnet exports were 5,577 t, nearly +75% on June: 110% of the Jan–Mar 2025 monthly
    average and about 5.7% above July 2024 (≈5,276 t).'"""
    month = numbers.month
    text = f"{month_name(month)} {series_name(params.headline)} were {tonnes(numbers.level)}"
    claims = set(numbers.level.claims)
    if (mom := _month_on_month(result, numbers, params)) is not None:
        text += f", {mom[0]}"
        claims |= mom[1]
    against = []
    if numbers.of_base.pinned:
        against.append(f"{percent(numbers.of_base.value, numbers.of_base.basis)} of {baseline_label(params.baseline, params.control_start)}")
        claims |= set(numbers.of_base.claims)
    if numbers.yoy.pinned and params.baseline != "same_month_prior_year":
        text_of_change, moved, quoted = change_words(result, params.headline, month, month, "yoy_pct", numbers.yoy)
        direction = "above" if moved >= 0 else "below"
        against.append(f"{text_of_change} {direction} {month_label(month - 12)} ({tonnes(numbers.year_ago)})")
        claims |= set(numbers.yoy.claims) | quoted
    text += (": " + " and ".join(against) if against else "") + "."
    return KeyPoint(text, tuple(sorted(claims)))


def _recovery_point(numbers: EditionNumbers, params: EditionParameters) -> KeyPoint | None:
    headline = params.headline
    metrics = numbers.metrics.set_index("series")
    if headline not in metrics.index or pd.isna(metrics.loc[headline, "trough_month"]):
        return None
    row = metrics.loc[headline]
    rec = numbers.recovery
    if len(since_controls(rec, headline)) < 2:
        return None  # one month since the controls: no low point or recovery to speak of yet
    low = trough(rec, headline)
    control = parse_month(params.control_start)
    if low.certain:
        after = int(row["months_to_trough"])
        when = "in the month the controls began" if after == 0 else \
            f"{after} month{'s' if after > 1 else ''} after the controls began in {month_name(control)}"
        trough_level = Figure(low.row["tonnes"], low.row["low"], low.row["high"], low.row["basis"])
        level = f"{tonnes(trough_level)}, " if trough_level.pinned else ""
        depth = percent(row["depth_pct"], low.row["pct_basis"]) if pd.notna(row["depth_pct"]) else percent_range(low.low, low.high)
        text = f"The low point was {month_label(low.row['month'])} at {level}{depth} of baseline, {when}."
    else:
        unpinned = [m for m, high in zip(low.rows["month"], low.rows["pct_high"]) if not math.isfinite(high)]
        if unpinned:
            text = (f"The low point cannot be placed: the claims do not pin {months_label(unpinned, 'and')}, which could be "
                    f"lower than {months_label([m for m in low.months if m not in unpinned])} "
                    f"(at most {percent(low.high, 'bounded')} of baseline).")
        else:
            text = (f"The low point was {months_label(low.months)}, at most {percent(low.high, 'bounded')} of "
                    "baseline; the figures cannot tell which month was lower.")
    placed = bool(np.isfinite(low.rows["pct_high"]).all())  # an unpinned candidate: no "not yet regained"
    if row["never_below_90"]:
        text += (" Exports did not fall below 100% of baseline." if row["never_below_100"] else
                 " Exports did not fall below 90% of baseline.")
    if not row["never_below_100"] and pd.notna(row["regain_100_month"]):
        text += f" Exports were back above 100% of baseline in {month_label(row['regain_100_month'])}."
    elif not row["never_below_90"] and pd.notna(row["regain_90_month"]):
        text += f" They regained 90% of baseline in {month_label(row['regain_90_month'])}, but not yet 100%."
    elif not row["never_below_90"] and placed:
        text += " They have not yet regained 90% of baseline."
    if not math.isnan(row["shortfall_t"]):
        gap = baseline_gap(row["shortfall_t"], row["shortfall_low"], row["shortfall_high"])
        text += f" Added up since {month_name(control)}, exports are {gap}."
    claims = rec[(rec["series"] == headline) & (rec["month"] >= control)]["claims"]
    return KeyPoint(text, tuple(sorted({c for cs in claims for c in cs.split()})))


def _ytd_point(result: Reconstruction, numbers: EditionNumbers, params: EditionParameters) -> KeyPoint | None:
    row = numbers.ytd.iloc[-1]
    if math.isnan(row["ytd"]) or math.isnan(row["change_pct"]):
        return None
    year = numbers.month.year
    span = f"January–{month_name(numbers.month)}" if numbers.month.month > 1 else "January"
    text_of_change, moved, quoted = ytd_change_words(result, params.headline, numbers.month, row)
    direction = "down" if moved < 0 else "up"
    return KeyPoint(f"{span} {year} exports total {mark(row['basis'])}{row['ytd']:,.0f} t, {direction} "
                    f"{text_of_change} on the same period of {year - 1}.",
                    tuple(sorted(set(row["claims"].split()) | quoted)))


def _destinations_point(result: Reconstruction, numbers: EditionNumbers, params: EditionParameters) -> KeyPoint | None:
    month = numbers.month
    parts, claims = [], set()
    for series in destination_series(params):
        destination = series.partition("/")[2]
        level = month_figure(result, series, month)
        if not level.pinned:
            continue
        claims |= set(level.claims)
        detail = []
        for lag, label in ((12, month_label(month - 12)), (1, f"{month_name(month - 1)}")):
            moved = change(result, series, month, lag)
            if moved.pinned:
                earlier = month_figure(result, series, month - lag)
                measure = "yoy_pct" if lag == 12 else "mom_pct"
                text_of_change, _, quoted = change_words(result, series, month, month, measure, moved, signed=True)
                detail.append(f"{text_of_change} on {label}, {tonnes(earlier)}")
                claims |= set(moved.claims) | quoted
                break
        parts.append(f"{destination_name(destination)} {tonnes(level)}" + (f" ({detail[0]})" if detail else ""))
    if not parts:
        return None
    return KeyPoint(f"By destination in {month_name(month)}: " + "; ".join(parts) + ".", tuple(sorted(claims)))


def destination_series(params: EditionParameters) -> list[str]:
    """The series shown for single destinations of the headline's product, in the order given."""
    product = params.headline.partition("/")[0]
    return [s for s in params.series if s.startswith(f"{product}/") and not s.endswith("/world")]


def _rare_earths_point(result: Reconstruction, numbers: EditionNumbers, params: EditionParameters) -> KeyPoint | None:
    if params.headline != "magnets/world" or "rare_earths/world" not in params.series:
        return None
    rec = numbers.recovery
    both = rec[rec["series"].isin(["rare_earths/world", "magnets/world"]) & rec["pct"].notna()
               & (rec["month"] >= parse_month(params.control_start))]
    pivot = both.pivot(index="month", columns="series", values="pct").dropna()
    if pivot.empty or len(pivot.columns) < 2:
        return None
    month = pivot.index.max()
    basis = both[both["month"] == month].set_index("series")["pct_basis"]
    rare = percent(pivot.loc[month, "rare_earths/world"], basis["rare_earths/world"])
    magnets = percent(pivot.loc[month, "magnets/world"], basis["magnets/world"])
    claims = set(" ".join(both[both["month"] == month]["claims"]).split())
    return KeyPoint(f"In {month_name(month)}, {series_name('rare_earths/world')} were {rare} of their "
                    f"baseline, against {magnets} for magnets.", tuple(sorted(claims)))


def _dispute_points(result: Reconstruction, numbers: EditionNumbers, params: EditionParameters,
                    ledger: Ledger) -> list[KeyPoint]:
    """A dispute that touches the edition month is said outright: its figures are ranges because
    sources disagree and nothing settles which is wrong."""
    points = []
    publisher = ledger.sources.set_index("source_id")["publisher"]
    source_of = ledger.claims.set_index("claim_id")["source_id"]
    for dispute in disputes_touching(result, ledger.claims, params.series, numbers.month):
        names = sorted({publisher[source_of[claim]] for claim in dispute.claims}, key=str.lower)
        if len(names) == 1:
            who = f"{len(dispute.claims)} claims from {names[0]}"
        else:
            who = f"{', '.join(names[:-1])} and {names[-1]}"
        both = "both" if max(len(names), len(dispute.claims)) == 2 else "all"
        ranges = [m for m in dispute.months if month_figure(result, dispute.series, m).basis not in PINNED]
        if ranges:  # only the months no other claim pins are ranges; the rest keep their figures
            one = len(ranges) == 1
            shown = (f"; {months_label(ranges, 'and')} {'is' if one else 'are'} shown as "
                     f"{'a range that covers' if one else 'ranges that cover'} every reading.")
        else:
            shown = "; the other claims still pin every month it concerns."
        points.append(KeyPoint(
            f"Sources disagree on {series_name(dispute.series)} in {long_span(dispute.months[0], dispute.months[-1])}: "
            f"{who} cannot {both} be right and nothing settles which is wrong, so {'neither is' if both == 'both' else 'none of them is'} used{shown}",
            dispute.claims))
    return points


def key_points(result: Reconstruction, numbers: EditionNumbers, params: EditionParameters,
               ledger: Ledger) -> list[KeyPoint]:
    candidates = [_level_point(result, numbers, params), *_dispute_points(result, numbers, params, ledger),
                  _recovery_point(numbers, params), _ytd_point(result, numbers, params),
                  _destinations_point(result, numbers, params),
                  _rare_earths_point(result, numbers, params)]
    return [point for point in candidates if point is not None][:5]


def summary_paragraph(result: Reconstruction, numbers: EditionNumbers, params: EditionParameters) -> str:
    control = parse_month(params.control_start)
    text = (f"China tightened export controls on rare earths and magnets in {month_label(control)}. "
            f"In {month_label(numbers.month)} it exported {tonnes(numbers.level)} of {product_noun(params.headline)}")
    if numbers.of_base.pinned:
        text += (f", {percent(numbers.of_base.value, numbers.of_base.basis)} of "
                 f"{baseline_label(params.baseline, params.control_start)}")
    text += "."
    ytd = numbers.ytd.iloc[-1]
    if not math.isnan(ytd["change_pct"]):
        text_of_change, moved, _ = ytd_change_words(result, params.headline, numbers.month, ytd)
        direction = "below" if moved < 0 else "above"
        text += (f" Year to date, shipments are {text_of_change} {direction} "
                 f"the same months of {numbers.month.year - 1}.")
    text += f" {MARK_EXPLAINED} The appendix lists each reconstructed month with its bounds and sources."
    return text


def revision_text(row) -> str:
    """'magnet exports in June 2025: 3,188 t → ≈3,190 t (+0.1%)'."""
    def shown(value, basis):
        return f"{number(value, basis)} t" if basis in PINNED and pd.notna(value) else f"n/a ({basis})"

    change = f" ({row.change_pct:+.1f}%)" if pd.notna(row.change_pct) else ""
    return (f"{series_name(row.series)} in {month_label(row.month)}: {shown(row.before, row.before_basis)} → "
            f"{shown(row.after, row.after_basis)}{change}")


def changes_line(changes) -> str:
    """One or two sentences on what changed since the previous edition, for the e-mail."""
    if changes is None or not changes.had_previous:
        return ""
    before = f"the {month_label(changes.previous_month)} edition"
    if changes.revised.empty and not changes.newly_set_aside:
        return f"No revisions since {before}."
    parts = []
    if not changes.revised.empty:
        shown = [revision_text(row) for row in changes.revised.head(2).itertuples()]
        more = f" and {len(changes.revised) - 2} more" if len(changes.revised) > 2 else ""
        parts.append(f"Revised since {before}: {'; '.join(shown)}{more}.")
    if changes.newly_set_aside:
        parts.append(f"Set aside since then: {', '.join(changes.newly_set_aside)}.")
    return " ".join(parts)
