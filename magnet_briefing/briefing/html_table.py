"""A table as HTML the way the briefing sets it: one header row (the row labels' names first), every
text escaped with markupsafe (a cell may be Markup already, such as a link), row labels as row
headers, and optional row ids to link to. An outer label is repeated on every row of its group,
set in grey after the first: a label merged over its rows would be lost on the next printed page."""
from __future__ import annotations

import pandas as pd
from markupsafe import Markup, escape

SHORT_ROWS = 12
SHORT_CHARACTERS = 1800  # about half an A4 page of table text: a few rows of long reasons are not short


def _cell(tag: str, value, attributes: str = "") -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else value
    return f"<{tag}{attributes}>{escape(text)}</{tag}>"


def table_html(frame: pd.DataFrame, classes: tuple[str, ...] = (), row_ids: list[str] | None = None) -> Markup:
    levels = frame.index.nlevels
    names = [name or "" for name in frame.index.names]
    header = "".join(_cell("th", name) for name in names) + "".join(_cell("th", column) for column in frame.columns)
    labels = [key if isinstance(key, tuple) else (key,) for key in frame.index]
    rows = []
    for position, (label, values) in enumerate(zip(labels, frame.itertuples(index=False, name=None))):
        cells = []
        for level, value in enumerate(label):
            repeated = levels > 1 and level == 0 and position and labels[position - 1][0] == value
            cells.append(_cell("th", value, ' class="repeated"' if repeated else ""))
        cells += [_cell("td", value) for value in values]
        row_id = f' id="{escape(row_ids[position])}"' if row_ids else ""
        rows.append(f"<tr{row_id}>{''.join(cells)}</tr>")
    characters = sum(len(str(value)) for value in frame.to_numpy().ravel())
    short = len(frame) <= SHORT_ROWS and characters <= SHORT_CHARACTERS
    size = ("short",) if short else ()  # a short table is kept on one page; a long one breaks between rows
    return Markup(f'<table class="{escape(" ".join(("dataframe", *classes, *size)))}"><thead><tr>{header}</tr></thead>'
                  f"<tbody>{''.join(rows)}</tbody></table>")
