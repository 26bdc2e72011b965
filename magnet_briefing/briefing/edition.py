"""An edition: its parameters, its ledger, the reconstruction and the numbers it quotes; and the
masthead (title, headline figure, key points) that the HTML, the e-mail and the index carry."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..analysis.edition_numbers import EditionNumbers, check_baseline, check_edition_month, edition_numbers
from ..config import EditionParameters, ParameterError
from ..engine import Reconstruction
from ..ledger.load import Ledger
from ..ledger.periods import parse_month
from . import words
from .labels import month_label, product_title, source_line


@dataclass(frozen=True)
class Edition:
    params: EditionParameters
    ledger: Ledger
    result: Reconstruction
    numbers: EditionNumbers

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
        """The line under a chart: the publishers of the kept claims on these series."""
        claims = self.result.kept
        if series is not None:
            claims = claims[claims["series"].isin(series)]
        return source_line(self.publishers(claims["claim_id"]))

    @property
    def baseline_text(self) -> str:
        return words.baseline_label(self.params.baseline, self.params.control_start)

    def key_points(self) -> list[words.KeyPoint]:
        return words.key_points(self.result, self.numbers, self.params, self.ledger)


def prepare_edition(params: EditionParameters, ledger: Ledger, result: Reconstruction) -> Edition:
    """Raises ParameterError, before anything is built, when the month has no headline figure."""
    problem = check_edition_month(result, params.headline, params.month) or check_baseline(result, params)
    if problem:
        raise ParameterError(problem)
    return Edition(params, ledger, result, edition_numbers(result, params))


@dataclass(frozen=True)
class Masthead:
    title: str              # "China's rare-earth magnet exports: July 2025"
    headline: str           # one short sentence with the headline figure, for the e-mail subject
    key_points: list[str]   # 3-5 sentences, every figure traceable to monthly.csv


def masthead(edition: Edition) -> Masthead:
    return Masthead(title=f"China's {product_title(edition.params.headline)}: {month_label(edition.month)}",
                    headline=words.headline_figure(edition.result, edition.numbers, edition.params),
                    key_points=[point.text for point in edition.key_points()])
