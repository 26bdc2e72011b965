"""Which figures are export statistics at all.

A page about rare-earth exports also states China's share of world production, its reserves,
refining capacity, prices, tariffs, and carries unrelated headlines ("... cuts repo rate to
5.25%"). None of these is a claim (data/README.md, "Content rules"). The rules:

- the sentence must speak of trade (an export word, a destination, or "importer") or continue a
  sentence that did, in the same paragraph ("Year-on-year, the decline was even steeper ...");
- a percentage followed by "of" ("90% of global supply") is a share;
- the words just before a figure, within its clause, must not make it something else:
  production, reserves, capacity, quotas, rates, tariffs, China's own imports (the NOT_EXPORT
  table); nor may its clause up to a ';' be about prices or values ("the unit export price was
  $83.08/kg, an increase of 1.85%");
- a tonnage after "an increase of" or "up" is a change in tonnes, not a level;
- forecasts and targets ("expects exports in 2025 to be 49,000 mt") and lists paired by
  "respectively" are left out, and so is a sentence about imports with no export word (China's
  imports of ore from Myanmar);
- a sentence about exports of something the product table does not know ("exports of steel") is
  not about our products.
"""
from __future__ import annotations

import re

from .text import before as text_before

EXPORT_CONTEXT = re.compile(
    r"\b(?:export\w*|shipments?|shipped|shipping|sales|sold|outbound|deliveries|delivered|importers?|buyers?"
    r"|destinations?|received|receiving|flows?|cargoes|customs)\b", re.IGNORECASE)
IMPORT_WORDS = re.compile(r"\bimport(?:s|ed)?\b", re.IGNORECASE)
EXPORT_WORDS = re.compile(r"\b(?:export\w*|shipments?|shipped|sold|outbound|overseas\s+sales)\b", re.IGNORECASE)
# the subject of a whole clause (up to a ';'): "the unit export price was $83.08/kg, an increase of 1.85%"
NOT_VOLUME = re.compile(r"\b(?:prices?|priced|unit\s+value|values?|amount|worth|yuan|dollars|revenues?|turnover|average)\b|\$",
                        re.IGNORECASE)
# a forecast or a target is not a statistic
FORECAST = re.compile(
    r"\b(?:expects?|(?<!than\s)expected\s+to|forecasts?\s+(?:that|to)|forecast\s+to|projected|projects|predicts?|predicted"
    r"|is\s+set\s+to|are\s+set\s+to|would|will|could\s+(?:reach|rise|fall|be|top|exceed)|may\s+(?:reach|rise|fall|be|top)"
    r"|needs?\s+to|target(?:s|ed)?)\b", re.IGNORECASE)
# a list of figures paired with a list of names we cannot pair reliably
LIST = re.compile(r"\brespectively\b", re.IGNORECASE)
# "an increase of 600 mt", "up 51.57 mt from July": a change in tonnes, not a level
CHANGE_IN_TONNES = re.compile(
    r"(?:\b(?:increase|rise|gain|jump|decrease|decline|drop|fall|reduction|growth)\s+of|\b(?:up|down|rose|fell|increased|decreased"
    r"|grew|dropped|declined|added|lost|gained)(?:\s+by)?|\bby)\s+(?:(?:about|around|roughly|nearly|almost|some|over|more\s+than)\s+)?$",
    re.IGNORECASE)
# what a figure is when these words come just before it (or, for shares, just after)
NOT_EXPORT = re.compile(
    r"\b(?:share|shares|market\s+share|of\s+the\s+market|reserves?|deposits?|production|produc(?:e|es|ed|ing)|output|capacity|refin\w*"
    r"|process(?:es|ed|ing)?|mining|mined|mines?|quotas?|prices?|priced|costs?|rates?|interest|repo|inflation|GDP"
    r"|tariffs?|dut(?:y|ies)|levy|stocks?|index|yields?|bonds?|revenues?|profits?|earnings|margins?|valuation"
    r"|accounts?\s+for|accounting\s+for|accounted\s+for|holds?|controls?|dominat\w*|consumption|demand|investment"
    r"|supply|supplies|of\s+(?:the\s+)?(?:world|global)|licen[cs]es?|approvals?|applications?|permits?)\b", re.IGNORECASE)
CHINA_IMPORTS = re.compile(
    r"\b(?:China(?:'s)?|Chinese|Beijing(?:'s)?)\s+imports?\b|\bChina\s+imported\b|\bimports?\s+(?:of\s+[\w\s-]{0,30}?)?(?:into|to)\s+China\b"
    r"|\bimported\s+from\b|\bimports?\s+from\s+(?!China)", re.IGNORECASE)
SHARE_AFTER = re.compile(r"^\s*(?:of\b|share\b|stake\b|market\s+share\b)", re.IGNORECASE)
# other goods' trade, when the sentence names none of our products ("China's EV exports rose 30%")
OTHER_GOODS = re.compile(r"\b(?:EVs?|cars?|vehicles?|autos?|steel|aluminium|aluminum|soybeans?|chips?|semiconductors?|solar|batter(?:y|ies)"
                         r"|coal|oil|gas|LNG|gold|graphite|gallium|germanium|antimony|tungsten|garments?|textiles?|furniture|toys?"
                         r"|electronics|machinery|phones?|smartphones?)\s+(?:exports|shipments|imports|sales)\b", re.IGNORECASE)
GENERAL_TRADE = re.compile(r"\b(?:overall\s+exports|exports\s+overall|goods\s+exports|exports\s+of\s+goods|trade\s+surplus"
                           r"|trade\s+deficit|imports\s+and\s+exports|exports\s+and\s+imports)\b", re.IGNORECASE)
EXPORTS_OF = re.compile(r"\b(?:exports|shipments|sales)\s+of\s+(?!(?:the|these|those|its|their|such|all|China|Chinese)\b)"
                        r"(?P<what>[a-z][\w-]*)", re.IGNORECASE)
BOUNDARY = re.compile(r"[,;:()\[\]—–]|\s-\s|\b(?:and|while|whereas|but|as|which|after|before|despite|amid)\b")
WORDS_BEFORE = 6  # how far back a word can make a figure something else


def clause_before(text: str, start: int) -> str:
    """The text from the last clause boundary before `start` (at most WORDS_BEFORE words)."""
    before = text_before(text, start)
    cut = 0
    for match in BOUNDARY.finditer(before):
        cut = match.end()
    words = before[cut:].split()
    return " ".join(words[-WORDS_BEFORE:])


def not_export(text: str, start: int, end: int, unit: str) -> str:
    """Why the figure at text[start:end] is not an export figure, or ''."""
    before = clause_before(text, start)
    found = NOT_EXPORT.search(before)
    if found:
        return f"not an export figure: '{found.group(0)}' before it"
    found = NOT_VOLUME.search(text_before(text, start, 300).rsplit(";", 1)[-1])  # the clause up to a ';'
    if found:
        return f"not a volume: '{found.group(0)}' before it"
    if unit in ("t", "kg") and CHANGE_IN_TONNES.search(text_before(text, start, 60)):
        return "a change in tonnes, not a level"
    if CHINA_IMPORTS.search(before):
        return "not an export figure: China's imports"
    if unit == "%" and SHARE_AFTER.match(text[end:end + 30]):
        return "a share ('% of'), not a change"
    return ""


def speaks_of_trade(text: str) -> bool:
    return bool(EXPORT_CONTEXT.search(text))
