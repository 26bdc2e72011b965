"""Engine at scale: reconstruct(claims) for 1,000 series x 120 months, about 5 claims per series-month,
as reported and with 2% of the claims corrupted.

The claims are synthetic: a seeded true monthly series per destination, stated the way news reports
do (rounded tonnes or millions of kilograms, rounded growth rates, hedged words, over/under bounds,
year-to-date totals and their change, highest/lowest-since rankings). They come from the truth, so
every claim is consistent and the truth lies inside every month's bounds; a sample is checked.
The corrupted ledger (bench/corruptions.py) has CORRUPTED_SHARE of them wrong the way real
reporting goes wrong; the engine should set those aside and keep the others.

Each size is solved by one reconstruct() call in a fresh process, the claims loaded before the
clock starts. The engine bounds slices of series in a forked worker per core; the peak memory is
the process's peak RSS plus the workers' own pages (sampled), since a forked worker's RSS also
counts every page it shares with its parent. A solve the previous size projects (linearly) past
MAX_SOLVE_SECONDS is not run but shown as "~N s?"; BENCH_ENGINE_MAX_SECONDS=inf runs every size.
"""
from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

from bench import print_table
from bench.corruptions import corrupt
from magnet_briefing.config import PROJECT_ROOT
from magnet_briefing.engine import reconstruct
from magnet_briefing.engine.scale_out import usable_cores

SEED = 20250801
FIRST_MONTH = pd.Period("2016-01", freq="M")
MONTHS = 120
SIZES = (100, 300, 1000)
TARGET_SECONDS = 10.0
TARGET_BYTES = 1 << 30
CORRUPTED_SHARE = 0.02
CORRUPTED_TARGET_SECONDS = 30.0
TARGET_FOUND = 0.95          # of the corrupted claims, at least this share set aside
TARGET_CLEAN_SET_ASIDE = 0.005   # of the clean ones, at most this share
SANITY_SERIES = 3
MAX_GROWTH = 1.25  # per-series time at the largest size over the smallest: linear within noise
MAX_SOLVE_SECONDS = 600.0  # env BENCH_ENGINE_MAX_SECONDS overrides
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Chance per month that some source states each kind of figure; "again" is a second source
# repeating a figure (corroboration). Together about 5 claims per series-month.
STATEMENT_CHANCES = {
    "level": 0.65, "level_again": 0.45, "level_kg": 0.25, "level_about": 0.12,
    "level_over": 0.10, "level_under": 0.10,
    "mom": 0.60, "mom_again": 0.25, "mom_about": 0.15, "mom_nearly": 0.15, "mom_over": 0.10, "mom_under": 0.10,
    "yoy": 0.55, "yoy_again": 0.20, "yoy_about": 0.12, "yoy_nearly": 0.12, "yoy_over": 0.10, "yoy_under": 0.10,
    "mom_ratio": 0.10, "ranking": 0.35,
    "ytd_level": 0.40, "ytd_yoy": 0.30, "ytd_ranking": 0.05,
}


# --- synthetic ledger -------------------------------------------------------------------------

def series_names(count: int) -> list[str]:
    """Distinct series: magnets/AA..magnets/ZZ, then rare_earths/AA.. (1,352 available)."""
    codes = [a + b for a in LETTERS for b in LETTERS]
    if count > 2 * len(codes):
        raise ValueError(f"at most {2 * len(codes)} synthetic series")
    return [f"{'magnets' if k < len(codes) else 'rare_earths'}/{codes[k % len(codes)]}" for k in range(count)]


def true_series(rng: np.random.Generator, months: int) -> np.ndarray:
    """Monthly tonnes: a mean-reverting log random walk with a seasonal swing, 50 t to 50,000 t."""
    mean = rng.uniform(np.log(300), np.log(6000))
    season = rng.uniform(0, 0.25) * np.sin(2 * np.pi * (np.arange(months) + rng.uniform(0, 12)) / 12)
    shocks = rng.normal(0, 0.2, months)
    logs = np.empty(months)
    logs[0] = mean + shocks[0] * 2
    for t in range(1, months):
        logs[t] = mean + 0.9 * (logs[t - 1] - mean) + shocks[t]
    return np.clip(np.exp(logs + season), 50, 50_000)


def _rounded(magnitude: float, decimals: int, rounding) -> Decimal:
    step = Decimal(1).scaleb(-decimals)
    return (Decimal(magnitude) / step).to_integral_value(rounding=rounding) * step


def _signed(value: float, magnitude: Decimal) -> str:
    return ("-" if value < 0 else "") + str(magnitude)


def change_text(change: float, decimals: int, qualifier: str) -> str | None:
    """A % change as a source writes it under `qualifier` (data/README.md), or None if it cannot be."""
    magnitude = abs(change)
    if qualifier in ("exact", "about"):
        text = f"{change:.{decimals}f}"
    elif qualifier == "nearly":  # just above the true magnitude, and never equal to it
        stated = _rounded(magnitude, decimals, ROUND_CEILING)
        text = _signed(change, stated + Decimal(1).scaleb(-decimals) if stated == Decimal(magnitude) else stated)
    elif qualifier == "over":
        text = _signed(change, _rounded(magnitude, decimals, ROUND_FLOOR))
    else:  # under
        text = _signed(change, _rounded(magnitude, decimals, ROUND_CEILING))
    # one-sided words need a signed, non-zero figure; a fall of 100% or more is not a ledger value
    if (float(text) == 0 and qualifier not in ("exact", "about")) or float(text) <= -100:
        return None
    return text


def two_digits(tonnes: float, rounding) -> str:
    """'over 1200' / 'under 1300': tonnes rounded down or up to two significant digits."""
    unit = Decimal(10) ** (int(math.floor(math.log10(tonnes))) - 1)
    return str(int((Decimal(tonnes) / unit).to_integral_value(rounding=rounding) * unit))


def _since_before_window(first: int, aux: float, step: int) -> int:
    """A 'since' period (same calendar month as `first`) before the modelled window;
    the engine ignores the part of a ranking outside it."""
    return first - step * (first // step + 1 + int(aux * 4))


def _state(kind: str, truth: list[float], total_to: list[float], i: int, aux: float):
    """One statement (first, last, measure, value, unit, qualifier) of `kind` about month i, or None.

    `truth` is the true series, `total_to[j]` the total of its first j months."""
    x = truth[i]
    decimals = 0 if aux < 0.5 else 1
    if kind in ("level", "level_again"):
        return i, i, "level", f"{x:.0f}", "t", "exact"
    if kind == "level_kg":
        return i, i, "level", f"{x * 1000:.3g}", "kg", "exact"
    if kind == "level_about":
        return i, i, "level", f"{round(x, -1):.0f}", "t", "about"
    if kind == "level_over":
        return i, i, "level", two_digits(x, ROUND_FLOOR), "t", "over"
    if kind == "level_under":
        return i, i, "level", two_digits(x, ROUND_CEILING), "t", "under"
    if kind.startswith(("mom", "yoy")):
        measure, _, qualifier = kind.partition("_")
        lag = 12 if measure == "yoy" else 1
        if i < lag:
            return None
        if qualifier == "ratio":
            return i, i, "mom_ratio", f"{x / truth[i - 1]:.1f}", "x", "about"
        qualifier = {"": "exact", "again": "exact"}.get(qualifier, qualifier)
        text = change_text((x / truth[i - lag] - 1) * 100, decimals, qualifier)
        return (i, i, f"{measure}_pct", text, "%", qualifier) if text else None
    if kind == "ranking":
        if i == 0:
            return None
        highest = x > truth[i - 1]
        since = next((j for j in range(i - 1, -1, -1) if (truth[j] >= x if highest else truth[j] <= x)), None)
        since = _since_before_window(i, aux, 1) if since is None else since
        return i, i, "highest_since" if highest else "lowest_since", since, "month", "exact"
    first = i - (FIRST_MONTH.month - 1 + i) % 12
    if first == i:
        return None  # January alone is a month, not a year to date
    total = total_to[i + 1] - total_to[first]
    if kind == "ytd_level":
        return (first, i, "level", f"{total:.0f}", "t", "exact") if aux < 0.7 else \
            (first, i, "level", f"{round(total, -2):.0f}", "t", "about")
    if first < 12:
        return None  # no earlier year in the window
    earlier = [total_to[j + i - first + 1] - total_to[j] for j in range(first - 12, -1, -12)]  # latest first
    if kind == "ytd_yoy":
        text = change_text((total / earlier[0] - 1) * 100, 1, "exact")
        return (first, i, "yoy_pct", text, "%", "exact") if text else None
    highest = total > earlier[0]
    years_back = next((k for k, other in enumerate(earlier, start=1)
                       if (other >= total if highest else other <= total)), None)
    since = first - 12 * years_back if years_back else _since_before_window(first, aux, 12)
    return first, i, "highest_since" if highest else "lowest_since", since, "month", "exact"


def series_statements(rng: np.random.Generator, truth: np.ndarray) -> list[tuple]:
    """Every statement sources make about one true series, month by month."""
    kinds = list(STATEMENT_CHANCES)
    made = rng.random((len(truth), len(kinds))) < np.array(list(STATEMENT_CHANCES.values()))
    aux = rng.random((len(truth), len(kinds))).tolist()
    values, total_to = truth.tolist(), np.concatenate([[0.0], np.cumsum(truth)]).tolist()
    months, which = (index.tolist() for index in np.nonzero(made))
    statements = (_state(kinds[k], values, total_to, i, aux[i][k]) for i, k in zip(months, which))
    return [statement for statement in statements if statement]


def synthetic_claims(n_series: int, months: int = MONTHS, seed: int = SEED) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """A claims frame shaped like magnet_briefing.ledger.load_claims returns, and the truth per series.

    Series k draws from its own stream (seed, k), so the first 100 series are the same at every size."""
    rows, truths = [], {}
    for k, name in enumerate(series_names(n_series)):
        rng = np.random.default_rng([seed, k])
        truths[name] = truth = true_series(rng, months)
        rows += [(name,) + statement for statement in series_statements(rng, truth)]
    series, first, last, measure, value, unit, qualifier = (list(column) for column in zip(*rows))
    base = FIRST_MONTH.ordinal
    month_text = {i: str(FIRST_MONTH + i) for i in range(-12 * 5, months)}  # "since" reaches 4 years back
    ranking = [m in ("highest_since", "lowest_since") for m in measure]
    value_text = [month_text[v] if rank else v for v, rank in zip(value, ranking)]
    periods = [month_text[a] if a == b else f"{month_text[a]}..{month_text[b]}" for a, b in zip(first, last)]
    product_of = {name: name.partition("/") for name in truths}
    return pd.DataFrame({
        "claim_id": [f"g{n}" for n in range(1, len(rows) + 1)],
        "series": series,
        "period": periods,
        "measure": measure,
        "value": [float(v + base) if rank else float(v) for v, rank in zip(value, ranking)],
        "unit": unit,
        "qualifier": qualifier,
        "source_id": [f"wire-{p[:7]}" for p in periods],
        "value_text": value_text,
        "product": [product_of[s][0] for s in series],
        "destination": [product_of[s][2] for s in series],
        "start": pd.PeriodIndex.from_ordinals(np.array(first) + base, freq="M"),
        "end": pd.PeriodIndex.from_ordinals(np.array(last) + base, freq="M"),
        "line": np.arange(2, len(rows) + 2),
    }), truths


# --- checks and measurements ------------------------------------------------------------------

def sanity_line(claims: pd.DataFrame, truths: dict[str, np.ndarray], count: int = SANITY_SERIES) -> str:
    """Reconstruct a few series: every claim must be consistent and every true month inside [low, high]."""
    names = list(truths)[:count]
    result = reconstruct(claims[claims["series"].isin(names)])
    consistent = int((result.consistency["status"] == "consistent").sum())
    months = result.monthly[~result.monthly["month"].str.contains("..", regex=False)]
    inside = total = 0
    for name in names:
        own = months[months["series"] == name]
        truth = truths[name][[(pd.Period(month, freq="M") - FIRST_MONTH).n for month in own["month"]]]
        slack = 1e-6 * truth + 1e-6  # LP tolerances
        inside += int(((own["low"].to_numpy() <= truth + slack) & (truth <= own["high"].to_numpy() + slack)).sum())
        total += len(truth)
    ok = consistent == len(result.consistency) and inside == total
    return (f"sanity ({'ok' if ok else 'FAILED'}): {len(names)} series, {consistent:,}/{len(result.consistency):,} "
            f"claims consistent, truth inside [low, high] for {inside}/{total} months")


def _peak_rss_bytes() -> int:
    """This process's peak RSS. VmHWM starts afresh at exec; ru_maxrss would carry the parent's peak."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


class WorkerMemory:
    """Peak private memory (USS) of this process's forked workers, sampled: the engine forks one
    per core to bound slices of series. A forked worker's RSS counts every page it shares with its parent, so
    only its own pages are added to the parent's peak RSS (a slight overestimate: the two peaks
    need not coincide)."""

    INTERVAL_SECONDS = 0.5  # reading a worker's smaps is not free: every 0.1 s cost 10% of the run

    def __init__(self):
        self.peak_bytes = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._done.wait(self.INTERVAL_SECONDS):
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_full_info().uss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            self.peak_bytes = max(self.peak_bytes, total)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._done.set()
        self._thread.join()


def solve_in_process(path: str) -> None:
    """Run in a fresh interpreter: load the claims, time reconstruct(), print JSON (seconds, peak
    bytes); the claims set aside (inconsistent or disputed) go to `path`.aside.json."""
    claims = pd.read_pickle(path)
    with WorkerMemory() as workers:
        started = time.perf_counter()
        result = reconstruct(claims)
        seconds = time.perf_counter() - started
    table = result.consistency
    aside = table.loc[table["status"].isin(["inconsistent", "disputed"]), "claim_id"].tolist()
    Path(path + ".aside.json").write_text(json.dumps(aside))
    print(json.dumps({"seconds": seconds, "peak_bytes": _peak_rss_bytes() + workers.peak_bytes}))


def measure(claims_path: Path) -> dict:
    """Solve the pickled claims in a fresh interpreter; {seconds, peak_bytes, aside (claim ids)}."""
    command = [sys.executable, "-c", "import sys; from bench.engine import solve_in_process; "
               "solve_in_process(sys.argv[1])", str(claims_path)]
    done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"solving {claims_path.name} failed:\n{done.stderr}")
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    measured["aside"] = set(json.loads(Path(str(claims_path) + ".aside.json").read_text()))
    return measured


# --- the table --------------------------------------------------------------------------------

def _seconds(measured: dict) -> str:
    if "projected" in measured:
        return f"~{measured['projected']:,.0f} s?"
    return f"{measured['seconds']:.1f} s"


def _megabytes(measured: dict) -> str:
    return f"{measured['peak_bytes'] / 2**20:,.0f} MB" if "peak_bytes" in measured else ""


def _per_series(measured: dict, series: int) -> str:
    return f"{measured['seconds'] / series * 1000:,.0f} ms" if "seconds" in measured else ""


def _solve_sizes(claims: pd.DataFrame, names: list[str], budget: float) -> dict[int, dict]:
    """series -> {seconds, peak_bytes}, or {projected} when the previous size projects it past `budget`."""
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        for size in SIZES:
            path = Path(tmp) / f"claims-{size}.pkl"
            claims[claims["series"].isin(names[:size])].to_pickle(path)
            done = [n for n in SIZES if "seconds" in results.get(n, {})]
            projected = results[done[-1]]["seconds"] / done[-1] * size if done else 0.0
            results[size] = measure(path) if projected <= budget else {"projected": projected}
    return results


def _target_rows(results: dict[int, dict]) -> list[tuple[str, str, str, str]]:
    largest, smallest = max(SIZES), min(SIZES)
    at_scale, small = results[largest], results[smallest]
    label = f"{largest:,} series"
    seconds = at_scale.get("seconds", at_scale.get("projected"))
    verdict = "OVER" if seconds > TARGET_SECONDS else "ok" if "seconds" in at_scale else "not run"
    rows = [(f"{label}: time", _seconds(at_scale), f"<= {TARGET_SECONDS:.0f} s", verdict)]
    if "peak_bytes" in at_scale:
        rows.append((f"{label}: peak memory", _megabytes(at_scale), f"<= {TARGET_BYTES / 2**30:.0f} GB",
                     "ok" if at_scale["peak_bytes"] <= TARGET_BYTES else "OVER"))
    if "seconds" in at_scale and "seconds" in small:
        growth = (at_scale["seconds"] / largest) / (small["seconds"] / smallest)
        rows.append((f"{label}: per-series time / at {smallest:,} series", f"{growth:.2f}x",
                     f"<= {MAX_GROWTH:.2f}x", "linear" if growth <= MAX_GROWTH else "GROWS"))
    return rows


def _corrupted_rows(claims: pd.DataFrame, truths: dict[str, np.ndarray]) -> list[tuple[str, str, str, str]]:
    """The corrupted ledger solved once: time, memory, and the claims set aside, against the targets."""
    bad, kinds = corrupt(claims, truths, FIRST_MONTH, CORRUPTED_SHARE)
    with tempfile.TemporaryDirectory(prefix="bench-engine-") as tmp:
        path = Path(tmp) / "corrupted.pkl"
        bad.to_pickle(path)
        measured = measure(path)
    corrupted = set(kinds)
    found = len(measured["aside"] & corrupted) / len(corrupted)
    clean_aside = len(measured["aside"] - corrupted) / (len(bad) - len(corrupted))
    by_kind = pd.Series(kinds)
    missed = by_kind[[c for c in corrupted if c not in measured["aside"]]].value_counts()
    label = f"{len(truths):,} series, {CORRUPTED_SHARE:.0%} corrupted"
    print(f"Corrupted ledger: {len(corrupted):,} of {len(bad):,} claims corrupted "
          f"({', '.join(f'{n:,} {k}' for k, n in by_kind.value_counts().items())}); "
          f"not set aside: {', '.join(f'{n:,} {k}' for k, n in missed.items()) or 'none'}")
    return [(f"{label}: time", _seconds(measured), f"<= {CORRUPTED_TARGET_SECONDS:.0f} s",
             "ok" if measured["seconds"] <= CORRUPTED_TARGET_SECONDS else "OVER"),
            (f"{label}: peak memory", _megabytes(measured), f"<= {TARGET_BYTES / 2**30:.0f} GB",
             "ok" if measured["peak_bytes"] <= TARGET_BYTES else "OVER"),
            (f"{label}: corrupted claims set aside", f"{found:.1%}", f">= {TARGET_FOUND:.0%}",
             "ok" if found >= TARGET_FOUND else "SHORT"),
            (f"{label}: clean claims set aside", f"{clean_aside:.3%}", f"<= {TARGET_CLEAN_SET_ASIDE:.1%}",
             "ok" if clean_aside <= TARGET_CLEAN_SET_ASIDE else "OVER")]


def main() -> None:
    budget = float(os.environ.get("BENCH_ENGINE_MAX_SECONDS", MAX_SOLVE_SECONDS))
    started = time.perf_counter()
    claims, truths = synthetic_claims(max(SIZES))
    generated = time.perf_counter() - started
    names = list(truths)
    print(f"Synthetic ledger: {len(claims):,} claims on {len(names):,} series x {MONTHS} months "
          f"({len(claims) / len(names) / MONTHS:.2f} per series-month, seed {SEED}), generated in {generated:.1f} s")
    print(sanity_line(claims, truths))
    results = _solve_sizes(claims, names, budget)
    rows = [(f"{size:,}", f"{int(claims['series'].isin(names[:size]).sum()):,}", _seconds(results[size]),
             _megabytes(results[size]), _per_series(results[size], size)) for size in SIZES]
    print_table(f"Engine scale: one reconstruct(claims) call per size, in a fresh process, on {usable_cores()} "
                f"cores (~N s? = projected, not run: over {budget:,.0f} s)",
                ("series", "claims", "time", "peak memory", "per series"), rows, "<>>>>")
    print("peak memory: the process's peak RSS plus its forked workers' own pages (sampled)")
    rows = _target_rows(results) + _corrupted_rows(claims, truths)
    print_table("Targets", ("measure", "value", "target", ""), rows, "<><<")
