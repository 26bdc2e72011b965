"""Claims known by what they say: the order the engine works in, and twins.

The engine puts the claims in an order that depends only on what they state (series, period,
measure, interval, qualifier), never on ids or on where a row sits in the ledger: every later
step (propagation, the LPs, the search for claims to set aside) then sees the same problem
however the ledger is shuffled or relabelled. Claims that state exactly the same are twins:
nothing tells them apart, so where one is named as a reason, its twins are named too.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .rows import ClaimArrays


def _key(arrays: ClaimArrays) -> list[np.ndarray]:
    """What a claim says, most significant first (rankings have no interval: NaN, which sorts last)."""
    measure = pd.factorize(arrays.measure, sort=True)[0]
    qualifier = pd.factorize(arrays.qualifier, sort=True)[0]
    return [arrays.series, arrays.start, arrays.end, measure, arrays.central, arrays.lo, arrays.hi, arrays.since,
            qualifier]


def content_order(arrays: ClaimArrays) -> np.ndarray:
    """Positions of the claims in content order (twins keep their ledger order, which cannot matter)."""
    return np.lexsort(_key(arrays)[::-1])


def twin_codes(arrays: ClaimArrays, in_order: bool = False) -> np.ndarray:
    """Per claim, a code that twins share and no other claim has; `in_order`: the claims are in
    content order already (reconstruct() puts them so), which saves sorting them again."""
    order = np.arange(len(arrays.ids)) if in_order else content_order(arrays)
    changed = np.zeros(len(order), dtype=bool)
    for part in _key(arrays):
        ordered = np.asarray(part)[order]
        changed[1:] |= ~((ordered[1:] == ordered[:-1]) | (np.isnan(ordered[1:]) & np.isnan(ordered[:-1]))
                         if ordered.dtype.kind == "f" else ordered[1:] == ordered[:-1])
    codes = np.empty(len(order), dtype=np.int64)
    codes[order] = np.cumsum(changed)
    return codes
