"""data/proposed/<source_id>.csv: the claims an analyst reviews before accepting them.

The columns are claims.csv's (claim_id left empty until accepted, source_id filled) plus
`evidence` and `note`, so the file reads like the ledger it will join. Beside it,
<source_id>.source.csv holds the sources.csv row the accepted claims will cite. The files are
opened in spreadsheets, so a text cell that a spreadsheet would run as a formula (starting with
= + - @, a tab or a carriage return) gets a leading apostrophe (the engine's rule, engine/tables.py),
and the reader takes it off again; a number in `value` stays a plain number (-52.9). Evidence is
the article's own text, with any control character (a tab) written as a space so the ledger's
reader accepts the file.
"""
from __future__ import annotations

import csv
import io
import os
import re
import tempfile
from pathlib import Path

from ..engine.tables import FORMULA_STARTS
from ..ledger.csv_file import LedgerProblem, control_character, read_rows
from ..ledger.load import LedgerError
from ..ledger.vocabulary import CLAIM_COLUMNS, SOURCE_COLUMNS
from .proposal import Proposal

PROPOSAL_COLUMNS = CLAIM_COLUMNS + ["evidence", "note"]
MACHINE_COLUMNS = ["series", "period", "measure", "value", "unit", "qualifier", "evidence", "note"]
SOURCE_SUFFIX = ".source.csv"
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def safe_cell(column: str, text: str) -> str:
    text = "".join(" " if control_character(ch) else ch for ch in str(text))
    if column == "value" and _NUMBER.match(text):
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def unsafe_cell(text: str) -> str:
    """The cell as written before safe_cell (a spreadsheet keeps the apostrophe)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _row(proposal: Proposal, source_id: str) -> dict:
    return {"claim_id": proposal.claim_id, "series": proposal.series, "period": proposal.period,
            "measure": proposal.measure, "value": proposal.value, "unit": proposal.unit,
            "qualifier": proposal.qualifier, "source_id": source_id or proposal.source_id,
            "evidence": proposal.evidence, "note": proposal.note}


def csv_text(rows: list[dict], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(column, row.get(column, "")) for column in columns])
    return out.getvalue()


def proposals_csv(proposals: list[Proposal], columns: list[str] = MACHINE_COLUMNS, source_id: str = "") -> str:
    """The proposal as CSV text (the machine interface prints MACHINE_COLUMNS)."""
    return csv_text([_row(p, source_id) for p in proposals], columns)


def write_atomically(path: Path, text: str) -> None:
    """The whole file or, if anything fails, the file as it was: a temporary file renamed over it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def source_path(proposal_path: Path) -> Path:
    proposal_path = Path(proposal_path)
    return proposal_path.with_name(proposal_path.name.removesuffix(".csv") + SOURCE_SUFFIX)


def write_proposal(path: Path, proposals: list[Proposal], source_id: str, source: dict | None = None) -> Path:
    """Write the proposal (and, given `source`, its sources.csv row beside it); return the path."""
    path = Path(path)
    write_atomically(path, proposals_csv(proposals, PROPOSAL_COLUMNS, source_id))
    if source is not None:
        write_atomically(source_path(path), csv_text([{**source, "source_id": source_id}], SOURCE_COLUMNS))
    return path


def _read(path: Path, columns: list[str]) -> list[tuple[int, dict]]:
    problems: list[LedgerProblem] = []
    rows = [(line, {k: unsafe_cell(v) for k, v in row.items()})
            for line, row in read_rows(Path(path), columns, problems, str(path))]
    if problems:
        raise LedgerError(problems)
    return rows


def read_proposal(path: Path) -> list[tuple[int, dict]]:
    """(line, row) for each row the analyst left in the file; LedgerError if it cannot be read."""
    return _read(path, PROPOSAL_COLUMNS)


def read_source(path: Path) -> dict:
    """The one sources.csv row beside a proposal."""
    rows = _read(path, SOURCE_COLUMNS)
    if len(rows) != 1:
        raise LedgerError([LedgerProblem(str(path), 2, None, f"holds {len(rows)} sources; it should hold one")])
    return rows[0][1]
