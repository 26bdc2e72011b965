"""The ingest on the five seed articles (read from ../shared at test time, never copied here):
its score against the shipped ledger, and the round trip article -> proposal -> accepted ledger."""
import csv
import datetime
import json
from pathlib import Path

import pytest

from magnet_briefing.engine import reconstruct
from magnet_briefing.ingest import accept, check_against_ledger, ingest_text, propose, score
from magnet_briefing.ledger.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent
SEEDS_JSONL = ROOT.parent / "shared" / "ingest" / "seeds.jsonl"
FIGURES = list(csv.DictReader((Path(__file__).parent / "seed_figures.csv").open(encoding="utf-8")))
pytestmark = pytest.mark.skipif(not SEEDS_JSONL.is_file(), reason="the development set (../shared/ingest) is not here")
CONTENT = ["series", "period", "measure", "value_text", "unit", "qualifier", "source_id"]


def seeds() -> list[tuple[dict, str]]:
    """(seed, its source_id): seeds.jsonl lists the articles in the order of their file names."""
    files = sorted({f["seed"] for f in FIGURES})
    source_of = {f["seed"]: f["source_id"] for f in FIGURES}
    lines = [json.loads(line) for line in SEEDS_JSONL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [(seed, source_of[name]) for seed, name in zip(lines, files)]


def sources() -> dict[str, dict]:
    with (ROOT / "data" / "sources.csv").open(encoding="utf-8") as handle:
        return {row["source_id"]: row for row in csv.DictReader(handle)}


def contents(claims) -> list[tuple]:
    return sorted(map(tuple, claims[CONTENT].astype(str).to_numpy().tolist()))


def test_score_meets_the_targets():
    precision, recall, details = score(SEEDS_JSONL)
    report = "; ".join(f"{d['id']}: missed {d['missed']} extra {[(x.series, x.period, x.measure, x.value) for x in d['extra']]}"
                       for d in details if d["missed"] or d["extra"])
    assert recall >= 0.95, report
    assert precision >= 0.90, report


@pytest.mark.parametrize("index", range(5))
def test_each_article_accepted_into_an_empty_ledger_gives_the_shipped_rows(tmp_path, index):
    seed, sid = seeds()[index]
    source = sources()[sid]
    done = ingest_text(seed["text"], source["published"], source["publisher"], source["title"], source["url"],
                       ledger_folder=tmp_path, source_id=sid)
    accept(done.path, tmp_path)
    shipped = load_ledger(ROOT / "data")
    mine = load_ledger(tmp_path)
    assert contents(mine.claims) == contents(shipped.claims[shipped.claims.source_id == sid])
    assert mine.sources.drop(columns=["line"]).to_dict("records") == \
        shipped.sources[shipped.sources.source_id == sid].drop(columns=["line"]).to_dict("records")


def test_all_five_accepted_give_the_shipped_ledgers_figures(tmp_path):
    """The issue's 'done when': the ledger rebuilt from the articles reconstructs every month as today's."""
    for seed, sid in seeds():
        source = sources()[sid]
        done = ingest_text(seed["text"], source["published"], source["publisher"], source["title"], source["url"],
                           ledger_folder=tmp_path, source_id=sid)
        assert not any(check.contradiction for check in done.checks), done.checks
        accept(done.path, tmp_path)
    mine, shipped = load_ledger(tmp_path), load_ledger(ROOT / "data")
    assert contents(mine.claims) == contents(shipped.claims)
    ours, theirs = reconstruct(mine.claims), reconstruct(shipped.claims)
    assert ours.monthly.drop(columns="claims").equals(theirs.monthly.drop(columns="claims"))


def test_a_seed_article_with_a_figure_ten_times_off_contradicts_the_ledger():
    seed, sid = seeds()[2]  # June 2025 magnets: world and US tonnages
    level = next(row for row in seed["expected"] if row["measure"] == "level" and row["series"] == "magnets/world")
    written = f"{int(level['value']):,}"
    assert written in seed["text"]
    wrong = seed["text"].replace(written, f"{int(level['value']) * 10:,}", 1)
    ledger = load_ledger(ROOT / "data")
    others = ledger.claims[ledger.claims.source_id != sid]
    found = propose(wrong, datetime.date.fromisoformat(seed["published"]))
    checks = check_against_ledger(found, type(ledger)(others, ledger.sources, ledger.folder), "wrong", seed["published"])
    flagged = [p for p, c in zip(found, checks) if c.contradiction]
    assert [(p.series, p.period, p.measure, p.value) for p in flagged if p.measure == "level"] == \
        [("magnets/world", level["period"], "level", str(int(level["value"]) * 10))]
