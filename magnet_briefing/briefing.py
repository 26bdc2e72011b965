"""What the briefing notebook calls: one function per cell, each showing one section's result."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import HTML, Image, Markdown, display

from . import analysis, charts, summary
from .engine import Reconstruction, reconstruct
from .ledger import Ledger, load_ledger
from .parameters import HEADLINE_SERIES, EditionParameters, ParameterError, resolve
from .paths import resolve_data_folder
from .periods import parse_month, parse_period, span_label


@dataclass(frozen=True)
class Edition:
    params: EditionParameters
    ledger: Ledger
    result: Reconstruction
    numbers: summary.EditionNumbers

    @property
    def month(self) -> pd.Period:
        return parse_month(self.params.month)

    def publishers(self, claim_ids=None) -> list[str]:
        claims = self.ledger.claims
        if claim_ids is not None:
            claims = claims[claims["claim_id"].isin(set(claim_ids))]
        sources = self.ledger.sources.set_index("source_id")
        return sorted({sources.loc[s, "publisher"] for s in claims["source_id"]})

    def source_line(self, series=None) -> str:
        claims = self.result.kept
        if series is not None:
            claims = claims[claims["series"].isin(series)]
        return charts.source_line(self.publishers(claims["claim_id"]))

    @property
    def baseline_text(self) -> str:
        return analysis.baseline_label(self.params.baseline, self.params.control_start)


def open_edition(month: str = "latest", control_start: str = "2025-04", baseline: str = "pre_control_mean",
                 series=("magnets/world",), data: str = "data") -> Edition:
    """Load, validate and reconstruct; stop with one clear line if the month cannot be briefed."""
    ledger = load_ledger(resolve_data_folder(data))
    params = resolve({"month": month, "control_start": control_start, "baseline": baseline,
                      "series": list(series), "data": data}, ledger)
    result = reconstruct(ledger.claims)
    problem = analysis.check_edition_month(result, HEADLINE_SERIES, params.month)
    if problem:
        raise ParameterError(problem)
    charts.use_house_style()
    pd.set_option("display.max_colwidth", None)
    return Edition(params, ledger, result, summary.edition_numbers(result, params))


def _show(fig) -> None:
    display(Image(data=charts.png_bytes(fig), format="png"))


def _claims_note(claim_ids) -> str:
    return f' <span class="claims">[{", ".join(claim_ids)}]</span>' if claim_ids else ""


def show_summary(edition: Edition) -> None:
    points = summary.key_points(edition.result, edition.numbers, edition.params)
    items = "".join(f"<li>{p.text}{_claims_note(p.claims)}</li>" for p in points)
    display(HTML(f'<p class="lead">{summary.summary_paragraph(edition.numbers, edition.params)}</p>'
                 f'<h3>Key points</h3><ul class="key-points">{items}</ul>'
                 '<p class="note">Bracketed ids are the ledger claims behind each point; the appendix lists them '
                 'with their sources.</p>'))


def show_recovery_curve(edition: Edition) -> None:
    _show(charts.recovery_chart(edition.numbers.recovery, edition.baseline_text, edition.params.control_start,
                                edition.source_line(edition.params.series)))


def show_monthly_tonnage(edition: Edition, series: str = HEADLINE_SERIES) -> None:
    first = f"{edition.month.year - 1}-01"
    level = edition.numbers.level
    title = (f"{edition.month:%B} exports of {summary.tonnes(level)} against a low of "
             f"{summary.tonnes(_trough_level(edition))}" if _trough_level(edition) else
             f"{edition.month:%B} exports: {summary.tonnes(level)}")
    _show(charts.tonnage_chart(edition.result, series, first, edition.params.month,
                               edition.source_line([series]), title))


def _trough_level(edition: Edition):
    rec = edition.numbers.recovery
    rows = rec[(rec["series"] == HEADLINE_SERIES) & (rec["months_since_control"] >= 0) & rec["tonnes"].notna()]
    if rows.empty:
        return None
    row = rows.loc[rows["tonnes"].idxmin()]
    if row["month"] == edition.month:
        return None
    return analysis.Figure(row["tonnes"], row["low"], row["high"], row["basis"])


def recovery_metrics_table(edition: Edition) -> pd.DataFrame:
    metrics = edition.numbers.metrics.copy()

    def shortfall(row):
        if pd.isna(row["shortfall_t"]):
            return "n/a"
        return f"≈{row['shortfall_t']:,.0f} ({row['shortfall_low']:,.0f}–{row['shortfall_high']:,.0f})"

    metrics = metrics[metrics["trough"] != "n/a"]
    table = pd.DataFrame({
        "Series": metrics["series"].map(charts.label_of),
        "Trough": metrics["trough"],
        "Depth (% of baseline)": metrics["depth_pct"].map(lambda v: f"{v:.0f}%"),
        "Months from controls to trough": metrics["months_to_trough"].map(lambda v: f"{int(v)}"),
        "Regained 90% of baseline": metrics["regain_90"],
        "Regained 100% of baseline": metrics["regain_100"],
        "Shortfall since controls (t)": metrics.apply(shortfall, axis=1),
        "Months not pinned": metrics["note"].str.replace("not pinned: ", "", regex=False).replace("", "none"),
    })
    return table.set_index("Series").T.rename_axis(index="Metric")


def show_recovery_metrics(edition: Edition) -> None:
    metrics = edition.numbers.metrics
    missing = metrics.loc[metrics["trough"] == "n/a", "series"].map(charts.label_of).tolist()
    note = f" No baseline for {', '.join(missing)}, so no metrics." if missing else ""
    display(Markdown(f"Baseline: {edition.baseline_text}. Months are counted from "
                     f"{parse_month(edition.params.control_start):%B %Y} (month 0). "
                     "Shortfall: baseline minus exports, summed from the start of the controls, with bounds; "
                     f"it needs every month since the controls pinned.{note}"))
    display(recovery_metrics_table(edition))


def year_to_date_table(edition: Edition) -> pd.DataFrame:
    ytd = edition.numbers.ytd
    rows = ytd[ytd["ytd"].notna()]
    year = edition.month.year

    def tonnes(value, basis):
        return "n/a" if pd.isna(value) else f"{'' if basis == 'reported' else '≈'}{value:,.0f}"

    return pd.DataFrame({
        "January to": rows["month"].map(lambda m: f"{m:%B}"),
        f"{year} (t)": [tonnes(v, b) for v, b in zip(rows["ytd"], rows["basis"])],
        f"{year - 1} (t)": rows["prior_ytd"].map(lambda v: "n/a" if pd.isna(v) else f"≈{v:,.0f}"),
        "Change": [("n/a" if pd.isna(c) else f"{c:+.1f}% ({lo:+.1f} to {hi:+.1f})")
                   for c, lo, hi in zip(rows["change_pct"], rows["change_low"], rows["change_high"])],
    }).set_index("January to")


def show_year_to_date(edition: Edition) -> None:
    ytd = edition.numbers.ytd
    last = ytd.iloc[-1]
    if pd.notna(last["change_pct"]):
        title = (f"Year-to-date exports {abs(last['change_pct']):.0f}% "
                 f"{'below' if last['change_pct'] < 0 else 'above'} {edition.month.year - 1}")
    else:
        title = "Year-to-date exports"
    _show(charts.year_to_date_chart(ytd, edition.source_line([HEADLINE_SERIES]), title))
    display(year_to_date_table(edition))


def show_magnets_vs_rare_earths(edition: Edition) -> None:
    pair = ["magnets/world", "rare_earths/world"]
    rec = edition.numbers.recovery
    both = rec[rec["series"].isin(pair) & rec["pct"].notna() & (rec["months_since_control"] >= 0)]
    if "rare_earths/world" not in edition.params.series or both["series"].nunique() < 2:
        display(Markdown("_The ledger has no rare-earth figures that can be set against magnets for these months._"))
        return
    latest = both[both["series"] == "rare_earths/world"]["month"].max()
    values = both[both["month"] == latest].set_index("series")["pct"]
    title = (f"In {latest:%B}, rare-earth exports were at {values['rare_earths/world']:.0f}% of baseline, "
             f"magnets at {values['magnets/world']:.0f}%")
    display(Markdown("Rare earths here are customs' total of the 17 rare-earth types (compounds and metals), a "
                     "different product from magnets; their controls covered seven medium and heavy elements only."))
    _show(charts.comparison_chart(rec, pair, edition.baseline_text, edition.source_line(pair), title))


def show_destinations(edition: Edition) -> None:
    destinations = [s for s in edition.params.series if s.startswith("magnets/") and s != HEADLINE_SERIES]
    if not destinations:
        display(Markdown("_No destination series selected._"))
        return
    first = max(parse_month(edition.params.control_start), edition.month - 5)
    figures = {s: analysis.month_figure(edition.result, s, edition.month) for s in destinations}
    pinned = {s: f for s, f in figures.items() if f.pinned}
    if pinned:
        parts = [f"{charts.label_of(s).replace('Magnets to ', '')} {summary.tonnes(f)}" for s, f in pinned.items()]
        title = f"{edition.month:%B} magnet shipments: " + ", ".join(parts)
    else:
        title = f"No destination figures for {edition.month:%B}"
    _show(charts.destinations_chart(edition.result, destinations, str(first), edition.params.month,
                                    edition.source_line(destinations), title))


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
        # no line break in a range: no-break spaces, and word joiners, since a line may break after a dash
        bounds = f"{row.low:,.0f}\u00a0\u2060–\u2060\u00a0{row.high:,.0f}"
        previous = records[-1] if records else None
        # consecutive bounded months with the same bounds and claims share one line
        if (previous and row.basis == "bounded" and previous["Basis"] == "bounded" and ".." not in row.month
                and previous["series"] == row.series and previous["Bounds (t)"] == bounds
                and previous["Rests on claims"] == row.claims
                and parse_month(previous["last"]) + 1 == parse_month(row.month)):
            previous["last"] = row.month
            continue
        records.append({"series": row.series, "first": row.month, "last": row.month, "Basis": row.basis,
                        "Estimate (t)": "—" if pd.isna(row.estimate) else f"≈{row.estimate:,.0f}",
                        "Bounds (t)": bounds, "Rests on claims": row.claims})
    frame = pd.DataFrame(records, columns=["series", "first", "last", "Basis", "Estimate (t)", "Bounds (t)",
                                           "Rests on claims"])
    frame["Series"] = frame["series"].map(charts.label_of)
    # a total of several months, and a run of months that each have the same bounds, must not read alike
    frame["Month"] = [_month_label(first, last) for first, last in zip(frame["first"], frame["last"])]
    return frame.drop(columns=["series", "first", "last"]).set_index(["Series", "Month"])


def _month_label(first: str, last: str) -> str:
    """'May 2024'; 'Jan–Mar 2025 total' for a total of several months; 'Jan–Apr 2024, each' for a run
    of months that each have the bounds shown."""
    if ".." in first:
        total = parse_period(first)
        return f"{span_label(total.start, total.end)} total"
    label = span_label(parse_month(first), parse_month(last))
    return label if first == last else f"{label}, each"


def inconsistent_claims(edition: Edition) -> pd.DataFrame | None:
    table = edition.result.consistency
    bad = table[table["status"] == "inconsistent"]
    if bad.empty:
        return None
    claims = edition.ledger.claims.set_index("claim_id")
    return pd.DataFrame({
        "Claim": bad["claim_id"],
        "Source": [claims.loc[c, "source_id"] for c in bad["claim_id"]],
        "Reason": bad["reason"],
    }).set_index("Claim")


def sources_table(edition: Edition) -> pd.DataFrame:
    sources = edition.ledger.sources
    claims = edition.ledger.claims
    cited = claims.groupby("source_id")["claim_id"].apply(lambda ids: ", ".join(ids))
    return pd.DataFrame({
        "Publisher": sources["publisher"], "Title": sources["title"], "Published": sources["published"],
        "Claims": sources["source_id"].map(cited).fillna(""),
    }).set_index("Publisher")


def _show_text_table(frame: pd.DataFrame) -> None:
    """A table of words (titles, reasons): set left-aligned and unhyphenated, unlike tables of figures."""
    display(HTML(frame.to_html(classes="text-table")))


def show_data_quality(edition: Edition) -> None:
    display(Markdown("### Reconstructed months\n"
                     "*Derived*: the claims pin the month within ±2.5%; the estimate is the middle of its bounds. "
                     "*Bounded*: only a range is known and no estimate is given. "
                     "Bounds are the tightest the claims allow (linear programming)."))
    display(reconstructed_months(edition))
    display(Markdown("### Inconsistent claims"))
    bad = inconsistent_claims(edition)
    if bad is None:
        display(Markdown(f"All {len(edition.ledger.claims)} claims are consistent with each other "
                         "within their stated precision."))
    else:
        display(Markdown("These claims contradict the rest and were set aside; the reconstruction does not use them."))
        _show_text_table(bad)
    display(Markdown("### Sources"))
    _show_text_table(sources_table(edition))
