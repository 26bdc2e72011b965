"""The LP wrapper: answers that do not depend on which simplex HiGHS happens to run."""
import math

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import linprog

from magnet_briefing.engine.lp import IntervalLP
from magnet_briefing.engine.warm_lp import WarmLP

# A small feasible, bounded LP on which HiGHS's primal simplex from no basis stops with status
# "unknown" after 13 iterations (found by a review's random search); the dual simplex solves it.
ROWS = [([2, 3], [-0.8, -1.0], -106.28660872391404, -67.2008816491632),
        ([4, 6, 3], [1.3, -0.8, 1.3], 5.493172059667714, 17.357698304137514),
        ([1, 3, 5], [-1.0, -0.8, -1.0], -math.inf, -133.4979909770595),
        ([3, 6], [-1.0, -0.8], -117.92002574173492, -105.10041879103358),
        ([6, 4], [1.0, -0.8], 58.66429115602132, math.inf),
        ([5, 1, 6], [1.0, -0.8, 1.3], -math.inf, 177.0139151713792),
        ([3, 0], [-1.0, -0.8], -66.96351847858074, math.inf),
        ([0, 4, 3], [1.3, -0.8, -0.8], -30.413973983846162, math.inf),
        ([5], [-0.8], -78.35823040088962, math.inf),
        ([6], [1.3], 103.85767863775911, math.inf),
        ([1, 2], [1.0, -1.0], -math.inf, -3.0297900742031487),
        ([1, 5], [-0.8, -1.0], -126.23573409490616, -100.42858404280788),
        ([6, 3, 5], [-1.0, 1.3, 1.3], 35.953795610469804, 68.57412601947223)]
UPPER = np.array([np.inf, np.inf, np.inf, np.inf, 200.0, np.inf, np.inf])
COST = np.array([0.0, 3.517327112948024, 0.0, 0.7000083653188571, 0.0, 0.0, 4.115970790822676])


def reference_maximum(rows, upper, cost) -> float:
    """The same LP through scipy's linprog (HiGHS with presolve and its default simplex)."""
    n = len(cost)
    a_ub, b_ub = [], []
    for cols, coefs, lo, hi in rows:
        row = np.zeros(n)
        row[cols] = coefs
        if math.isfinite(hi):
            a_ub.append(row), b_ub.append(hi)
        if math.isfinite(lo):
            a_ub.append(-row), b_ub.append(-lo)
    done = linprog(-cost, A_ub=np.array(a_ub), b_ub=np.array(b_ub),
                   bounds=[(0, None if math.isinf(u) else u) for u in upper], method="highs")
    assert done.status == 0
    return -done.fun


def test_a_solve_the_primal_simplex_gives_up_on_is_retried_with_the_dual():
    expected = reference_maximum(ROWS, UPPER, COST)
    lp = IntervalLP(len(COST), ROWS, None, UPPER)
    assert lp.optimise(COST, maximise=True).value == pytest.approx(expected, rel=1e-7)
    # and the model keeps answering afterwards, warm, with the primal simplex again
    single = np.zeros(len(COST))
    single[6] = 1.0
    assert lp.optimise(single, maximise=False).value == pytest.approx(-reference_maximum(ROWS, UPPER, -single),
                                                                      rel=1e-7)


def as_csr(rows, n):
    return sparse.csr_matrix(([a for _, coefs, _, _ in rows for a in coefs], [c for cols, _, _, _ in rows for c in cols],
                              np.r_[0, np.cumsum([len(cols) for cols, _, _, _ in rows])]), shape=(len(rows), n))


def warm(rows, lower, upper):
    n = len(lower)
    return WarmLP(as_csr(rows, n), np.array([r[2] for r in rows]), np.array([r[3] for r in rows]),
                  np.asarray(lower, dtype=float), np.asarray(upper, dtype=float))


def test_the_warm_lp_gives_highs_answers_over_many_objectives():
    """CLP re-solved warm for one objective after another answers as HiGHS does from scratch."""
    lp = warm(ROWS, np.zeros(len(COST)), UPPER)
    rng = np.random.default_rng(3)
    for k in range(40):
        cost = rng.uniform(0, 5, len(COST)) * (rng.random(len(COST)) < 0.5) if k % 3 else np.eye(len(COST))[k % 7]
        maximise = bool(k % 2)
        expected = reference_maximum(ROWS, UPPER, cost if maximise else -cost) * (1 if maximise else -1)
        got = lp.optimise(cost, maximise, binding=False)
        assert got.value == pytest.approx(expected, rel=1e-7, abs=1e-7), (k, cost, maximise)
        assert got.x is not None and got.value == pytest.approx(cost @ got.x, rel=1e-9, abs=1e-9)


def test_the_warm_lp_names_the_binding_rows_and_leaves_infeasibility_to_highs():
    # x0 + x1 <= 10, x0 - x1 >= 2, x1 >= 1 (a column bound): max x0 binds the sum and x1's bound
    rows = [([0, 1], [1.0, 1.0], -math.inf, 10.0), ([0, 1], [1.0, -1.0], 2.0, math.inf)]
    lp = warm(rows, [0.0, 1.0], [math.inf, math.inf])
    best = lp.optimise(np.array([1.0, 0.0]), maximise=True)
    assert best.value == pytest.approx(9.0)
    assert best.active_rows.tolist() == [0] and best.active_cols.tolist() == [1]
    assert lp.optimise(np.array([0.0, 1.0]), maximise=True).value == pytest.approx(4.0)
    assert lp.optimise(np.array([-1.0, 1.0]), maximise=True).value == pytest.approx(-2.0)
    unbounded = warm([([0, 1], [1.0, -1.0], 2.0, math.inf)], [0.0, 0.0], [math.inf, math.inf])
    assert unbounded.optimise(np.array([1.0, 0.0]), maximise=True).value == math.inf
    contradictory = warm(rows + [([0], [1.0], 11.0, math.inf)], [0.0, 1.0], [math.inf, math.inf])
    answer = contradictory.optimise(np.array([1.0, 0.0]), maximise=False)
    assert answer.infeasible and answer.x is None
    # a later objective on the same model gets the same answer, not a stale warm point
    again = contradictory.optimise(np.array([0.0, 1.0]), maximise=True)
    assert again.infeasible and again.x is None


def test_a_model_with_an_empty_last_column_is_solved_whole():
    """CLP sizes a model from its largest index; a column no row touches must not be lost."""
    lp = warm([([0, 1], [1.0, 1.0], 2.0, 4.0)], [0.0, 0.0, 1.0], [math.inf, math.inf, 3.0])
    assert lp.optimise(np.array([0.0, 0.0, 1.0]), maximise=True).value == pytest.approx(3.0)
    assert lp.optimise(np.array([1.0, 1.0, 1.0]), maximise=False).value == pytest.approx(3.0)
