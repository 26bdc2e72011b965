"""Where sources disagree, the briefing says so: the appendix lists disputed, set-aside and spread
claims, and a dispute that touches the edition month is a key point. The statuses are planted on
the reconstruction of a small invented ledger (tests/ledgers/disputes), so that these tests check
the briefing whatever the engine decides about it."""
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from magnet_briefing.analysis.disagreements import disputes, touched_months
from magnet_briefing.briefing import tables
from magnet_briefing.briefing.edition import prepare_edition
from magnet_briefing.config import resolve
from magnet_briefing.engine import reconstruct
from magnet_briefing.ledger.load import load_ledger

LEDGER = Path(__file__).resolve().parent / "ledgers" / "disputes"

FEB_CLASH = ("d-mar-mom", "d-sep-lo")   # a March rate against "September lowest since February"
OCTOBER_PAIR = ("l-2025-10", "o-oct-mine")


@pytest.fixture(scope="module")
def real():
    ledger = load_ledger(LEDGER)
    result = reconstruct(ledger.claims)
    planted = result.consistency.copy()
    status = dict.fromkeys(FEB_CLASH, "disputed") | dict.fromkeys(OCTOBER_PAIR, "spread")
    planted["status"] = planted["claim_id"].map(status).fillna("consistent")
    planted["reason"] = planted["claim_id"].map(lambda c: f"the reason for {c}" if c in status else "")
    return ledger, dataclasses.replace(result, consistency=planted)


def edition(real, month):
    ledger, result = real
    return prepare_edition(resolve({"month": month, "data": str(LEDGER), "series": ["rare_earths/world"]}, ledger),
                           ledger, result)


def test_a_ranking_touches_every_month_back_to_its_since_month(real):
    ledger, _ = real
    claims = ledger.claims.set_index("claim_id", drop=False)
    ranking = next(claims.loc[[FEB_CLASH[1]]].itertuples())
    assert touched_months(ranking) == set(pd.period_range("2025-02", "2025-09", freq="M"))
    rate = next(claims.loc[[FEB_CLASH[0]]].itertuples())
    assert touched_months(rate) == {pd.Period("2025-02", "M"), pd.Period("2025-03", "M")}


def test_disputed_claims_whose_months_overlap_are_one_dispute(real):
    ledger, result = real
    (dispute,) = disputes(result, ledger.claims, ["rare_earths/world"])
    assert dispute.claims == tuple(sorted(FEB_CLASH, key=lambda s: (len(s), s)))
    assert (dispute.months[0], dispute.months[-1]) == (pd.Period("2025-02", "M"), pd.Period("2025-09", "M"))


def test_a_dispute_on_the_edition_month_is_a_key_point(real):
    september = edition(real, "2025-09")
    points = [p for p in september.key_points() if p.text.startswith("Sources disagree")]
    assert len(points) == 1
    assert "rare-earth exports (17 types) in February–September 2025" in points[0].text
    assert "GreenWire (Reuters) and Pulse (Lusa) cannot both be right" in points[0].text
    # only the months no other claim pins are called ranges (September has its figure)
    ranges = [m for m in pd.period_range("2025-02", "2025-09", freq="M")
              if september.result.month_row("rare_earths/world", str(m))["basis"] not in ("reported", "derived")]
    assert ranges and pd.Period("2025-09", "M") not in ranges
    named = points[0].text.split("neither is used; ", 1)[1]
    assert named.startswith(f"{'February' if ranges == [pd.Period('2025-02', 'M')] else ''}")
    assert "shown as a range" in named or "shown as ranges" in named
    assert "September" not in named
    assert set(points[0].claims) == set(FEB_CLASH)
    december = edition(real, "2025-12")  # the dispute is months before: the appendix lists it, no key point
    assert not [p for p in december.key_points() if p.text.startswith("Sources disagree")]


def test_the_appendix_lists_disputes_first_then_spreads(real):
    listed = tables.claims_not_as_stated(edition(real, "2025-12"))
    assert list(listed.index) == [*FEB_CLASH, *OCTOBER_PAIR]
    assert listed.loc[FEB_CLASH[0], "Status"].startswith("disputed")
    assert listed.loc[OCTOBER_PAIR[1], "Status"] == "kept, within the allowance"
    assert listed.loc[OCTOBER_PAIR[1], "Source"] == "Mine Weekly"
    assert listed.loc[FEB_CLASH[1], "Reason"] == f"the reason for {FEB_CLASH[1]}"
