"""What publishing needs from the analysis side of an edition (tables and headline)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .engine import reconstruct, write_csvs
from .ledger import Ledger
from .parameters import EditionParameters


@dataclass(frozen=True)
class Headline:
    title: str              # e.g. "China's rare-earth magnet exports: July 2025 briefing"
    headline: str           # one short sentence with the headline figure, for the e-mail subject
    key_points: list[str]   # 3-5 sentences, every figure traceable to monthly.csv


def write_tables(ledger: Ledger, folder: Path) -> None:
    """Write monthly.csv and consistency.csv into `folder` (the engine's output contract)."""
    write_csvs(reconstruct(ledger.claims), Path(folder))


def headline(params: EditionParameters, ledger: Ledger) -> Headline:
    month = params.month
    return Headline(title=f"China's rare-earth magnet exports: {month} briefing",
                    headline=f"edition {month}",
                    key_points=[f"The ledger holds {len(ledger.claims)} claims from {len(ledger.sources)} sources."])
