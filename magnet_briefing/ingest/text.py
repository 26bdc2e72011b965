"""An article's text as sentences, each with its exact span in the original text.

Web pages arrive with no-break and narrow spaces, non-breaking hyphens, curly quotes and soft
hyphens. The rules read a normalised copy (one plain space, '-' for every hyphen, ASCII quotes),
but evidence must be the article's own characters, so every normalised character remembers where
it came from. A line is a paragraph (pasted pages have one paragraph, headline or link per line);
a sentence never spans lines, so an unrelated headline never borrows a figure's context.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

# one character of the page -> what the rules read (deleted when empty)
REPLACE = {
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
    "\t": " ", "\r": "",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\ufe63": "-", "\uff0d": "-",
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
}

# a full stop after these is not the end of a sentence
ABBREVIATIONS = ("U.S.", "U.K.", "E.U.", "U.S.A.", "U.N.", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.",
                 "Sep.", "Sept.", "Oct.", "Nov.", "Dec.", "No.", "Mr.", "Ms.", "Mrs.", "Dr.", "vs.", "approx.",
                 "e.g.", "i.e.", "Co.", "Corp.", "Inc.", "Ltd.", "St.", "est.")
# ...unless a word that usually starts a sentence follows ("... with the U.S. While both ...")
SENTENCE_STARTERS = ("The", "This", "That", "These", "Those", "It", "Its", "But", "However", "Yet", "While",
                     "Meanwhile", "Although", "In", "On", "Still", "Last", "China", "Chinese", "Exports", "Shipments",
                     "According", "Analysts", "Beijing", "A", "An", "And", "So", "Some", "Year-on-year")
LOOK = 200   # how far a rule looks back or ahead of a figure: a sentence's worth, so no rule is quadratic
# a sentence ends at . ! ? before a space and a capital or digit, or (in text scraped without its
# spaces) between a lower-case word and a capitalised one: "year-on-year.April's exports"
_END = re.compile(r"[.!?]+[\"')\]]*(?=\s+[\"'(\[]?[A-Z0-9])|(?<=[a-z]{2})[.!?](?=[A-Z][a-z])")


@dataclass(frozen=True)
class Sentence:
    text: str        # normalised: what the rules read
    start: int       # offset of text[0] in the normalised article
    paragraph: int   # which line of the article
    index: int       # position among all sentences


@dataclass(frozen=True)
class Article:
    original: str
    text: str                 # normalised
    origin: tuple[int, ...]   # origin[i]: offset in `original` of normalised character i (len(text) + 1 entries)
    sentences: tuple[Sentence, ...]

    def evidence(self, start: int, end: int) -> str:
        """The original characters behind normalised text[start:end]."""
        return self.original[self.origin[start]:self.origin[end - 1] + 1] if end > start else ""


def normalise(original: str) -> tuple[str, tuple[int, ...]]:
    chars, origin = [], []
    for position, ch in enumerate(original):
        replaced = REPLACE.get(ch)
        if replaced is None:
            replaced = unicodedata.normalize("NFKC", ch) if unicodedata.category(ch)[0] in "LNS" else ch
            if unicodedata.category(ch) == "Zs":
                replaced = " "
        for out in replaced:
            chars.append(out)
            origin.append(position)
    origin.append(len(original))
    return "".join(chars), tuple(origin)


# words an all-capitals line keeps in capitals when it is read as ordinary text
ACRONYMS = {"US", "U.S.", "USA", "UK", "U.K.", "EU", "E.U.", "UAE", "GAC", "HS", "MT", "NDFEB", "YOY", "MOM", "H1", "H2",
            "Q1", "Q2", "Q3", "Q4", "SMM", "REE", "REES"}
_WORD = re.compile(r"[A-Za-z][A-Za-z.'’]*")


def _calm(line: str) -> str:
    """A headline or wire flash in capitals ("CHINA'S OCTOBER RARE EARTH MAGNET EXPORTS TO THE UNITED
    STATES RISE 56.1%") as ordinary capitalised words, so month and country names read; the same
    length, character for character."""
    letters = [ch for ch in line if ch.isalpha()]
    if len(letters) < 12 or sum(ch.isupper() for ch in letters) < 0.9 * len(letters):
        return line
    return _WORD.sub(lambda m: m.group(0) if m.group(0).rstrip(".'’").upper() in ACRONYMS or m.group(0) in ACRONYMS
                     else m.group(0)[0] + m.group(0)[1:].lower(), line)


def _ends(line: str) -> list[int]:
    """Offsets in `line` just after each sentence end."""
    ends = []
    for match in _END.finditer(line):
        before = line[max(0, match.end() - 40):match.end()].split()
        word = before[-1] if before else ""
        following = line[match.end():match.end() + 40].split()
        next_word = following[0].strip("\"'([") if following else ""
        if any(word.endswith(abbreviation) for abbreviation in ABBREVIATIONS) and next_word not in SENTENCE_STARTERS:
            continue
        if re.search(r"\b[A-Z]\.$", word) and next_word not in SENTENCE_STARTERS:  # initials: "J. Smith"
            continue
        ends.append(match.end())
    return ends


class Spans:
    """Disjoint spans of a text already read by a rule (each rule claims only what overlaps none),
    so an overlap is found in logarithmic time."""

    def __init__(self, spans=()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in spans:
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        k = bisect.bisect_left(self.starts, end)     # the spans starting before `end`; the last ends latest
        return k > 0 and self.ends[k - 1] > start

    def add(self, start: int, end: int) -> None:
        k = bisect.bisect_left(self.starts, start)
        self.starts.insert(k, start)
        self.ends.insert(k, end)


def before(text: str, end: int, width: int = LOOK) -> str:
    """The `width` characters before text[end] (the rules read backwards from a figure this far)."""
    return text[max(0, end - width):end]


def after(text: str, start: int, width: int = LOOK) -> str:
    return text[start:start + width]


def split(original: str) -> Article:
    text, origin = normalise(original)
    text = "\n".join(_calm(line) for line in text.split("\n"))
    sentences, offset = [], 0
    for paragraph, line in enumerate(text.split("\n")):
        start = 0
        for end in _ends(line) + [len(line)]:
            piece = line[start:end]
            stripped = piece.strip()
            if stripped:
                first = offset + start + (len(piece) - len(piece.lstrip()))
                sentences.append(Sentence(stripped, first, paragraph, len(sentences)))
            start = end
        offset += len(line) + 1
    return Article(original, text, origin, tuple(sentences))
