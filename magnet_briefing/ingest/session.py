"""One ingest, as the command runs it: read the article, propose, check against the ledger, write
data/proposed/<source_id>.csv (and its source row) for the analyst to review.

The command line (cli.py) only parses arguments and prints; everything it needs is here.
"""
from __future__ import annotations

import calendar
import datetime
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from ..ledger.csv_file import read_limited
from ..ledger.load import load_ledger
from ..ledger.vocabulary import ID_PATTERN
from .accept import source_id as make_source_id
from .check import Check, check_against_ledger
from .proposal import Proposal
from .proposal_csv import write_proposal
from .rules import extract

MAX_ARTICLE_BYTES = 2_000_000   # a news page is tens of KB
UNTITLED = "(untitled report on China's rare-earth exports)"
NO_PUBLISHER = "(publisher not given)"
_PUBLISHED = re.compile(r"^([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?$")


class ArticleError(ValueError):
    """The article or its date cannot be read; the message is one line."""


@dataclass(frozen=True)
class Ingested:
    source: dict                     # the sources.csv row the claims will cite
    proposals: list[Proposal]
    checks: list[Check]
    skipped: list[tuple[str, str, str]]
    path: Path | None                # the proposal file written, if any
    title_guessed: bool = False


def publication_date(published: str) -> datetime.date:
    """'2025-08-20' -> that day; '2025-08' (only the month known) -> the month's last day."""
    match = _PUBLISHED.match(published or "")
    if not match:
        raise ArticleError(f"--published '{published}' is not a date YYYY-MM-DD (or YYYY-MM)")
    year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
    try:
        return datetime.date(year, month, int(day) if day else calendar.monthrange(year, month)[1])
    except ValueError:
        raise ArticleError(f"--published '{published}' is not a real date") from None


def read_article(path: str) -> str:
    """The article's text from a file, or from standard input for '-': UTF-8, at most 2 MB."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_ARTICLE_BYTES + 1)
    else:
        try:
            data = read_limited(Path(path), MAX_ARTICLE_BYTES)
        except OSError as error:
            raise ArticleError(f"{path}: cannot be read ({error.strerror or error})") from None
    if data is None or len(data) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{path}: larger than {MAX_ARTICLE_BYTES // 1_000_000} MB; is it an article's plain text?")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleError(f"{path}: not UTF-8 text; save the article as plain UTF-8 text") from None
    if "\x00" in text:
        raise ArticleError(f"{path}: binary data, not an article's plain text")
    return text


def guess_title(text: str) -> str | None:
    """The first line, when it reads as a headline (4 to 30 words, no full stop at the end)."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    words = first.split()
    if 4 <= len(words) <= 30 and not first.endswith((".", ":", ";")) and len(first) <= 300:
        return first
    return None


def ingest_text(text: str, published: str, publisher: str = "", title: str = "", url: str = "",
                ledger_folder: str | Path = "data", proposed_folder: str | Path | None = None,
                write: bool = True, source_id: str = "", check: bool = True) -> Ingested:
    """Propose the article's claims, check them against the ledger in `ledger_folder` and (with
    `write`) save them as <proposed_folder>/<source_id>.csv, by default data/proposed/.
    `source_id`: the id to cite (default: the publisher's first word and the date, see accept.py);
    `check`: run check_against_ledger (the engine), which the CSV output does not need."""
    day = publication_date(published)
    ledger_folder = Path(ledger_folder)
    ledger = load_ledger(ledger_folder) if (ledger_folder / "claims.csv").exists() else None
    guessed = not title and guess_title(text) is not None
    source = {"publisher": publisher or NO_PUBLISHER, "title": title or guess_title(text) or UNTITLED,
              "published": published, "url": url or ""}
    taken = {}
    if ledger is not None:
        taken = {row["source_id"]: row for _, row in ledger.sources.iterrows()}
    same = next((sid for sid, row in taken.items()
                 if (row["publisher"], row["title"], row["published"]) == (source["publisher"], source["title"], published)),
                None)
    sid = source_id or same or make_source_id(publisher or "article", published, taken)
    if not re.match(ID_PATTERN, sid):
        raise ArticleError(f"--source-id '{sid}' is not an id: use up to 64 letters, digits, '.', '_' or '-'")
    source = {"source_id": sid, **source}
    found = extract(text, day)
    proposals = [replace(p, source_id=sid) for p in found.proposals]
    checks = check_against_ledger(proposals, ledger, sid, published) if check else []
    path = None
    if write:
        folder = Path(proposed_folder) if proposed_folder is not None else ledger_folder / "proposed"
        path = write_proposal(folder / f"{sid}.csv", proposals, sid, source)
    return Ingested(source, proposals, checks, found.skipped, path, guessed)


__all__ = ["ArticleError", "Ingested", "guess_title", "ingest_text", "publication_date", "read_article"]
