"""The ingest rules, one at a time, on sentences written for these tests (never an article's own)."""
import datetime

import pytest

from magnet_briefing.ingest import propose
from magnet_briefing.ingest.rules import extract

AUG = datetime.date(2025, 8, 20)


def rows(text: str, published: datetime.date = AUG) -> set[tuple]:
    return {(p.series, p.period, p.measure, p.value, p.unit, p.qualifier) for p in propose(text, published)}


def one(text: str, published: datetime.date = AUG, measure: str | None = None):
    found = [p for p in propose(text, published) if measure is None or p.measure == measure]
    assert len(found) == 1, found
    return found[0]


# --- numbers and units -------------------------------------------------------------------------

@pytest.mark.parametrize("written, value, unit", [
    ("5,864.6 tonnes", "5864.6", "t"),
    ("24,827.0 tons", "24827.0", "t"),       # a printed .0 carries precision
    ("1,238 metric tons", "1238", "t"),
    ("4,915 mt", "4915", "t"),               # mt is metric tons, not megatonnes
    ("4,915 MT", "4915", "t"),
    ("5,577t", "5577", "t"),
    ("3.2 million kilograms", "3.2e6", "kg"),
    ("1.2 million kg", "1.2e6", "kg"),
    ("353,000 kilograms", "353000", "kg"),
    ("12 thousand tonnes", "12e3", "t"),
])
def test_numbers_and_units(written, value, unit):
    p = one(f"China's exports of rare earth magnets were {written} in July.")
    assert (p.value, p.unit, p.measure, p.period) == (value, unit, "level", "2025-07")


@pytest.mark.parametrize("minus", ["\u2212", "-", "\u2013"])
def test_a_written_minus_sign_makes_a_fall(minus):
    p = one(f"Magnet exports changed by {minus}5.2% month-on-month in July.")
    assert (p.measure, p.value) == ("mom_pct", "-5.2")


def test_no_break_spaces_inside_figures_and_the_evidence_is_the_articles_own_text():
    text = "Intro line here.\nChina\u2019s magnet exports rose 46\u202fpercent in July to 1,116\u00a0tons."
    found = propose(text, AUG)
    assert {(p.measure, p.value) for p in found} == {("mom_pct", "46"), ("level", "1116")}
    for p in found:
        assert p.evidence in text and p.figure in p.evidence
        assert p.evidence[p.figure_at:].startswith(p.figure)


def test_prices_values_and_percentage_points_are_not_volumes():
    assert rows("The average export price of magnets was $46,985 per tonne in August, down 21% from a year earlier.") == set()
    assert rows("Magnet exports were worth 2.1 billion yuan in July, up 5% on the month.") == set()
    assert rows("Germany's share of magnet exports rose 5 percentage points in July.") == set()


def test_a_range_of_percentages_is_not_one_figure():
    assert rows("Magnet exports may rise 10-15% in July, traders said.") == set()


# --- measures ------------------------------------------------------------------------------------

@pytest.mark.parametrize("base", ["from June", "on the previous month", "month-on-month", "compared with June",
                                  "from a month earlier", "MoM", "over June"])
def test_month_on_month_cues(base):
    p = one(f"China's rare earth magnet exports rose 12.5% {base} in July.", measure=None)
    assert (p.measure, p.value, p.period) == ("mom_pct", "12.5", "2025-07")
    assert not p.uncertain


@pytest.mark.parametrize("base", ["from a year earlier", "than the same month last year", "year-on-year",
                                  "compared with July 2024", "YoY", "on the year", "from the same month in 2024"])
def test_year_on_year_cues(base):
    p = one(f"China's rare earth magnet exports in July were 12.5% higher {base}.")
    assert (p.measure, p.value, p.period) == ("yoy_pct", "12.5", "2025-07")


def test_a_change_with_no_base_is_month_on_month_and_flagged():
    p = one("China's rare earth magnet exports surged 75% in July.")
    assert (p.measure, p.value) == ("mom_pct", "75")
    assert p.uncertain and "month-on-month" in p.note


def test_a_range_changes_on_the_same_range_a_year_earlier():
    p = one("In the first half, magnet exports fell 18.9%.")
    assert (p.period, p.measure, p.value) == ("2025-01..2025-06", "yoy_pct", "-18.9")


def test_a_comparison_over_another_span_is_no_ledger_measure():
    assert rows("China's magnet exports rose 20% in July from April.") == set()


@pytest.mark.parametrize("words, measure, value, qualifier", [
    ("nearly tripled", "mom_ratio", "3", "nearly"),
    ("tripled", "mom_ratio", "3", "about"),
    ("more than doubled", "mom_ratio", "2", "over"),
    ("rose 2.4 times", "mom_ratio", "2.4", "exact"),
    ("saw a threefold increase", "mom_ratio", "3", "exact"),
    ("halved", "mom_pct", "-50", "about"),
    ("fell by half", "mom_pct", "-50", "about"),
    ("fell by more than half", "mom_pct", "-50", "over"),
])
def test_multiples(words, measure, value, qualifier):
    p = one(f"China's exports of rare earth magnets {words} in June.", measure=measure)
    assert (p.period, p.value, p.qualifier) == ("2025-06", value, qualifier)


def test_a_multiple_of_a_year_earlier_is_written_as_a_change_and_flagged():
    p = one("China's exports of rare earth magnets doubled in July from a year earlier.")
    assert (p.measure, p.value, p.qualifier) == ("yoy_pct", "100", "about") and p.uncertain


@pytest.mark.parametrize("words, measure, since", [
    ("the lowest monthly level since February 2020", "lowest_since", "2020-02"),
    ("the highest monthly volume since January", "highest_since", "2025-01"),
    ("the most since January", "highest_since", "2025-01"),
    ("a seven-month high", "highest_since", "2024-12"),     # seven months before the period
    ("the highest in a year", "highest_since", "2024-07"),  # as the codebook encodes c37
    ("a 10-month low", "lowest_since", "2024-09"),
])
def test_rankings(words, measure, since):
    p = one(f"China's rare earth magnet exports reached 5,000 tons in July, {words}.", measure=measure)
    assert (p.period, p.value, p.unit, p.qualifier) == ("2025-07", since, "month", "exact")


def test_a_range_ranking_since_a_year_is_that_years_range():
    p = one("Magnet exports in January to May totalled 19,000 tons, the lowest for the period since 2021.",
            measure="lowest_since")
    assert (p.period, p.value) == ("2025-01..2025-05", "2021-01")


def test_rankings_of_a_change_and_records_are_not_proposed():
    assert {r[2] for r in rows("Magnet exports jumped 40% in July, the biggest jump since 2020.")} == {"mom_pct"}
    assert {r[2] for r in rows("Magnet exports hit a record high of 7,000 tons in July.")} == {"level"}


def test_a_ranking_of_a_base_figure_ranks_its_period():
    found = rows("Magnet exports were 5,774 tons in September, down from a seven-month high of 6,146 tons in August.",
                 datetime.date(2025, 10, 20))
    assert ("magnets/world", "2025-08", "highest_since", "2025-01", "month", "exact") in found
    assert ("magnets/world", "2025-08", "level", "6146", "t", "exact") in found


# --- periods -------------------------------------------------------------------------------------

@pytest.mark.parametrize("words, published, period", [
    ("in July", AUG, "2025-07"),
    ("in December", datetime.date(2026, 1, 20), "2025-12"),
    ("in May 2024", AUG, "2024-05"),
    ("last month", AUG, "2025-07"),
    ("from January to May", AUG, "2025-01..2025-05"),
    ("in January-May", AUG, "2025-01..2025-05"),
    ("in the first five months", AUG, "2025-01..2025-05"),
    ("in the first half", AUG, "2025-01..2025-06"),
    ("in the first half", datetime.date(2026, 3, 1), "2025-01..2025-06"),
    ("in the first three quarters", datetime.date(2025, 10, 20), "2025-01..2025-09"),
    ("in the first quarter of 2026", datetime.date(2026, 4, 20), "2026-01..2026-03"),
    ("for all of 2024", AUG, "2024-01..2024-12"),
    ("in January and February combined", AUG, "2025-01..2025-02"),
])
def test_periods_resolve_against_the_publication_date(words, published, period):
    p = one(f"China's exports of rare earth magnets totalled 5,000 tons {words}.", published)
    assert p.period == period


def test_year_to_date_ends_at_the_month_the_article_reports():
    found = rows("Magnet exports were 5,577 tons in July. Year-to-date exports totalled 27,900 tons.")
    assert ("magnets/world", "2025-01..2025-07", "level", "27900", "t", "exact") in found


def test_cumulative_exports_as_of_a_month_are_a_year_to_date():
    p = one("As of August 2025, cumulative exports of rare earth magnets reached 34,041 mt.",
            datetime.date(2025, 9, 25))
    assert p.period == "2025-01..2025-08"


def test_that_month_is_the_month_named_before_and_is_flagged():
    p = one("Export controls were tightened in April. Magnet exports dropped 50% that month.", datetime.date(2025, 6, 11))
    assert p.period == "2025-04" and p.uncertain


def test_a_sentence_without_a_period_takes_the_previous_figures_and_says_so():
    text = "Magnet exports rose 10% in July to 5,000 tons. Year-on-year, the increase was 5%."
    p = [x for x in propose(text, AUG) if x.measure == "yoy_pct"][0]
    assert p.period == "2025-07" and "period not named" in p.note


def test_a_day_is_not_a_period():
    p = one("On June 7, officials said magnet exports fell 5% in May from April.", datetime.date(2025, 6, 20))
    assert p.period == "2025-05"


# --- the comparison base stated as its own figure -----------------------------------------------

def test_a_base_figure_of_the_same_month_a_year_earlier():
    found = rows("China's magnet exports in October were 5,473 tons, up 15.8% from 4,725 tons in the same month in 2024.",
                 datetime.date(2025, 11, 20))
    assert found == {("magnets/world", "2025-10", "level", "5473", "t", "exact"),
                     ("magnets/world", "2025-10", "yoy_pct", "15.8", "%", "exact"),
                     ("magnets/world", "2024-10", "level", "4725", "t", "exact")}


def test_base_figures_of_the_month_before_and_a_year_earlier():
    found = rows("Magnet exports were 5,774 tons in September, compared with 6,146 tons in August and 4,915 tons "
                 "a year earlier.", datetime.date(2025, 10, 20))
    assert {(r[1], r[3]) for r in found} == {("2025-09", "5774"), ("2025-08", "6146"), ("2024-09", "4915")}


def test_a_range_base_figure():
    found = rows("Over the first five months of 2025, exports of rare earths rose to 24,827.0 tons, up from 24,266.5 tons "
                 "during the same period in 2024.", datetime.date(2025, 6, 11))
    assert found == {("rare_earths/world", "2025-01..2025-05", "level", "24827.0", "t", "exact"),
                     ("rare_earths/world", "2024-01..2024-05", "level", "24266.5", "t", "exact")}


def test_a_base_figure_with_no_period_is_the_month_before_and_flagged():
    found = propose("Magnet shipments to the US rose to 353 tons in June, up from just 46 tons.", datetime.date(2025, 7, 20))
    base = [p for p in found if p.value == "46"][0]
    assert (base.series, base.period, base.uncertain) == ("magnets/US", "2025-05", True)


# --- qualifiers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("hedge, qualifier", [
    ("nearly", "nearly"), ("almost", "nearly"), ("just under", "nearly"), ("close to", "nearly"),
    ("about", "about"), ("roughly", "about"), ("approximately", "about"), ("some", "about"), ("around", "about"),
    ("over", "over"), ("more than", "over"), ("above", "over"), ("just over", "over"),
    ("under", "under"), ("less than", "under"), ("below", "under"),
    ("just", "exact"), ("", "exact"),
])
def test_qualifiers(hedge, qualifier):
    p = one(f"China's exports of rare earth magnets were {hedge} 5,000 tons in July.".replace("  ", " "))
    assert (p.value, p.qualifier) == ("5000", qualifier)


def test_a_word_after_the_figure_is_not_its_hedge():
    p = one("Germany received magnet shipments of 1,116 tons in July, a 46 percent increase over June.", measure="mom_pct")
    assert p.qualifier == "exact"


# --- series: products and destinations ------------------------------------------------------------

@pytest.mark.parametrize("product, series", [
    ("rare earth magnets", "magnets/world"), ("rare-earth magnets", "magnets/world"),
    ("permanent magnets", "magnets/world"), ("NdFeB magnets", "magnets/world"),
    ("rare earths", "rare_earths/world"), ("17 types of rare earths", "rare_earths/world"),
])
def test_products(product, series):
    assert one(f"China's exports of {product} rose 5% in July from June.").series == series


@pytest.mark.parametrize("product", ["rare-earth products", "magnet powder", "magnet alloys", "rare earth oxides",
                                     "dysprosium", "rare earth metals"])
def test_other_products_are_never_claimed(product):
    assert rows(f"China's exports of {product} rose 5% in July from June to 900 tons.") == set()


def test_figures_after_another_products_figure_stay_with_it():
    text = ("China's exports of rare earth products fell in May, Bloomberg calculated. "
            "Volumes sold overseas fell 61% from a year earlier to 2,117 tons.")
    assert rows(text, datetime.date(2025, 6, 20)) == set()


def test_a_product_named_earlier_carries_over_flagged():
    text = "China's rare earth magnet exports rose 10% in July. Shipments to Japan were 300 tons."
    p = [x for x in propose(text, AUG) if x.measure == "level"][0]
    assert p.series == "magnets/JP" and "product not named in the sentence" in p.note


@pytest.mark.parametrize("name, code", [
    ("the U.S.", "US"), ("the United States", "US"), ("the US", "US"), ("Germany", "DE"), ("South Korea", "KR"),
    ("Vietnam", "VN"), ("Thailand", "TH"), ("India", "IN"), ("Japan", "JP"), ("the European Union", "EU"),
    ("Mexico", "MX"),
])
def test_destinations(name, code):
    assert one(f"Exports of rare earth magnets to {name} rose 20% in July from June.").series == f"magnets/{code}"


@pytest.mark.parametrize("sentence, code", [
    ("Germany received 1,116 tons of rare earth magnets in July.", "DE"),
    ("The United States also recorded 619 tons of magnet imports in July.", "US"),
    ("In July, 353 tons of rare earth magnets were sold to the US.", "US"),
    ("U.S.-bound shipments of magnets were 619 tons in July.", "US"),
    ("Germany was the top destination for magnet exports with 1,116 tons in July.", "DE"),
])
def test_destinations_in_an_importers_role(sentence, code):
    assert one(sentence).series == f"magnets/{code}"


def test_a_country_named_outside_an_export_role_is_not_a_destination():
    p = one("China's exports of rare earth magnets nearly tripled in June after a trade deal with the U.S.")
    assert p.series == "magnets/world"


def test_a_region_is_not_a_series():
    assert rows("Exports of magnets to Europe surged to 2,821 tons in August.") == set()


def test_the_destination_carries_to_a_sentence_pointing_back():
    text = "In June, 353 tons of rare earth magnets were sold to the US. This represents a 660% surge from May."
    found = rows(text, datetime.date(2025, 7, 20))
    assert ("magnets/US", "2025-06", "mom_pct", "660", "%", "exact") in found


def test_a_new_sentence_about_exports_is_the_world_again():
    text = ("Exports of rare earth magnets to the U.S. fell 52% year-on-year in June. "
            "Meanwhile, total exports reached 3,188 tons.")
    found = rows(text, datetime.date(2025, 7, 20))
    assert ("magnets/world", "2025-06", "level", "3188", "t", "exact") in found


# --- not export figures ----------------------------------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "China dominates the rare earth magnet market, producing over 90% of supply.",
    "China holds about 40% of global rare earth reserves and accounts for nearly 70% of global production.",
    "With over 90 percent of the world's magnet refining capacity in China, exports matter.",
    "Central Bank Cuts Repo Rate to 5.25% as Inflation Cools",
    "China's rare earth production quota for 2025 rose 10% to 270,000 tons.",
    "The U.S. imposed tariffs of 145% on Chinese magnets in April.",
    "The industry expects magnet exports in 2025 to be approximately 49,000 tons.",
    "China imported 114.8 tons of rare earth ore from Myanmar in August, up 17% from July.",
    "China's overall exports grew 4.4% in August from a year earlier.",
    "Germany, the US and Japan took 17%, 14% and 12% of magnet exports respectively.",
    "Of the monthly increase of 600 tons in magnet exports, Europe contributed over 90%.",
])
def test_not_export_figures(sentence):
    assert rows(sentence) == set()


def test_left_out_figures_say_why():
    found = extract("China dominates the rare earth magnet market, producing over 90% of supply.", AUG)
    assert not found.proposals and found.skipped and all(reason for _, reason, _ in found.skipped)


def test_unrelated_headlines_below_an_article_borrow_nothing_from_it():
    text = ("China's exports of rare earth magnets fell 5% in May from April.\n"
            "Dollar Slides 2% as Markets Await Inflation Data\n"
            "Gold Prices Edge Higher by 1.5% on Rate Cut Bets")
    assert rows(text, datetime.date(2025, 6, 20)) == {("magnets/world", "2025-05", "mom_pct", "-5", "%", "exact")}


# --- one row per figure ------------------------------------------------------------------------------

def test_a_figure_in_the_headline_and_the_body_is_proposed_once():
    text = ("Rare Earth Exports Surge 23% in May\n"
            "In May, China's rare earth exports rose 23% month-on-month to 5,864.6 tons.")
    found = propose(text, datetime.date(2025, 6, 11))
    assert sorted((p.measure, p.value) for p in found) == [("level", "5864.6"), ("mom_pct", "23")]
    assert not [p for p in found if p.measure == "mom_pct"][0].uncertain  # the body's statement, base stated


def test_a_guessed_base_gives_way_to_the_same_figure_with_its_base():
    text = ("China's magnet exports fall 1.6% in March\n"
            "China's exports of rare earth magnets in March slipped 1.6% from a year earlier.")
    assert rows(text, datetime.date(2026, 4, 20)) == {("magnets/world", "2026-03", "yoy_pct", "-1.6", "%", "exact")}


# --- wire-story habits ---------------------------------------------------------------------------------

def test_the_worlds_largest_producer_as_a_subject_is_still_exports():
    text = "China's rare earth exports fell in March. Exports from the world's largest producer were 4,400 tonnes."
    assert ("rare_earths/world", "2025-03", "level", "4400", "t", "exact") in rows(text, datetime.date(2025, 4, 13))


def test_a_plus_sign_makes_a_rise():
    p = one("Rare earth exports in the first half were 32,000 tonnes (+11.9 percent year-on-year).", measure="yoy_pct")
    assert (p.period, p.measure, p.value) == ("2025-01..2025-06", "yoy_pct", "11.9")


def test_when_records_start_is_not_a_figures_period():
    text = ("Rare earth shipments totalled 4,316.7 tonnes last month, down from 5,551.4 tonnes in March, which was the "
            "highest in records going back to June 2014, and down 0.3% from a year earlier.")
    found = rows(text, datetime.date(2020, 5, 7))
    assert ("rare_earths/world", "2020-04", "yoy_pct", "-0.3", "%", "exact") in found
    assert ("rare_earths/world", "2020-03", "level", "5551.4", "t", "exact") in found


def test_a_later_period_across_and_belongs_to_the_later_figure():
    text = ("Rare earth exports stood at 1,620 tonnes last month. That was down 69.1% year-on-year and the lowest "
            "since China shipped 1,457 tonnes in January 2015.")
    found = rows(text, datetime.date(2020, 8, 7))
    assert ("rare_earths/world", "2020-07", "yoy_pct", "-69.1", "%", "exact") in found


def test_a_figure_before_any_other_takes_the_month_named_before_flagged():
    text = ("China's exports of rare earth magnets to the United States fell sharply in September. "
            "Exports to the U.S. dropped 28.7% from August to 420.5 tonnes.")
    found = propose(text, datetime.date(2025, 10, 20))
    assert {(p.series, p.period, p.measure, p.value) for p in found} == {
        ("magnets/US", "2025-09", "mom_pct", "-28.7"), ("magnets/US", "2025-09", "level", "420.5")}
    assert all(p.uncertain for p in found)


def test_after_a_year_to_date_figure_a_new_sentence_speaks_of_the_month():
    text = ("Magnet exports were 6,146 tons in August. As of August, cumulative exports reached 34,041 tons. "
            "Germany imported 1,341 tons of the magnets.")
    found = rows(text, datetime.date(2025, 9, 25))
    assert ("magnets/world", "2025-01..2025-08", "level", "34041", "t", "exact") in found
    assert ("magnets/DE", "2025-08", "level", "1341", "t", "exact") in found


def test_it_marks_points_back_across_a_sentence():
    text = ("China exported 7,742 metric tonnes of rare earths last month. This is according to customs data. "
            "Additionally, it marks a 60-percent increase from June 2024.")
    assert ("rare_earths/world", "2025-06", "yoy_pct", "60", "%", "exact") in rows(text, datetime.date(2025, 7, 16))


def test_a_cue_in_brackets_does_not_cut_a_figure_from_its_period():
    p = one("China's rare earth magnet exports plummeted 74% year-on-year (YoY) in May.", datetime.date(2025, 6, 20))
    assert (p.period, p.measure, p.value) == ("2025-05", "yoy_pct", "-74")


@pytest.mark.parametrize("words", ["the highest level in a full year", "the highest monthly figure in the past year",
                                   "the highest in one year"])
def test_a_year_high_however_written(words):
    p = one(f"Rare earth exports reached 5,864.6 tonnes in May, {words}.", datetime.date(2025, 6, 11),
            measure="highest_since")
    assert p.value == "2024-05"


def test_a_change_between_two_months_is_the_second_on_the_first():
    p = one("Data showed that magnet exports had fallen by half between April and May.", datetime.date(2025, 6, 9))
    assert (p.period, p.measure, p.value, p.qualifier) == ("2025-05", "mom_pct", "-50", "about")


def test_the_17_mineral_group_is_the_rare_earth_total():
    text = ("Magnet exports fell by half in April. In the first five months the exports of the 17-mineral group "
            "rose to 24,827 tonnes.")
    assert ("rare_earths/world", "2025-01..2025-05", "level", "24827", "t", "exact") in rows(text, datetime.date(2025, 6, 9))


@pytest.mark.parametrize("product, series", [("rare earth elements", "rare_earths/world"),
                                             ("seven rare earth elements", None), ("heavy rare earths", None)])
def test_rare_earth_elements_are_the_total_unless_some_are_named(product, series):
    found = rows(f"Exports of {product} rose 5% in July from June.")
    assert {r[0] for r in found} == ({series} if series else set())


def test_a_destination_named_as_the_top_market():
    found = rows("Exports of magnets to the United States were up 13% in July from June, while those to top market "
                 "Germany rose 14.4%.")
    assert ("magnets/DE", "2025-07", "mom_pct", "14.4", "%", "exact") in found


def test_at_before_a_tonnage_is_not_per_tonne():
    found = rows("Magnet exports to Denmark were down 22% at 274.1 tonnes in July from June.")
    assert ("magnets/DK", "2025-07", "mom_pct", "-22", "%", "exact") in found


def test_year_over_year_after_the_figure():
    p = one("Rare earth exports from January to May reached 24,827 tonnes, a 2.3% year-over-year increase.",
            datetime.date(2025, 6, 10), measure="yoy_pct")
    assert (p.period, p.value) == ("2025-01..2025-05", "2.3")


def test_january_and_february_are_reported_together():
    p = one("Rare earth exports were down 17.3% in January and February from a year earlier.", datetime.date(2020, 3, 25))
    assert (p.period, p.measure) == ("2020-01..2020-02", "yoy_pct")


def test_n_month_exports_are_the_first_n_months():
    p = one("Magnet exports rose in September; nine-month exports totaled 39,817 tonnes.", datetime.date(2025, 10, 20))
    assert p.period == "2025-01..2025-09"


def test_what_follows_general_trade_figures_stays_out():
    text = ("China's rare earth exports rose 23% in May from April. China's overall exports grew 4.8% in May from a year "
            "earlier. However, this was slower than April's 8.1% growth.")
    assert rows(text, datetime.date(2025, 6, 9)) == {("rare_earths/world", "2025-05", "mom_pct", "23", "%", "exact")}


def test_a_sentence_not_pointing_back_speaks_of_the_month_the_article_reports():
    text = ("Magnet exports fell 6.1% in September to 5,774 tonnes. The decline followed a high of 6,146 tonnes in August. "
            "On a year-on-year basis shipments rose about 17.5%.")
    assert ("magnets/world", "2025-09", "yoy_pct", "17.5", "%", "about") in rows(text, datetime.date(2025, 10, 20))


def test_a_list_of_destinations_each_with_its_figure():
    found = rows("Magnet exports fell 6.1% in September. By destination, Germany took 1,200 tons, South Korea 700 tons "
                 "and the US 420 tons.", datetime.date(2025, 10, 20))
    assert {(r[0], r[3]) for r in found if r[2] == "level"} == {("magnets/DE", "1200"), ("magnets/KR", "700"),
                                                                 ("magnets/US", "420")}


def test_a_base_figure_in_brackets_with_its_period():
    found = rows("Magnet exports rose 10% to 5,000 tonnes in September (4,545 tonnes a year earlier).",
                 datetime.date(2025, 10, 20))
    assert ("magnets/world", "2024-09", "level", "4545", "t", "exact") in found
    assert ("magnets/world", "2025-09", "yoy_pct", "10", "%", "exact") in found


def test_the_level_of_a_share_is_not_a_change():
    assert rows("The US took 11.3% of China's magnet exports in September, up from 8% in August.",
                datetime.date(2025, 10, 20)) == set()


def test_kilotonnes_and_pc():
    found = rows("Magnet exports were 4.2 kt in September, up 62.8pc year on year.", datetime.date(2025, 10, 20))
    assert found == {("magnets/world", "2025-09", "level", "4.2e3", "t", "exact"),
                     ("magnets/world", "2025-09", "yoy_pct", "62.8", "%", "exact")}


def test_second_highest_is_no_ranking_the_ledger_can_state():
    assert rows("Magnet exports of 5,000 tons in September were the second-highest since January.",
                datetime.date(2025, 10, 20)) == {("magnets/world", "2025-09", "level", "5000", "t", "exact")}


def test_on_a_monthly_basis():
    p = one("On a monthly basis, magnet exports to Japan rose 4% in September.", datetime.date(2025, 10, 20))
    assert (p.series, p.measure, p.uncertain) == ("magnets/JP", "mom_pct", False)


def test_a_page_with_no_sentence_ends_is_read_in_linear_time():
    """Every rule looks a bounded distance around a figure, so a run-on page cannot stall the command."""
    import time
    page = "1, " * 2000 + "tons " + "May " * 2000 + "% " * 1000 + "exports of magnets rose " * 800
    started = time.perf_counter()
    propose(page, AUG)
    assert time.perf_counter() - started < 3


def test_times_higher_is_a_multiple():
    p = one("Magnet shipments to the US in June were seven times higher than in May.", datetime.date(2025, 7, 20))
    assert (p.series, p.measure, p.value) == ("magnets/US", "mom_ratio", "7")


@pytest.mark.parametrize("sentence", ["China's EV exports rose 30% in June from May.",
                                      "Export licence approvals for magnets rose 20% in June.",
                                      "Exports of ferrite magnets rose 5% in June from May."])
def test_other_goods_licences_and_ferrite_magnets_are_not_our_series(sentence):
    assert rows(sentence, datetime.date(2025, 7, 20)) == set()


def test_so_far_in_a_year():
    p = one("Magnet exports so far in 2025 totalled 22,319 tons.", datetime.date(2025, 7, 20))
    assert p.period == "2025-01..2025-06" and p.uncertain


def test_rare_earth_minerals_are_the_customs_total():
    p = one("China's exports of rare earth minerals rose 6% in 2024, customs data showed.", datetime.date(2025, 1, 20))
    assert (p.series, p.period, p.measure) == ("rare_earths/world", "2024-01..2024-12", "yoy_pct")


def test_a_ranking_beside_a_base_figure_ranks_the_base():
    found = rows("Rare earth exports in December rose 46.2% from November's 2,949.60 tonnes, a two-year low.",
                 datetime.date(2023, 1, 13))
    assert ("rare_earths/world", "2022-11", "level", "2949.60", "t", "exact") in found
    assert ("rare_earths/world", "2022-11", "lowest_since", "2020-11", "month", "exact") in found


def test_a_percentage_in_words():
    p = one("China's rare earth exports rose by nearly six percent in 2024.", datetime.date(2025, 1, 14))
    assert (p.value, p.qualifier, p.measure) == ("6", "nearly", "yoy_pct")


def test_from_one_number_to_a_tonnage_shares_the_unit():
    found = rows("In 2023, China exported 7.3% more rare earths than in the previous year: exports rose from 48,727 to "
                 "52,306 tons.", datetime.date(2024, 1, 12))
    assert ("rare_earths/world", "2022-01..2022-12", "level", "48727", "t", "exact") in found
    assert ("rare_earths/world", "2023-01..2023-12", "level", "52306", "t", "exact") in found


def test_the_following_month_is_the_month_after_the_one_named():
    p = one("In April, Beijing imposed controls, and US-bound shipments of magnets plunged to less than 50 tonnes "
            "the following month.", datetime.date(2025, 12, 21))
    assert (p.series, p.period, p.value, p.qualifier) == ("magnets/US", "2025-05", "50", "under")


def test_a_line_in_capitals_reads_as_words():
    p = one("CHINA'S OCTOBER RARE EARTH MAGNET EXPORTS TO THE UNITED STATES RISE 56.1% FROM SEPTEMBER",
            datetime.date(2025, 11, 21))
    assert (p.series, p.period, p.measure, p.value) == ("magnets/US", "2025-10", "mom_pct", "56.1")
    assert p.evidence.startswith("CHINA'S OCTOBER")   # the evidence stays as printed


def test_a_year_to_date_compared_with_a_year_is_the_same_months_of_that_year():
    text = "Magnet exports were 5,473 tons in October. Year-to-date exports total 45,290 tons, down 5.2% from 2024."
    assert ("magnets/world", "2025-01..2025-10", "yoy_pct", "-5.2", "%", "exact") in rows(text, datetime.date(2025, 11, 21))


def test_imports_are_not_exports_even_with_customs_data():
    assert rows("China's rare earths imports in the first two months fell 18.6% from the previous year to 22,285 tons, "
                "the customs data showed.", datetime.date(2024, 3, 7)) == set()


def test_a_ranking_of_a_price_is_not_proposed():
    assert rows("The average export price of rare earths dropped 39% to $8,818 per ton, the lowest level since 2017.",
                datetime.date(2025, 3, 1)) == set()


def test_the_month_in_a_determiner_phrase_points_back():
    text = ("For December, outbound shipments of rare earths fell 20% from the month before to 4,392 tons.\n"
            "The December volume was, however, 32% higher than 3,326 tons in the same month in 2024.")
    found = rows(text, datetime.date(2026, 1, 14))
    assert ("rare_earths/world", "2025-12", "yoy_pct", "32", "%", "exact") in found
    assert ("rare_earths/world", "2024-12", "level", "3326", "t", "exact") in found


def test_a_change_compared_with_an_earlier_change():
    found = rows("Magnet exports in the first seven months fell 15%, down from 18.9% in the first half.")
    assert ("magnets/world", "2025-01..2025-06", "yoy_pct", "-18.9", "%", "exact") in found


def test_a_country_in_second_place_and_its_imports():
    text = ("Germany was the world's largest importer of Chinese permanent magnets in July, with 1,116 tonnes. "
            "The United States was in second place, with the 619 tonnes it bought in July. "
            "Its imports were up 76 per cent from June.")
    found = rows(text)
    assert {("magnets/DE", "level", "1116"), ("magnets/US", "level", "619"), ("magnets/US", "mom_pct", "76")} == \
        {(r[0], r[2], r[3]) for r in found}


def test_a_destinations_change_without_a_base_takes_the_base_of_the_figure_before():
    text = ("China's total rare earth magnet exports in September increased by 17.5% year-on-year to 5,773 tons.\n"
            "By destination country, exports to Germany grew by 27.9% to 1,288 tons. South Korea, the second largest, "
            "saw an 84.5% increase to 854 tons, while Vietnam, ranking third, increased by 18.3% to 456 tons.")
    found = rows(text, datetime.date(2025, 10, 21))
    for series_name, value in (("magnets/DE", "27.9"), ("magnets/KR", "84.5"), ("magnets/VN", "18.3")):
        assert (series_name, "2025-09", "yoy_pct", value, "%", "exact") in found


def test_the_largest_recipient_was_a_country_and_figures_in_brackets():
    text = ("China's magnet exports rose 17.5% year-on-year in September. The largest recipient of Chinese magnets was "
            "Germany – 1,288 tonnes. The second was South Korea (854 tons, +84.5%).")
    found = rows(text, datetime.date(2025, 10, 25))
    assert ("magnets/DE", "2025-09", "level", "1288", "t", "exact") in found
    assert ("magnets/KR", "2025-09", "level", "854", "t", "exact") in found


def test_exports_to_china_and_imports_from_a_supplier_are_not_chinas_exports():
    assert rows("U.S. concentrate exports to China dropped from 1,073 tons in May.", datetime.date(2025, 7, 25)) == set()
    assert rows("Magnet exports rose in December. Meanwhile, imports from Myanmar, a key supplier, fell by 10 percent.",
                datetime.date(2025, 1, 14)) == set()


def test_a_monthly_figure_over_a_year_is_not_that_years_level_and_it_points_back():
    text = ("In 2024, monthly exports of magnets to the US regularly exceeded 400 tons. "
            "In May 2025, however, it fell to just 46 tons. In July, these exports bounced back to 620 tonnes "
            "to fall again in August to 589 tonnes.")
    found = rows(text, datetime.date(2025, 10, 25))
    assert {(r[0], r[1], r[3]) for r in found} == {("magnets/US", "2025-05", "46"), ("magnets/US", "2025-07", "620"),
                                                  ("magnets/US", "2025-08", "589")}


def test_a_change_from_a_month_with_no_period_is_the_month_after():
    found = rows("As per customs, magnet exports soared nearly 75% from June, attaining 5,577 metric tons, the maximum "
                 "monthly figure since January 2025.", datetime.date(2025, 8, 21))
    assert ("magnets/world", "2025-07", "mom_pct", "75", "%", "nearly") in found
    assert ("magnets/world", "2025-07", "highest_since", "2025-01", "month", "exact") in found


def test_repms_and_other_separation_products():
    found = rows("H1 2025 exports included 32,000 tons of RE separation products (+11.3%) and 22,000 tons of REPMs (–19%).",
                 datetime.date(2025, 7, 25))
    assert found == {("magnets/world", "2025-01..2025-06", "level", "22000", "t", "exact"),
                     ("magnets/world", "2025-01..2025-06", "yoy_pct", "-19", "%", "exact")}


def test_the_same_period_after_a_year_to_date_is_that_range():
    text = ("China has exported 27,897 metric tons of rare earth magnets from January to July 2025. "
            "Though, still down 15% from the same period in 2024, the gap is closing.")
    assert ("magnets/world", "2025-01..2025-07", "yoy_pct", "-15", "%", "exact") in rows(text)


def test_halve_and_a_long_ranking_phrase():
    text = ("China's rare earth magnet shipments halve in May\n"
            "Last month, China shipped out 1,238 metric tons of rare earth permanent magnets, down 52.9% from April "
            "and the lowest level for a single month since February 2020.")
    found = rows(text, datetime.date(2025, 6, 20))
    assert ("magnets/world", "2025-05", "mom_pct", "-50", "%", "about") in found
    assert ("magnets/world", "2025-05", "lowest_since", "2020-02", "month", "exact") in found


def test_the_lowest_in_more_than_five_years_names_no_month():
    found = extract("Magnet shipments fell in May to their lowest level in more than five years, at 1,238 tons.",
                    datetime.date(2025, 6, 20))
    assert [p.measure for p in found.proposals] == ["level"]
    assert any("unnamed month" in reason for _, reason, _ in found.skipped)


def test_sentences_run_together_without_spaces_are_split():
    text = ("China exported 1,238 metric tons of rare earth magnets in May.Compared to May 2024, shipments were down 74% "
            "year-on-year.April's exports had already halved from March.")
    found = rows(text, datetime.date(2025, 6, 21))
    assert ("magnets/world", "2025-05", "yoy_pct", "-74", "%", "exact") in found
    assert ("magnets/world", "2025-04", "mom_pct", "-50", "%", "about") in found


def test_a_product_in_another_part_of_a_headline_is_not_the_figures():
    text = ("Rare Earth crisis deepens: China's shipments sink; down 74% YoY in May\n"
            "China's overseas shipments of rare earth magnets fell sharply in May.")
    assert ("magnets/world", "2025-05", "yoy_pct", "-74", "%", "exact") in rows(text, datetime.date(2025, 6, 21))
