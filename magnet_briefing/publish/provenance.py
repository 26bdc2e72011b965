"""Where an edition came from, for edition.json, the briefing's last page and the index: the
ledger folder and whether it is the default one, a hash of the ledger's two files, its number of
claims, the latest publication date it holds (the data's as-of date), and the code's version."""
from __future__ import annotations

import datetime
import hashlib
import subprocess
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

import pandas as pd

from ..config import PROJECT_ROOT, defaults, resolve_data_folder
from ..ledger.load import Ledger

HASH_SHOWN = 12  # characters of the ledger hash a reader sees


@dataclass(frozen=True)
class Provenance:
    ledger: str            # the folder, as given
    default_ledger: bool   # the project's own ledger (params.yaml's data)
    ledger_sha256: str     # of claims.csv and sources.csv, in that order
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


def ledger_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for name in ("claims.csv", "sources.csv"):
        data = (Path(folder) / name).read_bytes()
        digest.update(len(data).to_bytes(8, "big") + data)
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


def provenance(ledger: Ledger) -> Provenance:
    default = resolve_data_folder(defaults()["data"]).resolve() == Path(ledger.folder).resolve()
    return Provenance(ledger=str(ledger.folder), default_ledger=default, ledger_sha256=ledger_hash(ledger.folder),
                      claims=len(ledger.claims), as_of=str(max(ledger.sources["published"], default="")),
                      code_version=code_version())
