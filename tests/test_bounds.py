"""The fast bounds (propagation, implied rows dropped, LP certification) equal one LP per month and side
over every row of the ledger."""
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from magnet_briefing.engine.lp import IntervalLP
from magnet_briefing.engine.propagate import dominated_rows
from magnet_briefing.engine.rows import build_system
from magnet_briefing.engine.scale_out import ledger_bounds
from magnet_briefing.ledger.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent


def component_rows(system, component):
    """All rows of one connected group of months, as IntervalLP rows over its months."""
    months = np.flatnonzero(system.component == component)
    coo = system.matrix.tocoo()
    rows = np.unique(coo.row[np.isin(coo.col, months)])
    part = system.matrix[rows][:, months]
    return [(part.indices[part.indptr[i]:part.indptr[i + 1]].tolist(),
             part.data[part.indptr[i]:part.indptr[i + 1]].tolist(), system.row_lo[r], system.row_hi[r])
            for i, r in enumerate(rows)], months


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

    def add(i, measure, text, unit, qualifier="exact", first=None):
        first = i if first is None else first
        period = str(months[i]) if first == i else f"{months[first]}..{months[i]}"
        records.append({"claim_id": f"r{len(records)}", "series": "magnets/world", "period": period,
                        "measure": measure, "value": float(text) if unit != "month" else float(pd.Period(text, "M").ordinal),
                        "unit": unit, "qualifier": qualifier, "source_id": "s", "value_text": text,
                        "product": "magnets", "destination": "world", "start": months[first], "end": months[i], "line": 0})

    for i in range(len(months)):
        if rng.random() < 0.5:
            add(i, "level", f"{truth[i]:.0f}", "t")
        if i and rng.random() < 0.6:
            change = f"{(truth[i] / truth[i - 1] - 1) * 100:.1f}"
            add(i, "mom_pct", change, "%", rng.choice(["exact", "about"]))
            if rng.random() < 0.4:  # a second source repeats it, hedged or not: rows the LPs may drop
                add(i, "mom_pct", change, "%", rng.choice(["exact", "about"]))
        if i >= 12 and rng.random() < 0.5:
            add(i, "yoy_pct", f"{(truth[i] / truth[i - 12] - 1) * 100:.0f}", "%")
        if i and rng.random() < 0.2:
            earlier = [j for j in range(i) if truth[j] >= truth[i]]
            add(i, "highest_since", str(months[max(earlier)] if earlier else pd.Period("2020-01", "M")), "month")
        if i % 12 >= 2 and rng.random() < 0.3:  # a year-to-date total: the rows that make propagation fall short
            add(i, "level", f"{sum(truth[i - i % 12:i + 1]):.0f}", "t", first=i - i % 12)
    return pd.DataFrame(records)


@pytest.mark.parametrize("source", ["shipped"] + [f"random-{seed}" for seed in range(10)])
def test_fast_bounds_equal_one_lp_per_month(source):
    claims = load_ledger(ROOT / "data").claims if source == "shipped" else random_claims(int(source.split("-")[1]))
    system = build_system(claims)
    bounds = ledger_bounds(system)
    assert not bounds.infeasible.any()
    for component in range(system.component.max() + 1):
        rows, months = component_rows(system, component)
        expected_low, expected_high = brute_force(rows, len(months))
        assert bounds.low[months] == pytest.approx(expected_low, rel=1e-6, abs=1e-6)
        assert bounds.high[months] == pytest.approx(expected_high, rel=1e-6, abs=1e-6)


def test_rows_match_the_claims():
    """A growth claim x_t = r * x_(t-1) gives two rows over both months and a third that its base
    shipped something (a ten-thousandth of the series' median stated month); a level over a range,
    one sum row."""
    claims = load_ledger(ROOT / "data").claims
    system = build_system(claims)
    arrays = system.claims
    k = int(np.flatnonzero(arrays.ids == "c02")[0])  # May 2025 fell 52.9% on April
    rows = np.flatnonzero(system.row_claim == k)
    assert len(rows) == 3
    series = arrays.series[k]
    may, april = system.column(series, arrays.end[k]), system.column(series, arrays.end[k] - 1)
    for r, multiplier in zip(rows, (0.4705, 0.4715)):
        row = system.matrix[r].toarray().ravel()
        assert row[may] == 1.0 and row[april] == pytest.approx(-multiplier)
        assert np.count_nonzero(row) == 2
    base = system.matrix[rows[2]].toarray().ravel()
    assert np.flatnonzero(base).tolist() == [april] and base[april] == 1.0
    levels = claims[(claims["series"] == "magnets/world") & (claims["measure"] == "level")]
    months = np.array([(end - start).n + 1 for start, end in zip(levels["start"], levels["end"])])
    typical = np.median(np.where(levels["unit"] == "kg", levels["value"] / 1000, levels["value"]) / months)
    assert system.row_lo[rows[2]] == pytest.approx(1e-4 * typical) and np.isinf(system.row_hi[rows[2]])
    total = int(np.flatnonzero(arrays.ids == "c05")[0])  # January to May 2025
    (r,) = np.flatnonzero(system.row_claim == total)
    assert np.count_nonzero(system.matrix[r].toarray()) == 5


def test_a_looser_ratio_row_is_dominated_and_other_rows_are_not():
    """x0 >= 1.1 x1 is implied by x0 >= 1.2 x1 (x1 >= 0); x0 <= 1.3 x1 by x0 <= 1.25 x1. Equal rows
    keep the first; a sum, a two-sided row and a row over other months stay."""
    from scipy import sparse
    rows = [([0, 1], [1.0, -1.1], 0.0, np.inf),        # 0: dominated by 1
            ([0, 1], [1.0, -1.2], 0.0, np.inf),        # 1
            ([1, 0], [-1.2, 1.0], 0.0, np.inf),        # 2: equal to 1, listed later
            ([0, 1], [1.0, -1.3], -np.inf, 0.0),       # 3: dominated by 4
            ([0, 1], [1.0, -1.25], -np.inf, 0.0),      # 4
            ([0, 1], [1.0, 1.0], 10.0, 20.0),          # 5: a sum
            ([0, 1], [1.0, -1.0], -1.0, 1.0),          # 6: two-sided
            ([0, 2], [1.0, -1.0], 0.0, np.inf)]        # 7: another pair
    matrix = sparse.csr_matrix(([a for _, coefs, _, _ in rows for a in coefs],
                                [c for cols, _, _, _ in rows for c in cols],
                                np.r_[0, np.cumsum([len(cols) for cols, _, _, _ in rows])]), shape=(len(rows), 3))
    row_lo = np.array([lo for *_, lo, _ in rows])
    row_hi = np.array([hi for *_, hi in rows])
    everything = np.arange(len(rows))
    assert np.flatnonzero(dominated_rows(matrix, row_lo, row_hi, everything)).tolist() == [0, 2, 3]
    # only among the rows asked about: without row 1, row 0 is the tightest of its kind
    subset = np.array([0, 2, 3, 4])
    assert subset[dominated_rows(matrix, row_lo, row_hi, subset)].tolist() == [0, 3]


def test_slices_of_series_in_worker_processes_give_the_same_bounds_claims_and_groups(monkeypatch):
    """A large ledger is bounded in slices of series, in forked workers; in one piece, in this
    process, it must give exactly the same bounds, supporting rows and groups of months."""
    from magnet_briefing.engine import scale_out
    claims = pd.concat([random_claims(seed).assign(series=f"magnets/S{seed}") for seed in range(6)],
                       ignore_index=True)
    system = build_system(claims)
    monkeypatch.setattr(scale_out, "MIN_ROWS_PER_WORKER", 1)
    answers = []
    for cores in (1, 3):
        monkeypatch.setattr(scale_out, "usable_cores", lambda cores=cores: cores)
        answers.append(ledger_bounds(system))
    assert len(scale_out.series_slices(system, 3 * scale_out.SLICES_PER_WORKER)) >= 3
    one, several = answers
    np.testing.assert_array_equal(one.low, several.low)
    np.testing.assert_array_equal(one.high, several.high)
    np.testing.assert_array_equal(one.box_lower, several.box_lower)
    assert (one.support.matrix != several.support.matrix).nnz == 0

    def partition(groups):
        return sorted((tuple(groups.members(g)), tuple(groups.rows_of(g)), groups.matrix_of(g).toarray().tobytes())
                      for g in range(groups.count) if len(groups.members(g)))

    assert partition(one.groups) == partition(several.groups)
    assert (one.groups.label >= 0).sum() == (several.groups.label >= 0).sum()


def test_solve_each_keeps_the_order_of_the_problems(monkeypatch):
    from magnet_briefing.engine import scale_out
    offset = 1000  # a closure: forked workers inherit it
    answers = scale_out.solve_each(lambda p: (p + offset, os.getpid()), list(range(37)), workers=2)
    assert [a for a, _ in answers] == list(range(1000, 1037))
    assert os.getpid() not in {pid for _, pid in answers}  # solved in the workers


def test_a_worker_that_dies_stops_solve_each_with_an_error_not_a_hang():
    from magnet_briefing.engine import scale_out

    def solve(p):
        if p == 3:
            os._exit(9)  # as the kernel's out-of-memory killer would
        return p

    with pytest.raises(RuntimeError, match="worker process died"):
        scale_out.solve_each(solve, list(range(8)), workers=2)
    assert scale_out.solve_each(lambda p: p * 2, [1, 2, 3], workers=2) == [2, 4, 6]  # and the next call works


def test_one_worker_solves_in_this_process_and_workers_never_nest(monkeypatch):
    from magnet_briefing.engine import scale_out
    monkeypatch.setattr(scale_out, "usable_cores", lambda: 4)
    assert scale_out.available_workers() == 4
    assert scale_out.solve_each(lambda p: os.getpid(), [1, 2, 3], workers=1) == [os.getpid()] * 3
    # inside a worker, a nested call solves in that worker (forking again would deadlock on the lock)
    inner = scale_out.solve_each(lambda p: scale_out.solve_each(lambda q: os.getpid(), [1, 2], workers=2),
                                 [0, 1], workers=2)
    assert all(len(set(pids)) == 1 and pids[0] != os.getpid() for pids in inner)
