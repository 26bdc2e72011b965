"""Editions as they were known: each month's reconstruction as of its own day, what the newest
edition revised against the one before, and the vintage triangle of revisions.csv.

The edition of month m is built from the claims published by its as-of day (ledger/vintage.py).
The previous edition is month m-1 as of its default day; the triangle has one vintage per edition
month from control_start to m, each as of its default day (this edition's as its own).
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..config import EditionParameters
from ..engine import Reconstruction, reconstruct
from ..engine.basis import PINNED
from ..ledger.load import Ledger
from ..ledger.periods import parse_month
from ..ledger.vintage import as_of, auto_as_of

TRIANGLE_COLUMNS = ["series", "month", "as_of", "estimate", "low", "high", "basis"]
SET_ASIDE = ("inconsistent", "disputed")


def vintage_days(params: EditionParameters) -> list[tuple[pd.Period, str]]:
    """(edition month, its as-of day) from control_start to this edition."""
    month = parse_month(params.month)
    months = list(pd.period_range(parse_month(params.control_start), month, freq="M"))
    return [(m, params.as_of if m == month else auto_as_of(m).isoformat()) for m in months]


def previous_day(params: EditionParameters) -> tuple[pd.Period, str]:
    month = parse_month(params.month) - 1
    return month, auto_as_of(month).isoformat()


def reconstructions(ledger: Ledger, params: EditionParameters, current: Reconstruction) -> dict[str, Reconstruction]:
    """Every vintage the triangle and the comparison need, by day (this edition's is `current`)."""
    days = {day for _, day in vintage_days(params)} | {previous_day(params)[1]}
    found = {params.as_of: current}
    for day in sorted(days - {params.as_of}):
        vintage = as_of(ledger, day)
        found[day] = reconstruct(vintage.claims) if len(vintage.claims) else None
    return found


def triangle(params: EditionParameters, vintages: dict[str, Reconstruction | None]) -> pd.DataFrame:
    """revisions.csv: per shown series, each month from control_start to each edition's month, as
    each edition (vintage) saw it."""
    parts = []
    for month, day in vintage_days(params):
        result = vintages.get(day)
        if result is None:
            continue
        table = result.monthly
        months = [str(m) for m in pd.period_range(parse_month(params.control_start), month, freq="M")]
        rows = table[table["series"].isin(params.series) & table["month"].isin(months)]
        parts.append(rows.assign(as_of=day)[TRIANGLE_COLUMNS])
    if not parts:
        return pd.DataFrame(columns=TRIANGLE_COLUMNS)
    frame = pd.concat(parts, ignore_index=True)
    for column in ("estimate", "low", "high"):  # tonnes with 3 decimals, no upper bound empty, as monthly.csv
        frame[column] = frame[column].round(3).replace(float("inf"), float("nan"))
    order = frame["series"].map(list(params.series).index)
    return frame.assign(order=order).sort_values(["order", "month", "as_of"], kind="stable").drop(columns="order")


@dataclass(frozen=True)
class Changes:
    previous_month: pd.Period
    previous_as_of: str
    revised: pd.DataFrame           # series, month, before, after, change_pct, before_basis, after_basis, claims
    new_claims: tuple[str, ...]     # in this edition's claims, not in the previous edition's
    newly_set_aside: tuple[str, ...]
    had_previous: bool              # the previous edition had claims at all


def _shown(value, basis) -> float | None:
    """What a reader saw: whole tonnes, or nothing for a month that was not pinned."""
    return round(float(value)) if basis in PINNED and pd.notna(value) else None


def what_changed(params: EditionParameters, ledger: Ledger, current: Reconstruction,
                 previous: Reconstruction | None) -> Changes:
    """Every month of the shown series, up to the previous edition's month, whose shown figure or
    basis moved; the claims new since the previous edition's day; claims set aside since."""
    month, day = previous_day(params)
    before_claims = set(as_of(ledger, day).claims["claim_id"])
    now_claims = list(as_of(ledger, params.as_of).claims["claim_id"])
    new = tuple(sorted(c for c in now_claims if c not in before_claims))  # never the ledger's row order
    revised = []
    if previous is not None:
        old = previous.monthly.set_index(["series", "month"])
        for row in current.monthly.itertuples():
            if row.series not in params.series or ".." in row.month or row.month > str(month) \
                    or (row.series, row.month) not in old.index:
                continue
            before = old.loc[(row.series, row.month)]
            shown_before, shown_after = _shown(before["estimate"], before["basis"]), _shown(row.estimate, row.basis)
            if shown_before == shown_after and before["basis"] == row.basis:
                continue
            causes = [c for c in row.claims.split() if c in new]
            change = (row.estimate / before["estimate"] - 1) * 100 \
                if shown_before and shown_after is not None else float("nan")
            revised.append({"series": row.series, "month": row.month, "before": before["estimate"],
                            "after": row.estimate, "change_pct": change, "before_basis": before["basis"],
                            "after_basis": row.basis, "claims": " ".join(causes)})
    status_now = current.consistency.set_index("claim_id")["status"]
    status_before = previous.consistency.set_index("claim_id")["status"] if previous is not None else pd.Series()
    aside = tuple(sorted(c for c in status_now.index
                         if status_now[c] in SET_ASIDE and status_before.get(c) not in SET_ASIDE))
    columns = ["series", "month", "before", "after", "change_pct", "before_basis", "after_basis", "claims"]
    order = list(params.series)  # the edition's order of series, then months
    revised.sort(key=lambda row: (order.index(row["series"]), row["month"]))
    return Changes(month, day, pd.DataFrame(revised, columns=columns), new, aside, previous is not None)
