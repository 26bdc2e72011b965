"""The chart house style, set in one place.

One look for every chart: the title states the finding, the subtitle gives units, a source
line sits underneath. Reported points are filled, reconstructed ones hollow, bounds are
bands or floating bars, and each series has its own line style and marker so the charts
survive a greyscale printer. Colours are Okabe-Ito (colour-blind safe).
"""
from __future__ import annotations

import io
import textwrap

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.lines import Line2D

A4_WIDTH_IN = 6.7  # A4 text width between 2 cm margins
CHART_HEIGHT_IN = 3.5
INK = "#222222"
MUTED = "#6b6b6b"
STYLE = {  # colour, line style, marker: distinct in colour and in greyscale
    "magnets/world": ("#0072B2", "-", "o"),
    "magnets/US": ("#D55E00", "--", "s"),
    "magnets/DE": ("#009E73", "-.", "^"),
    "rare_earths/world": ("#E69F00", ":", "D"),
}
PRIOR_YEAR = "#8c8c8c"


def use_house_style() -> None:
    """Set once per session (the notebook's first cell); every chart below assumes it."""
    sns.set_theme(context="paper", style="whitegrid", font="DejaVu Sans", rc={
        "figure.figsize": (A4_WIDTH_IN, CHART_HEIGHT_IN),
        "figure.dpi": 150,
        "savefig.dpi": 150,
        "font.size": 9,
        "axes.titlesize": 9,
        "axes.labelsize": 8.5,
        "axes.edgecolor": "#bbbbbb",
        "axes.labelcolor": INK,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "grid.color": "#e6e6e6",
        "hatch.linewidth": 0.6,
        "svg.hashsalt": "magnet-briefing",
    })
    mpl.rcParams["figure.constrained_layout.use"] = True


def style_of(series: str):
    return STYLE.get(series, ("#555555", "-", "o"))


def finish(fig, ax, title: str, subtitle: str, source: str) -> None:
    """Title, subtitle and source line, set as plain text: a '$' in a publisher's name is a dollar
    sign, not matplotlib's math markup."""
    scale = (fig.get_figwidth() - 0.8) / (A4_WIDTH_IN - 0.8)  # characters per line shrink with the text's width
    fig.suptitle(textwrap.fill(title, int(72 * scale)), x=0.01, ha="left", fontsize=11, fontweight="bold",
                 color=INK, parse_math=False)
    per_line = int((92 if narrow(fig) else 100) * scale)  # a narrow chart's axes start further in
    ax.set_title(textwrap.fill(subtitle, per_line), loc="left", color=MUTED, fontsize=8.5, pad=6, parse_math=False)
    source = textwrap.fill(source, int(128 * scale))
    lines = source.count("\n") + 1
    reserved = (lines * 6.5 * 1.35 / 72 + 0.04) / fig.get_figheight()  # inches of source text, as a fraction
    fig.get_layout_engine().set(rect=(0, reserved, 1, 1 - reserved))
    fig.text(0.01, 0.012, source, ha="left", va="bottom", fontsize=6.5, color=MUTED, linespacing=1.3,
             parse_math=False)
    fig.set_label(alt_text(title, subtitle))


def alt_text(title: str, subtitle: str) -> str:
    """What a reader who cannot see the chart is told: its finding and its units, as the chart says
    them (so it follows the edition's series, months and baseline)."""
    return f"Chart: {title.rstrip('.')}. {subtitle.rstrip('.')}."


PHONE_SIZE_IN = (4.2, 4.8)  # the e-mail's charts, drawn again for a phone: the same text on a narrower chart


def phone_size():
    """Charts drawn inside this context are phone-sized (the text keeps its size, so it stays legible)."""
    return mpl.rc_context({"figure.figsize": PHONE_SIZE_IN})


def narrow(fig) -> bool:
    return fig.get_figwidth() < A4_WIDTH_IN * 0.75


def legend_below(ax, handles=None, labels=None, ncols=4) -> None:
    if narrow(ax.figure):
        ncols = 1
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    tick_lines = max([t.get_text().count("\n") + 1 for t in ax.get_xticklabels()] or [1])
    clearance = 1.0 + 1.3 * tick_lines + (1.5 if ax.get_xlabel() else 0.0)  # in legend font sizes
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0, 0), borderaxespad=clearance, ncols=ncols,
              handlelength=2.4, columnspacing=1.4)


def markers(ax, x, y, basis, colour, marker, label=None):
    """Filled for reported, hollow for reconstructed; nothing is drawn where there is no estimate."""
    x, y, basis = np.asarray(x), np.asarray(y, dtype=float), np.asarray(basis)
    reported = (basis == "reported") & ~np.isnan(y)
    derived = (basis == "derived") & ~np.isnan(y)
    ax.plot(x[reported], y[reported], marker, color=colour, markersize=5.5, linestyle="none", label=label)
    ax.plot(x[derived], y[derived], marker, markerfacecolor="white", markeredgecolor=colour,
            markeredgewidth=1.3, markersize=5.5, linestyle="none")


def basis_legend_handles():
    return [Line2D([], [], marker="o", color=INK, linestyle="none", markersize=5, label="reported"),
            Line2D([], [], marker="o", color=INK, markerfacecolor="white", linestyle="none", markersize=5,
                   label="reconstructed")]


def png_bytes(fig) -> bytes:
    """The chart as PNG, rendered once at the house size (constrained layout already fits it, so
    no tight bounding box and no second draw), with no software stamp: same input, same bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=mpl.rcParams["savefig.dpi"], metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()

