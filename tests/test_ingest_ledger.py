"""Proposals against the ledger: the proposal file, corroboration and contradiction, accepting
into the ledger (validated, atomic, fresh ids). Articles here are written for the tests."""
import csv
import datetime
import shutil
from pathlib import Path

import pytest

from magnet_briefing.ingest import (
    Proposal,
    accept,
    check_against_ledger,
    ingest_text,
    next_claim_ids,
    proposals_csv,
    propose,
    read_proposal,
    review_table,
    source_id,
    write_proposal,
)
from magnet_briefing.ingest.command import accept_command, ingest_command
from magnet_briefing.ingest.proposal_csv import source_path
from magnet_briefing.ingest.session import ArticleError, guess_title, publication_date
from magnet_briefing.ledger.load import LedgerError, load_ledger

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
AUG = datetime.date(2025, 8, 20)
ARTICLE = ("China's Rare Earth Magnet Exports Climb in July\n"
           "China's exports of rare earth magnets rose to 5,577 metric tons in July, up nearly 75% from June, "
           "customs data showed.\nShipments to Germany were 1,116 tons.")
SOURCE = {"publisher": "Test Wire", "title": "Magnets in July", "published": "2025-08-20", "url": ""}


@pytest.fixture
def ledger(tmp_path):
    """A copy of the shipped ledger to write to."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in ("claims.csv", "sources.csv"):
        shutil.copy(DATA / name, folder / name)
    return folder


def proposal(**fields) -> Proposal:
    base = dict(series="magnets/world", period="2025-07", measure="level", value="5577", unit="t", qualifier="exact",
                evidence="a sentence", note="level: a tonnage")
    return Proposal(**{**base, **fields})


# --- the proposal file -------------------------------------------------------------------------

def test_machine_columns_and_negative_numbers_stay_numbers():
    text = proposals_csv([proposal(measure="mom_pct", value="-52.9", unit="%", evidence="-52.9% it fell", note="=1+1")])
    header, row = list(csv.reader(text.splitlines()))
    assert header == ["series", "period", "measure", "value", "unit", "qualifier", "evidence", "note"]
    assert row[3] == "-52.9"                                   # a number, not text
    assert row[6] == "'-52.9% it fell" and row[7] == "'=1+1"   # text a spreadsheet would run: apostrophe


def test_the_proposal_file_round_trips(tmp_path):
    found = propose(ARTICLE, AUG)
    path = write_proposal(tmp_path / "test-2025-08-20.csv", found, "test-2025-08-20", SOURCE)
    rows = read_proposal(path)
    assert [r["value"] for _, r in rows] == [p.value for p in found]
    assert {r["source_id"] for _, r in rows} == {"test-2025-08-20"} and all(r["claim_id"] == "" for _, r in rows)
    assert [r["evidence"] for _, r in rows] == [p.evidence for p in found]
    with source_path(path).open(encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["publisher"] == "Test Wire"


# --- corroboration and contradiction -----------------------------------------------------------------

def test_figures_the_ledger_holds_are_corroborated():
    found = propose(ARTICLE, AUG)
    checks = check_against_ledger(found, load_ledger(DATA), "test-2025-08-20", "2025-08-20")
    by = {(p.series, p.measure): c for p, c in zip(found, checks)}
    assert by[("magnets/world", "level")].corroborated_by == ("c08",)
    assert by[("magnets/world", "mom_pct")].corroborated_by == ("c09",)
    assert by[("magnets/DE", "level")].corroborated_by == ("c12",)
    assert not any(c.contradiction for c in checks)


def test_a_figure_ten_times_off_contradicts_the_ledger():
    wrong = ARTICLE.replace("5,577", "55,770")
    found = propose(wrong, AUG)
    checks = check_against_ledger(found, load_ledger(DATA), "test-2025-08-20", "2025-08-20")
    level = [c for p, c in zip(found, checks) if p.measure == "level" and p.series == "magnets/world"][0]
    assert level.status in ("inconsistent", "disputed")
    assert "c08" in level.contradiction and not level.corroborated_by
    assert "CONTRADICTS" in review_table(found, checks)


def test_the_proposals_own_source_does_not_corroborate_it():
    found = propose(ARTICLE, AUG)
    checks = check_against_ledger(found, load_ledger(DATA), "tlg-2025-08", "2025-08-20")
    assert all(not c.corroborated_by for c in checks)


def test_an_empty_ledger_checks_the_proposals_against_each_other(tmp_path):
    found = propose(ARTICLE, AUG)
    checks = check_against_ledger(found, None, "test-2025-08-20", "2025-08-20")
    assert [c.status for c in checks] == ["consistent"] * len(found)


def test_a_row_the_loader_refuses_is_reported_not_run():
    bad = [proposal(period="2025-07"), proposal(period="2025-09", value="6000")]  # after publication
    checks = check_against_ledger(bad, None, "test-2025-08-20", "2025-08-20")
    assert checks[0].problem == "" and checks[0].status == "consistent"
    assert "after its source was published" in checks[1].problem


# --- accepting -----------------------------------------------------------------------------------------

def test_source_ids_follow_the_ledgers_pattern():
    assert source_id("Reuters", "2025-09-20") == "reuters-2025-09-20"
    assert source_id("The Leaders Globe", "2025-08") == "leaders-2025-08"
    assert source_id("Ha Thu, citing Reuters", "2025-07-20") == "ha-2025-07-20"
    assert source_id("Reuters", "2025-09-20", taken={"reuters-2025-09-20"}) == "reuters-2025-09-20-2"
    assert source_id("", "2025-09-20") == "source-2025-09-20"


def test_fresh_claim_ids_continue_the_numbering_and_never_reuse_one():
    assert next_claim_ids(["c01", "c02", "c39"], 2) == ["c40", "c41"]
    assert next_claim_ids(["c01", "c07"], 1) == ["c08"]           # c02..c06 were deleted: not reused
    assert next_claim_ids([], 2) == ["c01", "c02"]
    assert next_claim_ids(["c099"], 1) == ["c100"]


def test_accept_appends_the_rows_and_the_source(ledger, tmp_path):
    before = (ledger / "claims.csv").read_text(encoding="utf-8")
    done = ingest_text(ARTICLE, "2025-08-20", "Test Wire", "Magnets in July", ledger_folder=ledger)
    assert done.path == ledger / "proposed" / "test-2025-08-20.csv"
    new = accept(done.path, ledger)
    assert new == ["c40", "c41", "c42"]
    after = (ledger / "claims.csv").read_text(encoding="utf-8")
    assert after.startswith(before)                                # existing lines untouched
    loaded = load_ledger(ledger)
    assert set(loaded.claims[loaded.claims.source_id == "test-2025-08-20"].claim_id) == set(new)
    assert "test-2025-08-20" in set(loaded.sources.source_id)


def test_rows_the_analyst_deleted_are_not_accepted(ledger):
    done = ingest_text(ARTICLE, "2025-08-20", "Test Wire", "Magnets in July", ledger_folder=ledger)
    lines = done.path.read_text(encoding="utf-8").splitlines(keepends=True)
    done.path.write_text("".join(lines[:2]), encoding="utf-8")   # keep the header and the first row
    assert accept(done.path, ledger) == ["c40"]


def test_a_bad_edit_changes_nothing_and_gets_the_loaders_line(ledger):
    done = ingest_text(ARTICLE, "2025-08-20", "Test Wire", "Magnets in July", ledger_folder=ledger)
    text = done.path.read_text(encoding="utf-8").replace(",t,exact,", ",tons,exact,", 1)
    done.path.write_text(text, encoding="utf-8")
    before = {name: (ledger / name).read_bytes() for name in ("claims.csv", "sources.csv")}
    with pytest.raises(LedgerError) as error:
        accept(done.path, ledger)
    assert str(error.value).startswith(f"{done.path}:2: unit 'tons' is not one of")
    assert len(str(error.value).splitlines()) == 1
    assert {name: (ledger / name).read_bytes() for name in before} == before
    assert not list(ledger.glob(".*.tmp"))


def test_accepting_twice_is_refused(ledger):
    done = ingest_text(ARTICLE, "2025-08-20", "Test Wire", "Magnets in July", ledger_folder=ledger)
    accept(done.path, ledger)
    with pytest.raises(LedgerError, match="already in claims.csv as c40"):
        accept(done.path, ledger)


def test_accept_into_an_empty_folder_creates_the_ledger(tmp_path):
    done = ingest_text(ARTICLE, "2025-08-20", "Test Wire", "Magnets in July", ledger_folder=tmp_path)
    assert accept(done.path, tmp_path) == ["c01", "c02", "c03"]
    assert len(load_ledger(tmp_path).claims) == 3


def test_a_source_id_taken_by_another_source_is_refused(ledger):
    done = ingest_text(ARTICLE, "2025-08-20", "Test Wire", "Magnets in July", ledger_folder=ledger,
                       source_id="tlg-2025-08")
    with pytest.raises(LedgerError, match="already the id of another source"):
        accept(done.path, ledger)


# --- the session: dates, titles, the review table ------------------------------------------------------

def test_publication_dates():
    assert publication_date("2025-08-20") == AUG
    assert publication_date("2025-06") == datetime.date(2025, 6, 30)
    for bad in ("2025-13-01", "20/08/2025", ""):
        with pytest.raises(ArticleError):
            publication_date(bad)


def test_a_title_is_guessed_from_a_headline_line_only():
    assert guess_title(ARTICLE) == "China's Rare Earth Magnet Exports Climb in July"
    assert guess_title("China's exports of magnets rose 5% in July from June, customs data showed.") is None


def test_the_review_table_highlights_the_figure_and_lists_what_was_left_out():
    done = ingest_text(ARTICLE + "\nChina produces over 90% of the world's magnets.", "2025-08-20", "Test Wire",
                       ledger_folder=DATA, write=False)
    table = review_table(done.proposals, done.checks, done.skipped)
    assert "[[5,577 metric tons]]" in table and "corroborated by c08" in table
    assert "Not proposed (1 figure):" in table and "90%" in table


# --- the commands, as cli.py will run them ------------------------------------------------------------

def run(command, *args, **kwargs):
    out, err = [], []
    code = command(*args, say=out.append, warn=err.append, **kwargs)
    return code, "\n".join(out), err


def test_ingest_command_csv_prints_the_machine_columns_and_writes_nothing(ledger, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, out, err = run(ingest_command, str(article), "2025-08-20", data=str(ledger), fmt="csv")
    assert code == 0 and not err
    rows = list(csv.DictReader(out.splitlines()))
    assert list(rows[0]) == ["series", "period", "measure", "value", "unit", "qualifier", "evidence", "note"]
    assert [r["value"] for r in rows] == ["5577", "75", "1116"]
    assert not (ledger / "proposed").exists()


def test_ingest_command_reads_standard_input(ledger, monkeypatch):
    import io
    import sys
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ARTICLE.encode("utf-8"))))
    code, out, _ = run(ingest_command, "-", "2025-08-20", data=str(ledger), fmt="csv")
    assert code == 0 and "5577" in out


def test_ingest_command_table_then_accept_command(ledger, tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, out, _ = run(ingest_command, str(article), "2025-08-20", "Test Wire", data=str(ledger), color=False)
    assert code == 0 and "[[5,577 metric tons]]" in out and "Nothing was written to the ledger" in out
    proposal = ledger / "proposed" / "test-2025-08-20.csv"
    code, out, err = run(accept_command, str(proposal), data=str(ledger))
    assert code == 0 and "Accepted 3 claims (c40–c42)" in out and not err


@pytest.mark.parametrize("published", ["2025-13-40", "August 2025"])
def test_ingest_command_refuses_a_bad_date_in_one_line(tmp_path, published):
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    code, _, err = run(ingest_command, str(article), published, data=str(tmp_path))
    assert code == 2 and len(err) == 1 and err[0].startswith("error: --published")


def test_ingest_command_refuses_a_missing_or_binary_file_in_one_line(tmp_path):
    code, _, err = run(ingest_command, str(tmp_path / "none.txt"), "2025-08-20", data=str(tmp_path))
    assert code == 2 and len(err) == 1 and "cannot be read" in err[0]
    binary = tmp_path / "page.pdf"
    binary.write_bytes(b"%PDF-1.4\x00\xff\xfe")
    code, _, err = run(ingest_command, str(binary), "2025-08-20", data=str(tmp_path))
    assert code == 2 and len(err) == 1


def test_accept_command_reports_a_bad_edit_in_one_line(ledger):
    done = ingest_text(ARTICLE, "2025-08-20", "Test Wire", "Magnets in July", ledger_folder=ledger)
    done.path.write_text(done.path.read_text(encoding="utf-8").replace("magnets/DE", "magnets/Germany"), encoding="utf-8")
    code, _, err = run(accept_command, str(done.path), data=str(ledger))
    assert code == 1 and len(err) == 1
    assert err[0].endswith("nothing was written to the ledger") and ":4: series 'magnets/Germany'" in err[0]
