"""Edition parameters and where the project's files are.

params.yaml is the one source of the parameters' defaults: the command, the notebook (whose
parameters cell holds None, "the default") and open_edition all read it through defaults().
Papermill only warns about parameters the notebook does not define, so the checking happens
here, the same way for every route a parameter comes by.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .ledger import Ledger
from .ledger.periods import parse_month

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PARAMS_FILE = PROJECT_ROOT / "params.yaml"
REPORTS_ROOT = PROJECT_ROOT / "reports"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "briefing.ipynb"

NOTEBOOK_PARAMETERS = ("month", "control_start", "baseline", "series", "data")
PUBLISHING_PARAMETERS = ("email_to",)
PARAMETERS = NOTEBOOK_PARAMETERS + PUBLISHING_PARAMETERS
BASELINES = ("pre_control_mean", "same_month_prior_year")
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


def resolve_data_folder(data: str | Path) -> Path:
    """A relative ledger folder is looked up in the working directory, then the project root."""
    folder = Path(data)
    if folder.is_absolute() or folder.exists():
        return folder
    return PROJECT_ROOT / folder


def read_params_file(path: str | Path) -> dict:
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


def defaults() -> dict:
    """Every parameter's default, as params.yaml gives it."""
    values = read_params_file(PARAMS_FILE)
    check_names(values, where=str(PARAMS_FILE))
    missing = [name for name in PARAMETERS if name not in values]
    if missing:
        raise ParameterError(f"{PARAMS_FILE}: no default for {', '.join(missing)}")
    return values


def check_names(params: dict, where: str = "parameters") -> None:
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        raise ParameterError(f"{where}: unknown parameter {', '.join(map(repr, unknown))}; "
                             f"known parameters are {', '.join(PARAMETERS)}")


def latest_reported_month(ledger: Ledger, series: str = HEADLINE_SERIES) -> str:
    claims = ledger.claims
    levels = claims[(claims["series"] == series) & (claims["measure"] == "level")
                    & (claims["start"] == claims["end"])]
    if levels.empty:
        raise ParameterError(f"{ledger.folder}: no month has a reported {series} level; cannot pick an edition month")
    return str(max(levels["start"]))


def resolve(params: dict, ledger: Ledger) -> EditionParameters:
    """Fill in the defaults (None is a default too), resolve month='latest' and check every value
    against the ledger."""
    check_names(params)
    merged = {**defaults(), **{k: v for k, v in params.items() if v is not None}}
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
