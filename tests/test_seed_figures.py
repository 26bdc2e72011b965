"""Every tonnage and percentage the seed articles state is in the ledger, under its source."""
import csv
import re
from pathlib import Path

import pytest

from magnet_briefing.ledger.load import load_ledger

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
FIGURES = list(csv.DictReader((Path(__file__).parent / "seed_figures.csv").open(encoding="utf-8")))
# a number, then (optionally "million") a unit word: the way the articles write tonnages and percentages
FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(\s*million)?\s*(%|percent|metric tons|tons|kilograms)", re.I)
UNIT = {"%": "%", "percent": "%", "metric tons": "t", "tons": "t", "kilograms": "kg"}


def figures_in(text: str) -> set[tuple[float, str]]:
    found = set()
    text = " ".join(text.split())  # the articles use narrow and no-break spaces inside figures
    for number, million, unit in FIGURE.findall(text):
        value = float(number.replace(",", "")) * (1e6 if million else 1)
        found.add((value, UNIT[unit.lower()]))
    return found


def test_each_listed_figure_is_claimed_by_its_source():
    claims = load_ledger(ROOT / "data").claims
    missing = []
    for figure in (f for f in FIGURES if f["in_ledger"] == "yes"):
        own = claims[(claims["source_id"] == figure["source_id"]) & (claims["unit"] == figure["unit"])]
        if not any(abs(abs(v) - float(figure["figure"])) < 1e-9 for v in own["value"]):
            missing.append(f"{figure['seed']}: {figure['figure']} {figure['unit']}")
    assert not missing, f"figures stated in the articles but missing from the ledger: {missing}"


def test_figures_left_out_say_why():
    left_out = [f for f in FIGURES if f["in_ledger"] == "no"]
    assert left_out and all(f["why_not"] for f in left_out)


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles (../shared/seeds) are not beside this checkout")
@pytest.mark.parametrize("seed", sorted({f["seed"] for f in FIGURES}))
def test_listed_figures_are_exactly_what_the_article_states(seed):
    stated = figures_in((SEEDS / seed).read_text(encoding="utf-8"))
    listed = {(float(f["figure"]), f["unit"]) for f in FIGURES if f["seed"] == seed}
    assert stated == listed
