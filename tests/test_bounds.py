"""The fast bound computation (propagation + LP certification) equals one LP per month and side."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from magnet_briefing.constraints import build_constraints
from magnet_briefing.ledger import load_ledger
from magnet_briefing.lp import IntervalLP
from magnet_briefing.reconstruct import component_bounds

ROOT = Path(__file__).resolve().parent.parent


def lp_rows_of(series_constraints):
    first = series_constraints.window[0].ordinal
    rows = []
    for row in series_constraints.rows:
        merged = {}
        for month, coef in row.coefs:
            merged[month - first] = merged.get(month - first, 0.0) + coef
        rows.append((list(merged), list(merged.values()), row.lo, row.hi))
    used = sorted({c for cols, _, _, _ in rows for c in cols})
    local = {c: k for k, c in enumerate(used)}
    return [([local[c] for c in cols], coefs, lo, hi) for cols, coefs, lo, hi in rows], len(used)


def brute_force(rows, n):
    lp = IntervalLP(n, rows)
    low, high = [], []
    for j in range(n):
        cost = np.zeros(n)
        cost[j] = 1.0
        low.append(lp.optimise(cost, maximise=False).value)
        high.append(lp.optimise(cost, maximise=True).value)
    return np.maximum(low, 0.0), np.array(high)


def random_claims(seed: int) -> pd.DataFrame:
    """A synthetic series stated with levels, growth rates and rankings, as a ledger frame."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2024-01", periods=24, freq="M")
    truth = rng.uniform(300, 6000, len(months))
    records = []

    def add(i, measure, text, unit, qualifier="exact"):
        records.append({"claim_id": f"r{len(records)}", "series": "magnets/world", "period": str(months[i]),
                        "measure": measure, "value": float(text) if unit != "month" else float(pd.Period(text, "M").ordinal),
                        "unit": unit, "qualifier": qualifier, "source_id": "s", "value_text": text,
                        "product": "magnets", "destination": "world", "start": months[i], "end": months[i], "line": 0})

    for i in range(len(months)):
        if rng.random() < 0.5:
            add(i, "level", f"{truth[i]:.0f}", "t")
        if i and rng.random() < 0.6:
            add(i, "mom_pct", f"{(truth[i] / truth[i - 1] - 1) * 100:.1f}", "%", rng.choice(["exact", "about"]))
        if i >= 12 and rng.random() < 0.5:
            add(i, "yoy_pct", f"{(truth[i] / truth[i - 12] - 1) * 100:.0f}", "%")
        if i and rng.random() < 0.2:
            earlier = [j for j in range(i) if truth[j] >= truth[i]]
            add(i, "highest_since", str(months[max(earlier)] if earlier else pd.Period("2020-01", "M")), "month")
    return pd.DataFrame(records)


@pytest.mark.parametrize("source", ["shipped"] + [f"random-{seed}" for seed in range(6)])
def test_fast_bounds_equal_one_lp_per_month(source):
    claims = load_ledger(ROOT / "data").claims if source == "shipped" else random_claims(int(source.split("-")[1]))
    for series_constraints in build_constraints(claims).values():
        rows, n = lp_rows_of(series_constraints)
        if not n:
            continue
        (low, high), _ = component_bounds(rows, n)
        expected_low, expected_high = brute_force(rows, n)
        assert low == pytest.approx(expected_low, rel=1e-6, abs=1e-6)
        assert high == pytest.approx(expected_high, rel=1e-6, abs=1e-6)
