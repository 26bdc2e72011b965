"""The reconstruction the build hands to the notebook: read back whole, for its own ledger only, and
never a file that would make anything but a reconstruction."""
import os
import pickle
import shutil
from pathlib import Path

import pandas as pd
import pytest

from magnet_briefing.engine import reconstruct
from magnet_briefing.engine.saved import RefusedFile, read_reconstruction, write_reconstruction
from magnet_briefing.ledger.load import Ledger, load_ledger

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ledger():
    return load_ledger(ROOT / "data")


def test_a_saved_reconstruction_reads_back_whole(ledger, tmp_path):
    result = reconstruct(ledger.claims)
    months = [pd.Period("2025-01", freq="M"), pd.Period("2025-02", freq="M"), pd.Period("2025-03", freq="M")]
    expected = result.period_bounds("magnets/world", months)
    back = read_reconstruction(write_reconstruction(result, ledger.claims, tmp_path / "r.pickle"), ledger)
    pd.testing.assert_frame_equal(back.monthly, result.monthly)
    pd.testing.assert_frame_equal(back.consistency, result.consistency)
    pd.testing.assert_frame_equal(back.kept, result.kept)
    low, high, claims = back.period_bounds("magnets/world", months)  # its LPs are rebuilt on demand
    assert (low, high) == pytest.approx(expected[:2], rel=1e-12) and claims == expected[2]


def test_a_reconstruction_of_another_ledger_is_refused(ledger, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(ROOT / "data", other)
    claims = other / "claims.csv"
    claims.write_text(claims.read_text(encoding="utf-8").replace(",5577,", ",5578,"), encoding="utf-8")
    edited = load_ledger(other)
    saved = write_reconstruction(reconstruct(edited.claims), edited.claims, tmp_path / "r.pickle")
    with pytest.raises(RefusedFile, match="another ledger"):
        read_reconstruction(saved, ledger)


class Planted:
    """Unpickling this would run os.system."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_a_file_that_would_run_a_command_is_refused_without_running_it(ledger, tmp_path):
    marker = tmp_path / "ran"
    planted = tmp_path / "planted.pickle"
    planted.write_bytes(pickle.dumps(("fingerprint", Planted(marker))))
    with pytest.raises(RefusedFile, match="not part of a reconstruction"):
        read_reconstruction(planted, ledger)
    assert not marker.exists()
    (tmp_path / "garbage.pickle").write_bytes(b"not a pickle at all")
    with pytest.raises(RefusedFile, match="not a saved reconstruction"):
        read_reconstruction(tmp_path / "garbage.pickle", ledger)


def test_a_reconstruction_with_disputed_months_reads_back_whole(ledger, tmp_path):
    """Disputed months carry their readings (the fits whose hull they show): they are saved and
    read back with the rest, and a total over them is still what every reading allows. A second
    outlet's 2,116 t for Germany in July against c12's 1,116 t (nothing else decides) is a dispute."""
    claims = ledger.claims.copy()
    other = claims[claims["claim_id"] == "c12"].copy()
    other["claim_id"], other["source_id"] = "x12", "trendforce-2025-06-11"
    other["value"], other["value_text"] = 2116.0, "2116"
    claims = pd.concat([claims, other], ignore_index=True)
    result = reconstruct(claims)
    assert result.estimates.hull is not None
    assert set(result.consistency.loc[result.consistency["status"] == "disputed", "claim_id"]) == {"c12", "x12"}
    months = [pd.Period("2025-06", freq="M"), pd.Period("2025-07", freq="M")]
    low, high, _ = expected = result.period_bounds("magnets/DE", months)
    assert low <= 1116 + 1116 / 1.465 and high >= 2116 + 2116 / 1.455
    edited = Ledger(claims, ledger.sources, ledger.folder)
    back = read_reconstruction(write_reconstruction(result, claims, tmp_path / "r.pickle"), edited)
    pd.testing.assert_frame_equal(back.consistency, result.consistency)
    pd.testing.assert_frame_equal(back.monthly, result.monthly)
    assert back.period_bounds("magnets/DE", months)[:2] == pytest.approx(expected[:2], rel=1e-12)
