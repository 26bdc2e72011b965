"""The hedge word just before a figure, as the codebook's qualifier (data/README.md, "Qualifiers").

Only the words directly before the number count ("decreased by nearly 19%", "nearly a threefold
increase"): "a 46 percent increase over June" compares with June, it does not hedge the 46.
"Just" alone ("to just 1,238 tons") is emphasis, not a hedge.
"""
from __future__ import annotations

import re

# phrase -> qualifier; longest first, so "just under" is nearly and "under" is under
QUALIFIER_WORDS = {
    "just under": "nearly", "just below": "nearly", "just shy of": "nearly", "a little under": "nearly",
    "slightly less than": "nearly", "slightly under": "nearly", "slightly below": "nearly", "not quite": "nearly",
    "nearly": "nearly", "almost": "nearly", "close to": "nearly", "nearing": "nearly", "approaching": "nearly",
    "about": "about", "around": "about", "roughly": "about", "approximately": "about", "approx.": "about",
    "approx": "about", "some": "about", "an estimated": "about", "estimated": "about", "circa": "about",
    "more or less": "about", "an approximate": "about",
    "just over": "over", "just above": "over", "slightly more than": "over", "slightly over": "over",
    "a little over": "over", "slightly above": "over", "more than": "over", "over": "over", "above": "over",
    "in excess of": "over", "upwards of": "over", "exceeding": "over", "at least": "over", "greater than": "over",
    "north of": "over",
    "under": "under", "less than": "under", "below": "under", "fewer than": "under", "at most": "under",
    "no more than": "under", "not more than": "under",
}
_PHRASES = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(QUALIFIER_WORDS, key=len, reverse=True))
_BEFORE = re.compile(rf"(?<![\w-])(?P<phrase>{_PHRASES})\s+(?:(?:a|an)\s+)?$", re.IGNORECASE)


def qualifier_before(text_before: str) -> tuple[str, str]:
    """(qualifier, the phrase that made it) for the text that ends just before a figure."""
    match = _BEFORE.search(text_before)
    if not match:
        return "exact", ""
    phrase = re.sub(r"\s+", " ", match.group("phrase").lower())
    return QUALIFIER_WORDS[phrase], phrase
