"""The reader's HTML: no code, no prompts, no scripts, images inline, byte-reproducible."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from markupsafe import escape
from nbformat import NotebookNode

from ..briefing.labels import month_label
from .notebook import presentable

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES / "briefing" / "briefing.css"
DISPLAY_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "text/latex",
                    "image/png", "image/jpeg", "text/plain"]
_STYLER_ID = re.compile(r"T_([0-9a-f]{5})(?=[_\s\"'{,.:])")


def _stable_styler_ids(html: str) -> str:
    """pandas Styler ids are random (T_1a2b3_row0); number them in order of appearance."""
    numbering: dict[str, str] = {}

    def renumber(match: re.Match) -> str:
        return "T_" + numbering.setdefault(match.group(1), f"s{len(numbering) + 1:04d}")

    return _STYLER_ID.sub(renumber, html)


@cache
def make_exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="briefing", extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        exclude_anchor_links=True, embed_images=True)
    exporter.register_filter("escape_text", escape)  # the one escaping path for our own text (markupsafe)
    exporter.display_data_priority = DISPLAY_PRIORITY
    return exporter


def render_html(executed: NotebookNode, *, title: str, month: str, headline: str = "", provenance: str = "",
                as_of: str = "") -> str:
    resources = {"briefing": {"title": title, "month": month, "month_label": month_label(month),
                              "headline": headline, "provenance": provenance, "as_of": as_of}}
    body, _ = make_exporter().from_notebook_node(presentable(executed), resources=resources)
    return _stable_styler_ids(body)
