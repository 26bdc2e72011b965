"""The shipped ledger loads, and every kind of broken ledger gets a precise one-line message."""
from pathlib import Path

import pytest

from magnet_briefing.ledger.load import LedgerError, load_ledger

ROOT = Path(__file__).resolve().parent.parent
SOURCES = """source_id,publisher,title,published,url
s1,Publisher One,Title one,2025-06,
s2,Publisher Two,Title two,2025-07-20,https://example.org/a
"""
CLAIMS = """claim_id,series,period,measure,value,unit,qualifier,source_id
c1,magnets/world,2025-05,level,1238,t,exact,s1
c2,magnets/world,2025-05,mom_pct,-52.9,%,exact,s1
c3,magnets/world,2025-01..2025-05,yoy_pct,-14.5,%,exact,s1
c4,magnets/world,2025-05,lowest_since,2020-02,month,exact,s2
"""


def write_ledger(folder: Path, claims: str = CLAIMS, sources: str = SOURCES, encoding="utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "claims.csv").write_bytes(claims.encode(encoding))
    (folder / "sources.csv").write_bytes(sources.encode(encoding))
    return folder


def test_shipped_ledger_loads_with_every_claim_sourced():
    ledger = load_ledger(ROOT / "data")
    assert len(ledger.claims) >= 35
    assert set(ledger.claims["source_id"]) <= set(ledger.sources["source_id"])
    assert ledger.claims["claim_id"].is_unique
    assert set(ledger.claims["series"]) == {"magnets/world", "magnets/US", "magnets/DE", "rare_earths/world"}
    # every source is cited by at least one claim, and carries publisher, title and date
    assert set(ledger.sources["source_id"]) == set(ledger.claims["source_id"])
    assert ledger.sources[["publisher", "title", "published"]].ne("").all().all()


def test_shipped_ledger_converts_rank_value_to_month_and_keeps_text():
    claims = load_ledger(ROOT / "data").claims.set_index("claim_id")
    assert claims.loc["c03", "value_text"] == "2020-02"
    assert claims.loc["c27", "value_text"] == "1.2e6" and claims.loc["c27", "value"] == 1.2e6


def test_valid_small_ledger_loads(tmp_path):
    ledger = load_ledger(write_ledger(tmp_path))
    assert list(ledger.claims["claim_id"]) == ["c1", "c2", "c3", "c4"]
    assert ledger.claims.loc[2, "start"].strftime("%Y-%m") == "2025-01"


def test_byte_order_mark_and_crlf_are_accepted(tmp_path):
    folder = write_ledger(tmp_path, CLAIMS.replace("\n", "\r\n"), SOURCES.replace("\n", "\r\n"), "utf-8-sig")
    ledger = load_ledger(folder)
    assert list(ledger.claims.columns[:2]) == ["claim_id", "series"]
    assert ledger.claims.loc[3, "source_id"] == "s2"


def replace_line(text: str, line: int, new: str) -> str:
    lines = text.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


# (case, file, line to replace -> new text, expected line, expected column, message fragment)
BROKEN = [
    ("bad month", "claims", 2, "c1,magnets/world,2025-13,level,1238,t,exact,s1", 2, "period", "is not a month"),
    ("bad date text", "claims", 2, "c1,magnets/world,May 2025,level,1238,t,exact,s1", 2, "period", "is not a month"),
    ("range ends before start", "claims", 4, "c3,magnets/world,2025-05..2025-01,yoy_pct,-14.5,%,exact,s1",
     4, "period", "ends before it starts"),
    ("unknown measure", "claims", 3, "c2,magnets/world,2025-05,yoy,-52.9,%,exact,s1", 3, "measure",
     "'yoy' is not one of level, mom_pct, yoy_pct"),
    ("unknown unit", "claims", 2, "c1,magnets/world,2025-05,level,1238,tons,exact,s1", 2, "unit", "'tons' is not one of"),
    ("unknown qualifier", "claims", 2, "c1,magnets/world,2025-05,level,1238,t,approx,s1", 2, "qualifier",
     "'approx' is not one of exact, about, nearly, over, under"),
    ("non-numeric value", "claims", 2, "c1,magnets/world,2025-05,level,twelve,t,exact,s1", 2, "value", "is not a number"),
    ("comma decimal", "claims", 2, 'c1,magnets/world,2025-05,level,"1.238,5",t,exact,s1', 2, "value", "uses a comma"),
    ("thousands comma", "claims", 2, 'c1,magnets/world,2025-05,level,"1,238",t,exact,s1', 2, "value", "uses a comma"),
    ("empty value", "claims", 2, "c1,magnets/world,2025-05,level,,t,exact,s1", 2, "value", "is empty"),
    ("unknown source", "claims", 2, "c1,magnets/world,2025-05,level,1238,t,exact,s9", 2, "source_id",
     "'s9' is not in sources.csv"),
    ("duplicate claim id", "claims", 3, "c1,magnets/world,2025-05,mom_pct,-52.9,%,exact,s1", 3, "claim_id",
     "'c1' duplicates line 2"),
    ("negative tonnage", "claims", 2, "c1,magnets/world,2025-05,level,-1238,t,exact,s1", 2, "value", "negative tonnage"),
    ("mom on a range", "claims", 3, "c2,magnets/world,2025-04..2025-05,mom_pct,-52.9,%,exact,s1", 3, "measure",
     "mom_pct needs a single month"),
    ("percent given in tonnes", "claims", 3, "c2,magnets/world,2025-05,mom_pct,-52.9,t,exact,s1", 3, "unit",
     "'t' does not fit measure mom_pct"),
    ("tonnes given as percent", "claims", 2, "c1,magnets/world,2025-05,level,1238,%,exact,s1", 2, "unit",
     "'%' does not fit measure level"),
    ("bad series", "claims", 2, "c1,magnet/world,2025-05,level,1238,t,exact,s1", 2, "series", "is not <product>/<destination>"),
    ("lowercase country", "claims", 2, "c1,magnets/us,2025-05,level,1238,t,exact,s1", 2, "series", "ISO alpha-2"),
    ("rank value not a month", "claims", 5, "c4,magnets/world,2025-05,lowest_since,2020,month,exact,s2", 5, "value",
     "is not a month"),
    ("rank since after period", "claims", 5, "c4,magnets/world,2025-05,lowest_since,2025-06,month,exact,s2", 5, "value",
     "must be a month before"),
    ("hedged rank", "claims", 5, "c4,magnets/world,2025-05,lowest_since,2020-02,month,about,s2", 5, "qualifier",
     "cannot qualify a ranking"),
    ("fall beyond 100%", "claims", 3, "c2,magnets/world,2025-05,mom_pct,-120,%,exact,s1", 3, "value", "fall of 100%"),
    ("too few fields", "claims", 2, "c1,magnets/world,2025-05,level,1238,t,exact", 2, None, "has 7 fields, the header has 8"),
    ("misspelt claims header", "claims", 1, "claim_id,series,period,meaure,value,unit,qualifier,source_id", 1,
     "column 4", "header 'meaure' is not one of"),
    ("missing claims column", "claims", 1, "claim_id,series,period,measure,value,unit,source_id", 1, "qualifier",
     "column is missing from the header"),
    ("duplicate source id", "sources", 3, "s1,Publisher Two,Title two,2025-07-20,", 3, "source_id", "'s1' duplicates line 2"),
    ("bad published date", "sources", 2, "s1,Publisher One,Title one,June 2025,", 2, "published", "is not a date"),
    ("impossible published date", "sources", 2, "s1,Publisher One,Title one,2025-02-30,", 2, "published", "not a real date"),
    ("source without title", "sources", 2, "s1,Publisher One,,2025-06,", 2, "title", "is empty"),
    ("misspelt sources header", "sources", 1, "source_id,publisher,titel,published,url", 1, "column 3",
     "header 'titel' is not one of"),
]


@pytest.mark.parametrize("case,which,line,new,expected_line,column,fragment", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_ledger_names_file_line_and_column(tmp_path, case, which, line, new, expected_line, column, fragment):
    claims, sources = CLAIMS, SOURCES
    if which == "claims":
        claims = replace_line(claims, line, new)
    else:
        sources = replace_line(sources, line, new)
    folder = write_ledger(tmp_path, claims, sources)
    with pytest.raises(LedgerError) as raised:
        load_ledger(folder)
    problems = raised.value.problems
    matching = [p for p in problems if fragment in p.message]
    assert matching, f"no problem mentions {fragment!r}: {[str(p) for p in problems]}"
    problem = matching[0]
    assert problem.path == str(folder / f"{which}.csv")
    assert problem.line == expected_line
    assert problem.column == column
    text = str(problem)
    assert text.startswith(f"{folder / which}.csv:{expected_line}: ") and "\n" not in text


@pytest.mark.parametrize("which", ["claims", "sources"])
def test_empty_file_is_reported(tmp_path, which):
    folder = write_ledger(tmp_path, "" if which == "claims" else CLAIMS, "" if which == "sources" else SOURCES)
    with pytest.raises(LedgerError) as raised:
        load_ledger(folder)
    assert any(p.path.endswith(f"{which}.csv") and p.line == 1 and "file is empty" in p.message
               for p in raised.value.problems)


def test_every_problem_is_reported_in_one_run(tmp_path):
    claims = replace_line(CLAIMS, 2, "c1,magnets/world,2025-13,level,1238,t,exact,s1")
    claims = replace_line(claims, 3, "c2,magnets/world,2025-05,yoy,-52.9,%,exact,s9")
    with pytest.raises(LedgerError) as raised:
        load_ledger(write_ledger(tmp_path, claims))
    where = {(p.line, p.column) for p in raised.value.problems}
    assert {(2, "period"), (3, "measure"), (3, "source_id")} <= where
    assert len(str(raised.value).splitlines()) == len(raised.value.problems)
