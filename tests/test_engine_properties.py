"""Property: claims derived honestly from a true series never exclude the truth.

Hypothesis draws a true monthly series, states it the way news reports do (rounded levels
in tonnes or millions of kilograms, rounded growth rates, hedged words, year-to-date totals,
rankings) and checks the reconstruction against the truth it never saw.
"""
import math
import tempfile
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from magnet_briefing.engine import reconstruct
from magnet_briefing.ledger.intervals import model_intervals
from magnet_briefing.ledger.load import load_ledger

FIRST = pd.Period("2024-01", freq="M")
SLACK = 1e-6  # relative: LP tolerances


def fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def nearly(value: float, decimals: int) -> str:
    """The stated figure just above the true magnitude, as in 'nearly 75%'."""
    step = Decimal(1).scaleb(-decimals)
    magnitude = (Decimal(abs(value)) / step).to_integral_value(rounding=ROUND_CEILING) * step
    if magnitude == abs(Decimal(value)):  # nearly X means strictly short of X
        magnitude += step
    return ("-" if value < 0 else "") + str(magnitude)


@st.composite
def stated_series(draw):
    n = draw(st.integers(min_value=13, max_value=20))
    truth = draw(st.lists(st.floats(min_value=200, max_value=9000, allow_nan=False), min_size=n, max_size=n))
    months = [FIRST + i for i in range(n)]
    claims = []

    def add(period, measure, value, unit, qualifier="exact"):
        claims.append((period, measure, value, unit, qualifier))

    for i, month in enumerate(months):
        kind = draw(st.sampled_from(["level_t", "level_kg", "none", "none"]))
        if kind == "level_t":
            add(str(month), "level", fmt(truth[i], 0), "t")
        elif kind == "level_kg":
            add(str(month), "level", f"{truth[i] * 1000:.3g}".replace("+0", "+"), "kg")
        if i >= 1 and draw(st.booleans()):
            change = (truth[i] / truth[i - 1] - 1) * 100
            qualifier = draw(st.sampled_from(["exact", "about", "nearly"]))
            decimals = draw(st.sampled_from([0, 1]))
            text = nearly(change, decimals) if qualifier == "nearly" else fmt(change, decimals)
            if float(text) > -100:
                add(str(month), "mom_pct", text, "%", qualifier)
        if i >= 12 and draw(st.booleans()):
            change = (truth[i] / truth[i - 12] - 1) * 100
            add(str(month), "yoy_pct", fmt(change, draw(st.sampled_from([0, 1]))), "%")
        if i >= 1 and draw(st.integers(0, 5)) == 0:
            add(str(month), "mom_ratio", fmt(truth[i] / truth[i - 1], 1), "x", "about")
        if i >= 1 and draw(st.integers(0, 4)) == 0:
            lower = [j for j in range(i) if truth[j] >= truth[i]]
            since = months[max(lower)] if lower else pd.Period("2020-02", freq="M")
            add(str(month), "highest_since", str(since), "month")
        if i >= 1 and draw(st.integers(0, 4)) == 0:
            higher = [j for j in range(i) if truth[j] <= truth[i]]
            since = months[max(higher)] if higher else pd.Period("2019-06", freq="M")
            add(str(month), "lowest_since", str(since), "month")
    # year-to-date totals of the second year, and their change on the year before
    for end in range(13, n, draw(st.integers(2, 4))):
        total = sum(truth[12:end + 1])
        add(f"{months[12]}..{months[end]}", "level", fmt(total, 0), "t")
        if draw(st.booleans()):
            change = (total / sum(truth[0:end - 11]) - 1) * 100
            add(f"{months[12]}..{months[end]}", "yoy_pct", fmt(change, 1), "%")
    return months, truth, claims


def write(folder: Path, claims) -> None:
    (folder / "sources.csv").write_text("source_id,publisher,title,published,url\ns,S,T,2025-08,\n")
    lines = ["claim_id,series,period,measure,value,unit,qualifier,source_id"]
    lines += [f"h{k},magnets/world,{p},{m},{v},{u},{q},s" for k, (p, m, v, u, q) in enumerate(claims)]
    (folder / "claims.csv").write_text("\n".join(lines) + "\n")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(stated_series())
def test_truth_lies_within_bounds_and_pinned_estimates_within_rounding(case):
    months, truth, claims = case
    if not claims:
        return
    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder), claims)
        ledger = load_ledger(folder)
    result = reconstruct(ledger.claims)
    assert set(result.consistency["status"]) == {"consistent"}, result.consistency
    table = result.monthly.set_index("month")
    levels = ledger.claims[(ledger.claims["measure"] == "level") & (ledger.claims["start"] == ledger.claims["end"])]
    for i, month in enumerate(months):
        if str(month) not in table.index:
            continue
        got = table.loc[str(month)]
        true = truth[i]
        assert got["low"] <= true * (1 + SLACK) + SLACK, (month, got.to_dict(), true)
        assert true <= got["high"] * (1 + SLACK) + SLACK, (month, got.to_dict(), true)
        if got["basis"] == "reported":
            own = levels[levels["start"] == month]
            lo, hi, _ = model_intervals(own)
            rounding = min((hi - lo) / 2)
            assert abs(got["estimate"] - true) <= rounding * (1 + SLACK) + SLACK
        elif got["basis"] == "derived":
            assert abs(got["estimate"] - true) <= (got["high"] - got["low"]) * (1 + SLACK) + SLACK
            assert abs(got["estimate"] - true) <= 0.05 * true
        else:
            assert math.isnan(got["estimate"])
