"""What a figure states: a level, a change on the month or on the year, a multiple, a ranking.

The tables below are the rules. A percentage is a change only when a direction word or a sign
goes with it ("fell 52.9%", "a 157% increase", "38% lower", "−5%"); a bare "90%" is a share and
is left out. Its base comes from a cue word ("month-on-month", "year-on-year", "MoM") or from a
named comparison ("from April", "compared with June 2024", "than the same month last year"): one
month back is mom_pct, twelve is yoy_pct, anything else is not a ledger measure and is skipped.
Multiples: "tripled" and "2.4 times" are mom_ratio ("nearly tripled" = 3, nearly); "halved" and
"fell by half" are mom_pct -50, about (data/README.md, c34). Verbs of multiplying ("doubled") are
about, numbers ("2.4 times", "threefold") exact, unless hedged.

Rankings (value = the month "since"): "the lowest since February 2020" -> 2020-02; "the highest
since January" -> the latest January before the period; for a range, "the lowest for the period
since 2021" -> 2021-01 (the same range's first month that year, as the codebook says); for a month
and a year alone, "the highest since 2021" -> 2021-12, flagged. "An N-month high" and "the highest
in N months" -> N months before the period, so "the highest in a year" of May 2025 is 2024-05, as
the codebook encodes c37: the months in between were lower and that month was at least as high.
"Record" and "all-time" highs name no month and are not proposed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .periods import MONTH, WORD_NUMBERS, YEAR, month_number

UP = (r"rose|risen|rise|rises|rising|increased|increase|increases|increasing|grew|grown|grow|grows|growth|growing"
      r"|gained|gain|gains|jumped|jump|jumps|jumping|surged|surge|surges|surging|soared|soar|soaring|climbed|climb"
      r"|climbing|rebounded|rebound|recovered|advanced|up|higher|more|above|exceeded|exceeding|exceeds|expanded"
      r"|expansion|spiked|spike|leapt|leaped|leap|rallied|added|boosted|accelerated|increment|upswing|hike|uptick|upsurge|upturn|bounced|soared")
DOWN = (r"fell|fall|falls|falling|fallen|dropped|drop|drops|dropping|declined|decline|declines|declining|decreased"
        r"|decrease|decreases|decreasing|plunged|plunge|plunges|plunging|plummeted|plummet|slumped|slump|slumping"
        r"|tumbled|tumble|sank|sink|slid|slide|sliding|dipped|dip|shrank|shrink|shrinking|contracted|contraction"
        r"|eased|easing|lost|lower|down|less|below|retreated|retreat|reduction|cut|slowed|plunged|collapsed|collapse"
        r"|crashed|downturn|slipped|slip")
DIRECTION = re.compile(rf"\b(?:(?P<up>{UP})|(?P<down>{DOWN}))\b", re.IGNORECASE)
# words that may stand between a figure and its direction noun: "75.5 percent month-on-month rise"
BETWEEN = r"(?:\s+(?:year[-\s](?:on|over)[-\s]year|month[-\s](?:on|over)[-\s]month|y/y|m/m|yoy|mom|on[-\s]year|on[-\s]month|annual|monthly|sharp|strong|steep|modest|slight|further|overall|sequential))*"
DIRECTION_AFTER = re.compile(rf"^{BETWEEN}\s+(?:(?P<up>{UP})|(?P<down>{DOWN}))\b", re.IGNORECASE)

# cue word -> months back (1 = on the previous month, 12 = on a year earlier)
CUES = [
    (r"year[-\s]on[-\s]year|year[-\s]over[-\s]year|on[-\s]year|on\s+the\s+year|y/y|yoy|y-o-y|annual(?:ly)?"
     r"|on\s+an\s+(?:annual|yearly)\s+basis|on\s+a\s+yearly\s+basis|(?:a|per)\s+year(?!\s+(?:earlier|ago|before|later))", 12),
    (r"month[-\s]on[-\s]month|month[-\s]over[-\s]month|on[-\s]month|on\s+the\s+month|m/m|mom|m-o-m|sequential(?:ly)?"
     r"|on\s+a\s+monthly\s+basis"
     r"|monthly\s+(?:increase|rise|gain|jump|drop|decline|fall|decrease|growth)", 1),
]
CUE = re.compile("|".join(f"(?P<lag{lag}_{k}>\\b(?:{pattern})\\b)" for k, (pattern, lag) in enumerate(CUES)), re.IGNORECASE)

# the words before a period mention that make it a comparison base ("from April", "than the same
# month last year", "exceeded July 2024 levels"); "over" and "on" only after a figure
COMPARISON = re.compile(
    r"\b(?P<word>from|than|compared\s+(?:with|to)|in\s+comparison\s+(?:with|to)|versus|vs\.?|against|relative\s+to"
    r"|exceed(?:ed|ing|s)?|surpass(?:ed|ing|es)?|outpac(?:ed|ing|es)|over|on|above|below|beating|beat)\s+"
    r"(?:(?:the\s+)?(?:levels?|figures?|volumes?|totals?|exports|shipments|those|that|ones?)\s+)?"
    r"(?:(?:of|in|during|for|recorded\s+in|seen\s+in|posted\s+in)\s+)?(?:the\s+)?$", re.IGNORECASE)
AFTER_FIGURE_ONLY = ("over", "on", "above", "below")

MULTIPLE_VERBS = {"doubled": 2, "doubling": 2, "tripled": 3, "trebled": 3, "tripling": 3, "quadrupled": 4,
                  "quintupled": 5}
_NUMBER_WORD = "|".join(w for w in WORD_NUMBERS if len(w) > 2)
MULTIPLES = [
    ("a multiplying verb", re.compile(rf"\b(?P<verb>{'|'.join(MULTIPLE_VERBS)})\b", re.IGNORECASE)),
    ("an N-fold rise", re.compile(rf"\b(?P<n>[0-9]+(?:\.[0-9]+)?|{_NUMBER_WORD})[-\s]?fold\b", re.IGNORECASE)),
    ("N times", re.compile(
        rf"(?:\b(?:rose|jumped|increased|grew|surged|soared|climbed|expanded|up)\s+(?:by\s+)?(?:(?:nearly|almost|about|roughly|more\s+than|over)\s+)?)"
        rf"(?P<n>[0-9]+(?:\.[0-9]+)?|{_NUMBER_WORD})\s*(?:times|x)\b", re.IGNORECASE)),
    ("N times", re.compile(
        rf"\b(?:(?P<n>[0-9]+(?:\.[0-9]+)?|{_NUMBER_WORD})\s*(?:times|x)|(?P<twice>twice|double))\s+(?:the|its|their|that|as\s+(?:much|many|high|large)"
        rf"|volumes?|levels?|figures?|amounts?|totals?|higher|more|larger|greater|bigger)\b",
        re.IGNORECASE)),
]
HALF = re.compile(
    r"\b(?:(?P<verb>halved|halving|halve|halves)|(?:fell|fallen|falling|dropped|dropping|declined|declining|slumped|plunged|shrank|shrunk"
    r"|decreased|sank|tumbled|slid|contracted|down)"
    r"\s+(?:by\s+)?(?:(?P<hedge>more\s+than|nearly|almost|about|roughly|around|over|just\s+over|just\s+under|close\s+to)\s+)?"
    r"(?:a\s+|one[-\s])?half\b|cut\s+in\s+half)", re.IGNORECASE)

HIGH = r"highest|largest|biggest|strongest|most|best|peak|maximum|(?:new|fresh)\s+high"
LOW = r"lowest|smallest|weakest|least|worst|fewest|minimum|(?:new|fresh)\s+low"
# a ranking of a change ("the biggest jump since 2020") is not a ranking of the level
NOT_LEVEL = re.compile(r"\b(?:increase|rise|gain|jump|growth|drop|fall|decline|slump|surge|pace|rate|price|prices|share|"
                       r"decrease|contraction|plunge|rebound|percentage|jumps|gains|falls|drops|performance|increases|declines)\b",
                       re.IGNORECASE)
RANKINGS = [
    ("a ranking since a month", re.compile(
        rf"(?<!second[-\s])(?<!third[-\s])\b(?:(?P<high>{HIGH})|(?P<low>{LOW}))\b(?P<between>(?:\s+[\w'-]+){{0,6}}?)\s+since\s+(?:at\s+least\s+)?"
        rf"(?:(?P<month>{MONTH})(?:,?\s+(?P<year>{YEAR})|\s+(?:of\s+)?this\s+year)?|(?P<year_only>{YEAR}))", re.IGNORECASE)),
    ("an N-month high", re.compile(
        rf"\b(?P<n>[0-9]{{1,3}}|{_NUMBER_WORD}|one)[-\s](?P<span>month|year)[-\s](?:(?P<high>high|peak)|(?P<low>low|trough))\b",
        re.IGNORECASE)),
    ("the highest in N months", re.compile(
        rf"(?<!second[-\s])(?<!third[-\s])\b(?:(?P<high>{HIGH})|(?P<low>{LOW}))\b(?P<between>(?:\s+[\w'-]+){{0,4}}?)\s+in\s+(?:(?P<hedge>over|more\s+than|nearly|almost)\s+)?"
        rf"(?:the\s+(?:past|last)\s+)?(?P<n>a|an|one|[0-9]{{1,3}}|{_NUMBER_WORD})?[-\s]*(?:full\s+|whole\s+)?(?P<span>years?|months?)\b",
        re.IGNORECASE)),
]


@dataclass(frozen=True)
class Multiple:
    start: int
    end: int
    ratio: str          # as written: "3", "2.4"
    hedge: str          # a qualifier word inside the phrase ("more than half"), or ""
    verb: bool          # a verb ("tripled"), which is a loose figure
    rule: str


@dataclass(frozen=True)
class Ranking:
    start: int
    end: int
    measure: str        # highest_since or lowest_since
    month: int | None   # month number of "since January"
    year: int | None
    months_back: int | None   # for "an N-month high"
    year_only: bool
    hedge: str
    rule: str


def _number(text: str) -> str:
    lowered = text.lower()
    if lowered == "twice":
        return "2"
    return str(WORD_NUMBERS[lowered]) if lowered in WORD_NUMBERS else text


def find_multiples(text: str) -> list[Multiple]:
    found: list[Multiple] = []
    for match in HALF.finditer(text):
        found.append(Multiple(match.start(), match.end(), "0.5", (match.group("hedge") or "").lower(),
                              True, "a halving ('halved', 'fell by half')"))
    for rule, pattern in MULTIPLES:
        for match in pattern.finditer(text):
            if any(match.start() < m.end and m.start < match.end() for m in found):
                continue
            if "verb" in match.groupdict() and match.group("verb"):
                ratio, verb = str(MULTIPLE_VERBS[match.group("verb").lower()]), True
            else:
                ratio, verb = ("2" if match.groupdict().get("twice") else _number(match.group("n"))), False
            found.append(Multiple(match.start(), match.end(), ratio, "", verb, rule))
    return sorted(found, key=lambda m: m.start)


def find_rankings(text: str) -> list[Ranking]:
    found: list[Ranking] = []
    for rule, pattern in RANKINGS:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            if groups.get("between") and NOT_LEVEL.search(groups["between"]):
                continue
            if any(match.start() < r.end and r.start < match.end() for r in found):
                continue
            measure = "highest_since" if groups.get("high") else "lowest_since"
            month = month_number(groups["month"]) if groups.get("month") else None
            year = groups.get("year") or groups.get("year_only")
            months_back = None
            if groups.get("span") and not groups.get("n"):  # "in the past year"
                groups["n"] = "one"
            if groups.get("n"):
                n = groups["n"].lower()
                n = 1 if n in ("a", "an", "one") else int(_number(n))
                months_back = n * 12 if groups["span"].lower().startswith("year") else n
            found.append(Ranking(match.start(), match.end(), measure, month, int(year) if year else None, months_back,
                                 bool(groups.get("year_only")), (groups.get("hedge") or "").lower(), rule))
    return sorted(found, key=lambda r: r.start)


def direction_of(before: str, after: str) -> tuple[int, str]:
    """(+1 or -1, the word) for a figure: a direction word right after it ("38% lower", "a 660% surge",
    "75.5 percent month-on-month rise"), else the nearest one before it within its window."""
    match = DIRECTION_AFTER.match(after)
    if match:
        return (1 if match.group("up") else -1), match.group(0).split()[-1]
    last = None
    for match in DIRECTION.finditer(before):
        last = match
    if last is not None:
        return (1 if last.group("up") else -1), last.group(0)
    return 0, ""


def cues_in(text: str) -> list[tuple[int, int, int, str]]:
    """(start, end, months back, the words) of each cue word."""
    found = []
    for match in CUE.finditer(text):
        lag = int(match.lastgroup[3:].split("_")[0])
        found.append((match.start(), match.end(), lag, match.group(0)))
    return found
