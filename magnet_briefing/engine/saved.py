"""The reconstruction saved to a file by the command that builds an edition and read back by the
notebook's kernel, so each edition reconstructs its ledger once.

Reading a pickle may run code, so the file is read with an unpickler that makes only the
classes a reconstruction is made of (ALLOWED), and it is accepted only for the ledger it was
made from: the claims' fingerprint is saved with it. The file lives in the edition's staging
folder and is deleted once the notebook has run.
"""
from __future__ import annotations

import hashlib
import io
import pickle
from pathlib import Path

import pandas as pd

from .reconstruct import Reconstruction

ALLOWED = {  # everything a pickled Reconstruction names, and nothing that could run a command
    ("builtins", "slice"),
    ("magnet_briefing.engine.bounds", "Groups"), ("magnet_briefing.engine.bounds", "LedgerBounds"),
    ("magnet_briefing.engine.bounds", "Supports"), ("magnet_briefing.engine.estimates", "Estimates"),
    ("magnet_briefing.engine.readings", "Hull"), ("magnet_briefing.engine.readings", "Fit"),
    ("magnet_briefing.engine.reconstruct", "Reconstruction"), ("magnet_briefing.engine.rows", "ClaimArrays"),
    ("magnet_briefing.engine.rows", "System"),
    ("numpy", "dtype"), ("numpy", "ndarray"), ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.numeric", "_frombuffer"),
    ("pandas", "DataFrame"), ("pandas", "Index"), ("pandas", "PeriodDtype"), ("pandas", "RangeIndex"),
    ("pandas", "StringDtype"), ("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked"),
    ("pandas._libs.internals", "_unpickle_block"), ("pandas.arrays", "PeriodArray"), ("pandas.arrays", "StringArray"),
    ("pandas.core.indexes.base", "_new_Index"), ("pandas.core.internals.managers", "BlockManager"),
    ("scipy.sparse._csr", "csr_matrix"),
}


class RefusedFile(ValueError):
    """The file is not a reconstruction of this ledger."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) not in ALLOWED:
            raise RefusedFile(f"it names {module}.{name}, which is not part of a reconstruction")
        return super().find_class(module, name)


def fingerprint(claims: pd.DataFrame) -> str:
    """A hash of the claims as loaded: the file is accepted only for the ledger it was made from."""
    text = claims.drop(columns=["line"], errors="ignore").astype(str).to_csv(index=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_reconstruction(result: Reconstruction, claims: pd.DataFrame, path: Path) -> Path:
    Path(path).write_bytes(pickle.dumps((fingerprint(claims), result), protocol=pickle.HIGHEST_PROTOCOL))
    return Path(path)


def read_reconstruction(path: str | Path, ledger) -> Reconstruction:
    """The saved reconstruction of `ledger`; RefusedFile if the file holds anything else."""
    try:
        saved = _Unpickler(io.BytesIO(Path(path).read_bytes())).load()
    except RefusedFile as refused:
        raise RefusedFile(f"{path}: not a saved reconstruction ({refused})") from None
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError) as error:
        raise RefusedFile(f"{path}: not a saved reconstruction ({type(error).__name__}: {error})") from None
    if not (isinstance(saved, tuple) and len(saved) == 2 and isinstance(saved[1], Reconstruction)):
        raise RefusedFile(f"{path}: not a saved reconstruction")
    if saved[0] != fingerprint(ledger.claims):
        raise RefusedFile(f"{path}: saved for another ledger than {ledger.folder}")
    return saved[1]
