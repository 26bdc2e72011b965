"""A proposed claim: a ledger row as the codebook writes it, with the text it came from.

`evidence` is the article's own sentence (its exact characters), `figure` the part of it that
states the figure (what the review table highlights) and `note` which rule produced the row; a
note part starting "check:" flags something uncertain (a period taken from context, a product not
named in the sentence, a base that was not stated).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..ledger.vocabulary import RANK_MEASURES

CHECK = "check: "


@dataclass(frozen=True)
class Proposal:
    series: str
    period: str
    measure: str
    value: str
    unit: str
    qualifier: str
    evidence: str
    note: str
    figure: str = ""                          # the figure as written, inside evidence
    figure_at: int = field(default=-1, compare=False)   # where evidence[figure_at:] starts with figure
    source_id: str = ""
    claim_id: str = ""
    flags: tuple[str, ...] = field(default=(), compare=False)

    @property
    def uncertain(self) -> bool:
        return CHECK in self.note

    def key(self) -> tuple:
        """What the matching rule compares: series, period, measure, unit, qualifier and the value as a number."""
        return (self.series, self.period, self.measure, self.unit, self.qualifier, value_key(self.measure, self.value))


def value_key(measure: str, value: str):
    if measure in RANK_MEASURES:
        return value
    try:
        return float(value)
    except ValueError:
        return value


def note_of(rule: str, flags: list[str] | tuple[str, ...]) -> str:
    return "; ".join([rule] + [CHECK + flag for flag in flags])
