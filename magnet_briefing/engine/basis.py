"""The basis rule: how sure the claims make a month (or a total of months), and so how it is shown.

reported: a source states it outright (a level, exact or about: "nearly 27,900 t" bounds a total,
it does not report one); derived: the claims pin it within about +-2.5% (the bounds' width
at most DERIVED_MAX_RELATIVE_WIDTH of their midpoint) and the middle of its bounds is shown;
bounded: only a range is known and no estimate is given; unknown: nothing caps it.
"""
from __future__ import annotations

import numpy as np

DERIVED_MAX_RELATIVE_WIDTH = 0.05
PINNED = ("reported", "derived")  # the bases that show an estimate


def stating(claims) -> np.ndarray:
    """Per claim (ClaimArrays): a level that reports its period's figure outright."""
    return (claims.measure == "level") & claims.exact


def is_narrow(low, high):
    """Whether bounds pin a value closely enough to show the middle of them as an estimate."""
    return high - low <= DERIVED_MAX_RELATIVE_WIDTH * (low + high) / 2


def basis_of(low: np.ndarray, high: np.ndarray, stated: np.ndarray) -> np.ndarray:
    return np.select([~np.isfinite(high), stated, is_narrow(low, high)], ["unknown", "reported", "derived"], "bounded")
