"""The briefing's charts, each in the house style (style.py): recovery curve, monthly tonnage,
destinations, year to date, and magnets against rare earths."""
from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch

from ..analysis.figures import month_figure
from ..analysis.recovery import since_controls, trough
from ..engine import Reconstruction
from ..ledger.periods import parse_month
from .labels import (
    MONTH_NAMES,
    day_label,
    month_label,
    month_name,
    months_label,
    number,
    percent,
    series_label,
    series_name,
    short_month,
    short_month_name,
)
from .style import (
    A4_WIDTH_IN,
    INK,
    MUTED,
    PRIOR_YEAR,
    basis_legend_handles,
    finish,
    legend_below,
    markers,
    narrow,
    style_of,
)


def recovery_title(recovery: pd.DataFrame, headline_series: str) -> str:
    low = trough(recovery, headline_series)
    known = since_controls(recovery, headline_series)
    name = series_name(headline_series)
    name = name[0].upper() + name[1:]
    if low is None or known.empty:
        return "No baseline: the recovery cannot be measured for this series"
    last = known.iloc[-1]
    if low.certain and last["month"] == low.row["month"]:
        return f"{name} at {percent(last['pct'], last['pct_basis'])} of baseline in {month_name(last['month'])}"
    if low.certain and pd.notna(low.row["pct"]):
        fell = f"fell to {percent(low.row['pct'], low.row['pct_basis'])} of baseline in {month_name(low.row['month'])}"
    else:
        fell = f"fell to at most {percent(low.high, 'bounded')} of baseline in {months_label(low.months)}"
    return f"{name} {fell} and stood at {percent(last['pct'], last['pct_basis'])} in {month_name(last['month'])}"


LABEL_GAP = 0.055  # end labels at least this share of the axis apart: they never print on top of each other


def end_labels(ends: list[tuple[float, float, object]], gap: float) -> list[tuple[float, float, float, object]]:
    """(x, value, text y, what the label carries) for labels at the ends of lines: labels at the
    same x are moved apart, upwards from the lowest, so that no two are closer than `gap`."""
    placed = []
    for x_end in sorted({x for x, _, _ in ends}):
        last = -np.inf
        for _, y, carried in sorted((e for e in ends if e[0] == x_end), key=lambda e: e[1]):
            text_y = max(y, last + gap)
            placed.append((x_end, y, text_y, carried))
            last = text_y
    return placed


def recovery_chart(recovery: pd.DataFrame, baseline_text: str, control_start: str, source: str,
                   headline_series: str):
    """Exports as % of baseline against months since the controls, with bounds as bands."""
    fig, ax = plt.subplots()
    shown, ends = [], []
    for series, rows in recovery.groupby("series", sort=False):
        rows = rows[rows["pct"].notna()]
        if rows.empty:
            continue
        colour, line, marker = style_of(series)
        x = rows["months_since_control"].to_numpy()
        ax.fill_between(x, rows["pct_low"], np.minimum(rows["pct_high"], 400), color=colour, alpha=0.18, linewidth=0)
        ax.plot(x, rows["pct"], line, color=colour, linewidth=1.6, label=series_label(series))
        markers(ax, x, rows["pct"], rows["basis"], colour, marker)
        last = rows.iloc[-1]
        ends.append((x[-1], float(last["pct"]), (colour, percent(last["pct"], last["pct_basis"]))))
        shown.append(series)
    known = recovery[recovery["pct"].notna()]
    top = max(140.0, float(np.minimum(known["pct_high"], 400).max()) * 1.12) if len(known) else 140.0
    ax.set_ylim(0, top)
    for x_end, y, text_y, (colour, label) in end_labels(ends, gap=top * LABEL_GAP):
        ax.annotate(label, (x_end, y), xytext=(x_end + 0.12, text_y), textcoords="data", va="center",
                    fontsize=8, color=colour, fontweight="bold")
    ax.axhline(100, color=INK, linewidth=0.9)
    ax.axvline(-0.5, color=MUTED, linewidth=0.8, linestyle=(0, (2, 2)))
    ax.text(-0.45, top * 0.98, f" controls from {short_month(parse_month(control_start))}", fontsize=7.5, color=MUTED, va="top")
    start = parse_month(control_start)
    ticks = sorted(recovery["months_since_control"].unique())
    ax.set_xticks(ticks, [f"{t:+d}\n{short_month_name(start + int(t))} {(start + int(t)).year % 100:02d}" if t
                          else f"0\n{short_month_name(start)} {start.year % 100:02d}" for t in ticks])
    ax.set_xlabel("months since the controls began")
    ax.set_ylabel("% of baseline (100% = baseline)")
    ax.set_xlim(-0.9, max(ticks) + 0.7)  # room for the end labels, even with one month since the controls
    handles, labels = ax.get_legend_handles_labels()
    legend_below(ax, handles + basis_legend_handles(), labels + ["reported", "reconstructed"],
                 ncols=min(4, len(handles) + 2) if len(handles) < 2 else 3)
    missing = sorted(set(recovery["series"]) - set(shown))
    note = f" No baseline for: {', '.join(series_label(s) for s in missing)}." if missing else ""
    finish(fig, ax, recovery_title(recovery, headline_series),
           f"Exports as % of {baseline_text}.{note}", source)
    return fig


def tonnage_chart(result: Reconstruction, series: str, first: str, last: str, source: str, title: str):
    """Monthly tonnes: solid bars reported, hatched reconstructed, floating bars where only bounds
    are known, and range totals as brackets rather than invented months."""
    fig, ax = plt.subplots()
    colour, _, _ = style_of(series)
    months = list(pd.period_range(parse_month(first), parse_month(last), freq="M"))
    x = np.arange(len(months))
    figures = [month_figure(result, series, month) for month in months]
    pinned = [f.high for f in figures if f.pinned]
    top = max(pinned) * 1.3 if pinned else max([f.high for f in figures if f.basis == "bounded"] or [1.0])
    for i, fig_ in enumerate(figures):
        if fig_.basis == "reported":
            ax.bar(i, fig_.value, color=colour, width=0.72)
        elif fig_.basis == "derived":
            ax.bar(i, fig_.value, color="white", edgecolor=colour, hatch="////", width=0.72, linewidth=1.0)
            ax.errorbar(i, fig_.value, yerr=[[fig_.value - fig_.low], [fig_.high - fig_.value]],
                        color=INK, capsize=2, linewidth=0.8)
        elif fig_.basis == "bounded":
            high = min(fig_.high, top)
            ax.bar(i, high - fig_.low, bottom=fig_.low, color=colour, alpha=0.18, width=0.72,
                   edgecolor=colour, linewidth=0.6, linestyle=(0, (2, 2)))
            if fig_.high > top:  # the range runs off the chart
                ax.annotate("", (i, top * 1.02), (i, top * 0.9), arrowprops={"arrowstyle": "->", "color": colour})
        else:
            ax.text(i, 0, "n/a", ha="center", va="bottom", fontsize=6.5, color=MUTED, rotation=90)
    # range totals the claims pin (e.g. Jan-Mar 2025) as labelled brackets over their months
    table = result.monthly
    ranges = table[(table["series"] == series) & table["month"].str.contains(r"\.\.")]
    for row in ranges.itertuples():
        start, end = (parse_month(p) for p in row.month.split(".."))
        if start < months[0] or end > months[-1]:
            continue
        a, b = (start - months[0]).n, (end - months[0]).n
        y = top * 1.06
        ax.plot([a - 0.35, a - 0.35, b + 0.35, b + 0.35], [y * 0.98, y, y, y * 0.98], color=INK, linewidth=0.9)
        total = f"{number(row.estimate, row.basis)} t"
        label = total if narrow(fig) else f"{short_month_name(start)}–{short_month_name(end)}: {total} in total"
        ax.text(a - 0.35, y * 1.01, label, ha="left", va="bottom", fontsize=7.5, color=INK, in_layout=False)
        top = max(top, y * 1.12)
    ax.set_ylim(0, top * 1.08)
    labels = [f"{short_month_name(m)}\n{m.year}" if (m.month == 1 or i == 0) else f"{short_month_name(m)}" for i, m in enumerate(months)]
    if narrow(fig):  # every other month, so that the labels fit
        labels = [label if i % 2 == 0 or "\n" in label else "" for i, label in enumerate(labels)]
    ax.set_xticks(x, labels, fontsize=7 if len(months) > 14 else 8)
    ax.set_ylabel("tonnes")
    ax.yaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="x", visible=False)
    handles = [Patch(color=colour, label="reported"),
               Patch(facecolor="white", edgecolor=colour, hatch="////", label="reconstructed (bar: bounds)"),
               Patch(facecolor=colour, alpha=0.18, edgecolor=colour, linestyle="--", label="only bounds known")]
    legend_below(ax, handles, [h.get_label() for h in handles], ncols=3)
    finish(fig, ax, title, f"{series_label(series)}, tonnes per month. Brackets: totals known only for several "
                           "months together; n/a: no upper bound", source)
    return fig


def year_to_date_chart(ytd: pd.DataFrame, source: str, title: str, change_labels: dict):
    """Cumulative exports since January, this year against last, where the cumulative total is pinned."""
    fig, ax = plt.subplots()
    colour, _, marker = style_of(ytd["series"].iloc[0])
    rows = ytd[ytd["ytd"].notna()]
    x = rows["month"].map(lambda m: m.month).to_numpy(dtype=float)
    ax.fill_between(x, rows["ytd_low"].astype(float), rows["ytd_high"].astype(float), color=colour, alpha=0.2,
                    linewidth=0)
    year = int(rows["month"].iloc[-1].year) if len(rows) else 0
    ax.plot(x, rows["ytd"], "-", color=colour, linewidth=1.8, label=str(year))
    markers(ax, x, rows["ytd"], rows["basis"], colour, marker)
    prior = ytd[ytd["prior_ytd"].notna()]
    px = prior["month"].map(lambda m: m.month).to_numpy(dtype=float)
    ax.plot(px, prior["prior_ytd"], "--", color=PRIOR_YEAR, linewidth=1.5, marker="o", markerfacecolor="white",
            label=str(year - 1))
    for row in rows[rows["change_pct"].notna()].itertuples():  # each label as the text says it ('−14.5%')
        ax.annotate(change_labels[row.month], (row.month.month, row.ytd), xytext=(0, -13),
                    textcoords="offset points", ha="center", fontsize=7.5, color=colour)
    ax.set_xticks(range(1, 13), [MONTH_NAMES[m - 1][:3] for m in range(1, 13)])
    ax.set_xlim(0.5, max(x.max() if len(x) else 1, px.max() if len(px) else 1) + 0.5)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.set_ylabel("tonnes since January")
    legend_below(ax, ncols=2)
    finish(fig, ax, title, f"Cumulative {series_name(ytd['series'].iloc[0])} since January, tonnes; labels: "
           "change on a year earlier", source)
    return fig


def comparison_chart(recovery: pd.DataFrame, series: list[str], baseline_text: str, source: str, title: str,
                     subtitle: str = ""):
    """Side-by-side bars of % of baseline per month for a few series (months with a figure only)."""
    rows = recovery[recovery["series"].isin(series) & recovery["pct"].notna() & (recovery["months_since_control"] >= 0)]
    months = sorted(rows["month"].unique())
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 3.0))
    width = 0.8 / max(len(series), 1)
    hatches = {"reported": "", "derived": "////"}
    for k, name in enumerate(series):
        colour, _, _ = style_of(name)
        for i, month in enumerate(months):
            row = rows[(rows["series"] == name) & (rows["month"] == month)]
            if row.empty:
                continue
            row = row.iloc[0]
            xpos = i + (k - (len(series) - 1) / 2) * width
            derived = row["basis"] != "reported"
            ax.bar(xpos, row["pct"], width=width * 0.92, color="white" if derived else colour, edgecolor=colour,
                   hatch=hatches.get(row["basis"], ""), linewidth=1.0)
            ax.errorbar(xpos, row["pct"], yerr=[[row["pct"] - row["pct_low"]], [row["pct_high"] - row["pct"]]],
                        color=INK, capsize=2, linewidth=0.7)
            ax.text(xpos, row["pct_high"] + 2, percent(row["pct"], row["pct_basis"]), ha="center", va="bottom",
                    fontsize=7.5)
        for i, month in enumerate(months):
            if rows[(rows["series"] == name) & (rows["month"] == month)].empty:
                xpos = i + (k - (len(series) - 1) / 2) * width
                ax.text(xpos, 1, "n/a", ha="center", va="bottom", fontsize=6.5, color=MUTED, rotation=90)
    ax.axhline(100, color=INK, linewidth=0.9)
    ax.set_xticks(range(len(months)), [f"{short_month(m)}" for m in months])
    ax.set_xlim(-0.6, len(months) - 0.4)
    ax.set_ylabel("% of baseline")
    ax.set_ylim(0, max(130, rows["pct_high"].max() * 1.18 if len(rows) else 130))
    ax.grid(axis="x", visible=False)
    legend_below(ax, [Patch(color=style_of(n)[0]) for n in series], [series_label(n) for n in series], ncols=len(series))
    finish(fig, ax, title, subtitle or f"Exports as % of {baseline_text}; hatched: reconstructed", source)
    return fig


def destinations_chart(result: Reconstruction, series: list[str], first: str, last: str, source: str, title: str):
    """Monthly tonnes by destination this year, with the same month a year earlier as grey ticks."""
    months = list(pd.period_range(parse_month(first), parse_month(last), freq="M"))
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 3.0))
    width = 0.8 / max(len(series), 1)
    for k, name in enumerate(series):
        colour, _, marker = style_of(name)
        for i, month in enumerate(months):
            xpos = i + (k - (len(series) - 1) / 2) * width
            now, before = month_figure(result, name, month), month_figure(result, name, month - 12)
            if now.pinned:
                derived = now.basis != "reported"
                ax.bar(xpos, now.value, width=width * 0.92, color="white" if derived else colour, edgecolor=colour,
                       hatch="////" if derived else "", linewidth=1.0)
                if derived:  # the range it is derived within, as on every other chart
                    ax.errorbar(xpos, now.value, yerr=[[now.value - now.low], [now.high - now.value]], color=INK,
                                capsize=2, linewidth=0.7)
                ax.text(xpos, now.high * 1.02, number(now.value, now.basis), ha="center", va="bottom", fontsize=7)
            elif now.basis == "bounded":
                ax.bar(xpos, now.high - now.low, bottom=now.low, width=width * 0.92, color=colour, alpha=0.16)
            else:
                ax.text(xpos, 0, "n/a", ha="center", va="bottom", fontsize=6.5, color=MUTED, rotation=90)
            if before.pinned:
                ax.plot([xpos - width * 0.45, xpos + width * 0.45], [before.value] * 2, color=PRIOR_YEAR,
                        linewidth=2.2, solid_capstyle="butt")
        ax.bar(0, 0, color=colour, label=series_label(name))
    ax.plot([], [], color=PRIOR_YEAR, linewidth=2.2, label="same month a year earlier")
    ax.set_xticks(range(len(months)), [f"{short_month(m)}" for m in months])
    ax.set_ylabel("tonnes")
    ax.yaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    ax.grid(axis="x", visible=False)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.12)
    legend_below(ax, ncols=3)
    finish(fig, ax, title, "Tonnes per month; hatched: reconstructed; n/a: no published figure", source)
    return fig


VINTAGE_MONTHS = 4  # the vintage chart follows the estimates of the edition's last months


def vintage_chart(revisions: pd.DataFrame, series: str, month: pd.Period, source: str):
    """How the estimate of each of the last few months moved from one edition to the next."""
    fig, ax = plt.subplots(figsize=(A4_WIDTH_IN, 3.0))
    rows = revisions[(revisions["series"] == series) & revisions["estimate"].notna()]
    months = [str(month - k) for k in range(VINTAGE_MONTHS - 1, -1, -1)]
    days = sorted(revisions["as_of"].unique())
    x = {day: i for i, day in enumerate(days)}
    shades = ["#0072B2", "#D55E00", "#009E73", "#CC79A7"]
    styles = ["-", "--", "-.", ":"]
    for k, shown_month in enumerate(months):
        line = rows[rows["month"] == shown_month]
        if line.empty:
            continue
        xs = [x[d] for d in line["as_of"]]
        ax.fill_between(xs, line["low"], line["high"], color=shades[k], alpha=0.15, linewidth=0)
        ax.plot(xs, line["estimate"], styles[k], color=shades[k], linewidth=1.5, label=month_label(shown_month))
        markers(ax, xs, line["estimate"], line["basis"], shades[k], "o")
    ax.set_xticks(range(len(days)), [day_label(d) for d in days], fontsize=7.5)
    ax.set_xlabel("edition's data as of")
    ax.set_ylabel("tonnes")
    ax.yaxis.set_major_formatter(mpl.ticker.StrMethodFormatter("{x:,.0f}"))
    handles, labels = ax.get_legend_handles_labels()
    legend_below(ax, handles + basis_legend_handles(), labels + ["reported", "reconstructed"], ncols=3)
    finish(fig, ax, f"How each edition saw the last {VINTAGE_MONTHS} months",
           f"{series_label(series)}, tonnes; each line one month, as successive editions estimated it (band: bounds)",
           source)
    return fig
