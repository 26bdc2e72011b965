"""Where an edition came from, for edition.json, the briefing's last page and the index: the
ledger folder and whether it is the default one, a hash of the ledger's two files, its number of
claims, the latest publication date it holds (the data's as-of date), and the code's version."""
from __future__ import annotations

import datetime
import hashlib
import json
import subprocess
from dataclasses import asdict, dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd

from ..config import NOTEBOOK, PROJECT_ROOT, EditionParameters, defaults, resolve_data_folder
from ..ledger.load import Ledger

HASH_SHOWN = 12  # characters of the ledger hash a reader sees


@dataclass(frozen=True)
class Provenance:
    ledger: str            # the folder, as given
    default_ledger: bool   # the project's own ledger (params.yaml's data)
    ledger_sha256: str     # of the claims and sources it used (ledger_hash)
    claims: int
    as_of: str             # the latest publication date among the ledger's sources
    code_version: str

    def as_of_date(self) -> datetime.datetime | None:
        """The as-of date as a moment (noon UTC of the day, or of the month's last day)."""
        try:
            day = datetime.date.fromisoformat(self.as_of) if len(self.as_of) == 10 else \
                (pd.Period(self.as_of, freq="M").end_time.date())
        except ValueError:
            return None
        return datetime.datetime.combine(day, datetime.time(12), datetime.UTC)

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        """One line for readers: 'Ledger data (39 claims, sha256 1a2b3c4d5e6f), data as of 2025-08; code 0.5.0-g1a2b3c'."""
        return (f"Ledger {self.ledger} ({self.claims} claims, sha256 {self.ledger_sha256[:HASH_SHOWN]}), "
                f"data as of {self.as_of}; code {self.code_version}")


def ledger_hash(ledger: Ledger) -> str:
    """A hash of the claims and sources the edition used (the ledger as of its day): an article added
    later leaves an archived edition's hash, and so the edition, as it was."""
    digest = hashlib.sha256()
    for frame in (ledger.claims, ledger.sources):
        digest.update(frame.drop(columns=["line"], errors="ignore").astype(str).to_csv(index=False).encode())
    return digest.hexdigest()


def code_version() -> str:
    """`git describe` of the checkout the package runs from, else the installed package's version."""
    try:
        described = subprocess.run(["git", "-C", str(PROJECT_ROOT), "describe", "--always", "--dirty", "--tags"],
                                   capture_output=True, text=True, timeout=5, check=True).stdout.strip()
        return f"{metadata.version('magnet-briefing')}+git.{described}"
    except (OSError, subprocess.SubprocessError, metadata.PackageNotFoundError):
        try:
            return metadata.version("magnet-briefing")
        except metadata.PackageNotFoundError:
            return "unknown"


@cache
def code_hash() -> str:
    """A hash of everything that makes an edition besides its data: the package's code and templates,
    the notebook, the requirements."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and p.suffix in (".py", ".j2", ".css", ".json"))
    files += [NOTEBOOK, PROJECT_ROOT / "requirements.txt"]
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(PROJECT_ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def content_key(ledger: Ledger, params: EditionParameters) -> str:
    """What an edition is made of: its claims (as of its day), its parameters and the code. An edition
    whose key has not changed need not be built again (make editions skips it)."""
    digest = hashlib.sha256(ledger_hash(ledger).encode())
    digest.update(json.dumps({**params.notebook_parameters(), "data": None, "email_to": params.email_to,
                              "email_from": params.email_from}, sort_keys=True).encode())
    digest.update(code_hash().encode())
    return digest.hexdigest()


def provenance(ledger: Ledger, as_of: str = "latest") -> Provenance:
    """`ledger` as of the edition's day `as_of` ('latest': its latest publication date stands in)."""
    default = resolve_data_folder(defaults()["data"]).resolve() == Path(ledger.folder).resolve()
    day = as_of if as_of != "latest" else str(max(ledger.sources["published"], default=""))
    return Provenance(ledger=str(ledger.folder), default_ledger=default, ledger_sha256=ledger_hash(ledger),
                      claims=len(ledger.claims), as_of=day, code_version=code_version())
