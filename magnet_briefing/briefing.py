"""What the briefing notebook calls: one function per cell, each returning something to show."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from IPython.display import Markdown, display

from .ledger import Ledger, load_ledger
from .parameters import EditionParameters, resolve
from .paths import resolve_data_folder


@dataclass(frozen=True)
class Edition:
    params: EditionParameters
    ledger: Ledger


def open_edition(month: str, control_start: str, baseline: str, series, data: str) -> Edition:
    ledger = load_ledger(resolve_data_folder(data))
    params = resolve({"month": month, "control_start": control_start, "baseline": baseline,
                      "series": series, "data": data}, ledger)
    return Edition(params=params, ledger=ledger)


def ledger_summary(edition: Edition) -> pd.DataFrame:
    claims = edition.ledger.claims
    return (claims.groupby(["series", "measure"]).size().unstack(fill_value=0)
            .rename_axis(index="series", columns="measure"))


def show_ledger_summary(edition: Edition) -> None:
    claims, sources = edition.ledger.claims, edition.ledger.sources
    display(Markdown(f"**Edition {edition.params.month}** · {len(claims)} claims from {len(sources)} sources"))
    display(ledger_summary(edition))
