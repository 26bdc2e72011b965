"""The interval rule: what a written figure and its qualifier allow (data/README.md, "Precision"
and "Qualifiers"), for whole columns of claims at once.

A figure's last written digit sets its precision; exact and about are symmetric around the
signed value (a rounded "-0%" may be slightly up), while nearly, over and under speak of the
magnitude ("nearly -19%" is a fall of 18 to 19%). model_intervals puts the result in the
engine's units: tonnes for levels (kg converted, range totals widened for customs revisions)
and a multiplier for growth (1.05 = +5%), which can never be negative.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .periods import ordinals
from .vocabulary import CHANGE_MEASURES, LAGS, RANK_MEASURES

KG_PER_TONNE = 1000.0
REVISION_ALLOWANCE_T = 2.0  # customs revise totals by a tonne or two (data/README.md)


def last_digit_unit(text: str) -> float:
    """Place value of the last written digit: '52.9' -> 0.1, '27900' -> 100, '1.2e6' -> 1e5."""
    mantissa, _, exponent = text.lower().lstrip("+-").partition("e")
    scale = 10.0 ** int(exponent) if exponent else 1.0
    if "." in mantissa:
        decimals = len(mantissa.split(".")[1])
        return 10.0 ** -decimals * scale
    digits = mantissa.lstrip("0") or "0"
    trailing = len(digits) - len(digits.rstrip("0")) if digits != "0" else 0
    return 10.0 ** trailing * scale


def _codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, unique = pd.factorize(column)
    return codes, np.asarray(unique, dtype=object)


def _is(codes: np.ndarray, unique: np.ndarray, *values: str) -> np.ndarray:
    return np.isin(codes, np.flatnonzero(np.isin(unique, list(values))))


def stated_intervals(text: pd.Series, qualifier: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lo, hi, central) of each written figure in its own unit; central is the middle of what
    the words allow ("nearly 75" is centred on 74.5), or the figure itself for an open interval."""
    text_codes, texts = _codes(text)
    value_of = np.array([float(t) for t in texts], dtype=float)
    unit_of = np.array([last_digit_unit(t) for t in texts], dtype=float)
    value, unit = value_of[text_codes], unit_of[text_codes]
    size = np.abs(value)
    q_codes, q_unique = _codes(qualifier)
    lo, hi = value - unit / 2, value + unit / 2                      # exact
    about = _is(q_codes, q_unique, "about")
    lo, hi = np.where(about, value - unit, lo), np.where(about, value + unit, hi)
    for word, (a, b) in {"nearly": (np.maximum(size - unit, 0.0), size), "over": (size, np.full_like(size, np.inf)),
                         "under": (np.zeros_like(size), size)}.items():
        chosen = _is(q_codes, q_unique, word)
        negative = chosen & (value < 0)
        lo, hi = np.where(chosen, a, lo), np.where(chosen, b, hi)
        lo, hi = np.where(negative, -b, lo), np.where(negative, -a, hi)
    central = np.where(np.isfinite(lo) & np.isfinite(hi), (lo + hi) / 2, value)
    return lo, hi, central


def model_intervals(claims: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lo, hi, central) per claim in model units; NaN for rankings, which state an order, not a figure."""
    m_codes, m_unique = _codes(claims["measure"])
    rank = _is(m_codes, m_unique, *RANK_MEASURES)
    numeric = np.flatnonzero(~rank)
    lo, hi, central = (np.full(len(claims), np.nan) for _ in range(3))
    lo[numeric], hi[numeric], central[numeric] = stated_intervals(claims["value_text"].iloc[numeric],
                                                                  claims["qualifier"].iloc[numeric])
    level = _is(m_codes, m_unique, "level")
    kg = level & (claims["unit"].to_numpy() == "kg")
    for column in (lo, hi, central):
        column[kg] /= KG_PER_TONNE
    ranged = level & (ordinals(claims["start"]) != ordinals(claims["end"]))
    lo[ranged] = np.maximum(lo[ranged] - REVISION_ALLOWANCE_T, 0.0)
    hi[ranged] += REVISION_ALLOWANCE_T
    percent = _is(m_codes, m_unique, *CHANGE_MEASURES)
    lo[percent], hi[percent], central[percent] = 1 + lo[percent] / 100, 1 + hi[percent] / 100, 1 + central[percent] / 100
    growth = _is(m_codes, m_unique, *LAGS)
    lo[growth] = np.maximum(lo[growth], 0.0)
    return lo, hi, central
