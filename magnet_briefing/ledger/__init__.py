"""Step 1 of the pipeline: read and validate the ledger of claims and sources."""
from .load import Ledger, LedgerError, LedgerProblem, load_ledger

__all__ = ["Ledger", "LedgerError", "LedgerProblem", "load_ledger"]
