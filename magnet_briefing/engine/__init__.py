"""Step 2 of the pipeline: reconstruct monthly series with bounds from the ledger's claims."""
from .reconstruct import Reconstruction, reconstruct
from .tables import write_csvs

__all__ = ["Reconstruction", "reconstruct", "write_csvs"]
