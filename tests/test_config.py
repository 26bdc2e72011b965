"""params.yaml is the one source of the parameters' defaults: the notebook's parameters cell and
open_edition say None ("the default") and config.defaults() reads params.yaml."""
import inspect
import json
from pathlib import Path

import yaml

from magnet_briefing import config
from magnet_briefing.briefing.sections import open_edition
from magnet_briefing.ledger.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent


def parameters_cell() -> str:
    notebook = json.loads((ROOT / "notebooks" / "briefing.ipynb").read_text(encoding="utf-8"))
    (cell,) = [c for c in notebook["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    return "".join(cell["source"])


def test_params_yaml_gives_every_parameter_its_default():
    assert set(yaml.safe_load(config.PARAMS_FILE.read_text(encoding="utf-8"))) == set(config.PARAMETERS)
    assert config.defaults()["month"] == "latest"


def test_the_notebook_and_open_edition_hold_no_defaults_of_their_own():
    assigned = {}
    exec(parameters_cell(), {}, assigned)  # noqa: S102 - our own notebook's literal assignments
    assert set(assigned) == set(config.NOTEBOOK_PARAMETERS) | {"reconstruction"}
    assert set(assigned.values()) == {None}
    signature = inspect.signature(open_edition).parameters
    assert set(signature) == set(assigned) and all(p.default is None for p in signature.values())


def test_none_takes_the_default_and_a_value_overrides_it(tmp_path, monkeypatch):
    ledger = load_ledger(ROOT / "data")
    params = tmp_path / "params.yaml"
    params.write_text('month: "2025-06"\nas_of: auto\ncontrol_start: "2025-04"\nbaseline: same_month_prior_year\n'
                      'series: [magnets/US]\ndata: data\nemail_to: ""\nemail_from: ""\n')
    monkeypatch.setattr(config, "PARAMS_FILE", params)
    resolved = config.resolve({"month": None, "series": None, "baseline": "pre_control_mean"}, ledger)
    assert (resolved.month, resolved.series, resolved.baseline) == ("2025-06", ("magnets/US",), "pre_control_mean")
