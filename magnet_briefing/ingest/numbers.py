"""Figures in the text: a number with its unit, and the value as the codebook writes it.

Rules as tables. A figure is a number (thousands separators, decimals, a minus sign written as
'-', '−' or an en dash before the digits) with an optional scale word ("1.2 million") and a unit.
The value keeps the written precision: separators dropped, a printed ".0" kept, a scale word
written as an exponent ("1.2 million kg" -> 1.2e6). Generic quantity extractors read "4,915 mt"
as megatonnes; in trade reporting mt is metric tons, and so it is here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import after
from .text import before as text_before

# unit as written -> the codebook's unit; longest first, so "metric tons" wins over "t"
UNIT_WORDS = {
    "metric tonnes": "t", "metric tons": "t", "metric tonne": "t", "metric ton": "t", "tonnes": "t", "tonne": "t",
    "tons": "t", "ton": "t", "mt": "t", "t": "t",
    "kilogrammes": "kg", "kilograms": "kg", "kilogramme": "kg", "kilogram": "kg", "kgs": "kg", "kg": "kg",
    "percent": "%", "per cent": "%", "pct": "%", "pc": "%", "%": "%",
    "kilotonnes": "kt", "kilotons": "kt", "kt": "kt",
}
KILOTONNES = {"kt": ("t", 3)}   # written in thousands of tonnes: the value keeps its digits, times 1e3
# units that are never a claim: a change in a share is not an export figure
IGNORED_UNITS = ("percentage points", "percentage point", "ppts", "pp")
# scale word -> the power of ten written into the value
SCALE_WORDS = {"million": 6, "mln": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9, "thousand": 3, "k": 3}
# a currency just before the number: a price, not a tonnage
CURRENCY = re.compile(r"(\$|US\$|USD|€|EUR|¥|yuan|RMB|CNY)\s*$", re.IGNORECASE)
# "per tonne" after the unit: a price or a rate
PER_UNIT = re.compile(r"^\s*(?:per\s+|a\s+|/\s*)(?:metric\s+)?(?:tonne|ton|t|kg|kilogram)s?\b", re.IGNORECASE)

_DIGITS = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+"
_UNITS = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(UNIT_WORDS, key=len, reverse=True))
_IGNORED = "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in IGNORED_UNITS)
_SCALES = "|".join(sorted(SCALE_WORDS, key=len, reverse=True))
FIGURE = re.compile(
    rf"(?<![\w.,])(?P<sign>[-–+](?=[0-9.]))?(?P<number>{_DIGITS})"
    rf"(?:\s*(?P<scale>{_SCALES})\b)?"
    rf"(?:\s*-?\s*(?P<ignored>{_IGNORED})\b|\s*(?P<unit>%)|\s*-?\s*(?P<unit_word>{_UNITS})(?![A-Za-z0-9]))",
    re.IGNORECASE)
# "nearly six percent": a percentage in words
NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty".split())} | {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                                              "eighty": 80, "ninety": 90}
_TENS = "thirty|forty|fifty|sixty|seventy|eighty|ninety|twenty"
WORD_PERCENT = re.compile(
    rf"(?<![\w-])(?P<word>(?:{_TENS})(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|"
    rf"{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))})\s*(?:percent|per\s+cent)\b", re.IGNORECASE)
# "rose from 48,727 to 52,306 tons": the first number takes the second's unit
SHARED_UNIT = re.compile(rf"\bfrom\s+(?P<number>{_DIGITS})(?:\s*(?P<scale>{_SCALES})\b)?\s+(?:to|and)\s+$", re.IGNORECASE)
# "18,9%": a decimal comma (a thousands separator is followed by three digits)
DECIMAL_COMMA = re.compile(r"(?<![\w.,])([0-9]{1,3}),([0-9]{1,2})\s*(?:%|percent\b|per\s+cent\b)")
# a sign counts only after a space, a bracket or the start: "2016-2024" is a span of years
_SIGN_CONTEXT = re.compile(r"(^|[\s(\[:;,])$")


@dataclass(frozen=True)
class Figure:
    start: int
    end: int
    value: str      # as the codebook writes it: "1238", "-52.9", "1.2e6", "24827.0"
    unit: str       # t, kg or %
    signed: bool    # the text wrote a sign (+ or -)
    doubt: str = ""  # something to check about how it was read
    plus: bool = False  # the sign written was +


def value_text(number: str, scale: str | None = None, negative: bool = False) -> str:
    """'1,238' -> '1238'; '1.2' million -> '1.2e6'; a leading '.5' -> '0.5'."""
    digits = number.replace(",", "")
    if digits.startswith("."):
        digits = "0" + digits
    if scale:
        digits += f"e{SCALE_WORDS[scale.lower()]}"
    return ("-" if negative else "") + digits


def find_figures(text: str) -> list[Figure]:
    """Every number with a tonnage or percentage unit, prices and percentage points left out."""
    found = []
    for match in FIGURE.finditer(text):
        if match.group("ignored"):
            continue
        before = text_before(text, match.start())
        if re.search(r"[0-9]\s*[-–]\s*$", text_before(text, match.start("number"), 8)):  # "10-15%": a range of figures, not one figure
            continue
        if CURRENCY.search(before) or PER_UNIT.match(after(text, match.end(), 30)):
            continue
        written = match.group("unit") or match.group("unit_word")
        unit = UNIT_WORDS[re.sub(r"\s+", " ", written.lower())]
        if written == "T":  # "5 T" could be anything (terabytes, tesla); tonnes are "t"
            continue
        if unit == "%" and match.group("scale"):
            continue
        scale = match.group("scale")
        if unit in KILOTONNES:
            if scale:
                continue
            unit, power = KILOTONNES[unit]
            scale = {3: "thousand"}[power]
        sign = match.group("sign") if match.group("sign") and _SIGN_CONTEXT.search(before) else ""
        negative = sign in ("-", "–")
        start = match.start() if sign or not match.group("sign") else match.start() + 1
        found.append(Figure(start, match.end(), value_text(match.group("number"), scale, negative),
                            unit, bool(sign), "" if unit == "%" or not sign else "a sign before a tonnage", sign == "+"))
    for figure in list(found):
        shared = SHARED_UNIT.search(text_before(text, figure.start, 60))
        if shared and not figure.signed:
            offset = figure.start - len(text_before(text, figure.start, 60))
            start, end = offset + shared.start("number"), offset + shared.end("scale" if shared.group("scale") else "number")
            scale = shared.group("scale") or (figure.value.partition("e")[2] and {"3": "thousand", "6": "million",
                                                                                 "9": "billion"}[figure.value.partition("e")[2]])
            found.append(Figure(start, end, value_text(shared.group("number"), scale or None), figure.unit, False,
                                f"the unit of '{shared.group('number')}' is that of the figure after it"))
    for match in WORD_PERCENT.finditer(text):
        word = match.group("word").lower()
        tens, _, unit = word.partition("-")
        value = NUMBER_WORDS[tens] + (NUMBER_WORDS[unit] if unit else 0)
        found.append(Figure(match.start(), match.end(), str(value), "%", False))
    for match in DECIMAL_COMMA.finditer(text):
        if not any(f.start <= match.start() < f.end for f in found):
            found.append(Figure(match.start(), match.end(), f"{match.group(1)}.{match.group(2)}", "%", False,
                                f"'{match.group(0)}' read with a decimal comma as {match.group(1)}.{match.group(2)}"))
    return sorted(found, key=lambda f: f.start)


def as_number(value: str) -> float:
    return float(value)
