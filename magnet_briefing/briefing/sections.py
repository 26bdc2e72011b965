"""What the briefing notebook calls: open_edition in its first cell, then one function per section,
each showing that section's result."""
from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pandas as pd
from IPython import get_ipython
from IPython.display import HTML, Image, Markdown, display
from markupsafe import Markup, escape

from ..analysis.figures import Figure, month_figure
from ..analysis.recovery import trough
from ..analysis.vintages import previous_day, what_changed
from ..config import ParameterError, check_names, ledger_folder, resolve
from ..engine import reconstruct
from ..engine.reconstruct import ImplausibleClaims
from ..engine.saved import RefusedFile, read_reconstruction
from ..ledger.load import LedgerError, load_ledger
from ..ledger.periods import parse_month
from ..ledger.vintage import as_of as vintage
from ..ledger.vintage import publication_day
from . import charts, tables, words
from .edition import Edition, prepare_edition, vintages
from .html_table import table_html
from .labels import (
    claim_anchor,
    day_label,
    destination_name,
    month_label,
    month_name,
    percent,
    product_adjective,
    series_label,
    tonnes,
)
from .style import phone_size, png_bytes, use_house_style

USER_ERRORS = (ParameterError, LedgerError, RefusedFile, ImplausibleClaims)  # shown as one line, not a traceback
NOTEBOOK_ONLY = ("reconstruction",)  # set by the build, not a briefing parameter of params.yaml


def _one_line(shell, etype, value, tb, tb_offset=None):
    shell._showtraceback(etype, value, [f"{etype.__name__}: {value}"])


def injected_parameters(history: list[str]) -> set[str]:
    """The names papermill assigned: its injected cell starts '# Parameters' (IPython's In history)."""
    names = set()
    for source in history:
        if source.startswith("# Parameters"):
            tree = ast.parse(source)
            names |= {target.id for node in tree.body if isinstance(node, ast.Assign)
                      for target in node.targets if isinstance(target, ast.Name)}
    return names


def open_edition(month=None, as_of=None, control_start=None, baseline=None, series=None, data=None,
                 reconstruction=None) -> Edition:
    """Load, validate and reconstruct; stop with one clear line if the month cannot be briefed.

    None takes the default from params.yaml. `reconstruction` is the file `make report` saved the
    edition's reconstruction in, so the ledger is reconstructed once per edition; without it the
    ledger is reconstructed here. Run by papermill, a parameter the notebook does not know (a typo
    such as `-p basline ...`, which papermill only warns about) is an error."""
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc(USER_ERRORS, _one_line)
        check_names({name: None for name in injected_parameters(shell.user_ns.get("In", []))
                     if name not in NOTEBOOK_ONLY}, where="papermill parameters")
    ledger = load_ledger(ledger_folder(data))
    params = resolve({"month": month, "as_of": as_of, "control_start": control_start, "baseline": baseline,
                      "series": series, "data": data}, ledger)
    full, ledger = ledger, vintage(ledger, params.as_of)
    if reconstruction is None:  # run on its own (JupyterLab): reconstruct this edition and its vintages
        result = reconstruct(ledger.claims)
        prepare_edition(params, ledger, result)
        changes, revisions, _ = vintages(full, params, result)
    else:  # the build's files, next to each other (publish/build.py)
        result = read_reconstruction(reconstruction, ledger)
        previous_file = Path(reconstruction).with_name("previous.pickle")
        _, day = previous_day(params)
        previous = read_reconstruction(previous_file, vintage(full, day)) if previous_file.exists() else None
        changes = what_changed(params, full, result, previous)
        triangle_file = Path(reconstruction).with_name("revisions.csv")
        revisions = pd.read_csv(triangle_file, dtype={"as_of": str, "month": str}) if triangle_file.exists() else None
    edition = prepare_edition(params, ledger, result, changes, revisions)
    use_house_style()
    pd.set_option("display.max_colwidth", None)
    return edition


EMAIL_ONLY = "email_only"  # output metadata: a chart for the e-mail alone (publishing leaves it out of the pages)


def _show(fig) -> None:
    """The chart, with its finding and units as alt text (HTML, e-mail)."""
    alt = fig.get_label()
    display(Image(data=png_bytes(fig), format="png"), metadata={"alt": alt} if alt else None)


def _show_with_phone_copy(draw) -> None:
    """The chart, and again at a phone's width for the e-mail, whose body is read on phones too."""
    _show(draw())
    with phone_size():
        fig = draw()
        display(Image(data=png_bytes(fig), format="png"), metadata={EMAIL_ONLY: True, "alt": fig.get_label()})


def _claim_links(edition: Edition, claim_ids, separator: str = ", ") -> Markup:
    """Claim ids as links to their rows in the appendix's claims table (ids it does not list stay text)."""
    listed = set(edition.ledger.claims.loc[edition.ledger.claims["series"].isin(edition.params.series), "claim_id"])
    return Markup(separator).join(Markup('<a class="claim-id" href="#{}">{}</a>').format(claim_anchor(c), c)
                                  if c in listed else Markup('<span class="claim-id">{}</span>').format(c)
                                  for c in claim_ids)


CLAIMS_CITED_AT_MOST = 12   # a point on more claims cites CLAIMS_CITED_NEWEST of them and counts the rest
CLAIMS_CITED_NEWEST = 8


def _claims_note(edition: Edition, claim_ids) -> str:
    """The claims behind a point, the most recently published first when there are many.

    A point on a year of months can rest on twenty claims; the rest are named as a count, and each
    month's claims are in the appendix's table of reconstructed months.
    """
    if not claim_ids:
        return ""
    if len(claim_ids) <= CLAIMS_CITED_AT_MOST:
        return f' <span class="claims">[{_claim_links(edition, claim_ids)}]</span>'
    day = dict(zip(edition.ledger.sources["source_id"], edition.ledger.sources["published"].map(publication_day)))
    source = dict(zip(edition.ledger.claims["claim_id"], edition.ledger.claims["source_id"]))
    newest = sorted(claim_ids, key=lambda c: (-(day.get(source.get(c)) or datetime.date.min).toordinal(), c))
    shown = sorted(newest[:CLAIMS_CITED_NEWEST])
    more = len(claim_ids) - len(shown)
    return (f' <span class="claims">[{_claim_links(edition, shown)} and {more} earlier claim{"s" if more > 1 else ""}, '
            f'listed month by month in the appendix]</span>')


def show_summary(edition: Edition) -> None:
    """Every text from the numbers or the ledger goes into the HTML escaped (markupsafe)."""
    items = "".join(f"<li>{escape(p.text)}{_claims_note(edition, p.claims)}</li>" for p in edition.key_points())
    display(HTML(f'<p class="lead">{escape(words.summary_paragraph(edition.result, edition.numbers, edition.params))}</p>'
                 f'<h3>Key points</h3><ul class="key-points">{items}</ul>'
                 '<p class="note">Bracketed ids are the ledger claims behind each point; the appendix lists them '
                 'with their sources.</p>'))


def show_what_changed(edition: Edition) -> None:
    """Against the previous month's edition as of its own day: revised months, new claims, claims
    set aside since; and how the last months' estimates moved from edition to edition."""
    changes = edition.changes
    if changes is None or not changes.had_previous:
        display(Markdown(f"_No earlier edition to compare with: no claim had been published by "
                         f"{day_label(previous_day(edition.params)[1])}._"))
        return
    before = f"the {month_label(changes.previous_month)} edition (data as of {day_label(changes.previous_as_of)})"
    new = (f" {len(changes.new_claims)} claims were published since: "
           f"{_claim_links(edition, changes.new_claims)}." if changes.new_claims else " No claim was published since.")
    if changes.revised.empty and not changes.newly_set_aside:
        display(HTML(f"<p>No revisions since {escape(before)}.{new}</p>"))
    else:
        display(HTML(f"<p>Against {escape(before)}.{new}</p>"))
        if not changes.revised.empty:
            _show_table(tables.revisions_table(edition))
        if changes.newly_set_aside:
            display(HTML(f"<p>Set aside or disputed since then: {_claim_links(edition, changes.newly_set_aside)}.</p>"))
    if edition.revisions is not None and edition.revisions["as_of"].nunique() > 1:
        _show(charts.vintage_chart(edition.revisions, edition.params.headline, edition.month,
                                   edition.source_line([edition.params.headline])))


def show_recovery_curve(edition: Edition) -> None:
    _show_with_phone_copy(lambda: charts.recovery_chart(
        edition.numbers.recovery, edition.baseline_text, edition.params.control_start,
        edition.source_line(edition.params.series), edition.params.headline))


def _trough_level(edition: Edition) -> Figure | None:
    """The headline series at its trough, unless the trough is the edition month itself."""
    low = trough(edition.numbers.recovery, edition.params.headline)
    if low is None or not low.certain or low.row["month"] == edition.month:
        return None
    level = Figure(low.row["tonnes"], low.row["low"], low.row["high"], low.row["basis"])
    return level if level.pinned else None


def show_monthly_tonnage(edition: Edition, series: str | None = None) -> None:
    series = series or edition.params.headline
    first = f"{edition.month.year - 1}-01"
    level, low = edition.numbers.level, _trough_level(edition)
    title = (f"{month_name(edition.month)} exports of {tonnes(level)} against a low of {tonnes(low)}" if low else
             f"{month_name(edition.month)} exports: {tonnes(level)}")
    _show_with_phone_copy(lambda: charts.tonnage_chart(edition.result, series, first, edition.params.month,
                                                       edition.source_line([series]), title))


def show_recovery_metrics(edition: Edition) -> None:
    metrics = edition.numbers.metrics
    missing = metrics.loc[metrics["trough_month"].isna(), "series"].map(series_label).tolist()
    note = f" No baseline for {', '.join(missing)}, so no metrics." if missing else ""
    intro = (f"Baseline: {edition.baseline_text}. Months are counted from "
             f"{month_label(parse_month(edition.params.control_start))} (month 0). "
             "Since the controls, in all: exports summed from the start of the controls against the baseline's, "
             f"above or below, with bounds; it needs every month since the controls pinned.{note}")
    _show_table(tables.recovery_metrics_table(edition), intro=intro)


def show_year_to_date(edition: Edition) -> None:
    ytd = edition.numbers.ytd
    last = ytd.iloc[-1]
    headline = edition.params.headline
    labels = {row["month"]: words.ytd_change_words(edition.result, headline, row["month"], row, signed=True)[0]
              for _, row in ytd[ytd["change_pct"].notna()].iterrows()}
    if pd.notna(last["change_pct"]):
        text_of_change, moved, _ = words.ytd_change_words(edition.result, headline, edition.month, last)
        title = f"Year-to-date exports {text_of_change} {'below' if moved < 0 else 'above'} {edition.month.year - 1}"
    else:
        title = "Year-to-date exports"
    _show(charts.year_to_date_chart(ytd, edition.source_line([headline]), title, labels))
    _show_table(tables.year_to_date_table(edition))


def show_magnets_vs_rare_earths(edition: Edition) -> None:
    pair = ["magnets/world", "rare_earths/world"]
    rec = edition.numbers.recovery
    both = rec[rec["series"].isin(pair) & rec["pct"].notna() & (rec["months_since_control"] >= 0)]
    if not {"magnets/world", "rare_earths/world"} <= set(edition.params.series) or both["series"].nunique() < 2:
        have = set(both["series"]) & set(edition.params.series)
        missing = "rare-earth" if "magnets/world" in have else "magnet" if "rare_earths/world" in have else \
            "magnet or rare-earth"
        other = {"rare-earth": "magnets", "magnet": "rare earths"}.get(missing, "each other")
        display(Markdown(f"_The edition has no {missing} figures as % of baseline to set against {other} "
                         "for these months._"))
        return
    latest = both[both["series"] == "rare_earths/world"]["month"].max()
    values = both[both["month"] == latest].set_index("series")
    share = {s: percent(values.loc[s, "pct"], values.loc[s, "pct_basis"]) for s in pair}
    title = (f"In {month_name(latest)}, rare-earth exports were at {share['rare_earths/world']} of baseline, "
             f"magnets at {share['magnets/world']}")
    display(Markdown("Rare earths here are customs' total of the 17 rare-earth types (compounds and metals), a "
                     "different product from magnets; their controls covered seven medium and heavy elements only."))
    _show(charts.comparison_chart(rec, pair, edition.baseline_text, edition.source_line(pair), title))


def show_destinations(edition: Edition) -> None:
    destinations = words.destination_series(edition.params)
    if not destinations:
        display(Markdown("_No destination series selected._"))
        return
    first = max(parse_month(edition.params.control_start), edition.month - 5)
    figures = {s: month_figure(edition.result, s, edition.month) for s in destinations}
    pinned = {s: f for s, f in figures.items() if f.pinned}
    if pinned:
        parts = [f"{destination_name(s.partition('/')[2])} {tonnes(f)}" for s, f in pinned.items()]
        title = f"{month_name(edition.month)} {product_adjective(edition.params.headline)} shipments: " + ", ".join(parts)
    else:
        title = f"No destination figures for {month_name(edition.month)}"
    _show(charts.destinations_chart(edition.result, destinations, str(first), edition.params.month,
                                    edition.source_line(destinations), title))


def _show_table(frame: pd.DataFrame, words: bool = False, row_ids: list[str] | None = None, intro: str = "",
                claims_last: bool = False) -> None:
    """A table of figures, or (words=True) of words such as titles and reasons, set left-aligned;
    with its introduction, kept on the same page as a short table. claims_last: the last column
    lists claim ids, set left-aligned in the room the figures leave."""
    classes = (("text-table",) if words else ()) + (("claims-last",) if claims_last else ())
    table = table_html(frame, classes, row_ids)
    text = Markup("<p>{}</p>").format(intro) if intro else ""
    display(HTML(f'<div class="table-block">{text}{table}</div>'))


def show_data_quality(edition: Edition) -> None:
    display(Markdown("### Reconstructed months\n"
                     "*Derived*: the claims pin the month within ±2.5%; the estimate is the middle of its bounds. "
                     "*Bounded*: only a range is known and no estimate is given. "
                     "Bounds are the tightest the claims allow (linear programming)."))
    months = tables.reconstructed_months(edition)
    months["Rests on claims"] = [_claim_links(edition, ids.split(), " ") for ids in months["Rests on claims"]]
    _show_table(months, claims_last=True)
    display(Markdown("### Claims not taken as stated"))
    listed = tables.claims_not_as_stated(edition)
    if listed is None:
        display(Markdown(f"All {len(edition.ledger.claims)} claims are consistent with each other "
                         "within their stated precision."))
    else:
        display(Markdown("*Disputed*: the claim and another reading cannot both hold and the evidence does not "
                         "settle which is wrong; neither is used, and the months they touch are shown as ranges that "
                         "cover every reading. *Set aside*: the claim contradicts the rest beyond any revision or "
                         "rounding between outlets; the reconstruction does not use it. *Kept, within the "
                         "allowance*: the claim differs from the others by no more than customs revisions and "
                         "outlets' rounding explain; it is used with that allowance."))
        listed.index = [_claim_links(edition, [claim]) for claim in listed.index]
        listed.index.name = "Claim"
        _show_table(listed, words=True)
    display(Markdown("### Claims\n"
                     "What each claim of the series shown states, as its source wrote it."))
    claims = tables.claims_table(edition)
    _show_table(claims, words=True, row_ids=[claim_anchor(c) for c in claims.index])
    display(Markdown("### Sources"))
    _show_table(tables.sources_table(edition), words=True)
