"""The reconstruction step of the pipeline: ledger claims in, monthly.csv and consistency.csv out."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .consistency import consistency_table, find_contradictions
from .reconstruct import SeriesFit, fit_all, monthly_table


@dataclass(frozen=True)
class Reconstruction:
    monthly: pd.DataFrame
    consistency: pd.DataFrame
    fits: dict[str, SeriesFit]
    kept: pd.DataFrame  # the claims the reconstruction rests on (inconsistent ones set aside)


def reconstruct(claims: pd.DataFrame) -> Reconstruction:
    dropped = find_contradictions(claims)
    kept = claims[~claims["claim_id"].isin(dropped)]
    fits = fit_all(kept)
    return Reconstruction(monthly=monthly_table(kept, fits),
                          consistency=consistency_table(claims, dropped, fits), fits=fits, kept=kept)


def write_csvs(result: Reconstruction, folder: Path) -> None:
    """The output contract: tonnes with 3 decimals, empty estimate where a month is not pinned."""
    monthly = result.monthly.copy()
    for column in ("estimate", "low", "high"):
        monthly[column] = monthly[column].round(3)
    monthly["high"] = monthly["high"].replace(float("inf"), float("nan"))
    monthly.to_csv(Path(folder) / "monthly.csv", index=False, lineterminator="\n")
    result.consistency.to_csv(Path(folder) / "consistency.csv", index=False, lineterminator="\n")
