"""propose(): an article's text and publication date in, proposed claims out.

Sentence by sentence, the rule modules find the figures (numbers.py), rankings and multiples
(measures.py), periods (periods.py), products and destinations (series.py) and hedges
(qualifiers.py); scope.py leaves out what is not an export figure. This module puts them together:

- a figure's period is the period named right after it ("75 percent in July"), else the last one
  before it in the sentence ("in May, falling 52.9%"), else one later in the sentence across no
  clause break or other change; a period named as a comparison ("from April", "a year earlier")
  is a base, not the figure's own period. A sentence that names none takes the period of the
  figure before when it points back to it ("This represents ...", "the figure", "That was"),
  else the month the article reports (its latest month), else the month named before; all flagged;
- a comparison base stated as its own figure ("up 15.8% from 4,725 tons in the same month in
  2024", "down from 5,774 tons in September", "(4,545 tonnes a year earlier)") is a level of the
  base period (guessed from the comparison, and flagged, when the text names none);
- a change's base is the nearest cue or comparison after it (before the next change), else one
  before it that the change before did not take; without one, the base of the change before it
  in the sentence, or of the sentence it points back to, else month-on-month for a month
  (flagged) and year-on-year for a range (the only change a range has); a change "between April
  and May" is May on April;
- a ranking "of" a figure ("a seven-month high of 6,146 tons in August") or beside a base figure
  ("from November's 2,949.60 tonnes, a two-year low") ranks that figure's period;
- the product is the one named with the figure ("X tons of rare earth magnets", "magnet
  exports"), else the product of the figure before (flagged); other products, and what follows
  them, are never proposed as magnets;
- the destination is a country in an export role near the figure, else that of the figure
  before when the sentence points back to it, else world; a region is no series;
- a sentence with no export word counts when it continues a figure's sentence (the next sentence
  of the paragraph, or one that points back);
- one row per figure and source: a figure stated twice (headline and body) is proposed once, from
  the statement with fewer doubts, and a change whose base was guessed is dropped when the same
  figure is stated elsewhere with its base.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace

from . import measures, numbers, periods, qualifiers, scope, series
from .periods import Mention, month_text, period_text
from .proposal import Proposal, note_of
from .text import Article, Sentence, after, before, split

ANAPHORA = re.compile(
    r"^(?:(?:however|but|and|although|though|still|yet|notably|meanwhile|also|that\s+said|even\s+so|in\s+addition|year[-\s]on[-\s]year"
    r"|month[-\s]on[-\s]month)\b,?\s+)*(?:this|that|it|its|their|these|those|the\s+(?:[\w-]+\s+)?(?:figure|total|number|volume|amount"
    r"|decline|drop|fall|increase|rise|gain|jump|surge|level|tonnage|change|growth))\b|\b(?:this|that|the)\s+figure\b"
    r"|\b(?:it|this|that)\s+(?:also\s+)?(?:marks?|marked|represents?|represented|was|is|compares?|compared|reflects?"
    r"|reflected|means?|meant)\b"
    r"|\b(?:it|they)\s+(?:also\s+|then\s+|again\s+)?(?:fell|rose|dropped|jumped|climbed|slipped|surged|plunged|grew|declined"
    r"|increased|decreased|recovered|rebounded|bounced|totalled|totaled|reached|stood|came|were)\b"
    r"|\b(?:these|those)\s+(?:exports|shipments|figures|volumes|sales)\b", re.IGNORECASE)
GAP_BOUNDARY = re.compile(r"[,;:()—–]|\s-\s|\b(?:and|while|whereas|but)\b")
MONTHLY = re.compile(r"\b(?:monthly|a\s+month|per\s+month|each\s+month|every\s+month)\b(?![^,;]*\bsince\b)", re.IGNORECASE)
RATE_LEVEL = re.compile(r"\b(?:from|to)\s+(?:(?:about|around|roughly|nearly|almost|just|over|under)\s+)?$", re.IGNORECASE)
BRACKETED_CUE = re.compile(r"\(\s*(?:YoY|MoM|y/y|m/m|y-o-y|m-o-m|year-on-year|month-on-month)\s*\)", re.IGNORECASE)
ATTACHED_WORDS = 8          # a period this many words after a figure, with no boundary between, is its period
OF_PRODUCT = re.compile(r"^\s*of\s+(?:(?:the|these|those|its|China's)\s+)?$", re.IGNORECASE)
# "from 4,725 tons", "than the 5,278 tonnes", "down from a seven-month high of 6,146 tons": a level as a comparison base
BASE_LEVEL = re.compile(
    r"(?:\b(?:from|compar(?:ed|es|ing)\s+(?:with|to)|versus|vs\.?|against|double|twice|times|triple)|(?<!less\s)(?<!more\s)"
    r"(?<!fewer\s)(?<!greater\s)(?<!rather\s)\bthan)\s+(?:(?:the|a|an)\s+)?"
    r"(?:(?!(?:to|at|in|into|of|reach\w*|hit\w*|total\w*|stand\w*|stood)\b)[\w'’-]+\s+){0,3}?"
    r"(?:(?:high|low|peak|levels?|totals?|figures?|volumes?)\s+of\s+)?(?:(?:about|around|roughly|nearly|almost|some|just)\s+)?$",
    re.IGNORECASE)
# what may stand between a base level and its period: "4,725 tons in the same month", "5,278 tons shipped in July"
BASE_GAP = re.compile(r"^\s*,?\s*(?:(?:exported|shipped|sold|recorded|seen|posted|registered|reported)\s+)?"
                      r"(?:(?:in|during|for|of)\s+)?$", re.IGNORECASE)
COORDINATED = re.compile(r"^(?:\s+(?:in|during|for)\s+[\w\s-]{1,30}?)?\s*(?:,\s*)?(?:and|or|,)\s+(?:(?:about|around|roughly|nearly|almost|some)\s+)?$",
                         re.IGNORECASE)
APPOSITION = re.compile(r"^\s*[,—–-]\s*(?:(?:a|an|the|its|their)\s+)?$")
RANKED_FIGURE = re.compile(r"^\s+of\s+(?:(?:about|around|roughly|nearly|almost|some|just)\s+)?$", re.IGNORECASE)
OWN_PERIODS = ("month", "range", "ytd", "year", "last_month", "this_month", "last_year", "context", "next", "upto")
CUMULATIVE = re.compile(r"\b(?:cumulative(?:ly)?|so\s+far|year[-\s]to[-\s]date|in\s+total|in\s+all)\b", re.IGNORECASE)
CHANGES = ("percent", "multiple")


@dataclass
class Item:
    """One figure of a sentence: a number with a unit, a multiple or a ranking."""
    kind: str                  # level, percent, multiple, ranking
    start: int
    end: int
    figure: object
    base_level: bool = False                # a level stated as the base of a comparison
    base_mention: Mention | None = None     # that level's period
    period: tuple[int, int] | None = None
    period_flags: tuple[str, ...] = ()
    period_how: str = ""
    lag: int | None = None
    base_used: object = None                # the cue or mention that gave the base
    base_guessed: bool = False
    period_from_context: bool = False
    two_months: str = ""                    # "between April and May": a change of the second on the first
    base_of: object = None                  # a ranking of a base level: takes its period once known
    sign: int = 0


@dataclass
class Context:
    """What the article said before: the previous figure's series and period, the month named last."""
    product: str | None = None
    product_mention: str | None = None
    later_product: str | None = None        # the first product named with an export word anywhere
    destination: str = "world"
    period: tuple[int, int] | None = None
    lag: int | None = None
    last_month_named: int | None = None
    named_before: dict = field(default_factory=dict)   # this sentence's "that month": the month named before it
    latest_reported: int | None = None
    figure_sentence: int = -2
    figure_paragraph: int = -1
    sentence: int = 0                       # the sentence being read


@dataclass
class Extraction:
    proposals: list[Proposal]
    skipped: list[tuple[str, str, str]] = field(default_factory=list)   # (figure, reason, evidence)


def propose(text: str, published: datetime.date) -> list[Proposal]:
    """The claims an article states, each with its evidence and the rule that produced it."""
    return extract(text, published).proposals


def extract(text: str, published: datetime.date) -> Extraction:
    """propose(), plus the figures left out and why (shown to the analyst under the review table)."""
    article = split(text)
    pub = periods.publication_month(published)
    context = Context(later_product=_first_product(article))
    out = Extraction([])
    for sentence in article.sentences:
        _read_sentence(article, sentence, pub, context, out)
    out.proposals = _once_per_source(out.proposals)
    return out


def _first_product(article: Article) -> str | None:
    for sentence in article.sentences:
        for start, end, product, _ in series.products_in(sentence.text):
            if product != series.OTHER and series.flow_bound(sentence.text, start, end):
                return product
    return None


def _items(text: str) -> list[Item]:
    items = [Item("ranking", r.start, r.end, r) for r in measures.find_rankings(text)]
    for figure in numbers.find_figures(text):
        if not any(figure.start < i.end and i.start < figure.end for i in items):
            items.append(Item("percent" if figure.unit == "%" else "level", figure.start, figure.end, figure))
    for multiple in measures.find_multiples(text):
        if not any(multiple.start < i.end and i.start < multiple.end for i in items):
            items.append(Item("multiple", multiple.start, multiple.end, multiple))
    items.sort(key=lambda i: i.start)
    previous = None
    for k, item in enumerate(items):
        if item.kind == "level":  # the clause since the figure before ("more than double volumes of" included)
            previous_end = max((i.end for i in items[:k] if i.kind in ("level", "percent")), default=0)
            item.base_level = bool(BASE_LEVEL.search(before(text, item.start, min(item.start - previous_end, 200))))
            # "compared with 6,146 tons in August and 4,915 tons a year earlier": both are bases
            if previous is not None and previous.base_level and previous.end == previous_end \
                    and COORDINATED.match(text[previous.end:item.start]):
                item.base_level = True
            previous = item
    return items


def _mark_bases(text: str, mentions: list[Mention], items: list[Item]) -> list[Mention]:
    """Mentions named as a comparison ("from April", "than a year earlier") become bases, and so does
    the period of a base level ("from 4,725 tons in the same month in 2024"), which is its own."""
    marked = []
    for mention in mentions:
        window = before(text, mention.start)
        comparison = measures.COMPARISON.search(window)
        is_base = mention.kind == "shift" or (mention.kind == "year" and re.match(r"(?i:from|than|over)\b", mention.text))
        if comparison and mention.kind != "date":
            word = comparison.group("word").lower()
            after_figure = any(i.end <= mention.start - len(window) + comparison.start() for i in items)
            is_base = is_base or word not in measures.AFTER_FIGURE_ONLY or after_figure
        owner = None
        for item in items:
            if item.kind == "level" and item.end <= mention.start and BASE_GAP.match(text[item.end:mention.start]):
                if item.base_level:
                    owner = item
                elif mention.kind == "shift":  # "(4,545 tonnes a year earlier)": a base by its period
                    item.base_level, owner = True, item
        if owner is not None:
            is_base = True
        mention = replace(mention, base=True) if is_base else mention
        if owner is not None:
            owner.base_mention = mention
        marked.append(mention)
    return marked


def _no_boundary(gap: str) -> bool:
    return not GAP_BOUNDARY.search(gap) and len(gap.split()) <= ATTACHED_WORDS


def _gap(text: str, start: int, end: int, items: list[Item]) -> str:
    """text[start:end] with the figures in it written as '#' (their commas are not clause breaks),
    and a cue in brackets ("74% year-on-year (YoY) in May") left out."""
    chars = list(text[start:end])
    for item in items:
        for k in range(max(item.start, start), min(item.end, end)):
            chars[k - start] = "#"
    return BRACKETED_CUE.sub(" ", "".join(chars))


def _own_mention(text: str, item: Item, mentions: list[Mention], items: list[Item]) -> tuple[Mention | None, str]:
    own = [m for m in mentions if not m.base and m.kind in OWN_PERIODS]
    following = [m for m in own if m.start >= item.end]
    next_item = min((i.start for i in items if i.start >= item.end), default=len(text))
    if following and following[0].start <= next_item and _no_boundary(text[item.end:following[0].start]) \
            and not _nearer_the_next(text, item, following[0], next_item, items):
        return following[0], "named after the figure"
    preceding = [m for m in own if m.end <= item.start]
    if preceding:
        return preceding[-1], "named before the figure"
    if following:  # "rose 10.2% from July to 6,146 tons in August", not across a clause or another change
        between = [i for i in items if item.end <= i.start and i.end <= following[0].start and i.kind in CHANGES]
        if not between and not GAP_BOUNDARY.search(_gap(text, item.end, following[0].start, items)):
            return following[0], "named later in the sentence"
    return None, ""


def _nearer_the_next(text: str, item: Item, mention: Mention, next_item: int, items: list[Item]) -> bool:
    """'620 tonnes to fall again in August to 589 tonnes': the period introduces the next figure."""
    if next_item >= len(text):
        return False
    to_next = _gap(text, mention.end, next_item, items)
    return not GAP_BOUNDARY.search(to_next) and len(to_next.strip()) < len(text[item.end:mention.start].strip())


def _resolve(mention: Mention, pub: int, figure_period, context: Context):
    named = context.named_before.get(mention.start, context.last_month_named)
    return periods.resolve(mention, pub, figure_period, named, context.latest_reported)


def _months_named_before(mentions: list[Mention], pub: int, context: Context) -> dict[int, int]:
    """For "that month" and "the following month": the month named last before each, in this
    sentence ("In April, ... plunged the following month") or before it."""
    running, found = context.last_month_named, {}
    for mention in mentions:
        if mention.kind == "month" and not mention.base:
            resolved = periods.resolve(mention, pub)
            running = resolved.period[0] if resolved is not None else running
        elif mention.kind in ("next", "context") and running is not None:
            found[mention.start] = running
    return found


def _product(text: str, item: Item, found: list[tuple[int, int, str, str]], items: list[Item]) -> tuple[str | None, str]:
    """The product named with the figure: "X tons of rare earth magnets", else the nearest product
    phrase tied to an export word, else the nearest phrase at all (before the figure first)."""
    for start, _end, product, phrase in found:
        if start >= item.end and OF_PRODUCT.match(text[item.end:start]):
            return product, phrase
    bound = [e for e in found if series.flow_bound(text, e[0], e[1])]
    # a phrase not tied to a flow counts only within the figure's own part of the sentence
    # ("Rare Earth crisis deepens: China's shipments ... down 74%" names no product for the 74%)
    before = [e for e in bound if e[1] <= item.start] or [
        e for e in found if e[1] <= item.start and not re.search(r"[;:]", _gap(text, e[1], item.start, items))]
    if before:
        return before[-1][2], before[-1][3]
    after = [e for e in bound if e[0] >= item.end] or [
        e for e in found if e[0] >= item.end and _no_boundary(_gap(text, item.end, e[0], items))]
    if after:
        return after[0][2], after[0][3]
    return None, ""


def _destination(text: str, item: Item, places: list[series.Place], items: list[Item]) -> series.Place | None:
    before = [p for p in places if p.end <= item.start]
    if before:
        return before[-1]
    after = [p for p in places if p.start >= item.end and _no_boundary(_gap(text, item.end, p.start, items))]
    return after[0] if after else None


def _periods(text: str, items: list[Item], mentions: list[Mention], pub: int, context: Context,
             anaphoric: bool) -> None:
    """Each item's period (see the module's rules); base levels after the sentence's main period."""
    main = None
    for item in items:
        if item.base_level:  # a base's period is its own mention, or guessed from the comparison
            continue
        mention, how = _own_mention(text, item, mentions, items)
        resolved = _resolve(mention, pub, context.period, context) if mention is not None else None
        if resolved is not None:
            item.period, item.period_flags, item.period_how = resolved.period, resolved.flags, how
            if item.kind in CHANGES and resolved.period[1] == resolved.period[0] + 1 \
                    and re.match(r"(?i:between|from)\b", mention.text):
                item.two_months = mention.text
            main = main or resolved.period
    main = main or context.period
    if main is None:  # "exports soared nearly 75% from June": the month after the month compared with
        base = next((m for m in mentions if m.base and m.kind == "month"), None)
        resolved = _resolve(base, pub, None, context) if base is not None else None
        if resolved is not None:
            month = resolved.period[0] + 1
            for item in items:
                if item.period is None and not item.base_level:
                    item.period, item.period_from_context = (month, month), True
                    item.period_flags = (f"period not named: {month_text(month)}, the month after '{base.text}'",)
            main = (month, month)
    for item in items:
        if item.base_level and item.base_mention is not None:
            resolved = _resolve(item.base_mention, pub, main, context)
            if resolved is not None:
                item.period, item.period_flags = resolved.period, resolved.flags
                item.period_how = "the base of a comparison"
    for k, item in enumerate(items):  # "a seven-month high of 6,146 tons in August"
        if item.kind == "ranking" and k + 1 < len(items) and items[k + 1].period is not None \
                and RANKED_FIGURE.match(text[item.end:items[k + 1].start]):
            item.period, item.period_flags = items[k + 1].period, items[k + 1].period_flags
            item.period_how = "the period of the figure it ranks"
        # "from November's 2,949.60 tonnes, a two-year low": the level it stands beside
        elif item.kind == "ranking" and k and items[k - 1].kind == "level" and items[k - 1].base_level \
                and APPOSITION.match(text[items[k - 1].end:item.start]):
            item.base_of = items[k - 1]
    before = context.period
    same_period = re.search(r"\bsame\s+period\b", text, re.IGNORECASE)
    if before is not None and not anaphoric and context.latest_reported is not None and not (
            same_period and before[0] != before[1]):
        # a sentence that does not point back to the figure before speaks of the month the article
        # reports (after a year-to-date total, or after a figure for an earlier month)
        before = (context.latest_reported, context.latest_reported)
    for item in items:
        if item.period is None and before is not None and not item.base_level:
            item.period, item.period_from_context = before, True
            item.period_flags = (f"period not named in the sentence: {period_text(before)} from the figure before",)
        elif item.period is None and context.last_month_named is not None and not item.base_level:
            month = context.last_month_named
            item.period, item.period_from_context = (month, month), True
            item.period_flags = (f"period not named in the sentence: {month_text(month)}, the month named before",)


def _bases(text: str, items: list[Item], mentions: list[Mention], cues) -> None:
    """Each change's base (cue or comparison), as the module's rules say."""
    candidates = [(m.start, m.end, m) for m in mentions if m.base] + [(c[0], c[1], c) for c in cues]
    changes = [i for i in items if i.kind in CHANGES]
    previous = None
    for k, item in enumerate(changes):
        next_start = changes[k + 1].start if k + 1 < len(changes) else len(text)
        after = [c for c in candidates if item.end <= c[0] and c[1] <= next_start]
        if after:
            item.base_used = min(after, key=lambda c: c[0])[2]
        else:
            previous_end = previous.end if previous is not None else 0
            before = [c for c in candidates if previous_end <= c[0] and c[1] <= item.start
                      and (previous is None or c[2] is not previous.base_used)]
            if before:
                item.base_used = max(before, key=lambda c: c[1])[2]
        previous = item


def _read_sentence(article: Article, sentence: Sentence, pub: int, context: Context, out: Extraction) -> None:
    text = sentence.text
    context.sentence = sentence.index
    evidence = article.evidence(sentence.start, sentence.start + len(text))
    items = _items(text)
    mentions = periods.find_mentions(text, [(i.start, i.end) for i in items])
    cumulative = bool(CUMULATIVE.search(text))  # "cumulative exports as of August": the year to August
    mentions = [replace(m, kind="ytd", last=m.first) if m.kind == "upto" and cumulative else m for m in mentions]
    mentions = _mark_bases(text, mentions, items)
    products = series.products_in(text)

    def skip(reason: str, which=None) -> None:
        for item in which or items:
            out.skipped.append((_shown(article, sentence, item), reason, evidence))

    anaphoric = bool(ANAPHORA.search(text)) and context.period is not None
    # a sentence continues the figure before it: the next sentence of its paragraph, or the next one pointing back
    continues = (context.figure_sentence == sentence.index - 1 and
                 (context.figure_paragraph == sentence.paragraph or anaphoric)) or \
                (anaphoric and (context.figure_paragraph == sentence.paragraph
                                or context.figure_sentence >= sentence.index - 2))
    # "Its imports were up 76%": a destination's imports, pointing back to it
    their_imports = anaphoric and context.destination not in ("world", "")
    reason = _not_about_our_exports(text, products, continues, their_imports) if items else ""
    if reason:
        skip(reason)
        items = []
        if reason.startswith("China's trade in general"):
            context.product = series.OTHER   # "However, this was slower than April's 8.1%" is about it too
            context.figure_sentence, context.figure_paragraph = sentence.index, sentence.paragraph
    if not items:
        _remember(text, mentions, products, pub, context)
        return

    places = series.destinations_in(text)
    context.named_before = _months_named_before(mentions, pub, context)
    _periods(text, items, mentions, pub, context, anaphoric)
    _bases(text, items, mentions, measures.cues_in(text))
    made: list[tuple[Item, Proposal]] = []
    previous_change: Item | None = None
    for item in items:
        shown = _shown(article, sentence, item)
        unit = item.figure.unit if item.kind in ("level", "percent") else ""
        why_not = scope.not_export(text, item.start, item.end, unit)
        if not why_not and _forecast(text, item):
            why_not = "a forecast or a target, not a statistic"
        if why_not:
            skip(why_not, [item])
            continue
        flags = list(item.period_flags)
        if item.kind in ("level", "percent") and item.figure.doubt:
            flags.append(item.figure.doubt)

        product, phrase = _product(text, item, products, items)
        if product == series.OTHER:
            skip(f"another product ('{phrase}'), never claimed as magnets", [item])
            context.product = series.OTHER  # the figures that follow without a product are about it too
            continue
        if product is None:
            product = context.product or context.product_mention
            if product == series.OTHER:
                skip("another product, named before, never claimed as magnets", [item])
                continue
            if product is not None:
                flags.append(f"product not named in the sentence: {product} from the text before")
            elif context.later_product is not None:
                product = context.later_product
                flags.append(f"product not named before: {product}, the product the article names later")
            elif any(e[2] != series.OTHER for e in products):   # a phrase elsewhere in the sentence, last of all
                product = next(e[2] for e in products if e[2] != series.OTHER)
                flags.append(f"product taken from elsewhere in the sentence: {product}")
            else:
                skip("no product named", [item])
                continue
        place = _destination(text, item, places, items)
        if place is not None and place.code == "region":
            skip(f"a region ('{text[place.start:place.end]}'), not a country", [item])
            continue
        if place is not None and place.code == "CN":
            skip("exports to China, not China's exports", [item])
            continue
        if place is not None:
            destination = place.code
        elif anaphoric and context.destination != "world":
            destination = context.destination
            flags.append(f"destination {destination} from the sentence this one continues")
        else:
            destination = "world"
        series_name = f"{product}/{destination}"

        if item.kind == "level" and item.base_level and item.period is None:
            lag = next((i.lag for i in items if i.kind in CHANGES and i.lag), None)
            item.period = _guess_base_period(items, item, context)
            if item.period is None:
                skip("a comparison base whose period cannot be told", [item])
                continue
            flags.append(f"the base's period is not named: {period_text(item.period)} guessed from the comparison"
                         if lag else f"the base's period is not named: {period_text(item.period)}, the month before")
        if item.kind == "ranking" and item.base_of is not None and item.base_of.period is not None:
            item.period = item.base_of.period
            flags = [f for f in flags if not f.startswith("period not named")]
        if item.period is None:
            skip("no period named and none before", [item])
            continue
        period = item.period

        if item.kind == "level" and period[0] != period[1] and MONTHLY.search(before(text, item.start, 80)):
            skip("a monthly figure over a longer period, not a level of that period", [item])
            # "In May, however, it fell to 46 tons": later sentences point back to the exports named here
            context.destination = place.code if place is not None else "world"
            context.product, context.period = product, period
            context.figure_sentence, context.figure_paragraph = sentence.index, sentence.paragraph
            continue
        if item.kind == "level":
            qualifier, hedge = qualifiers.qualifier_before(before(text, item.start))
            rule = "level: a tonnage" + (" stated as the base of a comparison" if item.base_level else "")
            made.append((item, _proposal(series_name, period, "level", item.figure.value, item.figure.unit, qualifier,
                                         evidence, rule, hedge, flags, shown)))
            continue
        if item.kind == "ranking":
            proposal = _ranking(item, period, series_name, evidence, flags, shown, out)
            if proposal is not None:
                made.append((item, proposal))
            continue

        lag, base_how = _lag(item, period, previous_change, anaphoric, context, pub, flags)
        if isinstance(lag, str):
            skip(lag, [item])
            continue
        period = item.period  # a month's comparison may have narrowed a period taken from context
        item.lag = lag
        if item.kind == "percent":
            proposal = _percent(text, items, item, previous_change, series_name, period, lag, base_how, evidence,
                                flags, shown)
            if proposal is None:
                skip("a percentage with no direction, or the level of a share or a rate: not a change", [item])
                continue
        else:
            proposal = _multiple(text, item, series_name, period, lag, base_how, evidence, flags, shown)
        made.append((item, proposal))
        previous_change = item

    if made:
        out.proposals += [proposal for _, proposal in made]
        # the sentence's own figures, not its comparison bases (nor rankings, which may rank a base)
        own = [(item, proposal) for item, proposal in made if not item.base_level and item.kind != "ranking"] or made
        last = own[-1][1]
        context.product, context.destination = last.series.split("/")
        context.period = own[-1][0].period
        lags = [item.lag for item, _ in made if item.lag is not None]
        if lags:
            context.lag = lags[-1]
        context.figure_sentence, context.figure_paragraph = sentence.index, sentence.paragraph
        singles = [item.period[0] for item, _ in own if item.period[0] == item.period[1]]
        if singles:
            context.latest_reported = max(singles + ([context.latest_reported] if context.latest_reported else []))
    _remember(text, mentions, products, pub, context)


def _not_about_our_exports(text: str, products, continues: bool, their_imports: bool = False) -> str:
    """Why none of a sentence's figures is one of our export statistics (scope.py's sentence rules), or ''."""
    if not (scope.speaks_of_trade(text) or series.destinations_in(text) or continues):
        return "the sentence does not speak of exports"
    if scope.IMPORT_WORDS.search(text) and not scope.EXPORT_WORDS.search(text) and not series.destinations_in(text) \
            and not their_imports:
        return "imports, not exports"
    if scope.LIST.search(text):
        return "a list of figures paired 'respectively' with a list of names"
    if not products and (scope.GENERAL_TRADE.search(text) or scope.OTHER_GOODS.search(text)):
        return "China's trade in general, no product named"
    unknown = scope.EXPORTS_OF.search(text)
    if unknown and not products and not re.match(r"rare|magnet|permanent|17|seventeen", unknown.group("what"), re.I):
        return f"exports of '{unknown.group('what')}', not a product we track"
    return ""


def _forecast(text: str, item: Item) -> bool:
    """A forecast word in the figure's clause, before it or after it."""
    start = max((m.end() for m in GAP_BOUNDARY.finditer(text, max(0, item.start - 200), item.start)),
                default=max(0, item.start - 200))
    after = GAP_BOUNDARY.search(text, item.end)
    end = after.start() if after else len(text)
    return bool(scope.FORECAST.search(text[start:item.start]) or scope.FORECAST.search(text[item.end:end]))


def _guess_base_period(items: list[Item], item: Item, context: Context) -> tuple[int, int] | None:
    """A base level with no period of its own ("rose 20% from 4,000 tons"): the period of the
    change it is compared with, moved back by that change's base (a month when none is known)."""
    changes = [i for i in items if i.kind in CHANGES and i.period is not None]
    change = changes[0] if changes else None
    reference = change.period if change is not None else next(
        (i.period for i in items if i.period is not None and not i.base_level), context.period)
    if reference is None:
        return None
    lag = change.lag if change is not None and change.lag else 1
    return reference[0] - lag, reference[1] - lag


def _lag(item: Item, period, previous_change: Item | None, anaphoric: bool, context: Context, pub: int,
         flags: list[str]):
    """(months back, how it was found) for a change, or the reason it is not a ledger measure."""
    found = item.base_used
    if item.two_months and found is None:  # "fell by half between April and May": May on April
        item.period = (period[1], period[1])
        return 1, f"'{item.two_months}': the second month on the first"
    if item.period_from_context and period[0] != period[1] and context.latest_reported is not None and (
            (isinstance(found, Mention) and re.search(r"\bmonth\b", found.text, re.I))
            or (isinstance(found, Mention) and found.kind == "month") or (not isinstance(found, Mention) and found
                                                                          and found[2] == 1)):
        # "Compared with the same month a year ago, exports were up 21%" after a year-to-date figure:
        # a month's comparison, so the month the article reports, not the range before it
        period = item.period = (context.latest_reported, context.latest_reported)
        flags[:] = [f for f in flags if not f.startswith("period not named")]
        flags.append(f"period not named in the sentence: {month_text(period[0])}, the month the article reports")
    if isinstance(found, Mention) and found.kind == "year":
        # "down 5.2% from 2024" of a year to date: the same months of that year
        shift = 12 * (period[0] // 12 - found.year)
        if shift <= 0:
            return f"compared with {found.year}, not a year before the period", ""
        base = periods.Resolved((period[0] - shift, period[1] - shift))
        if period[1] - period[0] != 11:
            flags.append(f"'{found.text}' taken as the same months of {found.year}")
    elif isinstance(found, Mention):
        base = _resolve(found, pub, period, context)
    if isinstance(found, Mention):
        if base is None:
            return f"compared with '{found.text}', which cannot be dated", ""
        if base.period[1] - base.period[0] != period[1] - period[0]:
            return f"compared with {period_text(base.period)}, a period of another length", ""
        lag, how = period[0] - base.period[0], f"compared with '{found.text}' ({period_text(base.period)})"
    elif found is not None:
        lag, how = found[2], f"cue '{found[3]}'"
    elif previous_change is not None and previous_change.lag is not None:
        lag, how = previous_change.lag, "the base of the change before it in the sentence"
        if previous_change.base_guessed:
            flags.append("base not stated: taken as the change before it, itself a guess")
            item.base_guessed = True
    elif (anaphoric or context.figure_sentence >= context.sentence - 2) and context.lag is not None:
        lag, how = context.lag, "the base of the change in the sentence before"
        flags.append(f"base not stated: taken from the change before ({'month' if context.lag == 1 else 'year'}-on-"
                     f"{'month' if context.lag == 1 else 'year'})")
    elif period[0] == period[1]:
        lag, how = 1, "no base stated"
        flags.append(GUESSED_BASE)
        item.base_guessed = True
    else:
        lag, how = 12, "a range's change is on the same range a year earlier"
    if lag not in (1, 12) or (lag == 1 and period[0] != period[1]):
        return f"a change over {lag} months ({how}), not a ledger measure", ""
    return lag, how


def _percent(text, items, item, previous_change, series_name, period, lag, base_how, evidence, flags, shown):
    figure = item.figure
    if figure.signed:
        sign, word = (1, "a plus sign") if figure.plus else (-1, "a minus sign")
    else:
        index = items.index(item)
        window_start = max((i.end for i in items[:index]), default=0)
        after_end = min((i.start for i in items[index + 1:]), default=len(text))
        sign, word = measures.direction_of(text[window_start:item.start], text[item.end:after_end])
        if sign == 0 and previous_change is not None and previous_change.sign:
            sign, word = previous_change.sign, "the direction of the change before it"
    if sign == 0:
        return None
    if not figure.signed and RATE_LEVEL.search(before(text, item.start, 40)) \
            and not measures.DIRECTION_AFTER.match(after(text, item.end)):
        if previous_change is None or not previous_change.sign:
            return None  # "up from 8% in June", "slowed to 5%": the level of a share or a rate
        # "a decline of 15%, down from 18.9% in the first half": the same kind of change, earlier
        sign, word = previous_change.sign, "the sign of the change it is compared with"
    item.sign = sign
    qualifier, hedge = qualifiers.qualifier_before(before(text, item.start))
    value = figure.value.lstrip("-")
    value = ("-" + value) if sign < 0 else value
    measure = "mom_pct" if lag == 1 else "yoy_pct"
    return _proposal(series_name, period, measure, value, "%", qualifier, evidence,
                     f"{measure}: a % change ('{word}'), {base_how}", hedge, flags, shown)


def _multiple(text, item, series_name, period, lag, base_how, evidence, flags, shown):
    multiple: measures.Multiple = item.figure
    qualifier, hedge = qualifiers.qualifier_before(before(text, item.start))
    if multiple.hedge:
        hedge = re.sub(r"\s+", " ", multiple.hedge)
        qualifier = qualifiers.QUALIFIER_WORDS.get(hedge, "about")
    if qualifier == "exact" and multiple.verb:
        qualifier = "about"
        flags.append(f"'{shown}' is a loose figure: taken as about")
    item.sign = 1 if float(multiple.ratio) >= 1 else -1
    if multiple.ratio == "0.5":
        measure = "mom_pct" if lag == 1 else "yoy_pct"
        return _proposal(series_name, period, measure, "-50", "%", qualifier, evidence,
                         f"{measure} -50: {multiple.rule}, {base_how}", hedge, flags, shown)
    if lag == 1:
        return _proposal(series_name, period, "mom_ratio", multiple.ratio, "x", qualifier, evidence,
                         f"mom_ratio: {multiple.rule}, {base_how}", hedge, flags, shown)
    percent = _ratio_as_percent(multiple.ratio)
    flags.append(f"a multiple of a year earlier written as a change ({multiple.ratio}x = +{percent}%)")
    return _proposal(series_name, period, "yoy_pct", percent, "%", qualifier, evidence,
                     f"yoy_pct: {multiple.rule}, {base_how}", hedge, flags, shown)


def _remember(text: str, mentions: list[Mention], products, pub: int, context: Context) -> None:
    """The month named last (for "that month") and the product a sentence says is exported, the
    first such phrase ("exports of rare earth products -- including magnets --" is about the
    products), for a figure whose sentence names none before any figure has set the product."""
    for mention in mentions:
        if mention.kind == "month" and not mention.base:
            resolved = periods.resolve(mention, pub)
            if resolved is not None:
                context.last_month_named = resolved.period[0]
    for start, end, product, _ in products:
        if series.flow_bound(text, start, end):
            context.product_mention = product
            break


def _ranking(item: Item, period, series_name: str, evidence: str, flags: list[str], shown: str, out: Extraction):
    ranking: measures.Ranking = item.figure
    start, end = period
    flags = list(flags)
    if ranking.months_back is not None and ranking.hedge:
        # "the lowest in more than five years" names no month the ledger could state
        out.skipped.append((shown, f"a ranking since an unnamed month ('{ranking.hedge}')", evidence))
        return None
    if ranking.months_back is not None:
        since = start - ranking.months_back
        rule = f"{ranking.measure}: '{shown}', {ranking.months_back} months before the period"
    elif ranking.month is not None and ranking.year is not None:
        since = ranking.year * 12 + ranking.month - 1
        rule = f"{ranking.measure}: since {month_text(since)}"
    elif ranking.month is not None:
        since = periods.latest(ranking.month, start - 1)
        rule = f"{ranking.measure}: since {month_text(since)} (the latest such month before the period)"
    elif start != end:  # a range: the same range's first month in that year
        since = ranking.year * 12 + (start % 12)
        rule = f"{ranking.measure}: a range's ranking, since the same range in {ranking.year}"
    else:
        since = ranking.year * 12 + 11
        rule = f"{ranking.measure}: since {ranking.year}"
        flags.append(f"a month ranked since a year: taken as December {ranking.year}")
    if since >= start:
        out.skipped.append((shown, "a ranking since a month that is not before the period", evidence))
        return None
    return _proposal(series_name, period, ranking.measure, month_text(since), "month", "exact", evidence, rule, "",
                     flags, shown)


def _ratio_as_percent(ratio: str) -> str:
    """'3' -> '200', '2.4' -> '140': the multiple as a % change, with the same written precision."""
    decimals = len(ratio.split(".")[1]) if "." in ratio else 0
    percent = (float(ratio) - 1) * 100
    return f"{percent:.{max(decimals - 2, 0)}f}"


def _proposal(series_name, period, measure, value, unit, qualifier, evidence, rule, hedge, flags, shown) -> Proposal:
    parts = [rule]
    if hedge:
        parts.append(f"'{hedge}' -> {qualifier}")
    return Proposal(series=series_name, period=period_text(period), measure=measure, value=value, unit=unit,
                    qualifier=qualifier, evidence=evidence, note=note_of(", ".join(parts), flags), figure=str(shown),
                    figure_at=shown.at, flags=tuple(flags))


class Shown(str):
    """A figure as the article wrote it, knowing where it starts in its sentence's evidence."""
    at: int = -1


def _shown(article: Article, sentence: Sentence, item: Item) -> Shown:
    shown = Shown(article.evidence(sentence.start + item.start, sentence.start + item.end))
    shown.at = article.origin[sentence.start + item.start] - article.origin[sentence.start]
    return shown


GUESSED_BASE = "base not stated: taken as month-on-month"


def _once_per_source(proposals: list[Proposal]) -> list[Proposal]:
    """One row per figure: of the statements of one figure, the one with fewest doubts, in text order;
    a change whose base was guessed goes when the same figure is stated with its base."""
    def loose(p: Proposal):
        return (p.series, p.period, p.unit, p.value.lstrip("-"))

    stated = {loose(p) for p in proposals if p.measure in ("mom_pct", "yoy_pct") and GUESSED_BASE not in p.flags}
    proposals = [p for p in proposals if not (GUESSED_BASE in p.flags and p.measure == "mom_pct" and loose(p) in stated)]
    best: dict[tuple, int] = {}
    for position, proposal in enumerate(proposals):
        key = proposal.key()
        if key not in best or len(proposal.flags) < len(proposals[best[key]].flags):
            best[key] = position
    result = []
    for position in sorted(best.values()):
        proposal = proposals[position]
        repeats = sum(1 for p in proposals if p.key() == proposal.key()) - 1
        if repeats:
            proposal = replace(proposal, note=proposal.note + f"; stated {repeats + 1} times in the article, proposed once")
        result.append(proposal)
    return result
