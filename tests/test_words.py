"""The briefing's sentences: each key point cites the claims behind its own figures, and only those."""
from pathlib import Path

import pytest

from magnet_briefing.briefing.edition import prepare_edition
from magnet_briefing.config import resolve
from magnet_briefing.engine import reconstruct
from magnet_briefing.ledger.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def edition():
    ledger = load_ledger(ROOT / "data")
    return prepare_edition(resolve({"month": "2025-07"}, ledger), ledger, reconstruct(ledger.claims))


def claims_of(edition, series, *months) -> set[str]:
    """The claims monthly.csv lists for these months (or totals) of a series."""
    found = set()
    for month in months:
        row = edition.result.month_row(series, month)
        assert row is not None, (series, month)
        found |= set(row["claims"].split())
    return found


def point(edition, opening: str):
    matches = [p for p in edition.key_points() if p.text.startswith(opening)]
    assert len(matches) == 1, [p.text for p in edition.key_points()]
    return set(matches[0].claims)


def test_every_key_point_cites_claims(edition):
    assert all(p.claims for p in edition.key_points())


def test_the_level_point_cites_the_month_its_baseline_and_a_year_earlier(edition):
    cited = point(edition, "July magnet exports")
    assert claims_of(edition, "magnets/world", "2025-07", "2025-01..2025-03", "2024-07") <= cited
    assert {"c08", "c11", "c09"} <= cited   # July's level, its year-on-year and its month-on-month change


def test_the_recovery_point_cites_every_month_since_the_controls(edition):
    cited = point(edition, "The low point")
    assert claims_of(edition, "magnets/world", "2025-04", "2025-05", "2025-06", "2025-07") <= cited


def test_the_year_to_date_point_cites_the_totals(edition):
    cited = point(edition, "January–July 2025 exports total")
    ytd = edition.numbers.ytd.iloc[-1]
    # the totals' claims, and c18, the January-July change it quotes ("about -15%")
    assert set(ytd["claims"].split()) | {"c18"} == cited
    # the January-July total rests on the January-May total and the months after it
    assert {"c05", "c20", "c08"} <= cited


def test_destination_and_rare_earth_points_cite_their_own_series(edition):
    destinations = point(edition, "By destination")
    rare_earths = point(edition, "In May, rare-earth exports")
    assert claims_of(edition, "magnets/US", "2025-07") | claims_of(edition, "magnets/DE", "2025-07") <= destinations
    assert claims_of(edition, "rare_earths/world", "2025-05") <= rare_earths
    ledger = edition.ledger.claims.set_index("claim_id")["series"]
    assert {ledger[c] for c in destinations} <= {"magnets/US", "magnets/DE"}
    assert {ledger[c] for c in rare_earths} <= {"rare_earths/world", "magnets/world"}


@pytest.mark.parametrize("params,fragment", [
    ({"control_start": "2025-02"}, "control_start: 2025-02 leaves no baseline for magnets/world: the claims do not "
                                   "pin the total of 2024-11..2025-01; control_start 2025-04 would work"),
    ({"month": "2025-06", "series": "magnets/DE", "baseline": "same_month_prior_year"},
     "baseline: same_month_prior_year needs magnets/DE in 2024-06, which the claims do not pin"),
])
def test_parameters_that_leave_no_baseline_are_one_line_naming_what_would_work(params, fragment):
    from magnet_briefing.config import ParameterError
    ledger = load_ledger(ROOT / "data")
    with pytest.raises(ParameterError) as raised:
        prepare_edition(resolve(params, ledger), ledger, reconstruct(ledger.claims))
    assert str(raised.value).startswith(fragment) and "\n" not in str(raised.value)


def test_a_point_resting_on_many_claims_cites_the_newest_and_counts_the_rest(edition, monkeypatch):
    from magnet_briefing.briefing import sections

    monkeypatch.setattr(sections, "CLAIMS_CITED_AT_MOST", 3)
    monkeypatch.setattr(sections, "CLAIMS_CITED_NEWEST", 2)
    # published: c01 June 2025, c35 11 June, c20 and c27 20 July, c08 August
    note = sections._claims_note(edition, ("c01", "c08", "c20", "c27", "c35"))
    assert ">c08</a>, <a" in note and ">c20</a> and 3 earlier claims" in note
    assert "c01" not in note and "c27" not in note
    assert sections._claims_note(edition, ("c01", "c35", "c08")).count("claim-id") == 3
    monkeypatch.setattr(sections, "CLAIMS_CITED_AT_MOST", 2)
    assert ">c20</a> and 1 earlier claim," in sections._claims_note(edition, ("c01", "c08", "c20"))
