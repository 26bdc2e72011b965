"""Edition parameters: the contract between params.yaml, the CLI and the notebook.

Papermill only warns about parameters the notebook does not define, so the
checking happens here, before anything is executed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .ledger import Ledger
from .periods import parse_month

NOTEBOOK_PARAMETERS = ("month", "control_start", "baseline", "series", "data")
PUBLISHING_PARAMETERS = ("email_to",)
BASELINES = ("pre_control_mean", "same_month_prior_year")
DEFAULTS = {
    "month": "latest",
    "control_start": "2025-04",
    "baseline": "pre_control_mean",
    "series": ["magnets/world", "magnets/US", "magnets/DE", "rare_earths/world"],
    "data": "data",
    "email_to": "",
}
HEADLINE_SERIES = "magnets/world"


class ParameterError(ValueError):
    """A parameter the briefing cannot use; the message is one line for the user."""


@dataclass(frozen=True)
class EditionParameters:
    month: str
    control_start: str
    baseline: str
    series: tuple[str, ...]
    data: str
    email_to: str = ""

    def notebook_parameters(self) -> dict:
        return {"month": self.month, "control_start": self.control_start, "baseline": self.baseline,
                "series": list(self.series), "data": self.data}


def read_params_file(path: str | Path = "params.yaml") -> dict:
    path = Path(path)
    if not path.exists():
        return {}
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ParameterError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
    if not isinstance(loaded, dict):
        raise ParameterError(f"{path}: expected 'name: value' lines")
    return {key: (str(value) if key in ("month", "control_start") and value is not None else value)
            for key, value in loaded.items()}


def check_names(params: dict, where: str = "parameters") -> None:
    known = NOTEBOOK_PARAMETERS + PUBLISHING_PARAMETERS
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ParameterError(f"{where}: unknown parameter {', '.join(map(repr, unknown))}; "
                             f"known parameters are {', '.join(known)}")


def latest_reported_month(ledger: Ledger, series: str = HEADLINE_SERIES) -> str:
    claims = ledger.claims
    levels = claims[(claims["series"] == series) & (claims["measure"] == "level")
                    & (claims["start"] == claims["end"])]
    if levels.empty:
        raise ParameterError(f"{ledger.folder}: no month has a reported {series} level; cannot pick an edition month")
    return str(max(levels["start"]))


def resolve(params: dict, ledger: Ledger) -> EditionParameters:
    """Fill defaults, resolve month='latest' and check every value against the ledger."""
    check_names(params)
    merged = {**DEFAULTS, **{k: v for k, v in params.items() if v is not None}}
    latest = latest_reported_month(ledger)
    month = str(merged["month"])
    if month == "latest":
        month = latest
    try:
        parse_month(month)
    except ValueError:
        raise ParameterError(f"month: '{month}' is not a month YYYY-MM (latest month with data: {latest})") from None
    first, last = str(min(ledger.claims["start"])), str(max(ledger.claims["end"]))
    if month > last or month < first:
        raise ParameterError(f"month: no data for {month}; the ledger covers {first} to {last} "
                             f"(latest month with a reported {HEADLINE_SERIES} figure: {latest})")
    control_start = str(merged["control_start"])
    try:
        parse_month(control_start)
    except ValueError:
        raise ParameterError(f"control_start: '{control_start}' is not a month YYYY-MM") from None
    if merged["baseline"] not in BASELINES:
        raise ParameterError(f"baseline: '{merged['baseline']}' is not one of {', '.join(BASELINES)}")
    series = merged["series"]
    if isinstance(series, str):
        series = [s.strip() for s in series.split(",") if s.strip()]
    known_series = sorted(set(ledger.claims["series"]))
    missing = [s for s in series if s not in known_series]
    if missing:
        raise ParameterError(f"series: {', '.join(missing)} not in the ledger; available: {', '.join(known_series)}")
    if not series:
        raise ParameterError("series: choose at least one series")
    return EditionParameters(month=month, control_start=control_start, baseline=merged["baseline"],
                             series=tuple(series), data=str(merged["data"]),
                             email_to=str(merged.get("email_to") or ""))
