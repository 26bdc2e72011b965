"""The least-weight removal for a large group (a series stated month after month for years), by a
weighted elastic LP whose candidates are then checked one by one.

1. The elastic LP: every row may be broken, at a price. Each claim has one slack, in allowance
   units (one allowance of the row's scale per unit: allowance.row_scales), costing the claim's
   weight; the least total cost names the candidates, the claims it breaks. Its point keeps
   every other claim.
2. Each candidate is checked against that point: its own months free, every other month fixed,
   the candidate held, and the other claims on its months free to give way. If none need give
   way, it is kept after all; if lighter claims must, they go instead; if claims of the same
   weight must, it and they are disputed; if heavier, it is set aside for good. The checks of a
   round are one LP (its blocks share no variable), a one-month candidate's without one. A
   candidate that breaks its claim by little and does not fit gets a second check with the months
   its months' rates and rankings reach free too. Set aside without a check: a candidate whose
   figure a heavier set of claims of its own quantity contradicts, and one broken by SURE_BEYOND
   allowances or more (see _beyond_doubt).
3. After keeping or swapping claims the elastic LP is solved again, up to ROUNDS times; then once
   more with the candidates it broke by little charged again, which keeps those that now fit.
Where the kept claims need their allowance, the elastic LP of the relaxation problem says which
(relaxed()): the least weighed relaxation, unchecked, since a spread claim is kept either way.

A wrong figure in a long series contradicts the claims on its own months, which is what the
checks see; a tie whose other reading needs months beyond the candidate's own is not seen, and
is reported as a claim set aside (README, "Known limits").
"""
from __future__ import annotations

import highspy
import numpy as np
from scipy import sparse

from ..allowance import TIE
from ..lp import new_highs
from ..warm_lp import WarmLP
from .exact import Decision
from .problem import Problem

SLACK = 1e-6           # slack (allowance units) below this is none
ROUNDS = 3
WIDER_BELOW = 20.0     # a candidate breaking its claim by fewer allowances gets a second, wider check
SURE_BEYOND = 50.0     # a candidate breaking its claim by this many allowances is set aside unchecked
HELD = 1e6             # the price, per allowance unit and weight, of breaking the candidate itself


def _entries(matrix, lines: np.ndarray) -> np.ndarray:
    """The indices of these rows of a CSR matrix (columns of a CSC one), all together."""
    lines = np.asarray(lines, dtype=np.int64)
    first, count = matrix.indptr[lines], matrix.indptr[lines + 1] - matrix.indptr[lines]
    return matrix.indices[np.repeat(first - (np.cumsum(count) - count), count) + np.arange(count.sum())]


def _one_sided(problem: Problem):
    """Each row as one or two one-sided rows (a row bounded on both sides gives two): (rows, side),
    side +1 for a lower bound, -1 for an upper one."""
    lower = np.flatnonzero(np.isfinite(problem.lo))
    upper = np.flatnonzero(np.isfinite(problem.hi))
    return np.r_[lower, upper], np.r_[np.ones(len(lower)), -np.ones(len(upper))]


class Elastic:
    """The group's elastic LP: built once, re-solved with some claims' slack free (they are dropped)."""

    def __init__(self, problem: Problem):
        self.problem = problem
        n, m = problem.n, problem.m
        rows, side = _one_sided(problem)
        part = problem.matrix[rows].tocoo()
        soft = np.flatnonzero(~problem.hard[rows])
        matrix = sparse.csr_matrix(
            (np.r_[part.data, side[soft] * problem.scale[rows[soft]]],
             (np.r_[part.row, soft], np.r_[part.col, n + problem.owner[rows[soft]]])), shape=(len(rows), n + m))
        self.lp = WarmLP(matrix, np.where(side > 0, problem.lo[rows], -np.inf),
                         np.where(side < 0, problem.hi[rows], np.inf), np.zeros(n + m), np.full(n + m, np.inf),
                         dual_first=True)

    def solve(self, dropped: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(point, slack per claim) with the dropped claims' slack free of charge (their rows as good as gone)."""
        n = self.problem.n
        values = self.lp.optimise(np.r_[np.zeros(n), np.where(dropped, 0.0, self.problem.weight)], False,
                                  binding=False).x
        return values[:n], np.where(dropped, 0.0, values[n:])


class Checks:
    """The local checks of one group: for a candidate, the LP over its months with the rest fixed."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.rows, self.side = _one_sided(problem)
        self.by_row = problem.matrix[self.rows].tocsr()
        self.by_month = self.by_row.tocsc()
        owner = problem.owner[self.rows]
        order = np.argsort(owner, kind="stable")
        starts = np.searchsorted(owner[order], np.arange(problem.m + 1))
        self.rows_of = [order[starts[k]:starts[k + 1]] for k in range(problem.m)]
        self._seen: dict = {}   # each candidate's months, and all its checks reach

    def months_of(self, rows: np.ndarray) -> np.ndarray:
        return np.unique(_entries(self.by_row, rows))

    def rows_on(self, months: np.ndarray) -> np.ndarray:
        return np.unique(_entries(self.by_month, months))

    def touched_by(self, k: int, claims: np.ndarray, months: np.ndarray) -> bool:
        """Whether a check of candidate k (even a wider one) involves any of these claims or months."""
        if (k, "reach") not in self._seen:
            rows = self.rows_on(self.free_months(k, wider=True))
            self._seen[k, "reach"] = (np.unique(self.problem.owner[self.rows[rows]]), self.months_of(rows))
        owners, reached = self._seen[k, "reach"]
        return bool(np.isin(owners, claims).any() or np.isin(reached, months).any())

    def free_months(self, k: int, wider: bool) -> np.ndarray:
        """Candidate k's months, and with `wider` also the months that rows of two months (a rate's,
        a ranking's) link them to."""
        if (k, wider) not in self._seen:
            months = self.months_of(self.rows_of[k])
            if wider and len(months):
                rows = self.rows_on(months)
                rows = rows[np.diff(self.by_row.indptr)[rows] <= 2]
                months = np.union1d(months, self.months_of(rows))
            self._seen[k, wider] = months
        return self._seen[k, wider]

    def run(self, candidates: list[int], x: np.ndarray, dropped: np.ndarray, wider: bool = False):
        """Per candidate: (price, claims that give way) of holding it, the other months fixed at x."""
        months = {k: self.free_months(k, wider) for k in candidates}
        answers = {k: self._one_month(k, months[k], x, dropped) for k in candidates if len(months[k]) == 1}
        rest = [k for k in candidates if k not in answers]
        if rest:
            answers.update(zip(rest, self._lp(rest, months, x, dropped)))
        return [answers[k] for k in candidates]

    def _touching(self, k: int, months: np.ndarray, dropped: np.ndarray) -> np.ndarray:
        """The one-sided rows on these months of claims not dropped, and of candidate k."""
        rows = self.rows_on(months)
        owner = self.problem.owner[self.rows[rows]]
        return rows[(owner < 0) | ~dropped[np.maximum(owner, 0)] | (owner == k)]

    def _one_month(self, k: int, months: np.ndarray, x: np.ndarray, dropped: np.ndarray):
        """The check when the candidate speaks of one month: the price of holding it is convex and
        piecewise linear in that month, so its least lies at a row's breakpoint or an end of the
        range the candidate allows; evaluated there, without an LP."""
        problem, j = self.problem, int(months[0])
        rows = self._touching(k, months, dropped)
        part = self.by_row[rows].tocoo()
        own = part.col == j
        coef = np.bincount(part.row[own], weights=part.data[own], minlength=len(rows))
        fixed = np.bincount(part.row[~own], weights=part.data[~own] * x[part.col[~own]], minlength=len(rows))
        side, at = self.side[rows], self.rows[rows]
        bound = np.where(side > 0, problem.lo[at], problem.hi[at]) - fixed
        owner = problem.owner[at]
        with np.errstate(divide="ignore", invalid="ignore"):
            edge = bound / coef           # the row holds on one side of this value of the month
        upward = (side > 0) == (coef > 0)  # ... above it (else below)
        flat = coef == 0
        held = (owner == k) | (owner < 0)
        low = max(0.0, float(np.max(edge[held & upward & ~flat], initial=0.0)))
        high = float(np.min(edge[held & ~upward & ~flat], initial=np.inf))
        if low > high + 1e-9 * max(1.0, abs(high)) or (held & flat & (side * bound > 0)).any():
            return np.inf, np.zeros(0, dtype=np.int64)
        points = np.unique(np.r_[edge[~held & ~flat], low, high])
        points = points[np.isfinite(points) & (points >= low) & (points <= high)]
        points = points if len(points) else np.array([low])
        breach = np.where(upward, edge - points[:, None], points[:, None] - edge)
        breach = np.where(flat, np.where(side * bound > 0, np.inf, 0.0), np.maximum(breach, 0.0) * np.abs(coef))
        breach = breach / problem.scale[at]
        claims, which = np.unique(np.where(held, -1, owner), return_inverse=True)
        slack = np.zeros((len(points), len(claims)))
        for column in range(len(claims)):
            slack[:, column] = breach[:, which == column].max(axis=1)
        slack[:, claims < 0] = 0.0
        weight = np.where(claims < 0, 0.0, problem.weight[np.maximum(claims, 0)])
        price = slack @ weight
        best = np.flatnonzero(price <= price.min() + 1e-9 * max(1.0, price.min()))
        gives = slack[best] > SLACK
        pick = best[np.argmin(gives @ weight)]    # of equally cheap points, the one with the fewest to give way
        give = claims[slack[pick] > SLACK]
        return float(problem.weight[give].sum()), give

    def _lp(self, candidates: list[int], months_of: dict, x: np.ndarray, dropped: np.ndarray):
        """The checks of candidates over several months, as one LP of independent blocks."""
        problem = self.problem
        blocks, columns = [], 0
        entries, lows, highs, costs = [], [], [], []
        n_rows = 0
        for k in candidates:
            months = months_of[k]
            rows = self._touching(k, months, dropped)
            owner = problem.owner[self.rows[rows]]
            part = self.by_row[rows].tocoo()
            free = np.full(problem.n, -1)
            free[months] = np.arange(len(months))
            inside = free[part.col] >= 0
            fixed = np.bincount(part.row[~inside], weights=part.data[~inside] * x[part.col[~inside]], minlength=len(rows))
            claims, slack_of = np.unique(np.where(owner < 0, -1, owner), return_inverse=True)
            soft = owner >= 0   # a base row too: it goes with its claim
            slack_column = columns + len(months) + slack_of
            scale = problem.scale[self.rows[rows]] * self.side[rows]
            entries.append((n_rows + part.row[inside], columns + free[part.col[inside]], part.data[inside]))
            entries.append((n_rows + np.flatnonzero(soft), slack_column[soft], scale[soft]))
            side = self.side[rows]
            bound = np.where(side > 0, problem.lo[self.rows[rows]], problem.hi[self.rows[rows]]) - fixed
            lows.append(np.where(side > 0, bound, -np.inf))
            highs.append(np.where(side < 0, bound, np.inf))
            weight = np.where(claims < 0, 0.0, problem.weight[np.maximum(claims, 0)])
            costs.append(np.r_[np.zeros(len(months)), np.where(claims == k, HELD * weight, weight)])
            blocks.append((columns + len(months), claims))
            columns += len(months) + len(claims)
            n_rows += len(rows)
        row, col, data = (np.concatenate(part) for part in zip(*entries))
        matrix = sparse.csr_matrix((data, (row, col)), shape=(n_rows, columns))
        values = _solve(matrix, np.concatenate(lows), np.concatenate(highs), np.concatenate(costs))
        answers = []
        for k, (first, claims) in zip(candidates, blocks):
            slack = values[first:first + len(claims)]
            if (slack[claims == k] > SLACK).any():
                answers.append((np.inf, np.zeros(0, dtype=np.int64)))
                continue
            give = claims[(slack > SLACK) & (claims >= 0)]
            answers.append((float(problem.weight[give].sum()), give))
        return answers


def _solve(matrix: sparse.csr_matrix, lo: np.ndarray, hi: np.ndarray, cost: np.ndarray) -> np.ndarray:
    inf = highspy.kHighsInf
    n = matrix.shape[1]
    highs = new_highs()
    highs.setOptionValue("presolve", "off")
    highs.passModel(n, matrix.shape[0], matrix.nnz, int(highspy.MatrixFormat.kRowwise), int(highspy.ObjSense.kMinimize),
                    0.0, cost, np.zeros(n), np.full(n, inf), np.where(np.isfinite(lo), lo, -inf),
                    np.where(np.isfinite(hi), hi, inf), matrix.indptr.astype(np.int32), matrix.indices.astype(np.int32),
                    matrix.data, np.zeros(n, dtype=np.int32))
    highs.run()
    return np.asarray(highs.getSolution().col_value)


def _beyond_doubt(problem: Problem, removed: np.ndarray, slack: np.ndarray) -> np.ndarray:
    """Candidates set aside without a check: those whose figure kept claims of their own quantity,
    together heavier, contradict (keeping one would set all of those aside), and those the elastic
    LP breaks by SURE_BEYOND allowances or more that no kept claim of their own quantity contradicts
    as much (holding one moves its months as far, and every claim that pins them breaks: of 1,432
    such checks in the benchmark, 1,430 set the candidate aside and two found a tie)."""
    against = np.zeros(problem.m)
    if len(problem.pairs):
        a, b = problem.pairs[:, 0], problem.pairs[:, 1]
        np.add.at(against, a, np.where(removed[a] & ~removed[b], problem.weight[b], 0.0))
        np.add.at(against, b, np.where(removed[b] & ~removed[a], problem.weight[a], 0.0))
    return removed & ((against > problem.weight + TIE) | ((slack >= SURE_BEYOND) & (against == 0)))


def decide(problem: Problem) -> Decision:
    elastic, checks = Elastic(problem), Checks(problem)
    x, slack = elastic.solve(np.zeros(problem.m, dtype=bool))
    removed = slack > SLACK
    first_slack = slack
    answers: dict[int, tuple] = {}   # kept between rounds while nothing on a candidate's months changes
    ties: list[tuple[int, np.ndarray]] = []
    for _ in range(ROUNDS):
        candidates = np.flatnonzero(removed & ~_beyond_doubt(problem, removed, first_slack)).tolist()
        todo = [k for k in candidates if k not in answers]
        for k, answer in zip(todo, checks.run(todo, x, removed)):
            answers[k] = answer
        again = [k for k in todo if TIE < answers[k][0] < np.inf and first_slack[k] < WIDER_BELOW]
        for k, wider in zip(again, checks.run(again, x, removed, wider=True)):
            if wider[0] < answers[k][0] - TIE:
                answers[k] = wider
        fits = [k for k in candidates if answers[k][0] <= TIE]
        swaps = [(k, answers[k][1]) for k in candidates if TIE < answers[k][0] < problem.weight[k] - TIE]
        ties = [(k, answers[k][1]) for k in candidates if abs(answers[k][0] - problem.weight[k]) <= TIE]
        trial = removed.copy()
        if fits:
            trial[fits] = False
        else:
            used = np.zeros(problem.m, dtype=int)
            for k, give in swaps:
                used[k] += 1
                used[give] += 1
            for k, give in swaps:
                if used[k] == 1 and (used[give] == 1).all():
                    trial[k], trial[give] = False, True
        if (trial == removed).all():
            break
        x_trial, slack = elastic.solve(trial)
        if (slack[~trial] > SLACK).any() and not fits:
            break   # the swaps reach beyond their own months: the elastic LP's choice stands
        changed = np.flatnonzero((trial | (slack > SLACK)) != removed)
        moved = np.flatnonzero(np.abs(x_trial - x) > SLACK * np.maximum(1.0, np.abs(x)))
        x, removed = x_trial, trial | (slack > SLACK)
        for k in [k for k in answers if checks.touched_by(k, changed, moved)]:
            del answers[k]
    # claims the LP broke by little and the checks set aside may fit where the point moves once
    # the others are out: one more solve that charges them again keeps those it can
    small = np.flatnonzero(removed & (first_slack < WIDER_BELOW))
    if len(small):
        trial = removed.copy()
        trial[small] = False
        x_trial, slack = elastic.solve(trial)
        kept_again = small[slack[small] <= SLACK]
        if not (slack[~removed] > SLACK).any() and len(kept_again):
            removed[kept_again] = False
            x = x_trial
    disputed = np.zeros(problem.m, dtype=bool)
    conflicts, optima = [], [removed]
    for k, give in ties:
        if removed[k]:
            disputed[k] = True
            disputed[give] = True
            conflicts.append(np.r_[k, give])
            other = removed.copy()
            other[k], other[give] = False, True
            optima.append(other)
    return Decision(removed & ~disputed, disputed, optima, conflicts)


def relaxed(problem: Problem) -> np.ndarray:
    """The claims of a relaxation problem the elastic LP relaxes (the least total relaxation,
    weighed: claims held as stated where the others allow it); unchecked, as a spread claim is
    kept either way."""
    return Elastic(problem).solve(np.zeros(problem.m, dtype=bool))[1] > SLACK
