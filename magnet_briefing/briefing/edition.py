"""An edition: its parameters, its ledger, the reconstruction and the numbers it quotes; and the
masthead (title, headline figure, key points) that the HTML, the e-mail and the index carry."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..analysis.edition_numbers import EditionNumbers, check_baseline, check_edition_month, edition_numbers
from ..analysis.vintages import Changes, previous_day, reconstructions, triangle, what_changed
from ..config import EditionParameters, ParameterError
from ..engine import Reconstruction
from ..ledger.load import Ledger
from ..ledger.periods import parse_month
from . import words
from .labels import as_of_label, month_label, product_title, source_line


@dataclass(frozen=True)
class Edition:
    params: EditionParameters
    ledger: Ledger                   # as of the edition's day
    result: Reconstruction
    numbers: EditionNumbers
    changes: Changes | None = None   # since the previous edition
    revisions: pd.DataFrame | None = None   # the vintage triangle (revisions.csv)

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


class NoDataYet(ParameterError):
    """The month has no headline figure among the claims published by the edition's as-of day."""


def vintages(full: Ledger, params: EditionParameters, result: Reconstruction):
    """(what changed since the previous edition, the vintage triangle, the previous edition's
    reconstruction): `full` is the whole ledger, `result` this edition's reconstruction."""
    found = reconstructions(full, params, result)
    previous = found[previous_day(params)[1]]
    return what_changed(params, full, result, previous), triangle(params, found), previous


def prepare_edition(params: EditionParameters, ledger: Ledger, result: Reconstruction, changes: Changes | None = None,
                    revisions: pd.DataFrame | None = None) -> Edition:
    """Raises ParameterError, before anything is built, when the month has no headline figure or no
    baseline; `ledger` is the ledger as of the edition's day."""
    problem = check_edition_month(result, params.headline, params.month)
    if problem and params.as_of != "latest":
        raise NoDataYet(f"{problem} (among the claims published by {params.as_of}, the edition's as_of)")
    problem = problem or check_baseline(result, params)
    if problem:
        raise ParameterError(problem)
    return Edition(params, ledger, result, edition_numbers(result, params), changes, revisions)


@dataclass(frozen=True)
class Masthead:
    title: str              # "China's rare-earth magnet exports: July 2025"
    headline: str           # one short sentence with the headline figure, for the e-mail subject
    key_points: list[str]   # 3-5 sentences, every figure traceable to monthly.csv
    as_of: str = ""         # "data as of 31 August 2025": the claims published by then
    changes: str = ""       # a line on what changed since the previous edition


def masthead(edition: Edition) -> Masthead:
    return Masthead(as_of=as_of_label(edition.params.as_of), changes=words.changes_line(edition.changes),
                    title=f"China's {product_title(edition.params.headline)}: {month_label(edition.month)}",
                    headline=words.headline_figure(edition.result, edition.numbers, edition.params),
                    key_points=[point.text for point in edition.key_points()])
