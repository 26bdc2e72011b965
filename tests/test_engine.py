"""Reconstruction of the shipped ledger against hand derivations, and contradiction handling."""
import math
from pathlib import Path

import pandas as pd
import pytest

from magnet_briefing.engine import reconstruct, write_csvs
from magnet_briefing.engine.rows import build_system
from magnet_briefing.ledger.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def shipped():
    ledger = load_ledger(ROOT / "data")
    return ledger, reconstruct(ledger.claims)


def stated(ledger, claim_id) -> float:
    return float(ledger.claims.set_index("claim_id").loc[claim_id, "value"])


def row(result, series, month):
    table = result.monthly
    found = table[(table["series"] == series) & (table["month"] == month)]
    assert len(found) == 1, f"{series} {month} missing from monthly table"
    return found.iloc[0]


def assert_derived(result, series, month, by_hand, tolerance=0.001):
    got = row(result, series, month)
    assert got["basis"] == "derived"
    assert got["low"] <= by_hand <= got["high"]
    assert got["estimate"] == pytest.approx(by_hand, rel=tolerance)
    return got


def test_april_2025_from_mays_fall(shipped):
    ledger, result = shipped
    by_hand = stated(ledger, "c01") / (1 + stated(ledger, "c02") / 100)  # 1238 / (1 - 0.529)
    got = assert_derived(result, "magnets/world", "2025-04", by_hand)
    assert {"c01", "c02"} <= set(got["claims"].split())


def test_may_2024_from_year_on_year_fall(shipped):
    ledger, result = shipped
    assert_derived(result, "magnets/world", "2024-05", stated(ledger, "c01") / (1 + stated(ledger, "c04") / 100))


def test_june_2024_two_independent_routes_agree(shipped):
    ledger, result = shipped
    from_yoy = stated(ledger, "c20") / (1 + stated(ledger, "c22") / 100)
    h1_2024 = stated(ledger, "c25") / (1 + stated(ledger, "c19") / 100)
    jan_may_2024 = stated(ledger, "c05") / (1 + stated(ledger, "c06") / 100)
    from_h1 = h1_2024 - jan_may_2024
    assert from_yoy == pytest.approx(from_h1, rel=0.001)
    got = assert_derived(result, "magnets/world", "2024-06", from_yoy)
    assert got["estimate"] == pytest.approx(from_h1, rel=0.001)


def test_q1_2025_is_a_derived_total_and_its_months_stay_bounded(shipped):
    ledger, result = shipped
    april = stated(ledger, "c01") / (1 + stated(ledger, "c02") / 100)
    by_hand = stated(ledger, "c05") - stated(ledger, "c01") - april
    total = row(result, "magnets/world", "2025-01..2025-03")
    assert total["basis"] == "derived"
    assert total["estimate"] == pytest.approx(by_hand, rel=0.001)
    for month in ("2025-01", "2025-02", "2025-03"):
        got = row(result, "magnets/world", month)
        assert got["basis"] == "bounded" and math.isnan(got["estimate"])
        assert 0 < got["low"] < got["high"] < total["high"]
    # "highest since January": July caps February and March, and January is at least July
    july = row(result, "magnets/world", "2025-07")
    assert row(result, "magnets/world", "2025-01")["low"] == pytest.approx(july["low"])
    assert row(result, "magnets/world", "2025-03")["high"] == pytest.approx(july["high"])


def test_us_germany_and_rare_earths(shipped):
    ledger, result = shipped
    assert_derived(result, "magnets/US", "2025-05", stated(ledger, "c23") / (1 + stated(ledger, "c24") / 100))
    assert_derived(result, "magnets/DE", "2025-06", stated(ledger, "c12") / (1 + stated(ledger, "c13") / 100))
    assert_derived(result, "rare_earths/world", "2025-04", stated(ledger, "c35") / (1 + stated(ledger, "c36") / 100))


def test_reported_months_show_the_stated_figure(shipped):
    ledger, result = shipped
    for claim_id, month in (("c01", "2025-05"), ("c20", "2025-06"), ("c08", "2025-07")):
        got = row(result, "magnets/world", month)
        assert got["basis"] == "reported"
        assert got["estimate"] == stated(ledger, claim_id)
        assert claim_id in got["claims"].split()


def test_month_no_claim_reaches_is_unknown_not_invented(shipped):
    _, result = shipped
    got = row(result, "magnets/DE", "2025-01")
    assert got["basis"] == "unknown" and math.isnan(got["estimate"]) and got["claims"] == ""
    # August 2024 only has a floor ("May 2025 was the lowest since 2020"), no ceiling
    august = row(result, "magnets/world", "2024-08")
    assert august["basis"] == "unknown" and august["low"] > 1000 and math.isinf(august["high"])


def test_shipped_ledger_is_consistent(shipped):
    _, result = shipped
    assert set(result.consistency["status"]) == {"consistent"}
    assert result.consistency["claim_id"].is_unique


def test_csv_contract(shipped, tmp_path):
    _, result = shipped
    write_csvs(result.monthly, result.consistency, tmp_path)
    monthly = pd.read_csv(tmp_path / "monthly.csv", keep_default_na=False)
    assert list(monthly.columns) == ["series", "month", "estimate", "low", "high", "basis", "claims"]
    unpinned = monthly[monthly["basis"].isin(["bounded", "unknown"])]
    assert (unpinned["estimate"] == "").all()
    assert (monthly.loc[monthly["basis"] == "unknown", "high"] == "").all()
    consistency = pd.read_csv(tmp_path / "consistency.csv", keep_default_na=False)
    assert list(consistency.columns) == ["claim_id", "status", "residual", "reason"]


def add_claims(ledger, rows):
    extra = pd.DataFrame(rows)
    template = ledger.claims.iloc[[0] * len(extra)].reset_index(drop=True)
    for column in extra:
        template[column] = extra[column]
    template["value"] = template["value_text"].astype(float)
    template["start"] = template["period"].map(lambda p: pd.Period(p, freq="M"))
    template["end"] = template["start"]
    return pd.concat([ledger.claims, template], ignore_index=True)


def test_conflicting_claim_is_set_aside_and_explained(shipped):
    ledger, _ = shipped
    # a rare-earths tonnage mislabelled as magnets, against c01 and c27 that corroborate each other
    claims = add_claims(ledger, [{"claim_id": "x1", "period": "2025-05", "value_text": "5864.6", "unit": "t",
                                  "measure": "level", "source_id": "trendforce-2025-06-11"}])
    result = reconstruct(claims)
    status = result.consistency.set_index("claim_id")
    assert status.loc["x1", "status"] == "inconsistent"
    assert (status.drop(index="x1")["status"] == "consistent").all()
    reason = status.loc["x1", "reason"]
    assert "c01" in reason and "not 5,864.6 t" in reason and "Set aside" in reason
    assert status.loc["x1", "residual"] == pytest.approx(1238 - 5864.6, abs=1)
    # the reconstruction is the one without the bad claim, not an average
    assert row(result, "magnets/world", "2025-05")["estimate"] == 1238


def test_conflict_between_two_corroborating_claims_and_one_loner(tmp_path):
    folder = tmp_path
    (folder / "sources.csv").write_text("source_id,publisher,title,published,url\n"
                                        "a,A,A,2025-06,\nb,B,B,2025-06,\nc,C,C,2025-06,\n")
    (folder / "claims.csv").write_text(
        "claim_id,series,period,measure,value,unit,qualifier,source_id\n"
        "k1,magnets/world,2025-06,mom_pct,157,%,exact,a\n"
        "k2,magnets/world,2025-06,mom_ratio,2.6,x,about,b\n"
        "k3,magnets/world,2025-06,mom_pct,-40,%,exact,c\n"
        "k4,magnets/world,2025-05,level,1238,t,exact,a\n")
    result = reconstruct(load_ledger(folder).claims)
    status = result.consistency.set_index("claim_id")["status"]
    assert status.to_dict() == {"k1": "consistent", "k2": "consistent", "k3": "inconsistent", "k4": "consistent"}
    june = row(result, "magnets/world", "2025-06")
    assert june["basis"] == "derived" and june["estimate"] == pytest.approx(1238 * 2.57, rel=0.001)
    # the set-aside claim's residual: the reconstructed change minus its stated -40%
    residual = result.consistency.set_index("claim_id").loc["k3", "residual"]
    assert residual == pytest.approx((june["estimate"] / 1238 - 1) * 100 - (-40), abs=0.01)


def test_contradictory_rankings_are_a_three_way_dispute(tmp_path):
    """May at 1,238 t, April at 2,628 t, and May 'the highest since March' (so above April): any one
    of the three exact claims could be the wrong one, and they weigh the same, so none is chosen:
    all three are disputed (the old engine set the ranking aside because it sorted last). Each
    reason names the other two, and the months cover every reading: April as stated or at most
    May, May as stated or at least April."""
    (tmp_path / "sources.csv").write_text("source_id,publisher,title,published,url\na,A,A,2025-06,\nb,B,B,2025-06,\n")
    (tmp_path / "claims.csv").write_text(
        "claim_id,series,period,measure,value,unit,qualifier,source_id\n"
        "r1,magnets/world,2025-05,level,1238,t,exact,a\n"
        "r2,magnets/world,2025-04,level,2628,t,exact,a\n"
        "r3,magnets/world,2025-05,highest_since,2025-03,month,exact,b\n")
    result = reconstruct(load_ledger(tmp_path).claims)
    status = result.consistency.set_index("claim_id")
    assert (status["status"] == "disputed").all()
    for claim_id, others in (("r1", ("r2", "r3")), ("r2", ("r1", "r3")), ("r3", ("r1", "r2"))):
        assert all(other in status.loc[claim_id, "reason"].split(":")[1] for other in others)
    assert "ranking needs 2025-05 at least as high as 2025-04" in status.loc["r3", "reason"]
    april, may = row(result, "magnets/world", "2025-04"), row(result, "magnets/world", "2025-05")
    assert april["low"] <= 1238.5 and april["high"] >= 2628 and math.isnan(april["estimate"])
    assert may["low"] <= 1238 and math.isinf(may["high"])


def test_two_independent_mistakes_are_both_set_aside(shipped):
    """The search grows candidate sets from conflicts, so two mistakes in one series cost a handful
    of LPs rather than every pair of claims; both are found and nothing else is touched."""
    ledger, _ = shipped
    claims = add_claims(ledger, [
        {"claim_id": "x1", "period": "2025-05", "value_text": "5864.6", "unit": "t", "measure": "level",
         "source_id": "trendforce-2025-06-11"},
        {"claim_id": "x2", "period": "2025-07", "value_text": "15577", "unit": "t", "measure": "level",
         "source_id": "trendforce-2025-06-11"},
    ])
    status = reconstruct(claims).consistency.set_index("claim_id")["status"]
    assert set(status[status == "inconsistent"].index) == {"x1", "x2"}


def write_ledger(folder, rows: str):
    (folder / "sources.csv").write_text("source_id,publisher,title,published,url\ns,S,S,2025-08,\n")
    (folder / "claims.csv").write_text("claim_id,series,period,measure,value,unit,qualifier,source_id\n" + rows)
    return load_ledger(folder).claims


@pytest.mark.parametrize("rows", [
    # the only single-month level is set aside: no month is stated outright
    "c01,magnets/world,2025-05,level,1238,t,exact,s\nc02,magnets/world,2025-04..2025-05,level,500,t,exact,s\n",
    # a year-on-year change over 13 months, whose base period overlaps it
    ("c01,magnets/US,2024-07..2025-07,yoy_pct,56.2,%,about,s\nc02,magnets/US,2024-01..2024-07,level,11996.2,t,under,s\n"
     "c03,magnets/US,2025-07,level,500,t,exact,s\n"),
])
def test_awkward_ledgers_reconstruct(tmp_path, rows):
    result = reconstruct(write_ledger(tmp_path, rows))
    assert len(result.consistency) == rows.count("\n")
    assert set(result.monthly["basis"]) <= {"reported", "derived", "bounded", "unknown"}


def test_claims_that_could_only_hold_at_zero_are_disputed_not_a_derived_zero(tmp_path):
    """March up 69.5% on February, yet 'the lowest since January' (so below February): both hold only
    if both months shipped nothing. A stated change says its base shipped something, so the two
    contradict each other, equally weighted: both are disputed (the old engine showed both months
    as 'derived 0 t'). No month is derived as zero; each is bounded to cover both readings."""
    claims = write_ledger(tmp_path, "c01,rare_earths/world,2025-03,mom_pct,69.5,%,exact,s\n"
                                    "c02,rare_earths/world,2025-03,lowest_since,2025-01,month,exact,s\n"
                                    "c03,rare_earths/world,2025-02..2025-03,level,1000,t,under,s\n")
    result = reconstruct(claims)
    status = result.consistency.set_index("claim_id")["status"]
    assert status.to_dict() == {"c01": "disputed", "c02": "disputed", "c03": "consistent"}
    for month in ("2025-02", "2025-03"):
        got = row(result, "rare_earths/world", month)
        assert got["basis"] == "bounded" and got["high"] > 0 and math.isnan(got["estimate"])
    # reading with the rise: March is 1.695 times February within a total under 1,000 t
    assert row(result, "rare_earths/world", "2025-03")["high"] >= 1000 * 1.695 / 2.695


def test_provenance_survives_long_windows(tmp_path):
    """A ranking reaching back 12 years gives a row per earlier month, and a 12-year total links
    144 months: counting those in small integers once wrapped round and dropped claims."""
    claims = write_ledger(tmp_path, "c1,magnets/world,2013-01..2024-12,level,150000,t,exact,s\n"
                                    "c2,magnets/world,2024-12,level,1000,t,exact,s\n"
                                    "c3,magnets/world,2024-12,lowest_since,2013-01,month,exact,s\n")
    monthly = reconstruct(claims).monthly
    months = monthly[~monthly["month"].str.contains("..", regex=False)]
    assert len(months) == 144
    assert all({"c1", "c3"} <= set(listed.split()) for listed in months["claims"])


def test_a_ledger_bounded_in_slices_by_worker_processes_reconstructs_as_in_one_piece(monkeypatch, shipped):
    """The shipped ledger plus a planted contradiction, bounded in slices of series by forked
    workers, gives the same monthly.csv and consistency.csv (set-aside claim included)."""
    from magnet_briefing.engine import scale_out
    ledger, _ = shipped
    claims = add_claims(ledger, [{"claim_id": "x1", "period": "2025-05", "value_text": "5864.6", "unit": "t",
                                  "measure": "level", "source_id": "trendforce-2025-06-11"}])
    monkeypatch.setattr(scale_out, "MIN_ROWS_PER_WORKER", 1)
    results = []
    for cores in (1, 2):
        monkeypatch.setattr(scale_out, "usable_cores", lambda cores=cores: cores)
        results.append(reconstruct(claims))
    assert len(scale_out.series_slices(build_system(claims), 2 * scale_out.SLICES_PER_WORKER)) >= 2
    one, sliced = results
    pd.testing.assert_frame_equal(one.monthly, sliced.monthly)
    pd.testing.assert_frame_equal(one.consistency, sliced.consistency)
    assert one.consistency.set_index("claim_id").loc["x1", "status"] == "inconsistent"


def test_a_contradiction_only_an_lp_finds_is_settled_not_a_crash():
    """A year-to-date total 0.3% too high: each row holds against the propagated bounds, only the
    group's LP finds them incompatible. CLP reports such models with a code its Python binding
    cannot name (an IndexError once); HiGHS must take over. 0.3% of a total is within the
    allowance for revisions and rounding between outlets (0.25% plus 2 t), so the total is now
    spread (kept, widened), not set aside; it disagrees with a second total exactly as much as
    that one with it, and nothing else decides, so both are spread and nothing is set aside."""
    from tests.test_bounds import random_claims
    claims = random_claims(6)
    ranged = claims.index[(claims["measure"] == "level") & (claims["start"] != claims["end"])][0]
    value = round(float(claims.at[ranged, "value"]) * 1.003)
    claims.at[ranged, "value"], claims.at[ranged, "value_text"] = float(value), str(value)
    result = reconstruct(claims)
    status = result.consistency.set_index("claim_id")["status"]
    assert status[claims.at[ranged, "claim_id"]] == "spread"
    assert not status.isin(["inconsistent", "disputed"]).any()
    assert (status == "spread").sum() == 2
    reason = result.consistency.set_index("claim_id").loc[claims.at[ranged, "claim_id"], "reason"]
    assert "against its" in reason and "allowance" in reason


def test_three_equally_weighted_ways_to_settle_are_a_dispute(tmp_path):
    """May is stated at 1,238 t by one source, and 'over 1,000 t' by another; April's level with a
    -40% month-on-month change puts May near 1,577 t. Setting aside any one of the three exact
    claims would do. 'Over 1,000 t' fits both readings, so it corroborates neither, and an exact
    figure weighs the same however its id sorts: the three are disputed (the old engine kept the
    May level as 'corroborated'). May is bounded to cover every reading."""
    (tmp_path / "sources.csv").write_text("source_id,publisher,title,published,url\n"
                                          "a,A,A,2025-06,\nb,B,B,2025-06,\nc,C,C,2025-06,\n")
    (tmp_path / "claims.csv").write_text(
        "claim_id,series,period,measure,value,unit,qualifier,source_id\n"
        "a1,magnets/world,2025-05,level,1238,t,exact,a\n"
        "a2,magnets/world,2025-05,level,1000,t,over,b\n"
        "z1,magnets/world,2025-04,level,2628,t,exact,c\n"
        "z2,magnets/world,2025-05,mom_pct,-40,%,exact,c\n")
    result = reconstruct(load_ledger(tmp_path).claims)
    status = result.consistency.set_index("claim_id")["status"]
    assert status.to_dict() == {"a1": "disputed", "a2": "consistent", "z1": "disputed", "z2": "disputed"}
    may = row(result, "magnets/world", "2025-05")
    assert may["basis"] == "bounded" and may["low"] <= 1238 and may["high"] >= 2628 * 0.6


def test_a_contradiction_that_climbs_without_end_is_settled_not_implausible(tmp_path):
    """June is 1.5 times May, and May at least June ('highest since May'): propagation climbs past any
    plausible tonnage, but that is a contradiction to settle, not a chain of typos to refuse. The
    rate and the ranking weigh the same and nothing else decides: both are disputed."""
    claims = write_ledger(tmp_path, "c1,magnets/world,2025-05,level,1000,t,over,s\n"
                                    "c2,magnets/world,2025-06,mom_pct,50,%,exact,s\n"
                                    "c3,magnets/world,2025-06,highest_since,2025-05,month,exact,s\n"
                                    "c4,magnets/world,2025-07,level,100,t,exact,s\n")
    status = reconstruct(claims).consistency.set_index("claim_id")["status"]
    assert status.to_dict() == {"c1": "consistent", "c2": "disputed", "c3": "disputed", "c4": "consistent"}
