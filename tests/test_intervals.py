"""Written figures and qualifiers become the intervals the codebook (data/README.md) promises, through
the one copy of the interval rule the engine uses (ledger/intervals.py)."""
import math

import numpy as np
import pandas as pd
import pytest

from magnet_briefing.ledger.intervals import last_digit_unit, model_intervals, stated_intervals


@pytest.mark.parametrize("text,unit", [("1238", 1), ("52.9", 0.1), ("24827.0", 0.1), ("27900", 100),
                                       ("1.2e6", 1e5), ("1.24e+6", 1e4), ("-74", 1), ("0", 1), ("5", 1)])
def test_last_digit_unit(text, unit):
    assert last_digit_unit(text) == pytest.approx(unit)


# every qualifier, on a rise and on a fall: (text, qualifier, low, high, central)
STATED = [
    ("1238", "exact", 1237.5, 1238.5, 1238),
    ("-52.9", "exact", -52.95, -52.85, -52.9),
    ("-0", "exact", -0.5, 0.5, 0),                # a rounded "-0%" may hide a small rise
    ("5.7", "about", 5.6, 5.8, 5.7),
    ("-5.7", "about", -5.8, -5.6, -5.7),
    ("75", "nearly", 74, 75, 74.5),
    ("-19", "nearly", -19, -18, -18.5),           # "nearly -19%": a fall of 18 to 19%
    ("27900", "nearly", 27800, 27900, 27850),
    ("0.4", "nearly", 0.3, 0.4, 0.35),
    ("90", "over", 90, math.inf, 90),
    ("-50", "over", -math.inf, -50, -50),         # "a fall of over 50%"
    ("40", "under", 0, 40, 20),
    ("-40", "under", -40, 0, -20),                # "a fall of under 40%"
    ("1.2e6", "exact", 1.15e6, 1.25e6, 1.2e6),
]


def test_stated_intervals_for_every_qualifier_and_both_signs():
    texts, qualifiers, lows, highs, centrals = zip(*STATED)
    lo, hi, central = stated_intervals(pd.Series(texts), pd.Series(qualifiers))
    np.testing.assert_allclose(lo, lows, rtol=1e-12)
    np.testing.assert_allclose(hi, highs, rtol=1e-12)
    np.testing.assert_allclose(central, centrals, rtol=1e-12, atol=1e-12)


def claims(*rows):
    frame = pd.DataFrame(rows, columns=["measure", "value_text", "unit", "qualifier", "period"])
    periods = frame["period"].str.split("..", regex=False)
    frame["start"] = periods.map(lambda p: pd.Period(p[0], freq="M"))
    frame["end"] = periods.map(lambda p: pd.Period(p[-1], freq="M"))
    return frame


def test_model_intervals_put_figures_in_tonnes_and_multipliers():
    lo, hi, central = model_intervals(claims(
        ("level", "1.2e6", "kg", "exact", "2025-05"),          # kilograms become tonnes
        ("level", "19132", "t", "exact", "2025-01..2025-05"),  # a total gets +-2 t for customs revisions
        ("mom_pct", "-52.9", "%", "exact", "2025-05"),         # a change becomes a multiplier
        ("yoy_pct", "-120", "%", "under", "2025-05"),          # never a negative multiplier
        ("mom_ratio", "3", "x", "nearly", "2025-06"),
        ("highest_since", "2025-01", "month", "exact", "2025-07"),
    ))
    np.testing.assert_allclose(lo[:5], [1150, 19129.5, 0.4705, 0.0, 2], rtol=1e-12)
    np.testing.assert_allclose(hi[:5], [1250, 19134.5, 0.4715, 1.0, 3], rtol=1e-12)
    np.testing.assert_allclose(central[:5], [1200, 19132, 0.471, 0.4, 2.5], rtol=1e-12)
    assert np.isnan([lo[5], hi[5], central[5]]).all()  # a ranking states an order, not a figure
