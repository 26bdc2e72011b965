"""Editions as they were known: each edition uses the claims published by its as-of day, says what
changed since the edition before, and stays byte for byte what it was when later articles arrive."""
import datetime
import shutil
from pathlib import Path

import pandas as pd
import pytest

from magnet_briefing import cli
from magnet_briefing.analysis.vintages import previous_day, reconstructions, triangle, vintage_days, what_changed
from magnet_briefing.config import resolve
from magnet_briefing.engine import reconstruct
from magnet_briefing.ledger.load import load_ledger
from magnet_briefing.ledger.vintage import as_of, auto_as_of, publication_day
from magnet_briefing.publish.index import render_index

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "ledgers" / "rare-earths-real"
# an article of 20 September 2025: August's level and change, and a first figure for August 2024
NEW_SOURCE = "reuters-2025-09-20,Reuters,China's magnet exports in August,2025-09-20,\n"
NEW_CLAIMS = ("c40,magnets/world,2025-08,level,6146,t,exact,reuters-2025-09-20\n"
              "c41,magnets/world,2025-08,mom_pct,10.2,%,exact,reuters-2025-09-20\n"
              "c42,magnets/world,2024-08,level,4700,t,exact,reuters-2025-09-20\n")


def add_article(folder: Path) -> None:
    for name, rows in (("sources.csv", NEW_SOURCE), ("claims.csv", NEW_CLAIMS)):
        with (folder / name).open("a", encoding="utf-8") as handle:
            handle.write(rows)


@pytest.fixture()
def ledger_folder(tmp_path) -> Path:
    folder = tmp_path / "ledger"
    shutil.copytree(ROOT / "data", folder)
    return folder


def test_a_month_dated_source_counts_as_published_at_the_end_of_its_month():
    assert publication_day("2025-08") == datetime.date(2025, 8, 31)
    assert publication_day("2025-07-20") == datetime.date(2025, 7, 20)
    assert auto_as_of(pd.Period("2025-07", freq="M")) == datetime.date(2025, 8, 31)


@pytest.mark.skipif(not REAL.is_dir(), reason="the real ledger (../shared/ledgers) is not beside this checkout")
def test_the_real_ledgers_vintages_hold_exactly_the_claims_published_by_their_day():
    ledger = load_ledger(REAL)
    published = dict(zip(ledger.sources["source_id"], ledger.sources["published"].map(publication_day)))
    for month in pd.period_range("2024-03", "2026-02", freq="M"):
        day = auto_as_of(month)
        expected = {c for c, s in zip(ledger.claims["claim_id"], ledger.claims["source_id"]) if published[s] <= day}
        assert set(as_of(ledger, day.isoformat()).claims["claim_id"]) == expected, month
    # and they do differ: each month's edition knows more than the one before
    sizes = [len(as_of(ledger, auto_as_of(m).isoformat()).claims) for m in pd.period_range("2025-01", "2025-12",
                                                                                           freq="M")]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_what_changed_names_the_revised_month_old_and_new_and_the_claim_behind_it(ledger_folder):
    add_article(ledger_folder)
    full = load_ledger(ledger_folder)
    params = resolve({"month": "2025-08", "data": str(ledger_folder)}, full)
    assert params.as_of == "2025-09-30"
    current = reconstruct(as_of(full, params.as_of).claims)
    found = reconstructions(full, params, current)
    changes = what_changed(params, full, current, found[previous_day(params)[1]])
    assert changes.previous_as_of == "2025-08-31" and set(changes.new_claims) == {"c40", "c41", "c42"}
    august_2024 = changes.revised[(changes.revised["series"] == "magnets/world")
                                  & (changes.revised["month"] == "2024-08")].iloc[0]
    assert august_2024["before_basis"] == "unknown" and august_2024["after_basis"] == "reported"
    assert august_2024["after"] == 4700 and "c42" in august_2024["claims"].split()
    revisions = triangle(params, found)
    assert set(revisions["as_of"]) == {day for _, day in vintage_days(params) if found.get(day) is not None}
    assert list(revisions.columns) == ["series", "month", "as_of", "estimate", "low", "high", "basis"]


def test_no_revisions_says_so(ledger_folder):
    full = load_ledger(ledger_folder)
    params = resolve({"month": "2025-07", "as_of": "2025-09-30", "data": str(ledger_folder)}, full)
    previous_params = resolve({"month": "2025-07", "data": str(ledger_folder)}, full)
    current = reconstruct(as_of(full, params.as_of).claims)
    same = reconstruct(as_of(full, previous_params.as_of).claims)
    assert what_changed(params, full, current, same).revised.empty


@pytest.mark.slow
def test_an_archived_edition_stays_what_it_was_when_a_later_article_arrives(ledger_folder, tmp_path, capsys):
    first, second = tmp_path / "reports-then", tmp_path / "reports-now"
    assert cli.main(["report", "--month", "2025-07", "--data", str(ledger_folder), "--reports", str(first)]) == 0
    add_article(ledger_folder)  # published after the July edition's day (31 August 2025)
    assert cli.main(["report", "--month", "2025-07", "--data", str(ledger_folder), "--reports", str(second)]) == 0
    for path in sorted((first / "2025-07").iterdir()):
        assert path.read_bytes() == (second / "2025-07" / path.name).read_bytes(), path.name
    capsys.readouterr()


@pytest.mark.slow
def test_make_editions_after_one_new_article_builds_one_edition(ledger_folder, tmp_path, capsys):
    from magnet_briefing.publish import build_editions
    reports = tmp_path / "reports"
    ledger = load_ledger(ledger_folder)
    outcomes = build_editions({"data": str(ledger_folder)}, ledger, months=["2025-06", "2025-07"],
                              reports_root=reports, workers=2, say=lambda line: None)
    assert [o.state for o in outcomes] == ["built", "built"]
    add_article(ledger_folder)
    ledger = load_ledger(ledger_folder)
    outcomes = build_editions({"data": str(ledger_folder)}, ledger, reports_root=reports, workers=2,
                              months=["2025-06", "2025-07", "2025-08"], say=lambda line: None)
    assert [(o.month, o.state) for o in outcomes] == [("2025-06", "unchanged"), ("2025-07", "unchanged"),
                                                     ("2025-08", "built")]
    index = (reports / "index.html").read_text(encoding="utf-8")
    marker = "<strong class=latest>latest</strong>"
    assert index.count(marker) == 1 and index.index("August 2025") < index.index(marker) < index.index("July 2025")
    forced = build_editions({"data": str(ledger_folder)}, ledger, reports_root=reports, workers=2, force=True,
                            months=["2025-08"], say=lambda line: None)
    assert [o.state for o in forced] == ["built"]


def test_the_index_marks_an_edition_that_later_data_revised(tmp_path):
    newest = tmp_path / "2025-08"
    newest.mkdir()
    (newest / "monthly.csv").write_text("series,month,estimate,low,high,basis,claims\n"
                                        "magnets/world,2025-07,5590.0,5589.5,5590.5,reported,c43\n")
    records = [{"month": "2025-08", "title": "August", "headline": "", "provenance": {}, "files": [],
                "figure": {"series": "magnets/world", "month": "2025-08", "shown": 6146}},
               {"month": "2025-07", "title": "July", "headline": "", "provenance": {}, "files": [],
                "figure": {"series": "magnets/world", "month": "2025-07", "shown": 5577}}]
    page = render_index(records, tmp_path)
    assert "Superseded: the August 2025 edition, with later data, shows July 2025 at 5,590 t, not 5,577 t." in page
    records[1]["figure"]["shown"] = 5590
    assert "Superseded" not in render_index(records, tmp_path)
    (newest / "monthly.csv").write_text("series,month,estimate,low,high,basis,claims\n"
                                        "magnets/world,2025-07,5601.0,5480.0,5722.0,derived,c43\n")
    assert "shows July 2025 at ≈5,601 t, not 5,590 t." in render_index(records, tmp_path)
    # an edition.json edited into nonsense costs its own note, never the index
    for odd in ({"series": "magnets/world", "month": "2025-07", "shown": "abc"}, {"month": "July"}, [1], None):
        records[1]["figure"] = odd
        assert "Superseded" not in render_index(records, tmp_path)
