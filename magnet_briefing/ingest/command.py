"""The two commands, as cli.py runs them: `ingest` (article -> review table or CSV, and the
proposal file) and `accept` (proposal file -> ledger). They print through the functions they are
given, and a problem is one line each, never a traceback: the article or its date
(ArticleError), the ledger or the proposal file (the loader's LedgerError).
"""
from __future__ import annotations

import sys
from pathlib import Path

from ..config import ledger_folder
from ..ledger.load import LedgerError
from .accept import accept
from .proposal_csv import MACHINE_COLUMNS, proposals_csv
from .review import review_table
from .session import ArticleError, ingest_text, read_article

FORMATS = ("table", "csv")


def _relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _problems(error: LedgerError, warn, what: str) -> int:
    for problem in error.problems[:-1] if len(error.problems) > 1 else []:
        warn(str(problem))
    last = error.problems[-1]
    count = f" ({len(error.problems)} problems)" if len(error.problems) > 1 else ""
    warn(f"error: {last}{count}; {what}")
    return 1


def ingest_command(file: str, published: str, publisher: str = "", title: str = "", url: str = "",
                   fmt: str = "table", data: str | None = None, source_id: str = "", say=print,
                   warn=lambda line: print(line, file=sys.stderr), color: bool | None = None) -> int:
    """`python -m magnet_briefing ingest`: print the review table (and write
    data/proposed/<source_id>.csv), or with fmt='csv' print the proposal as CSV and write nothing."""
    if fmt not in FORMATS:
        warn(f"error: --format '{fmt}' is not one of {', '.join(FORMATS)}")
        return 2
    try:
        text = read_article(file)
        folder = ledger_folder(data)
        done = ingest_text(text, published, publisher, title, url, ledger_folder=folder, write=fmt == "table",
                           source_id=source_id, check=fmt == "table")
    except ArticleError as error:
        warn(f"error: {error}")
        return 2
    except LedgerError as error:
        return _problems(error, warn, "nothing was proposed")
    if fmt == "csv":
        say(proposals_csv(done.proposals, MACHINE_COLUMNS).rstrip("\n"))
        return 0
    source = done.source
    color = sys.stdout.isatty() if color is None else color
    say(f"==> {len(done.proposals)} claims proposed from {source['publisher']}, {source['published']} "
        f"(source {source['source_id']}{', title taken from the first line' if done.title_guessed else ''})")
    say(review_table(done.proposals, done.checks, done.skipped, color=color))
    contradicting = sum(1 for c in done.checks if c.contradiction or c.problem)
    flagged = sum(1 for p in done.proposals if p.uncertain)
    say("")
    say(f"Wrote {_relative(done.path)}: {len(done.proposals)} rows, {flagged} with something to check, "
        f"{contradicting} contradicting the ledger. Nothing was written to the ledger.")
    say(f"Review it (delete the rows you reject, correct the others), then: make accept PROPOSAL={_relative(done.path)}")
    return 0


def accept_command(proposal: str, data: str | None = None, say=print,
                   warn=lambda line: print(line, file=sys.stderr)) -> int:
    """`python -m magnet_briefing accept`: append the proposal's rows and its source to the ledger."""
    folder = ledger_folder(data)
    try:
        new = accept(Path(proposal), folder)
    except LedgerError as error:
        return _problems(error, warn, "nothing was written to the ledger")
    span = new[0] if len(new) == 1 else f"{new[0]}–{new[-1]}"
    say(f"Accepted {len(new)} claim{'s' if len(new) != 1 else ''} ({span}) from {_relative(Path(proposal))} into "
        f"{_relative(folder / 'claims.csv')}; its source is in {_relative(folder / 'sources.csv')}.")
    return 0
