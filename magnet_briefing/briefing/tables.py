"""The briefing's tables: recovery metrics, year to date, and the data-quality appendix (reconstructed
months, set-aside claims, sources), as data frames ready to display."""
from __future__ import annotations

import pandas as pd

from ..analysis.disagreements import NOT_AS_STATED
from ..engine.basis import PINNED
from ..ledger.periods import parse_month
from .edition import Edition
from .labels import (
    STATUS_WORDS,
    baseline_gap,
    bounds_label,
    claim_statement,
    month_name,
    number,
    percent,
    percent_range,
    series_label,
    short_month,
    table_month_label,
)
from .words import ytd_change_words


def recovery_metrics_table(edition: Edition) -> pd.DataFrame:
    metrics = edition.numbers.metrics.copy()

    def shortfall(row):
        if pd.isna(row["shortfall_t"]):
            return "n/a"
        return baseline_gap(row["shortfall_t"], row["shortfall_low"], row["shortfall_high"])

    def regained(row, threshold):
        month = row[f"regain_{threshold}_month"]
        if row[f"never_below_{threshold}"]:
            return f"did not fall below {threshold}%"
        return "not yet" if pd.isna(month) else f"{short_month(month)} ({int(row[f'months_to_{threshold}'])} mo)"

    def depth(row):
        return percent(row["depth_pct"], row["depth_basis"]) if pd.notna(row["depth_pct"]) else percent_range(row["depth_low"],
                                                                                          row["depth_high"])

    def trough_months(row):
        months = row["trough_months"]
        return short_month(months[0]) if len(months) == 1 else " or ".join(short_month(m) for m in months)

    metrics = metrics[metrics["trough_month"].notna()]
    table = pd.DataFrame({
        "Series": metrics["series"].map(series_label),
        "Trough": metrics.apply(trough_months, axis=1),
        "Depth (% of baseline)": metrics.apply(depth, axis=1),
        "Months from controls to trough": [str(int(n)) if len(m) == 1 else "—"
                                           for n, m in zip(metrics["months_to_trough"], metrics["trough_months"])],
        "Regained 90% of baseline": metrics.apply(regained, axis=1, threshold=90),
        "Regained 100% of baseline": metrics.apply(regained, axis=1, threshold=100),
        "Since the controls, in all": metrics.apply(shortfall, axis=1),
        "Months not pinned": metrics["unpinned"].map(lambda months: ", ".join(map(short_month, months)) or "none"),
    })
    return table.set_index("Series").T.rename_axis(index="Metric")


def year_to_date_table(edition: Edition) -> pd.DataFrame:
    ytd = edition.numbers.ytd
    rows = ytd[ytd["ytd"].notna()]
    year = edition.month.year

    def tonnes(value, basis):
        return "n/a" if pd.isna(value) else number(value, basis)

    def said(row) -> str:  # as the sentences and the chart say it: a source's '−14.5%', or '≈+1.6%'
        return ytd_change_words(edition.result, edition.params.headline, row.month, row._asdict(), signed=True)[0]

    def signed_minus(value: float) -> str:
        return f"{value:+.1f}".replace("-", "−")

    return pd.DataFrame({
        "January to": rows["month"].map(month_name),
        f"{year} (t)": [tonnes(v, b) for v, b in zip(rows["ytd"], rows["basis"])],
        f"{year - 1} (t)": [tonnes(v, b) for v, b in zip(rows["prior_ytd"], rows["prior_basis"])],
        "Change": [("n/a" if pd.isna(row.change_pct) else
                    f"{said(row)} ({signed_minus(row.change_low)} to {signed_minus(row.change_high)})")
                   for row in rows.itertuples()],
    }).set_index("January to")


def reconstructed_months(edition: Edition) -> pd.DataFrame:
    """Every month or total the briefing shows that is not simply reported, with bounds and claims."""
    table = edition.result.monthly
    end = edition.params.month
    rows = table[table["series"].isin(edition.params.series) & table["basis"].isin(["derived", "bounded"])
                 & (table["month"].str[:7] >= f"{edition.month.year - 1}-01") & (table["month"].str[-7:] <= end)]
    rows = rows.assign(order=rows["series"].map(list(edition.params.series).index),
                       is_total=rows["month"].str.contains("..", regex=False))
    rows = rows.sort_values(["order", "is_total", "month"], kind="stable")
    records = []
    for row in rows.itertuples():
        bounds = bounds_label(row.low, row.high)
        previous = records[-1] if records else None
        # consecutive bounded months with the same bounds and claims share one line
        if (previous and row.basis == "bounded" and previous["Basis"] == "bounded" and ".." not in row.month
                and previous["series"] == row.series and previous["Bounds (t)"] == bounds
                and previous["Rests on claims"] == row.claims
                and parse_month(previous["last"]) + 1 == parse_month(row.month)):
            previous["last"] = row.month
            continue
        records.append({"series": row.series, "first": row.month, "last": row.month, "Basis": row.basis,
                        "Estimate (t)": number(row.estimate, row.basis) if row.basis in PINNED else "—",
                        "Bounds (t)": bounds, "Rests on claims": row.claims})
    frame = pd.DataFrame(records, columns=["series", "first", "last", "Basis", "Estimate (t)", "Bounds (t)",
                                           "Rests on claims"])
    frame["Series"] = frame["series"].map(series_label)
    # a total of several months, and a run of months that each have the same bounds, must not read alike
    frame["Month"] = [table_month_label(first, last) for first, last in zip(frame["first"], frame["last"])]
    return frame.drop(columns=["series", "first", "last"]).set_index(["Series", "Month"])


def claims_not_as_stated(edition: Edition) -> pd.DataFrame | None:
    """Disputed claims, then those set aside, then those kept within the allowance; None if every
    claim holds as stated."""
    table = edition.result.consistency
    shown = table[table["status"].isin(NOT_AS_STATED)]
    if shown.empty:
        return None
    shown = shown.assign(order=shown["status"].map(NOT_AS_STATED.index)).sort_values(["order", "claim_id"])
    claims = edition.ledger.claims.set_index("claim_id")
    publisher = edition.ledger.sources.set_index("source_id")["publisher"]
    return pd.DataFrame({
        "Claim": shown["claim_id"],
        "Status": shown["status"].map(STATUS_WORDS),
        "Source": [publisher[claims.loc[c, "source_id"]] for c in shown["claim_id"]],
        "Reason": shown["reason"],
    }).set_index("Claim")


def revisions_table(edition: Edition) -> pd.DataFrame:
    """The months the previous edition showed differently: before and now, the change, the new claims."""
    revised = edition.changes.revised

    def shown(value, basis):
        return number(value, basis) if basis in PINNED and pd.notna(value) else "—"

    return pd.DataFrame({
        "Series": revised["series"].map(series_label),
        "Month": revised["month"].map(short_month),
        "Before (t)": [shown(v, b) for v, b in zip(revised["before"], revised["before_basis"])],
        "Now (t)": [shown(v, b) for v, b in zip(revised["after"], revised["after_basis"])],
        "Change": [f"{c:+.1f}%".replace("-", "−") if pd.notna(c) else "—" for c in revised["change_pct"]],
        "Basis": [b if a == b else f"{a} → {b}" for a, b in zip(revised["before_basis"], revised["after_basis"])],
        "New claims": revised["claims"].replace("", "—"),
    }).set_index(["Series", "Month"])


def claims_table(edition: Edition) -> pd.DataFrame:
    """Every claim of the shown series and what it states, in words, with its source: the rows the
    bracketed ids of the briefing link to."""
    claims = edition.ledger.claims
    claims = claims[claims["series"].isin(edition.params.series)]
    publisher = edition.ledger.sources.set_index("source_id")["publisher"]
    return pd.DataFrame({
        "Claim": claims["claim_id"],
        "Series": claims["series"].map(series_label),
        "Period": [table_month_label(p, p) if ".." in p else short_month(p) for p in claims["period"]],
        "States": [claim_statement(claim) for claim in claims.itertuples()],
        "Qualifier": claims["qualifier"],
        "Source": claims["source_id"].map(publisher),
    }).set_index("Claim")


def sources_table(edition: Edition) -> pd.DataFrame:
    sources = edition.ledger.sources
    claims = edition.ledger.claims
    cited = claims.groupby("source_id")["claim_id"].apply(lambda ids: ", ".join(ids))
    return pd.DataFrame({
        "Publisher": sources["publisher"], "Title": sources["title"], "Published": sources["published"],
        "Claims": sources["source_id"].map(cited).fillna(""),
    }).set_index("Publisher")
