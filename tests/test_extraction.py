"""Numeric-claim extraction: figures, qualifiers, units, events, trends and non-claims.

Every sentence here is written for these tests. The real spaCy model is loaded once
for the module.
"""

from __future__ import annotations

import dataclasses

import pytest

from claims.extraction import (
    EXTRACTOR_VERSION,
    KINDS,
    ExtractedClaim,
    extract_claims,
    extract_claims_batch,
    get_nlp,
    load_model,
)


@pytest.fixture(scope="module", autouse=True)
def nlp():
    return get_nlp()


def claims_of(text: str) -> list[ExtractedClaim]:
    return extract_claims(text)


def only(text: str) -> ExtractedClaim:
    found = claims_of(text)
    assert len(found) == 1, [c.text for c in found]
    return found[0]


def find(text: str, expression: str) -> ExtractedClaim:
    for claim in claims_of(text):
        if claim.text == expression:
            return claim
    raise AssertionError(f"{expression!r} not among {[c.text for c in claims_of(text)]}")


# -- figures ------------------------------------------------------------------------


def test_digits_with_thousands_separators_are_read():
    claim = only("The flood destroyed 12,500 homes in the valley.")
    assert (claim.text, claim.value, claim.unit) == ("12,500", 12_500, "home")


def test_digits_without_separators_are_read():
    assert only("Rescuers reached 4500 families by boat.").value == 4500


def test_decimals_are_read():
    assert only("The river rose 2.75 metres overnight.").value == pytest.approx(2.75)


def test_negative_numbers_keep_their_sign():
    claim = only("Temperatures in the camp fell to -14 degrees.")
    assert (claim.value, claim.unit, claim.kind) == (-14, "degree", "measure")


def test_plus_sign_makes_a_lower_bound():
    claim = only("The clinic now sees 80+ patients a day.")
    assert (claim.text, claim.qualifier, claim.lower, claim.upper) == (
        "80+",
        "lower_bound",
        80,
        None,
    )


@pytest.mark.parametrize(
    ("sentence", "expression", "value"),
    [
        ("Fifteen fishermen were rescued off the coast.", "Fifteen", 15),
        ("The region is home to four million voters.", "four million", 4_000_000),
        ("Two and a half million tickets were sold.", "Two and a half million", 2_500_000),
        ("Organisers said half a million pilgrims arrived.", "half a million", 500_000),
        ("A dozen ambulances waited at the gate.", "A dozen", 12),
    ],
)
def test_spelled_numbers_are_read(sentence, expression, value):
    assert find(sentence, expression).value == value


@pytest.mark.parametrize(
    ("sentence", "expression", "value", "unit"),
    [
        ("The bank reported a profit of 7.42 mln dlrs.", "7.42 mln dlrs", 7_420_000, "usd"),
        ("The donors pledged $3bn for the dam.", "$3bn", 3e9, "usd"),
        ("The museum raised £4m from visitors.", "£4m", 4e6, "gbp"),
        ("The city will spend 250 million euros on trams.", "250 million euros", 2.5e8, "eur"),
        ("The club paid 30 million pounds for the striker.", "30 million pounds", 3e7, "gbp"),
        ("A ticket costs $6 at the door.", "$6", 6, "usd"),
    ],
)
def test_money_is_scaled_and_coded(sentence, expression, value, unit):
    claim = find(sentence, expression)
    assert (claim.value, claim.unit, claim.kind) == (pytest.approx(value), unit, "money")


def test_k_abbreviation_scales_by_a_thousand():
    assert only("Over the weekend 10k runners took part.").value == 10_000


def test_local_currency_takes_its_nationality():
    assert only("Bread now costs 500 Syrian pounds a bag.").unit == "syp"


@pytest.mark.parametrize(
    ("sentence", "expression"),
    [
        ("Turnout reached 62% in the north.", "62%"),
        ("Turnout reached 62 percent in the north.", "62 percent"),
        ("Turnout reached 62 per cent in the north.", "62 per cent"),
        ("Turnout reached 62 pct in the north.", "62 pct"),
    ],
)
def test_percent_forms_are_percent(sentence, expression):
    claim = only(sentence)
    assert (claim.text, claim.value, claim.unit, claim.kind) == (
        expression,
        62,
        "percent",
        "percent",
    )


def test_one_in_five_is_a_percentage():
    claim = only("One in five pupils has no textbook.")
    assert (claim.text, claim.value, claim.unit) == ("One in five", 20, "percent")


def test_measures_take_their_unit():
    claim = only("The convoy travelled 85 km before dawn.")
    assert (claim.unit, claim.kind) == ("km", "measure")


def test_hyphenated_duration_is_a_duration():
    claim = only("Talks ran over a 14-hour meeting.")
    assert (claim.text, claim.unit, claim.kind) == ("14-hour", "hour", "duration")


def test_ages_are_ages():
    claim = only("A 9-year-old girl was pulled from the rubble.")
    assert (claim.text, claim.value, claim.kind) == ("9-year-old", 9, "age")


def test_ordinal_with_its_noun_is_an_ordinal():
    claim = only("The strike is now in its fourth week.")
    assert (claim.text, claim.value, claim.kind) == ("fourth week", 4, "ordinal")


# -- qualifiers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "qualifier"),
    [
        ("about", "approximate"),
        ("around", "approximate"),
        ("roughly", "approximate"),
        ("some", "approximate"),
        ("approximately", "approximate"),
        ("an estimated", "approximate"),
        ("nearly", "approximate"),
        ("almost", "approximate"),
        ("close to", "approximate"),
        ("more than", "lower_bound"),
        ("over", "lower_bound"),
        ("at least", "lower_bound"),
        ("upwards of", "lower_bound"),
        ("no fewer than", "lower_bound"),
        ("in excess of", "lower_bound"),
        ("up to", "upper_bound"),
        ("at most", "upper_bound"),
        ("less than", "upper_bound"),
        ("fewer than", "upper_bound"),
        ("under", "upper_bound"),
        ("below", "upper_bound"),
        ("no more than", "upper_bound"),
        ("as many as", "upper_bound"),
    ],
)
def test_qualifier_phrases_set_the_qualifier(phrase, qualifier):
    claim = only(f"Officials counted {phrase} 300 tents in the field.")
    assert claim.text == f"{phrase} 300"
    assert claim.qualifier == qualifier


def test_approximate_keeps_value_without_bounds():
    claim = only("Nearly 900 pupils were sent home.")
    assert (claim.value, claim.lower, claim.upper) == (900, None, None)


def test_upper_bound_sets_only_the_upper_bound():
    claim = only("Up to 300 passengers may have drowned.")
    assert (claim.value, claim.lower, claim.upper) == (300, None, 300)


def test_exact_sets_value_and_both_bounds():
    claim = only("The storm damaged 45 schools.")
    assert (claim.qualifier, claim.value, claim.lower, claim.upper) == ("exact", 45, 45, 45)


def test_hedge_on_the_statement_keeps_the_bound():
    assert only("Perhaps more than 200 workers joined the strike.").qualifier == "lower_bound"


def test_estimated_modifying_the_noun_leaves_the_figure_exact():
    claim = only("The estimated revenues of £160m were never collected.")
    assert (claim.qualifier, claim.value) == ("exact", 160e6)


@pytest.mark.parametrize(
    ("sentence", "expression", "lower", "upper"),
    [
        ("Between 50 and 60 fishermen were rescued.", "Between 50 and 60", 50, 60),
        ("Rescuers found 70-80 boats on the shore.", "70-80", 70, 80),
        ("Police detained 20 to 30 protesters.", "20 to 30", 20, 30),
        ("The bridge will cost $1.3 to $1.5bn.", "$1.3 to $1.5bn", 1.3e9, 1.5e9),
    ],
)
def test_ranges_give_both_bounds_and_no_value(sentence, expression, lower, upper):
    claim = only(sentence)
    assert (claim.text, claim.qualifier, claim.value) == (expression, "range", None)
    assert (claim.lower, claim.upper) == (pytest.approx(lower), pytest.approx(upper))


def test_from_to_gives_two_levels_not_a_range():
    found = claims_of("Membership grew from 400 to 650 members.")
    assert [c.qualifier for c in found] == ["exact", "exact"]


@pytest.mark.parametrize(
    ("sentence", "expression", "lower", "upper"),
    [
        ("Dozens of villagers were arrested.", "Dozens", 24, 99),
        ("Scores of shops were looted.", "Scores", 40, 199),
        ("Hundreds of cattle died in the drought.", "Hundreds", 200, 999),
        ("Thousands of refugees crossed the border.", "Thousands", 2_000, 9_999),
        ("Tens of thousands of people marched.", "Tens of thousands", 20_000, 99_999),
        ("Hundreds of thousands signed the petition.", "Hundreds of thousands", 200_000, 999_999),
        ("Millions watched the final.", "Millions", 2_000_000, 9_999_999),
        ("Several hundred fans invaded the pitch.", "Several hundred", 200, 900),
        ("A few thousand stayed outside.", "A few thousand", 2_000, 9_000),
    ],
)
def test_vague_amounts_span_their_order_of_magnitude(sentence, expression, lower, upper):
    claim = only(sentence)
    assert (claim.text, claim.qualifier, claim.value) == (expression, "vague", None)
    assert (claim.lower, claim.upper) == (lower, upper)


# -- counted noun, event, trend -----------------------------------------------------


def test_unit_is_the_noun_after_of():
    assert only("Thousands of frightened villagers left overnight.").unit == "villager"


def test_unit_is_the_noun_the_number_modifies():
    assert only("More than 80 people were evacuated.").unit == "people"


def test_unit_is_none_when_nothing_is_counted():
    assert only("Millions have been forced to leave.").unit is None


def test_event_is_the_lemma_of_the_governing_verb():
    assert only("The raids killed 14 farmers.").event == "kill"


def test_event_of_a_causative_is_the_infinitive():
    assert only("The shelling forced 6,000 residents to flee.").event == "flee"


def test_event_of_a_passive_is_its_lemma():
    assert only("Around 300 families were displaced by the floods.").event == "displace"


def test_rise_by_is_an_upward_trend():
    claim = only("Unemployment rose by 12 percent last year.")
    assert (claim.event, claim.trend) == ("rise", "up")


def test_fell_is_a_downward_trend():
    assert only("Exports fell 2.1 percent in March.").trend == "down"


def test_cut_jobs_is_a_downward_trend():
    assert only("The mill cut 300 jobs.").trend == "down"


def test_rise_to_is_a_level_not_a_trend():
    assert only("The toll rose to 95 on Monday.").trend is None


def test_subject_of_a_falling_verb_is_not_a_trend():
    assert only("Eleven boats sank in the harbour.").trend is None


# -- non-claims ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "The ministers met on Thursday.",
        "The talks began in September.",
        "The group was founded in 2011.",
        "The vote is at 3pm.",
        "The ceasefire started on 5 April.",
        "The ceasefire started on April 5.",
        "The report was published earlier this month.",
        "Officials met again last month.",
    ],
)
def test_dates_and_times_are_not_claims(sentence):
    assert claims_of(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "Ankara bought the S-400 system.",
        "Covid-19 reached the camp.",
        "The G20 summit ended.",
        "A Boeing 737 landed safely.",
        "Lawyers cited Section 427 of the code.",
        "The bus followed Route 66 west.",
        "Call 555-123-4567 for details.",
        "Call +44 20 7946 0958 for details.",
    ],
)
def test_identifiers_with_digits_are_not_claims(sentence):
    assert claims_of(sentence) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "We see the planes every minute.",
        "No one answered the phone.",
        "One day we will go home.",
        "One of the nurses stayed behind.",
        "The two sides met in Geneva.",
    ],
)
def test_idioms_are_not_claims(sentence):
    assert claims_of(sentence) == []


def test_one_counting_people_is_a_claim():
    assert only("The blast killed one civilian.").value == 1


# -- API contract -------------------------------------------------------------------


def test_extract_claims_rejects_non_text_input():
    with pytest.raises(TypeError, match="str"):
        extract_claims(b"80 people")  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_extract_claims_returns_nothing_for_empty_text(text):
    assert extract_claims(text) == []


def test_claims_are_frozen_dataclasses():
    claim = only("The raids killed 14 farmers.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        claim.value = 3  # type: ignore[misc]


def test_to_dict_uses_the_conventions_field_names():
    data = only("The raids killed 14 farmers.").to_dict()
    assert set(data) == {
        "start", "end", "text", "value", "lower", "upper", "qualifier", "unit", "event",
        "trend", "attribution", "is_quote", "sentence", "sentence_start", "sentence_end",
        "checkworthiness", "kind", "measure", "population", "period", "place",
    }  # fmt: skip


def test_offsets_and_sentence_point_into_the_text():
    text = "Calm returned.\n\nThe raids killed 14 farmers, medics said."
    claim = only(text)
    assert text[claim.start : claim.end] == claim.text == "14"
    assert text[claim.sentence_start : claim.sentence_end] == claim.sentence
    assert claim.sentence.startswith("The raids")


def test_kind_is_one_of_the_known_kinds():
    found = claims_of("About 40% of 2,000 homes, 12 km away, lost power for 6 hours.")
    assert found and all(c.kind in KINDS for c in found)


def test_batch_gives_the_same_claims_as_one_by_one():
    texts = ["The raids killed 14 farmers.", "", "Nearly 900 pupils were sent home."]
    assert extract_claims_batch(texts) == [extract_claims(t) for t in texts]


def test_batch_rejects_non_text_items():
    with pytest.raises(TypeError):
        extract_claims_batch(["fine", 42])  # type: ignore[list-item]


def test_extractor_version_is_a_string():
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


def test_headline_is_a_sentence_of_its_own():
    text = "Floods cut off 30 villages\n\nRescue teams arrived on Monday."
    claim = only(text)
    assert claim.sentence == "Floods cut off 30 villages"


# -- checkworthiness ----------------------------------------------------------------


def test_checkworthiness_is_between_zero_and_one():
    found = claims_of(
        "More than 80 civilians were killed, the Observatory said. The war is in its fifth "
        "year and a 12-hour curfew began. Prices rose 5%."
    )
    assert found and all(0.0 <= c.checkworthiness <= 1.0 for c in found)


def test_checkworthiness_ranks_attributed_casualties_above_ordinals():
    casualty = only("More than 80 civilians were killed, the Observatory said.")
    ordinal = only("The dispute is now in its fifth year.")
    assert casualty.checkworthiness > ordinal.checkworthiness


def test_checkworthiness_ranks_casualties_above_plain_counts():
    casualty = only("The strike killed 40 people.")
    plain = only("The school bought 40 chairs.")
    assert casualty.checkworthiness > plain.checkworthiness


def test_checkworthiness_ranks_durations_below_counts():
    duration = only("Talks ran over a 14-hour meeting.")
    count = only("The school bought 40 chairs.")
    assert duration.checkworthiness < count.checkworthiness


# -- model loading ------------------------------------------------------------------


def test_load_model_falls_back_to_the_packaged_model(monkeypatch):
    monkeypatch.delenv("NEWSFACTS_SPACY_MODEL", raising=False)
    loaded = load_model()
    assert "parser" in loaded.pipe_names and "newsfacts_line_breaks" in loaded.pipe_names


def test_load_model_unknown_name_from_the_environment_is_an_error(monkeypatch):
    monkeypatch.setenv("NEWSFACTS_SPACY_MODEL", "no_such_pipeline_installed")
    with pytest.raises(OSError):
        load_model()


def test_get_nlp_loads_the_model_once():
    assert get_nlp() is get_nlp()


# -- more forms ---------------------------------------------------------------------


def test_minus_word_makes_a_negative_number():
    assert only("The index stood at minus 8 points.").value == -8


def test_currency_sign_after_the_figure_is_money():
    claim = only("Tickets cost 15 € each.")
    assert (claim.unit, claim.kind) == ("eur", "money")


def test_range_with_the_unit_repeated_is_one_range():
    claim = only("Patients received between 20 mg and 40 mg of the drug.")
    assert (claim.qualifier, claim.lower, claim.upper, claim.unit) == ("range", 20, 40, "mg")


def test_range_with_a_suspended_hyphen_is_one_range():
    claim = only("Engineers proposed 8- to 12-metre walls.")
    assert (claim.qualifier, claim.lower, claim.upper) == ("range", 8, 12)


def test_change_then_level_is_not_a_range():
    found = claims_of("Inflation rose 5% to 7% last year.")
    assert [c.qualifier for c in found] == ["exact", "exact"]


def test_including_does_not_become_the_event():
    text = "Twenty villagers, including six children, were killed in the raid."
    assert {c.event for c in claims_of(text)} == {"kill"}


def test_four_digit_money_is_not_a_year():
    claim = only("Each family received $2000 in aid.")
    assert (claim.value, claim.unit) == (2000, "usd")


def test_year_counting_people_is_a_count():
    assert only("Police arrested 2000 protesters.").value == 2000


def test_figure_tied_to_nothing_is_page_furniture():
    assert claims_of("Share this story. Views 458 Related") == []


def test_reference_pair_with_a_hyphen_is_not_a_range():
    assert claims_of("The case number is 212-11.") == []


def test_person_age_after_a_comma_is_an_age():
    text = "A farmer, 62, was wounded in the shelling."
    claim = find(text, "62")
    assert (claim.kind, claim.unit) == ("age", "year")


def test_title_case_headline_figure_is_a_claim():
    claim = only("Army Kills 28 Fighters in Border Clash")
    assert (claim.value, claim.unit) == (28, "fighter")


def test_date_with_dashes_does_not_swallow_the_next_figure():
    found = claims_of("22-04-2016 Troops freed 45 hostages near the border.")
    assert [c.text for c in found] == ["45"]


def test_celsius_suffix_is_a_measure_in_degrees():
    claim = only("Scientists warn of 1.5C of warming.")
    assert (claim.value, claim.unit, claim.kind) == (1.5, "degree", "measure")


def test_up_before_a_figure_is_an_upward_trend():
    assert find("The average price was £285,000, up 1.8% on the year.", "1.8%").trend == "up"


def test_change_verb_with_another_object_is_not_a_trend():
    assert only("The government will cut taxes for 27 million workers.").trend is None


def test_duration_has_no_trend():
    assert find("Prices have risen by 18% in two weeks.", "two").trend is None


def test_age_after_a_name_is_an_age():
    claim = find("Its chief executive, Ken Murphy, 58, earned £4.4m last year.", "58")
    assert claim.kind == "age"


def test_ordinal_run_includes_its_noun():
    assert only("Rain fell for a third straight week.").text == "third straight week"


def test_counters_scraped_with_the_page_are_not_claims():
    assert claims_of("Topic Missile Attack on Air Base (200) 2510 The strike hit a base.") == []


def test_as_high_as_is_an_upper_bound():
    assert only("Some put the toll as high as 470,000 people.").qualifier == "upper_bound"


def test_ranging_from_to_is_one_range():
    claim = only("Estimates of the toll ranged from 500 to 1,300 people.")
    assert (claim.qualifier, claim.lower, claim.upper) == ("range", 500, 1300)


def test_street_numbers_are_not_claims():
    assert claims_of("Protesters gathered outside 10 Downing Street.") == []


@pytest.mark.parametrize(
    "sentence",
    ["Veterans of World War Two marched.", "The council adopted resolution 2401 unanimously."],
)
def test_numbers_inside_names_are_not_claims(sentence):
    assert claims_of(sentence) == []


def test_elided_people_carry_over_to_the_next_bare_count():
    found = claims_of("The attack killed 40 people and wounded 120.")
    assert [c.unit for c in found] == ["people", "people"]


def test_things_do_not_carry_over_to_the_next_count():
    found = claims_of("The storm destroyed 40 homes and flooded 120.")
    assert found[1].unit is None


def test_four_digit_clock_times_are_not_claims():
    assert claims_of("The raids began around 1130 am local time.") == []


def test_age_of_is_an_age():
    assert find("They were children under the age of eight.", "eight").kind == "age"


def test_extract_claims_drops_numbers_too_large_for_a_float():
    huge = "9" * 400
    claims = extract_claims(f"The debt reached {huge} dollars, while 12 people protested.")
    assert [c.text for c in claims] == ["12"]


@pytest.mark.parametrize("scrap", ["Share this page 0 214", "(updated 1133 27.05.2017)"])
def test_extract_claims_ignores_figures_in_page_furniture(scrap):
    assert extract_claims(f"Fighting resumed in the north.\n{scrap}\n") == []


def test_extract_claims_keeps_a_short_casualty_headline():
    assert [c.text for c in extract_claims("Nine killed in Hama")] == ["Nine"]
