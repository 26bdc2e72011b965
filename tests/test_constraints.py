"""Written figures and qualifiers become the intervals the codebook (data/README.md) promises."""
import math

import pytest

from magnet_briefing.constraints import last_digit_unit, stated_interval


@pytest.mark.parametrize("text,unit", [("1238", 1), ("52.9", 0.1), ("24827.0", 0.1), ("27900", 100),
                                       ("1.2e6", 1e5), ("1.24e+6", 1e4), ("-74", 1), ("0", 1), ("5", 1)])
def test_last_digit_unit(text, unit):
    assert last_digit_unit(text) == pytest.approx(unit)


@pytest.mark.parametrize("text,qualifier,low,high", [
    ("1238", "exact", 1237.5, 1238.5),
    ("-52.9", "exact", -52.95, -52.85),
    ("74", "exact", 73.5, 74.5),
    ("5.7", "about", 5.6, 5.8),
    ("75", "nearly", 74, 75),
    ("-19", "nearly", -19, -18),
    ("27900", "nearly", 27800, 27900),
    ("1.2e6", "exact", 1.15e6, 1.25e6),
    ("90", "over", 90, math.inf),
    ("-50", "over", -math.inf, -50),
    ("40", "under", 0, 40),
    ("-0", "exact", -0.5, 0.5),   # a rounded "-0%" may hide a small rise
    ("0.4", "nearly", 0.3, 0.4),
])
def test_stated_interval(text, qualifier, low, high):
    assert stated_interval(text, qualifier) == (pytest.approx(low), pytest.approx(high))
