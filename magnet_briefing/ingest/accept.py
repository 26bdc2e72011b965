"""accept(): the rows an analyst left in a proposal file join the ledger, with fresh claim ids and
the source row.

Nothing is written unless the ledger as it would be passes the project's own loader: the new
claims.csv and sources.csv are written to a temporary folder and read with load_ledger first.
Then each file is replaced in one step (a temporary file in the ledger's folder, os.replace), so
a bad edit changes nothing and reports the loader's one-line problems, pointing at the proposal
file's own lines. Accepting the same proposal twice is refused.

Claim ids continue the ledger's `cNN` numbering from the highest one in use (c40 after c39);
source ids are the publisher's first word and the publication date (source_id below).
"""
from __future__ import annotations

import csv
import io
import re
import tempfile
import unicodedata
from pathlib import Path

from ..ledger.csv_file import LedgerProblem
from ..ledger.load import LedgerError, load_ledger
from ..ledger.vocabulary import CLAIM_COLUMNS, ID_PATTERN, SOURCE_COLUMNS
from .proposal_csv import csv_text, read_proposal, read_source, source_path, write_atomically

CLAIM_ID = re.compile(r"^c([0-9]+)$")
SKIP_WORDS = ("the", "a", "an")   # "The Leaders Globe" -> leaders


def source_id(publisher: str, published: str, taken=()) -> str:
    """'Reuters', '2025-09-20' -> 'reuters-2025-09-20': the publisher's first word (lower-case
    ASCII letters and digits, at most 20), then the date as published; '-2', '-3' ... when taken."""
    text = unicodedata.normalize("NFKD", publisher or "").encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w]
    words = [w for w in words if w not in SKIP_WORDS] or words
    base = f"{(words[0] if words else 'source')[:20]}-{published}"
    candidate, n = base, 2
    while candidate in set(taken):
        candidate, n = f"{base}-{n}", n + 1
    assert re.match(ID_PATTERN, candidate), candidate
    return candidate


def next_claim_ids(existing, count: int) -> list[str]:
    """`count` fresh ids after the highest cNN in use, as wide as the ledger writes them (at least 2 digits)."""
    numbers = [int(m.group(1)) for i in existing if (m := CLAIM_ID.match(i))]
    width = max([2] + [len(m.group(1)) for i in existing if (m := CLAIM_ID.match(i))])
    start = max(numbers, default=0) + 1
    taken = set(existing)
    ids, n = [], start
    while len(ids) < count:
        candidate = f"c{n:0{width}d}"
        if candidate not in taken:
            ids.append(candidate)
        n += 1
    return ids


def _rows(path: Path, columns: list[str]) -> tuple[str, list[dict]]:
    """The file's text and its rows, as plain data (the loader validates them afterwards)."""
    if not path.exists():
        return "", []
    text = path.read_text(encoding="utf-8-sig")
    return text, [{c: (row.get(c) or "").strip() for c in columns} for row in csv.DictReader(io.StringIO(text))]


def _appended(text: str, rows: list[dict], columns: list[str]) -> str:
    """The file's text with rows added at the end, the existing lines untouched."""
    body = csv_text(rows, columns)
    if not text.strip():
        return body
    return text + ("" if text.endswith("\n") else "\n") + body.split("\n", 1)[1]


def accept(proposal_path: str | Path, ledger_folder: str | Path, source: dict | None = None) -> list[str]:
    """Append the proposal's rows to the ledger with fresh claim ids, and its source; return the new
    ids. `source` (publisher, title, published, url; source_id optional) defaults to the
    <source_id>.source.csv written beside the proposal. Raises LedgerError, one line per problem."""
    proposal_path, folder = Path(proposal_path), Path(ledger_folder)
    label = str(proposal_path)
    rows = read_proposal(proposal_path)
    if not rows:
        raise LedgerError([LedgerProblem(label, 2, None, "holds no rows to accept")])
    if source is None:
        sidecar = source_path(proposal_path)
        if not sidecar.exists():
            raise LedgerError([LedgerProblem(str(sidecar), 0, None, "file not found: the source row of the proposal "
                                             "(source_id,publisher,title,published,url)")])
        source = read_source(sidecar)
    ids_in_file = {row["source_id"] for _, row in rows}
    sid = source.get("source_id") or (ids_in_file.pop() if len(ids_in_file) == 1 else "")
    problems = [LedgerProblem(label, line, "source_id", f"'{row['source_id']}' is not the proposal's source '{sid}'")
                for line, row in rows if row["source_id"] != sid]
    claims_text, claims = _rows(folder / "claims.csv", CLAIM_COLUMNS)
    sources_text, sources = _rows(folder / "sources.csv", SOURCE_COLUMNS)
    source_row = {c: str(source.get(c) or "") for c in SOURCE_COLUMNS} | {"source_id": sid}
    known = next((s for s in sources if s["source_id"] == sid), None)
    if known is not None and known != source_row:
        problems.append(LedgerProblem(str(folder / "sources.csv"), 0, "source_id",
                                      f"'{sid}' is already the id of another source ({known['publisher']}, "
                                      f"{known['published']}); give this proposal another source_id"))
    stated = {tuple(c[k] for k in CLAIM_COLUMNS[1:]): c["claim_id"] for c in claims}
    for line, row in rows:
        twin = stated.get(tuple(row[k] for k in CLAIM_COLUMNS[1:]))
        if twin:
            problems.append(LedgerProblem(label, line, None, f"is already in claims.csv as {twin} (accepted before?)"))
    if problems:
        raise LedgerError(problems)

    new_ids = next_claim_ids([c["claim_id"] for c in claims], len(rows))
    new_claims = [{**{c: row[c] for c in CLAIM_COLUMNS}, "claim_id": cid} for cid, (_, row) in zip(new_ids, rows)]
    claims_out = _appended(claims_text, new_claims, CLAIM_COLUMNS)
    sources_out = sources_text if known is not None else _appended(sources_text, [source_row], SOURCE_COLUMNS)
    _validate(claims_out, sources_out, rows, label, folder)
    write_atomically(folder / "sources.csv", sources_out)   # a source without claims yet is a valid ledger
    write_atomically(folder / "claims.csv", claims_out)
    return new_ids


def _validate(claims_out: str, sources_out: str, rows, label: str, folder: Path) -> None:
    """Load the would-be ledger; report its problems at the proposal's lines (new claims) or the
    ledger's files (anything else)."""
    with tempfile.TemporaryDirectory(prefix="ingest-accept-") as scratch:
        scratch = Path(scratch)
        (scratch / "claims.csv").write_text(claims_out, encoding="utf-8")
        (scratch / "sources.csv").write_text(sources_out, encoding="utf-8")
        try:
            load_ledger(scratch)
        except LedgerError as error:
            first_new = len(claims_out.splitlines()) - len(rows) + 1   # line of the first appended claim
            mapped = []
            for problem in error.problems:
                name = Path(problem.path).name
                if name == "claims.csv" and problem.line >= first_new:
                    line = rows[problem.line - first_new][0]
                    mapped.append(LedgerProblem(label, line, problem.column, problem.message))
                else:
                    mapped.append(LedgerProblem(str(folder / name), problem.line, problem.column, problem.message))
            raise LedgerError(mapped) from None
