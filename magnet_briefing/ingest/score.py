"""How well propose() does on articles whose claims are known (../shared/ingest/seeds.jsonl).

The matching rule of the development set's README: a proposed row matches an expected row when
series, period, measure, unit and qualifier are equal and the values are equal as numbers (a
ranking's month as text); each expected row matches at most one proposal. Precision is
matched / proposed, recall matched / expected, both over all articles together.

`python -m magnet_briefing.ingest.score [seeds.jsonl]` prints the score per article.
"""
from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

from ..config import PROJECT_ROOT
from .proposal import Proposal, value_key
from .rules import propose

SEEDS = PROJECT_ROOT.parent / "shared" / "ingest" / "seeds.jsonl"


def row_key(row: dict) -> tuple:
    return (row["series"], row["period"], row["measure"], row["unit"], row["qualifier"],
            value_key(row["measure"], str(row["value"])))


def match(proposals: list[Proposal], expected: list[dict]) -> tuple[list[Proposal], list[dict], list[Proposal]]:
    """(matched proposals, expected rows not found, proposals that match nothing)."""
    remaining = list(expected)
    matched, extra = [], []
    for proposal in proposals:
        found = next((row for row in remaining if row_key(row) == proposal.key()), None)
        if found is None:
            extra.append(proposal)
        else:
            remaining.remove(found)
            matched.append(proposal)
    return matched, remaining, extra


def score(seeds_jsonl: str | Path = SEEDS) -> tuple[float, float, list[dict]]:
    """(precision, recall, details): details has one dict per article with its id, counts, the
    expected rows missed and the proposals that match nothing."""
    details = []
    for line in Path(seeds_jsonl).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        seed = json.loads(line)
        proposals = propose(seed["text"], datetime.date.fromisoformat(seed["published"]))
        matched, missed, extra = match(proposals, seed["expected"])
        details.append({"id": seed["id"], "proposed": len(proposals), "expected": len(seed["expected"]),
                        "matched": len(matched), "missed": missed, "extra": extra})
    proposed = sum(d["proposed"] for d in details)
    expected = sum(d["expected"] for d in details)
    matched = sum(d["matched"] for d in details)
    return (matched / proposed if proposed else 1.0), (matched / expected if expected else 1.0), details


def report(seeds_jsonl: str | Path = SEEDS) -> str:
    precision, recall, details = score(seeds_jsonl)
    lines = [f"{'article':<12} {'expected':>8} {'proposed':>8} {'matched':>7} {'precision':>9} {'recall':>7}"]
    for d in details:
        p = d["matched"] / d["proposed"] if d["proposed"] else 1.0
        r = d["matched"] / d["expected"] if d["expected"] else 1.0
        lines.append(f"{d['id']:<12} {d['expected']:>8} {d['proposed']:>8} {d['matched']:>7} {p:>9.1%} {r:>7.1%}")
        lines += [f"    missed {row['series']} {row['period']} {row['measure']} {row['value']} {row['unit']} "
                  f"{row['qualifier']}" for row in d["missed"]]
        lines += [f"    extra  {x.series} {x.period} {x.measure} {x.value} {x.unit} {x.qualifier} ({x.note})"
                  for x in d["extra"]]
    totals = [sum(d[k] for d in details) for k in ("expected", "proposed", "matched")]
    lines.append(f"{'all':<12} {totals[0]:>8} {totals[1]:>8} {totals[2]:>7} {precision:>9.1%} {recall:>7.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else SEEDS
    if not path.is_file():
        print(f"ingest score: {path} not found (the development set lives in ../shared/ingest/)", file=sys.stderr)
        return 1
    print(report(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
