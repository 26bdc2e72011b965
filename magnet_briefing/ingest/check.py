"""Before anything is accepted: does the ledger already hold each proposed figure from another
source (corroboration), and does the proposal contradict it?

Corroboration is read from the claims alone: a claim of another source on the same series,
period and measure whose interval (the codebook's interval rule, ledger/intervals.py) overlaps
the proposal's. Contradiction is the engine's verdict: the ledger's claims and the proposals are
written as one temporary ledger, read by the project's loader and reconstructed; a proposal the
engine sets aside or disputes contradicts the ledger, with the engine's reason, and so does one
whose arrival sets aside or disputes claims of the ledger that were consistent before.
"""
from __future__ import annotations

import datetime
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..engine import reconstruct
from ..engine.reconstruct import ImplausibleClaims
from ..ledger.intervals import KG_PER_TONNE, stated_intervals
from ..ledger.load import Ledger, LedgerError, load_ledger
from ..ledger.vocabulary import CLAIM_COLUMNS, RANK_MEASURES, SOURCE_COLUMNS
from .proposal import Proposal
from .proposal_csv import csv_text

PROPOSED_ID = "proposed-{:03d}"   # temporary claim ids, never written to the ledger
NOT_TAKEN = ("inconsistent", "disputed")


@dataclass(frozen=True)
class Check:
    corroborated_by: tuple[str, ...]   # ledger claim ids of other sources stating the same
    contradiction: str                 # the engine's reason, "" when the proposal fits the ledger
    status: str                        # the engine's status of the proposal ("" when it was not run)
    problem: str = ""                  # the loader's message when the row is not a valid claim


def _claim_rows(ledger: Ledger | None) -> list[dict]:
    if ledger is None or ledger.claims.empty:
        return []
    frame = ledger.claims
    return [{**{c: row[c] for c in CLAIM_COLUMNS}, "value": row["value_text"]} for _, row in frame.iterrows()]


def _source_rows(ledger: Ledger | None) -> list[dict]:
    if ledger is None:
        return []
    return [{c: row[c] for c in SOURCE_COLUMNS} for _, row in ledger.sources.iterrows()]


def _interval(measure: str, unit: str, value: str, qualifier: str) -> tuple[float, float]:
    lo, hi, _ = stated_intervals(pd.Series([value]), pd.Series([qualifier]))
    scale = 1 / KG_PER_TONNE if unit == "kg" else 1.0
    return float(lo[0]) * scale, float(hi[0]) * scale


def corroborating(proposal: Proposal, claims: pd.DataFrame, source_id: str) -> tuple[str, ...]:
    """Ids of the ledger's claims of other sources that state the same figure (overlapping intervals)."""
    if claims is None or claims.empty:
        return ()
    same = claims[(claims["series"] == proposal.series) & (claims["period"] == proposal.period)
                  & (claims["measure"] == proposal.measure) & (claims["source_id"] != source_id)]
    found = []
    for _, claim in same.iterrows():
        if proposal.measure in RANK_MEASURES:
            if claim["value_text"] == proposal.value:
                found.append(claim["claim_id"])
            continue
        try:
            lo, hi = _interval(proposal.measure, proposal.unit, proposal.value, proposal.qualifier)
        except ValueError:
            return ()
        claim_lo, claim_hi = _interval(claim["measure"], claim["unit"], claim["value_text"], claim["qualifier"])
        if max(lo, claim_lo) <= min(hi, claim_hi):
            found.append(claim["claim_id"])
    return tuple(found)


def _combined(ledger: Ledger | None, proposals: list[Proposal], keep: list[int], source_id: str,
              published: str, folder: Path):
    """Write ledger + the kept proposals as a ledger folder and load it; (ledger, {line: proposal index})."""
    rows = _claim_rows(ledger)
    line_of = {}
    for k in keep:
        p = proposals[k]
        line_of[len(rows) + 2] = k
        rows.append({"claim_id": PROPOSED_ID.format(k + 1), "series": p.series, "period": p.period,
                     "measure": p.measure, "value": p.value, "unit": p.unit, "qualifier": p.qualifier,
                     "source_id": source_id})
    sources = _source_rows(ledger)
    if source_id not in {s["source_id"] for s in sources}:
        sources.append({"source_id": source_id, "publisher": "(proposed)", "title": "(proposed)",
                        "published": published, "url": ""})
    (folder / "claims.csv").write_text(csv_text(rows, CLAIM_COLUMNS), encoding="utf-8")
    (folder / "sources.csv").write_text(csv_text(sources, SOURCE_COLUMNS), encoding="utf-8")
    return load_ledger(folder), line_of


def check_against_ledger(proposals: list[Proposal], ledger: Ledger | str | Path | None,
                         source_id: str = "proposed", published: str | datetime.date | None = None) -> list[Check]:
    """Per proposal: the claims corroborating it and, from the engine run on ledger + proposals, its
    contradiction with the ledger. `ledger`: a loaded Ledger, a ledger folder, or None (empty)."""
    if isinstance(ledger, (str, Path)):
        ledger = load_ledger(ledger) if (Path(ledger) / "claims.csv").exists() else None
    published = str(published or datetime.date.today())
    claims = ledger.claims if ledger is not None else None
    corroborated = [corroborating(p, claims, source_id) for p in proposals]
    problems: dict[int, str] = {}
    keep = list(range(len(proposals)))
    with tempfile.TemporaryDirectory(prefix="ingest-check-") as folder:
        for _ in range(2):  # a row the loader refuses is reported and left out of the engine's run
            try:
                combined, line_of = _combined(ledger, proposals, keep, source_id, published, Path(folder))
                break
            except LedgerError as error:
                first = len(_claim_rows(ledger)) + 2   # the proposals' lines in the temporary claims.csv
                line_of = {first + n: k for n, k in enumerate(keep)}
                bad = {line_of[p.line]: p.message if p.column is None else f"{p.column} {p.message}"
                       for p in error.problems if p.line in line_of and p.path.endswith("claims.csv")}
                if not bad:
                    raise
                problems.update(bad)
                keep = [k for k in keep if k not in bad]
        else:
            combined = None
        if combined is None or not keep:
            return [Check(corroborated[k], "", "", problems.get(k, "")) for k in range(len(proposals))]
        try:
            after = reconstruct(combined.claims).consistency
        except ImplausibleClaims as error:
            return [Check(corroborated[k], str(error), "refused", problems.get(k, "")) for k in range(len(proposals))]
    before = reconstruct(ledger.claims).consistency if ledger is not None and not ledger.claims.empty else None
    status = dict(zip(after["claim_id"], after["status"]))
    reason = dict(zip(after["claim_id"], after["reason"]))
    newly = []
    if before is not None:
        was = dict(zip(before["claim_id"], before["status"]))
        newly = [c for c in was if was[c] not in NOT_TAKEN and status.get(c) in NOT_TAKEN]
    series_of = dict(zip(combined.claims["claim_id"], combined.claims["series"]))
    checks = []
    for k, proposal in enumerate(proposals):
        if k in problems:
            checks.append(Check(corroborated[k], "", "", problems[k]))
            continue
        cid = PROPOSED_ID.format(k + 1)
        parts = []
        if status.get(cid) in NOT_TAKEN:
            parts.append(f"{status[cid]}: {_named(reason.get(cid)) or 'the engine sets it aside'}")
        for claim in newly:
            if series_of.get(claim) == proposal.series and status.get(cid) in NOT_TAKEN:
                parts.append(f"the ledger's {claim} is {status[claim]} with it: {_named(reason.get(claim, ''))}")
        checks.append(Check(corroborated[k], "; ".join(parts), status.get(cid, "")))
    unexplained = [c for c in newly if not any(c in check.contradiction for check in checks)]
    if unexplained:  # ledger claims set aside by proposals the engine kept: every proposal of that series says so
        checks = [_with_ledger_claims(check, proposal, unexplained, status, reason, series_of)
                  for check, proposal in zip(checks, proposals)]
    return checks


def _with_ledger_claims(check: Check, proposal: Proposal, claims, status, reason, series_of) -> Check:
    own = [c for c in claims if series_of.get(c) == proposal.series]
    if not own or check.problem:
        return check
    text = "; ".join(f"with it the ledger's {c} is {status[c]}: {_named(reason.get(c, ''))}" for c in own)
    return Check(check.corroborated_by, "; ".join(filter(None, [check.contradiction, text])), check.status, check.problem)


def _named(reason: str | None) -> str:
    """A reason with the temporary ids written as the proposal's rows ("proposed-002" -> "row 2")."""
    return re.sub(r"proposed-0*([0-9]+)", r"proposed row \1", reason or "")
