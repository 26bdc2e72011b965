"""The numbers a briefing quotes, against the monthly table they come from."""
import math
from pathlib import Path

import pandas as pd
import pytest

from magnet_briefing.analysis.recovery import recovery_metrics, recovery_table, trough
from magnet_briefing.engine import reconstruct
from magnet_briefing.ledger.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped():
    return reconstruct(load_ledger(ROOT / "data").claims)


def estimate(result, series, month):
    row = result.month_row(series, month)
    assert row is not None, f"{series} {month} missing from the monthly table"
    return float(row["estimate"])


def test_recovery_metrics_follow_the_monthly_table(shipped):
    recovery = recovery_table(shipped, ["magnets/world"], "2025-04", "pre_control_mean", "2025-07")
    metrics = recovery_metrics(recovery, "2025-04").iloc[0]
    baseline = estimate(shipped, "magnets/world", "2025-01..2025-03") / 3
    months = ["2025-04", "2025-05", "2025-06", "2025-07"]
    levels = [estimate(shipped, "magnets/world", m) for m in months]
    assert str(metrics["trough_month"]) == "2025-05" and metrics["months_to_trough"] == 1
    assert metrics["depth_pct"] == pytest.approx(min(levels) / baseline * 100, rel=1e-3)
    assert str(metrics["regain_90_month"]) == str(metrics["regain_100_month"]) == "2025-07"
    assert metrics["months_to_90"] == metrics["months_to_100"] == 3
    assert metrics["shortfall_t"] == pytest.approx(sum(baseline - x for x in levels), rel=1e-3)
    assert metrics["shortfall_low"] <= metrics["shortfall_t"] <= metrics["shortfall_high"]


def test_same_month_prior_year_baseline(shipped):
    recovery = recovery_table(shipped, ["magnets/US"], "2025-04", "same_month_prior_year", "2025-07")
    june = recovery[recovery["month"].astype(str) == "2025-06"].iloc[0]
    assert june["pct"] == pytest.approx(estimate(shipped, "magnets/US", "2025-06")
                                        / estimate(shipped, "magnets/US", "2024-06") * 100)
    may = recovery[recovery["month"].astype(str) == "2025-05"].iloc[0]
    assert may["pct"] != may["pct"]  # May 2024 (US) is only bounded: no ratio is invented


def test_the_trough_comes_from_the_bounds_of_months_with_no_estimate(shipped):
    """With the same month a year earlier as baseline, US May 2025 (about 46 t) is set against a May
    2024 known only as 614-719 t: no estimate, but its whole range (about 6-8%) lies below June's 48%.
    April, which no claim pins for the US, could still be lower: it stays a candidate."""
    recovery = recovery_table(shipped, ["magnets/US"], "2025-04", "same_month_prior_year", "2025-07")
    low = trough(recovery, "magnets/US")
    assert [str(m) for m in low.months] == ["2025-04", "2025-05"] and not low.certain
    april, may = low.rows.iloc[0], low.rows.iloc[1]
    assert april["pct_high"] == math.inf and math.isnan(may["pct"])
    without_april = trough(recovery[recovery["month"].astype(str) != "2025-04"], "magnets/US")
    assert without_april.certain and str(without_april.row["month"]) == "2025-05"
    may_2024 = shipped.month_row("magnets/US", "2024-05")
    assert low.high == pytest.approx(estimate(shipped, "magnets/US", "2025-05") / may_2024["low"] * 100, rel=0.02)
    assert low.high < 10


def _recovery_rows(pct_low, pct_high):
    pct = [(lo + hi) / 2 if math.isfinite(hi) else math.nan for lo, hi in zip(pct_low, pct_high)]
    return pd.DataFrame({"series": "s", "month": pd.period_range("2025-04", periods=len(pct), freq="M"),
                         "months_since_control": range(len(pct)), "pct": pct, "pct_low": pct_low,
                         "pct_high": pct_high, "pct_basis": "derived", "baseline": 100.0, "baseline_low": 99.0,
                         "baseline_high": 101.0, "tonnes": pct, "low": pct_low, "high": pct_high})


def test_a_series_that_never_fell_below_a_threshold_did_not_regain_it():
    metrics = recovery_metrics(_recovery_rows([101.0, 95.0, 120.0], [103.0, 97.0, 125.0]), "2025-04").iloc[0]
    assert metrics["never_below_90"] and not metrics["never_below_100"]
    assert pd.isna(metrics["regain_90_month"]) and str(metrics["regain_100_month"]) == "2025-06"


def test_a_month_the_claims_do_not_pin_could_be_the_trough_and_could_be_below_any_threshold(shipped):
    """Rare earths in the shipped ledger: April ≈101% and May ≈124% of baseline, June and July
    unknown. Neither 'April was the low point' nor 'did not fall below 90%' is known."""
    recovery = recovery_table(shipped, ["rare_earths/world"], "2025-04", "pre_control_mean", "2025-07")
    low = trough(recovery, "rare_earths/world")
    assert [str(m) for m in low.months] == ["2025-04", "2025-06", "2025-07"] and not low.certain
    metrics = recovery_metrics(recovery, "2025-04").iloc[0]
    assert not metrics["never_below_90"] and not metrics["never_below_100"]
    assert [str(m) for m in metrics["unpinned"]] == ["2025-06", "2025-07"]
    placed = recovery_metrics(_recovery_rows([101.0, 95.0], [103.0, 97.0]), "2025-04").iloc[0]
    unknown = recovery_metrics(_recovery_rows([101.0, 95.0, 0.0], [103.0, 97.0, math.inf]), "2025-04").iloc[0]
    assert placed["never_below_90"] and not unknown["never_below_90"]


def test_months_the_bounds_cannot_tell_apart_are_both_the_trough():
    rows = pd.DataFrame({"series": "s", "month": pd.period_range("2025-04", periods=4, freq="M"),
                         "months_since_control": range(4), "pct": [50.0, math.nan, 30.0, 90.0],
                         "pct_low": [49.0, 20.0, 29.0, 89.0], "pct_high": [51.0, 40.0, 31.0, 91.0]})
    low = trough(rows, "s")
    assert [str(m) for m in low.months] == ["2025-05", "2025-06"] and not low.certain
    assert (low.low, low.high) == (20.0, 31.0)


def test_end_labels_never_print_on_top_of_each_other():
    from magnet_briefing.briefing.charts import end_labels
    placed = end_labels([(3, 106.0, "a"), (3, 106.4, "b"), (3, 40.0, "c"), (2, 106.0, "d")], gap=7.7)
    at_three = sorted(text_y for x, _, text_y, _ in placed if x == 3)
    assert at_three == [40.0, 106.0, 113.7]
    assert [text_y for x, _, text_y, _ in placed if x == 2] == [106.0]  # another x: left where it is
