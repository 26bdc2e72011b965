"""The reconstruction step of the pipeline: ledger claims in, monthly.csv and consistency.csv out."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .bounds import ledger_bounds
from .consistency import consistency_table, find_contradictions
from .reconstruct import Fits, LedgerFit, fit_ledger, monthly_table
from .system import build_system


@dataclass(frozen=True)
class Reconstruction:
    monthly: pd.DataFrame
    consistency: pd.DataFrame
    fits: Fits                # series -> SeriesFit, built on first use
    kept: pd.DataFrame        # the claims the reconstruction rests on (inconsistent ones set aside)
    fit: LedgerFit


def reconstruct(claims: pd.DataFrame) -> Reconstruction:
    system = build_system(claims)
    bounds = ledger_bounds(system)
    dropped = find_contradictions(claims, system, bounds)
    kept = claims
    if dropped:
        kept = claims[~claims["claim_id"].isin(dropped)]
        system = build_system(kept)
        bounds = ledger_bounds(system)
    fit = fit_ledger(kept, system, bounds)
    fits = Fits(fit)
    return Reconstruction(monthly=monthly_table(fit), consistency=consistency_table(claims, dropped, fit, fits),
                          fits=fits, kept=kept, fit=fit)


def write_csvs(result: Reconstruction, folder: Path) -> None:
    """The output contract: tonnes with 3 decimals, empty estimate where a month is not pinned."""
    monthly = result.monthly.copy()
    for column in ("estimate", "low", "high"):
        monthly[column] = monthly[column].round(3)
    monthly["high"] = monthly["high"].replace(float("inf"), float("nan"))
    monthly.to_csv(Path(folder) / "monthly.csv", index=False, lineterminator="\n")
    result.consistency.to_csv(Path(folder) / "consistency.csv", index=False, lineterminator="\n")
