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
    RULES_VERSION,
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


def reading(claim: ExtractedClaim, fields: dict) -> dict:
    return {name: getattr(claim, name) for name in fields}


# -- one claim, its reading ------------------------------------------------------------

# (sentence, expression or None for the sentence's only claim, fields it must read as)
READINGS = [
    # figures
    pytest.param(
        "The flood destroyed 12,500 homes in the valley.",
        None,
        {"text": "12,500", "value": 12_500, "unit": "home"},
        id="digits-with-thousands-separators",
    ),
    pytest.param(
        "Rescuers reached 4500 families by boat.", None, {"value": 4500}, id="digits-plain"
    ),
    pytest.param("The river rose 2.75 metres overnight.", None, {"value": 2.75}, id="decimals"),
    pytest.param(
        "Temperatures in the camp fell to -14 degrees.",
        None,
        {"value": -14, "unit": "degree", "kind": "measure"},
        id="negative-keeps-its-sign",
    ),
    pytest.param(
        "The clinic now sees 80+ patients a day.",
        None,
        {"text": "80+", "qualifier": "lower_bound", "lower": 80, "upper": None},
        id="plus-sign-is-a-lower-bound",
    ),
    pytest.param(
        "Fifteen fishermen were rescued off the coast.", "Fifteen", {"value": 15}, id="spelled-unit"
    ),
    pytest.param(
        "The region is home to four million voters.",
        "four million",
        {"value": 4_000_000},
        id="spelled-scale",
    ),
    pytest.param(
        "Two and a half million tickets were sold.",
        "Two and a half million",
        {"value": 2_500_000},
        id="spelled-fraction-and-scale",
    ),
    pytest.param(
        "Organisers said half a million pilgrims arrived.",
        "half a million",
        {"value": 500_000},
        id="spelled-half-a-million",
    ),
    pytest.param("A dozen ambulances waited at the gate.", "A dozen", {"value": 12}, id="a-dozen"),
    pytest.param(
        "The bank reported a profit of 7.42 mln dlrs.",
        "7.42 mln dlrs",
        {"value": 7_420_000, "unit": "usd", "kind": "money"},
        id="money-mln-dlrs",
    ),
    pytest.param(
        "The donors pledged $3bn for the dam.",
        "$3bn",
        {"value": 3e9, "unit": "usd", "kind": "money"},
        id="money-dollar-bn",
    ),
    pytest.param(
        "The museum raised £4m from visitors.",
        "£4m",
        {"value": 4e6, "unit": "gbp", "kind": "money"},
        id="money-pound-m",
    ),
    pytest.param(
        "The city will spend 250 million euros on trams.",
        "250 million euros",
        {"value": 2.5e8, "unit": "eur", "kind": "money"},
        id="money-euro-words",
    ),
    pytest.param(
        "The club paid 30 million pounds for the striker.",
        "30 million pounds",
        {"value": 3e7, "unit": "gbp", "kind": "money"},
        id="money-pound-words",
    ),
    pytest.param(
        "A ticket costs $6 at the door.",
        "$6",
        {"value": 6, "unit": "usd", "kind": "money"},
        id="money-small",
    ),
    pytest.param(
        "Over the weekend 10k runners took part.", None, {"value": 10_000}, id="k-is-thousand"
    ),
    pytest.param(
        "Bread now costs 500 Syrian pounds a bag.", None, {"unit": "syp"}, id="currency-nationality"
    ),
    *(
        pytest.param(
            f"Turnout reached {form} in the north.",
            None,
            {"text": form, "value": 62, "unit": "percent", "kind": "percent"},
            id=f"percent-{form.replace(' ', '-')}",
        )
        for form in ("62%", "62 percent", "62 per cent", "62 pct")
    ),
    pytest.param(
        "One in five pupils has no textbook.",
        None,
        {"text": "One in five", "value": 20, "unit": "percent"},
        id="one-in-five-is-a-percentage",
    ),
    pytest.param(
        "The convoy travelled 85 km before dawn.",
        None,
        {"unit": "km", "kind": "measure"},
        id="measure-unit",
    ),
    pytest.param(
        "Talks ran over a 14-hour meeting.",
        None,
        {"text": "14-hour", "unit": "hour", "kind": "duration"},
        id="hyphenated-duration",
    ),
    pytest.param(
        "A 9-year-old girl was pulled from the rubble.",
        None,
        {"text": "9-year-old", "value": 9, "kind": "age"},
        id="age",
    ),
    pytest.param(
        "The strike is now in its fourth week.",
        None,
        {"text": "fourth week", "value": 4, "kind": "ordinal"},
        id="ordinal-with-its-noun",
    ),
    # qualifiers
    pytest.param(
        "Nearly 900 pupils were sent home.",
        None,
        {"value": 900, "lower": None, "upper": None},
        id="approximate-has-no-bounds",
    ),
    pytest.param(
        "Up to 300 passengers may have drowned.",
        None,
        {"value": 300, "lower": None, "upper": 300},
        id="upper-bound-only",
    ),
    pytest.param(
        "The storm damaged 45 schools.",
        None,
        {"qualifier": "exact", "value": 45, "lower": 45, "upper": 45},
        id="exact-has-both-bounds",
    ),
    pytest.param(
        "Perhaps more than 200 workers joined the strike.",
        None,
        {"qualifier": "lower_bound"},
        id="hedge-on-the-statement-keeps-the-bound",
    ),
    pytest.param(
        "The estimated revenues of £160m were never collected.",
        None,
        {"qualifier": "exact", "value": 160e6},
        id="estimated-on-the-noun-is-exact",
    ),
    # counted noun, event, trend
    pytest.param(
        "Thousands of frightened villagers left overnight.",
        None,
        {"unit": "villager"},
        id="unit-after-of",
    ),
    pytest.param(
        "More than 80 people were evacuated.", None, {"unit": "people"}, id="unit-modified-noun"
    ),
    pytest.param(
        "Millions have been forced to leave.",
        None,
        {"unit": None},
        id="unit-none-when-nothing-counted",
    ),
    pytest.param(
        "The raids killed 14 farmers.", None, {"event": "kill"}, id="event-governing-verb"
    ),
    pytest.param(
        "The shelling forced 6,000 residents to flee.",
        None,
        {"event": "flee"},
        id="event-of-a-causative-is-the-infinitive",
    ),
    pytest.param(
        "Around 300 families were displaced by the floods.",
        None,
        {"event": "displace"},
        id="event-of-a-passive",
    ),
    pytest.param(
        "Unemployment rose by 12 percent last year.",
        None,
        {"event": "rise", "trend": "up"},
        id="rise-by-is-up",
    ),
    pytest.param("Exports fell 2.1 percent in March.", None, {"trend": "down"}, id="fell-is-down"),
    pytest.param("The mill cut 300 jobs.", None, {"trend": "down"}, id="cut-jobs-is-down"),
    pytest.param("The toll rose to 95 on Monday.", None, {"trend": None}, id="rise-to-is-a-level"),
    pytest.param(
        "Eleven boats sank in the harbour.", None, {"trend": None}, id="subject-of-a-falling-verb"
    ),
    pytest.param("The blast killed one civilian.", None, {"value": 1}, id="one-counting-people"),
]


# -- qualifiers -------------------------------------------------------------------------


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


# -- non-claims ---------------------------------------------------------------------------

NON_CLAIMS = [
    # dates and times
    "The ministers met on Thursday.",
    "The talks began in September.",
    "The group was founded in 2011.",
    "The vote is at 3pm.",
    "The ceasefire started on 5 April.",
    "The ceasefire started on April 5.",
    "The report was published earlier this month.",
    "Officials met again last month.",
    "The raids began around 1130 am local time.",
    # identifiers with digits
    "Ankara bought the S-400 system.",
    "Covid-19 reached the camp.",
    "The G20 summit ended.",
    "A Boeing 737 landed safely.",
    "Lawyers cited Section 427 of the code.",
    "The bus followed Route 66 west.",
    "Call 555-123-4567 for details.",
    "Call +44 20 7946 0958 for details.",
    "The case number is 212-11.",
    "Protesters gathered outside 10 Downing Street.",
    "Veterans of World War Two marched.",
    "The council adopted resolution 2401 unanimously.",
    # idioms
    "We see the planes every minute.",
    "No one answered the phone.",
    "One day we will go home.",
    "One of the nurses stayed behind.",
    "The two sides met in Geneva.",
    # page furniture
    "Share this story. Views 458 Related",
    "Topic Missile Attack on Air Base (200) 2510 The strike hit a base.",
    "Fighting resumed in the north.\nShare this page 0 214\n",
    "Fighting resumed in the north.\n(updated 1133 27.05.2017)\n",
]


@pytest.mark.parametrize("text", NON_CLAIMS)
def test_text_holds_no_claim(text):
    assert claims_of(text) == []


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


def test_batch_gives_the_same_features_as_one_by_one():
    texts = [
        "A car bomb killed 21 civilians in Manbij, the Observatory said.",
        "",
        "Floods in Dhaka drowned 12 people on Monday.",
    ]
    batch = extract_claims_batch(texts, with_features=True)
    single = [extract_claims(t, with_features=True) for t in texts]
    assert [claims for claims, _ in batch] == [claims for claims, _ in single]
    assert [f.to_dict() for _, f in batch] == [f.to_dict() for _, f in single]
    assert "mnbj" in batch[0][1].places


def test_batch_rejects_non_text_items():
    with pytest.raises(TypeError):
        extract_claims_batch(["fine", 42])  # type: ignore[list-item]


def test_extractor_version_names_the_rules_and_the_spacy_model():
    meta = get_nlp().meta
    assert EXTRACTOR_VERSION.startswith(f"{RULES_VERSION}+")
    assert f"{meta['name']}-{meta['version']}" in EXTRACTOR_VERSION
    # Stored next to every claim and article, in a CharField of 64.
    assert len(EXTRACTOR_VERSION) <= 64


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


# -- more forms --------------------------------------------------------------------------

MORE_READINGS = [
    pytest.param("The index stood at minus 8 points.", None, {"value": -8}, id="minus-word"),
    pytest.param(
        "Tickets cost 15 € each.", None, {"unit": "eur", "kind": "money"}, id="currency-sign-after"
    ),
    pytest.param(
        "Patients received between 20 mg and 40 mg of the drug.",
        None,
        {"qualifier": "range", "lower": 20, "upper": 40, "unit": "mg"},
        id="range-with-the-unit-repeated",
    ),
    pytest.param(
        "Engineers proposed 8- to 12-metre walls.",
        None,
        {"qualifier": "range", "lower": 8, "upper": 12},
        id="range-with-a-suspended-hyphen",
    ),
    pytest.param(
        "Each family received $2000 in aid.",
        None,
        {"value": 2000, "unit": "usd"},
        id="four-digit-money-is-not-a-year",
    ),
    pytest.param(
        "Police arrested 2000 protesters.", None, {"value": 2000}, id="year-like-count-is-a-count"
    ),
    pytest.param(
        "A farmer, 62, was wounded in the shelling.",
        "62",
        {"kind": "age", "unit": "year"},
        id="age-after-a-comma",
    ),
    pytest.param(
        "Army Kills 28 Fighters in Border Clash",
        None,
        {"value": 28, "unit": "fighter"},
        id="title-case-headline",
    ),
    pytest.param(
        "Scientists warn of 1.5C of warming.",
        None,
        {"value": 1.5, "unit": "degree", "kind": "measure"},
        id="celsius-suffix",
    ),
    pytest.param(
        "The average price was £285,000, up 1.8% on the year.",
        "1.8%",
        {"trend": "up"},
        id="up-before-a-figure",
    ),
    pytest.param(
        "The government will cut taxes for 27 million workers.",
        None,
        {"trend": None},
        id="change-verb-with-another-object",
    ),
    pytest.param(
        "Prices have risen by 18% in two weeks.", "two", {"trend": None}, id="duration-no-trend"
    ),
    pytest.param(
        "Its chief executive, Ken Murphy, 58, earned £4.4m last year.",
        "58",
        {"kind": "age"},
        id="age-after-a-name",
    ),
    pytest.param(
        "Rain fell for a third straight week.",
        None,
        {"text": "third straight week"},
        id="ordinal-run-includes-its-noun",
    ),
    pytest.param(
        "Some put the toll as high as 470,000 people.",
        None,
        {"qualifier": "upper_bound"},
        id="as-high-as",
    ),
    pytest.param(
        "Estimates of the toll ranged from 500 to 1,300 people.",
        None,
        {"qualifier": "range", "lower": 500, "upper": 1300},
        id="ranging-from-to",
    ),
    pytest.param(
        "They were children under the age of eight.", "eight", {"kind": "age"}, id="age-of"
    ),
]


@pytest.mark.parametrize(("sentence", "expression", "fields"), READINGS + MORE_READINGS)
def test_claim_reads_as(sentence, expression, fields):
    claim = only(sentence) if expression is None else find(sentence, expression)
    assert reading(claim, fields) == pytest.approx(fields)


# (text, field, that field of every claim found, in order)
SEQUENCES = [
    pytest.param(
        "Membership grew from 400 to 650 members.",
        "qualifier",
        ["exact", "exact"],
        id="from-to-is-two-levels",
    ),
    pytest.param(
        "Inflation rose 5% to 7% last year.",
        "qualifier",
        ["exact", "exact"],
        id="change-then-level-is-not-a-range",
    ),
    pytest.param(
        "Twenty villagers, including six children, were killed in the raid.",
        "event",
        ["kill", "kill"],
        id="including-is-not-the-event",
    ),
    pytest.param(
        "The attack killed 40 people and wounded 120.",
        "unit",
        ["people", "people"],
        id="elided-people-carry-over",
    ),
    pytest.param(
        "The storm destroyed 40 homes and flooded 120.",
        "unit",
        ["home", None],
        id="things-do-not-carry-over",
    ),
    pytest.param(
        "22-04-2016 Troops freed 45 hostages near the border.",
        "text",
        ["45"],
        id="dashed-date-does-not-swallow-the-next-figure",
    ),
    pytest.param(
        f"The debt reached {'9' * 400} dollars, while 12 people protested.",
        "text",
        ["12"],
        id="numbers-too-large-for-a-float-are-dropped",
    ),
    pytest.param("Nine killed in Hama", "text", ["Nine"], id="short-casualty-headline-is-kept"),
]


@pytest.mark.parametrize(("text", "field", "values"), SEQUENCES)
def test_claims_of_a_text_read_in_order(text, field, values):
    assert [getattr(c, field) for c in claims_of(text)] == values
