"""Edition parameters and where the project's files are.

params.yaml is the one source of the parameters' defaults: the command, the notebook (whose
parameters cell holds None, "the default") and open_edition all read it through defaults().
Papermill only warns about parameters the notebook does not define, so the checking happens
here, the same way for every route a parameter comes by.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from email.utils import formataddr, getaddresses
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .ledger.csv_file import control_character, read_limited, shown

if TYPE_CHECKING:  # the command reads this module before it starts the kernel: no pandas at import
    from .ledger.load import Ledger

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PARAMS_FILE = PROJECT_ROOT / "params.yaml"
REPORTS_ROOT = PROJECT_ROOT / "reports"
NOTEBOOK = PROJECT_ROOT / "notebooks" / "briefing.ipynb"

NOTEBOOK_PARAMETERS = ("month", "as_of", "control_start", "baseline", "series", "data")
PUBLISHING_PARAMETERS = ("email_to", "email_from")
PARAMETERS = NOTEBOOK_PARAMETERS + PUBLISHING_PARAMETERS
BASELINES = ("pre_control_mean", "same_month_prior_year")
MAX_PARAMS_BYTES = 64 * 1024   # params.yaml is a dozen lines
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")


class ParameterError(ValueError):
    """A parameter the briefing cannot use; the message is one line for the user."""


@dataclass(frozen=True)
class EditionParameters:
    month: str
    as_of: str                       # YYYY-MM-DD: the edition uses the claims published by then; or 'latest'
    control_start: str
    baseline: str
    series: tuple[str, ...]
    data: str
    email_to: tuple[str, ...] = ()   # recipients, each 'name@host' or 'Name <name@host>'
    email_from: str = ""             # the draft's sender, one such address (empty: the mail client's)

    @property
    def headline(self) -> str:
        """The series the headline figures and key points are about: the first one shown."""
        return self.series[0]

    def notebook_parameters(self) -> dict:
        return {"month": self.month, "as_of": self.as_of, "control_start": self.control_start,
                "baseline": self.baseline, "series": list(self.series), "data": self.data}


def resolve_data_folder(data: str | Path) -> Path:
    """A relative ledger folder is looked up in the working directory, then the project root."""
    folder = Path(data)
    if folder.is_absolute() or folder.exists():
        return folder
    return PROJECT_ROOT / folder


def ledger_folder(data=None) -> Path:
    """The ledger folder a `data` parameter names (None: the default)."""
    return resolve_data_folder(_text("data", defaults()["data"] if data is None else data))


class _AliasFound(Exception):
    def __init__(self, line: int):
        self.line = line


class _PlainLoader(yaml.SafeLoader):
    """YAML without aliases: a parameter file never needs them, and a few nested aliases make a
    'billion laughs' that takes gigabytes to load."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _AliasFound(self.peek_event().start_mark.line + 1)
        return super().compose_node(parent, index)


def read_params_file(path: str | Path) -> dict:
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = read_limited(path, MAX_PARAMS_BYTES)
        if data is None:
            raise ParameterError(f"{path}: larger than {MAX_PARAMS_BYTES // 1024} KB; a parameter file is a few lines")
        loaded = yaml.load(data.decode("utf-8"), Loader=_PlainLoader) or {}
    except _AliasFound as alias:
        raise ParameterError(f"{path}:{alias.line}: YAML aliases (*name) are not allowed here") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ParameterError(f"{path}{line}: not valid YAML ({shown(str(getattr(exc, 'problem', exc)))})") from None
    except UnicodeDecodeError:
        raise ParameterError(f"{path}: not UTF-8 text") from None
    except RecursionError:
        raise ParameterError(f"{path}: nested too deeply to be a parameter file") from None
    except OSError as error:
        raise ParameterError(f"{path}: cannot be read ({error.strerror})") from None
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
    unknown = sorted(shown(str(name)) for name in set(params) - set(PARAMETERS))
    if unknown:
        raise ParameterError(f"{where}: unknown parameter {', '.join(map(repr, unknown))}; "
                             f"known parameters are {', '.join(PARAMETERS)}")


def _text(name: str, value) -> str:
    """A parameter that must be one line of text (a month, a choice, a folder)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) and not hasattr(value, "isoformat"):
        raise ParameterError(f"{name}: expected text, not {shown(repr(value))}")
    text = str(value)
    if control_character(text) is not None:
        raise ParameterError(f"{name}: '{shown(text)}' holds a control character")
    return text


def _list_of_text(name: str, value) -> list[str]:
    """One text, a comma-separated text, or a list of texts."""
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
        return [_text(name, item) for item in items if item]
    if isinstance(value, (list, tuple)):
        return [_text(name, item).strip() for item in value]
    raise ParameterError(f"{name}: expected a name, a comma-separated list or a YAML list, not {shown(repr(value))}")


def _address_items(text: str) -> list[str]:
    """A comma-separated list of addresses, split at the commas outside quotes and angle brackets."""
    items, current, quoted, angled = [], "", False, False
    for ch in text:
        if ch == '"' and not angled:
            quoted = not quoted
        elif ch in "<>" and not quoted:
            angled = ch == "<"
        if ch == "," and not quoted and not angled:
            items.append(current)
            current = ""
        else:
            current += ch
    return [item.strip() for item in items + [current] if item.strip()]


def recipients(value) -> tuple[str, ...]:
    """email_to as a plain list of addresses ('a@x.org', 'Desk <desk@x.org>', '"Desk, Team" <d@x.org>');
    anything else, such as a header smuggled in ('a@x.org, Bcc: b@y.org' or a line break), is refused."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = _address_items(_text("email_to", value))
    elif isinstance(value, (list, tuple)):
        items = [_text("email_to", item).strip() for item in value]
    else:
        raise ParameterError(f"email_to: expected addresses, not {shown(repr(value))}")
    found = []
    for item in items:
        parsed = getaddresses([item])
        outside_quotes = "".join(item.split('"')[::2])
        if len(parsed) != 1 or ":" in outside_quotes or ";" in outside_quotes or not _ADDRESS.match(parsed[0][1]) \
                or any(ch in parsed[0][0] for ch in "<>@"):
            raise ParameterError(f"email_to: '{shown(item)}' is not an e-mail address such as desk@example.org")
        found.append(formataddr(parsed[0]))
    return tuple(found)


def _as_of(text: str, month) -> str:
    """'latest', or the day (YYYY-MM-DD) the edition's data stand at; 'auto' is the last day of the
    month after the edition month (ledger/vintage.py)."""
    from .ledger.vintage import AUTO, LATEST, auto_as_of

    if text == LATEST:
        return text
    if text == AUTO:
        return auto_as_of(month).isoformat()
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise ParameterError(f"as_of: '{shown(text)}' is not a day YYYY-MM-DD, 'auto' or 'latest'") from None
    if day < month.end_time.date():
        raise ParameterError(f"as_of: {text} is before the end of the edition month {month}; "
                             "no figure for the month could have been published")
    return text


def _sender(value) -> str:
    found = recipients(value)
    if len(found) > 1:
        raise ParameterError(f"email_from: one address, not {len(found)}")
    return found[0] if found else ""


def latest_reported_month(ledger: Ledger, series: str) -> str:
    claims = ledger.claims
    levels = claims[(claims["series"] == series) & (claims["measure"] == "level")
                    & (claims["start"] == claims["end"])]
    if levels.empty:
        raise ParameterError(f"{ledger.folder}: no month has a reported {series} level; cannot pick an edition month")
    return str(max(levels["start"]))


def _series(params: dict, merged: dict, ledger: Ledger) -> list[str]:
    series = _list_of_text("series", merged["series"])
    twice = sorted({shown(s) for s in series if series.count(s) > 1})
    if twice:
        raise ParameterError(f"series: {', '.join(twice)} listed more than once")
    known_series = sorted(set(ledger.claims["series"]))
    other_ledger = params.get("data") is not None and params["data"] != defaults()["data"]
    if params.get("series") is None and other_ledger and any(s in known_series for s in series):
        series = [s for s in series if s in known_series]  # the default list, as far as that ledger has them
    missing = [shown(s) for s in series if s not in known_series]
    if missing:
        raise ParameterError(f"series: {', '.join(missing)} not in the ledger; available: {', '.join(known_series)}")
    if not series:
        raise ParameterError("series: choose at least one series")
    return series


def resolve(params: dict, ledger: Ledger) -> EditionParameters:
    """Fill in the defaults (None is a default too), resolve month='latest' and check every value
    against the ledger. The first series shown is the edition's headline series."""
    from .ledger.periods import parse_month

    check_names(params)
    merged = {**defaults(), **{k: v for k, v in params.items() if v is not None}}
    series = _series(params, merged, ledger)
    latest = latest_reported_month(ledger, series[0])
    month = _text("month", merged["month"])
    if month == "latest":
        month = latest
    try:
        parse_month(month)
    except ValueError:
        raise ParameterError(f"month: '{shown(month)}' is not a month YYYY-MM (latest month with data: {latest})") from None
    first, last = str(min(ledger.claims["start"])), str(max(ledger.claims["end"]))
    if month > last or month < first:
        raise ParameterError(f"month: no data for {month}; the ledger covers {first} to {last} "
                             f"(latest month with a reported {series[0]} figure: {latest})")
    control_start = _text("control_start", merged["control_start"])
    try:
        parse_month(control_start)
    except ValueError:
        raise ParameterError(f"control_start: '{shown(control_start)}' is not a month YYYY-MM") from None
    if control_start > month:
        raise ParameterError(f"control_start: {control_start} is after the edition month {month}; "
                             "the controls must start in or before the edition month")
    baseline = _text("baseline", merged["baseline"])
    if baseline not in BASELINES:
        raise ParameterError(f"baseline: '{shown(baseline)}' is not one of {', '.join(BASELINES)}")
    as_of = _as_of(_text("as_of", merged["as_of"]), parse_month(month))
    return EditionParameters(month=month, as_of=as_of, control_start=control_start, baseline=baseline,
                             series=tuple(series), data=_text("data", merged["data"]),
                             email_to=recipients(merged.get("email_to")), email_from=_sender(merged.get("email_from")))
