"""Synthetic claims gone wrong the way real reporting goes wrong, for the engine benchmark.

A share of bench/engine.py's clean claims is corrupted, each claim in a way that fits its measure:
  other_product  the same figure of another series (another product or destination) under this name
  mom_as_yoy     a month-on-month change reported as the year-on-year one, or the reverse
  sign_flip      a rise reported as a fall (a change negated; highest and lowest swapped)
  unit           a level off by x10, /10, x1000 or /1000 (kilograms taken for tonnes and the like)
  stale_total    a year-to-date total that is the previous month's (the latest month left out)
A corruption that leaves the figure as it was is skipped, so every listed claim states something false.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

KINDS = ("other_product", "mom_as_yoy", "sign_flip", "unit", "stale_total")
LAG = {"mom_pct": 1, "yoy_pct": 12}


def _like(text: str, value: float) -> str:
    """`value` written with as many decimals as `text` (or three significant digits, as '1.2e6' is)."""
    if "e" in text.lower():
        return f"{value:.3g}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return f"{value:.{decimals}f}"


def _change(values: np.ndarray, first: int, last: int, lag: int) -> float | None:
    """The % change of months first..last on the same months `lag` earlier (None if not a ledger value)."""
    if first - lag < 0:
        return None
    change = (values[first:last + 1].sum() / values[first - lag:last + 1 - lag].sum() - 1) * 100
    return change if change > -99 else None


def _corrupted(kind: str, claim, truth: np.ndarray, other: np.ndarray, first: int, last: int, rng):
    """(measure, text) of the claim corrupted this way, or None where the kind cannot apply."""
    measure, text = claim.measure, claim.value_text
    if kind == "sign_flip" and measure in ("highest_since", "lowest_since"):
        return ("lowest_since" if measure == "highest_since" else "highest_since"), text
    if kind == "sign_flip":
        return (measure, text[1:] if text.startswith("-") else "-" + text) if float(text) < 100 else None
    if kind == "unit":
        value = float(text) * [10.0, 0.1, 1000.0, 0.001][rng.integers(4)]
        return measure, f"{value:.6g}" if value < 1 else _like(text, value) if "." in text else f"{value:.0f}"
    if kind == "stale_total":
        total = truth[first:last].sum()
        return measure, _like(text, round(total, -2) if claim.qualifier == "about" else total)
    if kind == "mom_as_yoy":
        swapped = "mom_pct" if measure == "yoy_pct" else "yoy_pct"
        change = _change(truth, first, last, LAG[swapped])
        return None if change is None else (measure, _like(text, change))
    # another product's figure
    if measure == "level":
        return measure, _like(text, other[first:last + 1].sum() * (1000.0 if claim.unit == "kg" else 1.0))
    if measure == "mom_ratio":
        return measure, f"{other[first] / other[first - 1]:.1f}"
    change = _change(other, first, last, LAG[measure])
    return None if change is None else (measure, _like(text, change))


def corrupt(claims: pd.DataFrame, truths: dict[str, np.ndarray], first_month: pd.Period, share: float = 0.02,
            seed: int = 12) -> tuple[pd.DataFrame, dict[str, str]]:
    """(the claims with about `share` of them corrupted, {claim_id: kind of corruption})."""
    rng = np.random.default_rng(seed)
    claims = claims.copy()
    names = list(truths)
    measures, texts = claims["measure"].to_numpy(dtype=object).copy(), claims["value_text"].to_numpy(dtype=object).copy()
    kinds = {}
    for i in np.sort(rng.choice(len(claims), size=int(round(share * len(claims))), replace=False)):
        claim = claims.iloc[i]
        first, last = (claim.start - first_month).n, (claim.end - first_month).n
        options = {"level": ["other_product", "unit"] + (["stale_total"] if first != last else []),
                   "mom_ratio": ["other_product"], "highest_since": ["sign_flip"], "lowest_since": ["sign_flip"]}.get(
            claim.measure, ["other_product", "sign_flip"] + (["mom_as_yoy"] if first == last and first >= 12 else []))
        kind = options[rng.integers(len(options))]
        other = truths[names[rng.integers(len(names))]]
        while other is truths[claim.series]:
            other = truths[names[rng.integers(len(names))]]
        found = _corrupted(kind, claim, truths[claim.series], other, first, last, rng)
        if found is None or (found[0] == claim.measure and (float(found[1]) == float(claim.value_text)
                                                            or float(found[1]) <= 0 and claim.measure == "level")):
            continue
        if claim.qualifier in ("nearly", "over", "under") and found[0] == claim.measure and float(found[1]) == 0:
            continue
        measures[i], texts[i] = found
        kinds[claim.claim_id] = kind
    claims["measure"], claims["value_text"] = measures, texts
    ranking = np.isin(measures, ["highest_since", "lowest_since"])
    claims["value"] = np.where(ranking, claims["value"], pd.to_numeric(pd.Series(texts), errors="coerce"))
    return claims, kinds
