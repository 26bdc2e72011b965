"""Which series a figure belongs to: the product (magnets, the 17-type rare-earth total, or another
product that is never claimed) and the destination (world, or a country as ISO alpha-2).

Products are read from the table below, longest phrase first, so "rare-earth magnet powder" is
another product and "rare earth magnets" is magnets. Customs reports rare-earth magnets and the
17 rare earths as separate lines; Bloomberg's "rare-earth products", magnet powder, alloys,
oxides and single elements are other lines again, which the ledger does not hold.

A country counts as a destination only in an export role: "exports to the U.S.", "sold to the US",
"U.S.-bound", "Germany's imports", "Germany received / imported / recorded", "the US was the
largest buyer". "A trade deal with the U.S." or "U.S. chipmaker" name a country, not a destination.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .text import Spans
from .text import after as text_after
from .text import before as text_before

MAGNETS, RARE_EARTHS, OTHER = "magnets", "rare_earths", "other"

# phrase (regex, case-insensitive) -> product; tried in this order, a span once read is not read again
PRODUCTS = [
    (r"magnet(?:ic)?\s+(?:powders?|alloys?|materials?|scrap)|(?:ferrite|alnico|non[-\s]rare[-\s]earth)\s+magnets?", OTHER),
    (r"(?:17|seventeen)\s+(?:types\s+of\s+|kinds\s+of\s+)?rare[-\s]earths?(?:\s+elements?)?"
     r"|(?:17|seventeen)[-\s](?:mineral|element|metal)s?\s+group|group\s+of\s+(?:17|seventeen)\s+(?:minerals|elements|metals)",
     RARE_EARTHS),
    # some elements named as such are the controlled ones, not the customs total of all 17
    (r"(?:seven|several|certain|some|specific|individual|controlled|critical|heavy|medium(?:[-\s]to[-\s]heavy)?|light)"
     r"\s+(?:[\w-]+\s+)?rare[-\s]earths?(?:\s+elements?)?", OTHER),
    (r"rare[-\s]earth(?:[-\s]related)?\s+(?:magnet\s+)?(?:products|oxides?|metals?|alloys?|compounds?|concentrates?|ores?"
     r"|salts?|materials?|carbonates?)|(?:permanent\s+)?magnetic\s+materials?", OTHER),
    (r"(?:samarium[-\s]cobalt|neodymium(?:[-\s]iron[-\s]boron)?|NdFeB|SmCo)\s+magnets?|REPMs?", MAGNETS),
    (r"\bRE\s+(?:separation\s+)?products|separat(?:ion|ed)\s+products|concentrates?|ores?\b", OTHER),
    (r"NdFeB|neodymium[-\s]iron[-\s]boron", MAGNETS),
    (r"rare[-\s]earth\s+(?:permanent\s+)?magnets?", MAGNETS),
    (r"permanent\s+magnets?", MAGNETS),
    (r"magnets?", MAGNETS),
    # Reuters' "rare earth minerals" and "rare earth elements" are the customs total of the 17
    (r"rare[-\s]earths?(?:\s+(?:elements?|minerals?))?", RARE_EARTHS),
    (r"dysprosium|terbium|yttrium|samarium|neodymium|praseodymium|gadolinium|lutetium|scandium|lanthanum|cerium"
     r"|europium|holmium|erbium|thulium|ytterbium|gallium|germanium|antimony|graphite|tungsten|indium|bismuth"
     r"|tellurium|molybdenum|lithium|cobalt|nickel|steel|aluminium|aluminum|copper", OTHER),
]
_PRODUCTS = [(re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), product) for pattern, product in PRODUCTS]

# name as written (regex, case-sensitive) -> ISO 3166 alpha-2 (EU for the European Union, as customs report it)
DESTINATIONS = {
    r"(?:the\s+)?United\s+States(?:\s+of\s+America)?|U\.S\.A\.|U\.S\.|USA|US|America(?![a-z])": "US",
    r"Germany": "DE", r"Japan": "JP", r"South\s+Korea|(?:the\s+)?Republic\s+of\s+Korea|Korea": "KR",
    r"Vietnam|Viet\s+Nam": "VN", r"Thailand": "TH", r"India": "IN", r"Mexico": "MX", r"Italy": "IT",
    r"France": "FR", r"(?:the\s+)?Netherlands|Holland": "NL", r"Poland": "PL", r"Spain": "ES",
    r"(?:the\s+)?United\s+Kingdom|Britain|U\.K\.|UK": "GB", r"Canada": "CA", r"Brazil": "BR",
    r"Turkey|Türkiye": "TR", r"Malaysia": "MY", r"Indonesia": "ID", r"(?:the\s+)?Philippines": "PH",
    r"Taiwan": "TW", r"Hong\s+Kong": "HK", r"Singapore": "SG", r"Australia": "AU", r"Russia": "RU",
    r"(?:the\s+)?Czech\s+Republic|Czechia": "CZ", r"Austria": "AT", r"Belgium": "BE", r"Sweden": "SE",
    r"Hungary": "HU", r"Slovakia": "SK", r"Slovenia": "SI", r"Romania": "RO", r"Portugal": "PT",
    r"Switzerland": "CH", r"Denmark": "DK", r"Finland": "FI", r"Norway": "NO", r"Ireland": "IE",
    r"Israel": "IL", r"(?:the\s+)?United\s+Arab\s+Emirates|UAE": "AE", r"Saudi\s+Arabia": "SA",
    r"South\s+Africa": "ZA", r"Pakistan": "PK", r"Bangladesh": "BD", r"Sri\s+Lanka": "LK",
    r"Myanmar": "MM", r"Cambodia": "KH", r"Mongolia": "MN", r"Kazakhstan": "KZ", r"Argentina": "AR",
    r"Chile": "CL", r"Colombia": "CO", r"Egypt": "EG", r"Morocco": "MA", r"New\s+Zealand": "NZ",
    r"(?:the\s+)?European\s+Union|E\.U\.|EU": "EU",
    r"China|the\s+Chinese\s+mainland": "CN",   # exports *to* China are not China's exports
}
_COUNTRY = re.compile("|".join(f"(?P<c{k}>\\b(?:{pattern})(?![A-Za-z]))" for k, pattern in enumerate(DESTINATIONS)))
_CODES = list(DESTINATIONS.values())

EXPORT_VERB = (r"export\w*|shipments?|shipped|shipping|sales|sold|deliver(?:ies|ed|y)|sent|went|going|destined|bound"
               r"|headed|flows?|supplies|supplied")
# the text before a country: "... exports (of magnets) to the "
_TO = re.compile(rf"\b(?:{EXPORT_VERB}|those|that)\b[^.;]{{0,70}}?\b(?:to|for|into)\s+(?:the\s+)?"
                 r"(?:(?:top|largest|biggest|main|key|major|second[-\s]largest)\s+(?:market|buyer|destination|importer|customer)\s+)?$",
                 re.IGNORECASE)
# where goods come from, not where they go
_SOURCE = re.compile(r"\b(?:from|out\s+of)\s+(?:the\s+)?$", re.IGNORECASE)
_SUPPLIER = re.compile(r"^\s*,?\s*(?:a|an|the|its|China's)?\s*(?:[\w-]+\s+){0,2}?(?:supplier|producer|source|exporter)s?\b",
                       re.IGNORECASE)
# "the largest recipient ... was Germany"
_NAMED_AS = re.compile(r"\b(?:recipient|importer|buyer|destination|market|customer)s?\b[^.;]{0,40}?\b(?:was|were|is|are)\s+(?:the\s+)?$",
                       re.IGNORECASE)
_IMPORTS_BY = re.compile(r"\bimports?\s+(?:[^.;]{0,40}?\s)?(?:by|into|to)\s+(?:the\s+)?$", re.IGNORECASE)
# the text after a country
_BOUND = re.compile(r"^(?:-bound|'s\s+(?:imports|purchases|share)\b|\s+imports\b)")
_SUBJECT = re.compile(
    r"^(?:\s*,[^,]{0,40},)?\s*(?:also\s+|alone\s+|itself\s+)?"
    r"(?:(?:stood\s+out|led|ranked\s+\w+)\s+with\s+(?:imports|purchases|shipments|receipts)\b|(?:portion|volume|total)\b|"
    r"(?:(?:with|at|[–—:(-])\s*)?(?=(?:about|around|nearly|almost|some|just|over)?\s*[0-9][0-9,.]*\s*(?:metric\s+)?(?:tons|tonnes|t|mt|kg)\b)|"
    r"(?:[\w-]+\s+){0,2}with\s+(?:a|an|the)\s+(?=[0-9])|"
    r"(?:increased|rose|grew|fell|jumped|surged|dropped|declined|slipped|plunged|climbed|saw|posted|registered)\b|"
    r"(?:retained|kept|held)\s+(?:its|their)\s+(?:position|place)\s+as\b[^.;]{0,40}?\b(?:importing|receiving|buying|taking)\b|"
    r"(?:received|receiving|imported|importing|bought|buying|took|taking|recorded|saw|got|absorbed|purchased|accounted"
    r"|ranked|topped|led|(?:was|were|became|remained|is|stayed|continued\s+to\s+be|continues\s+to\s+be)\s+(?:[\w'-]+\s+){0,3}?(?:importer|buyer|destination|market"
    r"|recipient|customer|purchaser)s?|(?:was|came|ranked|stood)\s+(?:in\s+)?(?:first|second|third|fourth|fifth)(?:\s+place)?))\b")
# destinations that are not one country: a figure for them is not a series the ledger holds
REGIONS = re.compile(r"\b(?:to|for|into)\s+(?:the\s+)?(?:Asia|Europe|Africa|North\s+America|South\s+America|Latin\s+America"
                     r"|Oceania|(?:the\s+)?Middle\s+East|Southeast\s+Asia|ASEAN|region|other\s+(?:countries|destinations|markets))\b"
                     r"|\b(?:Asia|Europe|Africa|North\s+America|South\s+America|Oceania)(?:'s)?\s+(?:imports|took|received|imported)\b")
# a product phrase tied to a flow: "exports of X", "X exports", "shipments of these X" (not "export controls on X")
FLOW = r"(?:exports?|shipments?|sales|supplies|cargoes|flows?|deliveries|exported|shipped|sold)"
FLOW_BEFORE = re.compile(rf"\b{FLOW}\s+(?:of\s+)?(?:(?:the|these|those|its|China's|Chinese)\s+)?(?:[\w-]+\s+)?$", re.IGNORECASE)
FLOW_AFTER = re.compile(rf"^(?:\s+{FLOW}|\s+export\s+volumes?)\b(?!\s+(?:controls?|restrictions?|curbs?|licen[cs]es?|bans?|quotas?"
                        r"|regimes?|measures|applications?|approvals?|permits?|rules?))", re.IGNORECASE)
WORLD = re.compile(r"\b(?:globally|worldwide|to\s+the\s+world|to\s+all\s+destinations|in\s+total|total\s+exports|overall\s+exports)\b",
                   re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    code: str    # ISO alpha-2, EU, or "world"
    how: str     # the rule that made it a destination


def products_in(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, product, phrase) of each product phrase, in text order."""
    taken, found = Spans(), []
    for pattern, product in _PRODUCTS:
        for match in pattern.finditer(text):
            if taken.overlaps(*match.span()):
                continue
            taken.add(*match.span())
            found.append((match.start(), match.end(), product, match.group(0)))
    return sorted(found)


def destinations_in(text: str) -> list[Place]:
    """Countries named in an export role, and words that name the world total."""
    found = []
    for match in _COUNTRY.finditer(text):
        code = _CODES[int(match.lastgroup[1:])]
        before, after = text_before(text, match.start()), text_after(text, match.end())
        if _SOURCE.search(before) or _SUPPLIER.match(after):   # "imports from Myanmar, a key supplier"
            continue
        if _TO.search(before):
            how = "exports to"
        elif _IMPORTS_BY.search(before) or _BOUND.match(after) or _NAMED_AS.search(before):
            how = "imports of"
        elif _SUBJECT.match(after) and code != "CN":   # "China rose ..." is the exporter
            how = "importer named"
        else:
            continue
        found.append(Place(match.start(), match.end(), code, how))
    found += [Place(m.start(), m.end(), "world", "world total") for m in WORLD.finditer(text)]
    found += [Place(m.start(), m.end(), "region", "a region") for m in REGIONS.finditer(text)]
    return sorted(found, key=lambda place: place.start)


def flow_bound(text: str, start: int, end: int) -> bool:
    """Whether the product phrase at text[start:end] names what is exported ("exports of X", "X exports")."""
    return bool(FLOW_BEFORE.search(text_before(text, start, 80)) or FLOW_AFTER.match(text_after(text, end, 80)))
