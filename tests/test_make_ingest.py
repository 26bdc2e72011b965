"""`make ingest` and `make accept` as an analyst runs them: the review says a figure 10x off
contradicts the ledger before anything is accepted; accept adds only the rows left in the file,
with fresh ids; a bad edit gets the loader's one line and changes nothing."""
import csv
import io
import os
import shutil
import subprocess

import pytest

from magnet_briefing.config import PROJECT_ROOT

pytestmark = pytest.mark.slow
WRONG = ("China exported 55,770 tonnes of rare earth magnets in July, customs data showed on Wednesday, "
         "up 75% from June.\n")


def make(*arguments):
    env = {**os.environ, "MAKEFLAGS": ""}
    return subprocess.run(["make", "-s", *arguments], cwd=PROJECT_ROOT, capture_output=True, text=True, env=env)


def test_ingest_flags_a_figure_ten_times_off_and_accept_adds_only_what_is_kept(tmp_path):
    ledger = tmp_path / "a ledger"
    shutil.copytree(PROJECT_ROOT / "data", ledger)
    article = tmp_path / "wire story.txt"
    article.write_text(WRONG, encoding="utf-8")
    before = (ledger / "claims.csv").read_bytes(), (ledger / "sources.csv").read_bytes()

    run = make("ingest", f"ARTICLE={article}", "PUBLISHED=2025-08-20", "PUBLISHER=Wire; echo pwned", f"DATA={ledger}")
    assert run.returncode == 0, run.stderr
    assert "CONTRADICTS the ledger" in run.stdout and "pwned" not in run.stdout.splitlines()  # no shell ran it
    assert ((ledger / "claims.csv").read_bytes(), (ledger / "sources.csv").read_bytes()) == before
    (proposal,) = [
        p for p in (ledger / "proposed").glob("*.csv") if not p.name.endswith(".source.csv")]
    rows = list(csv.DictReader(io.StringIO(proposal.read_text(encoding="utf-8"))))
    assert [(r["measure"], r["value"]) for r in rows] == [("level", "55770"), ("mom_pct", "75")]

    # the analyst deletes the row the review said contradicts the ledger, and breaks the other one first
    header = list(rows[0])
    kept = [r for r in rows if r["measure"] == "mom_pct"]

    def write(rows_out):
        with proposal.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows_out)

    write([{**kept[0], "value": "abc"}])
    refused = make("accept", f"PROPOSAL={proposal}", f"DATA={ledger}")
    assert refused.returncode != 0 and len(refused.stderr.strip().splitlines()) <= 2  # ours, and make's own
    assert "value" in refused.stderr.splitlines()[0] and proposal.name in refused.stderr.splitlines()[0]
    assert ((ledger / "claims.csv").read_bytes(), (ledger / "sources.csv").read_bytes()) == before

    write(kept)
    accepted = make("accept", f"PROPOSAL={proposal}", f"DATA={ledger}")
    assert accepted.returncode == 0, accepted.stderr
    claims = list(csv.DictReader(io.StringIO((ledger / "claims.csv").read_text(encoding="utf-8"))))
    assert len(claims) == 40 and claims[-1]["claim_id"] == "c40" and claims[-1]["measure"] == "mom_pct"
    sources = list(csv.DictReader(io.StringIO((ledger / "sources.csv").read_text(encoding="utf-8"))))
    assert sources[-1]["source_id"] == claims[-1]["source_id"] and sources[-1]["publisher"] == "Wire; echo pwned"


def test_make_ingest_and_accept_name_what_they_need_in_one_line():
    for arguments, needed in ((("ingest", "ARTICLE=x.txt"), "PUBLISHED=YYYY-MM-DD"), (("accept",), "PROPOSAL=")):
        run = make(*arguments)
        assert run.returncode != 0 and needed in run.stderr and len(run.stderr.strip().splitlines()) == 1
