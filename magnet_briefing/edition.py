"""What publishing needs from the analysis side of an edition (tables and headline)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import summary
from .analysis import check_edition_month
from .engine import Reconstruction, reconstruct, write_csvs
from .ledger import Ledger
from .parameters import HEADLINE_SERIES, EditionParameters, ParameterError
from .periods import parse_month


@dataclass(frozen=True)
class Headline:
    title: str              # "China's rare-earth magnet exports: July 2025"
    headline: str           # one short sentence with the headline figure, for the e-mail subject
    key_points: list[str]   # 3-5 sentences, every figure traceable to monthly.csv


_LAST: list = []  # (claims, reconstruction) of the last ledger: a build asks for it twice, once per process


def reconstruction(ledger: Ledger) -> Reconstruction:
    """The ledger's reconstruction, computed once per ledger (the headline and the tables share it)."""
    if not _LAST or _LAST[0] is not ledger.claims:
        _LAST[:] = [ledger.claims, reconstruct(ledger.claims)]
    return _LAST[1]


def write_tables(ledger: Ledger, folder: Path) -> None:
    """Write monthly.csv and consistency.csv into `folder` (the engine's output contract)."""
    write_csvs(reconstruction(ledger), Path(folder))


def headline(params: EditionParameters, ledger: Ledger) -> Headline:
    """Raises ParameterError, before anything is built, when the month has no headline figure."""
    result = reconstruction(ledger)
    problem = check_edition_month(result, HEADLINE_SERIES, params.month)
    if problem:
        raise ParameterError(problem)
    numbers = summary.edition_numbers(result, params)
    points = summary.key_points(result, numbers, params)
    return Headline(title=f"China's rare-earth magnet exports: {parse_month(params.month):%B %Y}",
                    headline=summary.headline(numbers, params),
                    key_points=[point.text for point in points])
