"""The numbers a briefing quotes, against the monthly table they come from."""
from pathlib import Path

import pytest

from magnet_briefing.analysis.recovery import recovery_metrics, recovery_table
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
