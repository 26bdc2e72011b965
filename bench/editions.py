"""The incremental archive: after one new article, `editions` against one edition's time.

A synthetic ledger gives twelve editions (April 2025 to March 2026), one source a month published
on the 20th of the next, each stating the month's level and its change on the month before. The
archive is built once; then one article published after the last edition's as-of day (it states
April 2026) is added, and `editions` is timed: it should build the one new edition and the index,
and skip the twelve whose claims did not change. Target: at most MAX_RATIO x one edition, both
timed as the commands an analyst runs, best of REPEATS.
"""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

from bench import print_table
from magnet_briefing.config import PROJECT_ROOT, defaults

REPEATS = 2
MAX_RATIO = 1.5
FIRST_MONTH, LAST_MONTH = pd.Period("2024-10", "M"), pd.Period("2026-03", "M")
NEW_MONTH = LAST_MONTH + 1
CONTROL_START = "2025-04"


def tonnes(month: pd.Period) -> float:
    """Steady before the controls, a collapse in May 2025, then a recovery past the old level."""
    after = (month - pd.Period(CONTROL_START, "M")).n
    if after < 0:
        return 5000.0 + 40 * (month.month % 3)
    return round(5200.0 - 3900.0 * 0.72 ** max(after - 1, 0) if after else 4600.0, 1)


def write_ledger(folder: Path, last: pd.Period) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    claims, sources = [], []
    for month in pd.period_range(FIRST_MONTH, last, freq="M"):
        source = f"bench-{month}"
        sources.append([source, "Bench Wire", f"Magnet exports in {month}", f"{month + 1}-20", ""])
        claims.append([f"l-{month}", "magnets/world", str(month), "level", tonnes(month), "t", "exact", source])
        if month > FIRST_MONTH:
            change = 100 * (tonnes(month) / tonnes(month - 1) - 1)
            claims.append([f"m-{month}", "magnets/world", str(month), "mom_pct", f"{change:.1f}", "%", "about",
                           source])
    for name, header, rows in (("claims.csv", ["claim_id", "series", "period", "measure", "value", "unit",
                                                "qualifier", "source_id"], claims),
                               ("sources.csv", ["source_id", "publisher", "title", "published", "url"], sources)):
        with open(folder / name, "w", newline="", encoding="utf-8") as file:
            csv.writer(file).writerows([header, *rows])


def write_params(path: Path, data: Path) -> None:
    params = defaults() | {"data": str(data), "control_start": CONTROL_START, "series": ["magnets/world"],
                           "month": "latest", "as_of": "auto"}
    path.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")


def _run(arguments: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "magnet_briefing", *arguments], cwd=PROJECT_ROOT,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"bench editions: {' '.join(arguments[:1])} failed: {done.stderr.strip()[-400:]}")
    return seconds, done.stdout


def one_edition_seconds(workdir: Path, params: Path) -> float:
    reports = workdir / "one"
    times = []
    for _ in range(REPEATS):
        shutil.rmtree(reports, ignore_errors=True)
        times.append(_run(["report", "--params", str(params), "--month", str(LAST_MONTH),
                           "--reports", str(reports)])[0])
    return min(times)


def incremental_seconds(workdir: Path, params: Path, ledger: Path) -> tuple[float, str, float]:
    """(seconds of `editions` after the new article, its summary line, seconds of the first full build)."""
    times, summary, full = [], "", 0.0
    for _ in range(REPEATS):
        archive = workdir / "archive"
        shutil.rmtree(archive, ignore_errors=True)
        write_ledger(ledger, LAST_MONTH)
        full, _ = _run(["editions", "--params", str(params), "--reports", str(archive)])
        write_ledger(ledger, NEW_MONTH)  # the new article: April 2026, published 20 May 2026
        seconds, out = _run(["editions", "--params", str(params), "--reports", str(archive)])
        times.append(seconds)
        summary = next((line for line in out.splitlines() if re.match(r"\d+ built, ", line)), out.strip()[-200:])
    return min(times), summary, full


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-editions-") as tmp:
        workdir = Path(tmp)
        ledger, params = workdir / "ledger", workdir / "params.yaml"
        write_ledger(ledger, LAST_MONTH)
        write_params(params, ledger)
        one = one_edition_seconds(workdir, params)
        incremental, summary, full = incremental_seconds(workdir, params, ledger)
        built = re.match(r"(\d+) built, (\d+) unchanged", summary)
        ratio = incremental / one
        rows = [
            ("one edition: report --month 2026-03", f"{one:.2f} s", "", ""),
            ("first build of the archive: editions (12 months)", f"{full:.2f} s", "", ""),
            ("after one new article: editions", f"{incremental:.2f} s", f"<= {MAX_RATIO * one:.2f} s", ""),
            ("ratio incremental / one edition", f"{ratio:.2f}x", f"<= {MAX_RATIO:.1f}x",
             "ok" if ratio <= MAX_RATIO else "OVER"),
            ("editions built / unchanged after the article", f"{built[1]} / {built[2]}" if built else summary,
             "1 / 12", "ok" if built and (built[1], built[2]) == ("1", "12") else "OVER"),
        ]
        print_table(f"Incremental archive: 12 editions, one new article, best of {REPEATS}",
                    ("measure", "value", "target", ""), rows, "<><<")


if __name__ == "__main__":
    main()
