"""The same ledger in any row order gives the same briefing: words, tables, what changed and the
vintage triangle, not only the engine's numbers (whose own test is in test_reconciliation.py)."""
import dataclasses
from pathlib import Path

import pytest

from magnet_briefing.briefing import tables
from magnet_briefing.briefing.edition import masthead, prepare_edition, vintages
from magnet_briefing.config import resolve
from magnet_briefing.engine import reconstruct
from magnet_briefing.ledger.load import load_ledger
from magnet_briefing.ledger.vintage import as_of

ROOT = Path(__file__).resolve().parent.parent
LEDGERS = {"shipped": (ROOT / "data", {"month": "2025-07"}),
           "disputes": (ROOT / "tests" / "ledgers" / "disputes", {"month": "2025-12", "series": ["rare_earths/world"]})}


def briefing_of(ledger, parameters):
    params = resolve(parameters, ledger)
    vintage = as_of(ledger, params.as_of)
    result = reconstruct(vintage.claims)
    changes, revisions, _ = vintages(ledger, params, result)
    edition = prepare_edition(params, vintage, result, changes, revisions)
    listed = tables.claims_not_as_stated(edition)
    return {"masthead": masthead(edition), "new": changes.new_claims, "aside": changes.newly_set_aside,
            "revised": changes.revised.to_dict("records"), "triangle": revisions.to_dict("records"),
            "not as stated": None if listed is None else listed.to_dict("split"),
            "claims": [(p.text, p.claims) for p in edition.key_points()]}


@pytest.mark.parametrize("name", sorted(LEDGERS))
def test_a_ledger_read_backwards_gives_the_same_briefing(name):
    folder, parameters = LEDGERS[name]
    ledger = load_ledger(folder)
    backwards = dataclasses.replace(ledger, claims=ledger.claims.iloc[::-1].reset_index(drop=True),
                                    sources=ledger.sources.iloc[::-1].reset_index(drop=True))
    forwards = briefing_of(ledger, {"data": str(folder), **parameters})
    assert forwards["claims"] and (name != "disputes" or forwards["not as stated"])
    again = briefing_of(backwards, {"data": str(folder), **parameters})
    for key, value in forwards.items():
        assert repr(again[key]) == repr(value), key  # repr: a NaN equals a NaN, floats to the last digit
