"""Who a figure is attributed to, and whether it stands inside a quotation."""

from __future__ import annotations

import pytest

from claims.extraction import extract_claims, get_nlp
from claims.extraction.attribution import quote_spans


@pytest.fixture(scope="module", autouse=True)
def nlp():
    return get_nlp()


def claim_at(text: str, expression: str):
    for claim in extract_claims(text):
        if claim.text == expression:
            return claim
    raise AssertionError(f"{expression!r} not found in {[c.text for c in extract_claims(text)]}")


# (text, expression, fields of its claim)
ATTRIBUTIONS = [
    pytest.param(
        "Over 30 wells ran dry, the Water Authority said.",
        "Over 30",
        {"attribution": "Water Authority"},
        id="attribution-drops-a-leading-the",
    ),
    pytest.param(
        "Maria Lopez runs the shelter in the old school. She said 45 families arrived.",
        "45",
        {"attribution": "Maria Lopez"},
        id="pronoun-subject-is-resolved-to-the-person-named-before",
    ),
    pytest.param(
        "Aid groups say 2 million children are out of school. Moreover, 400 teachers quit.",
        "400",
        {"attribution": None},
        id="following-sentence-without-a-source-has-no-attribution",
    ),
    pytest.param(
        "Thousands of people have fled the town and the UN agency OCHA warned that more would.",
        "Thousands",
        {"attribution": None},
        id="source-of-a-coordinated-clause-does-not-cover-the-first-clause",
    ),
    pytest.param(
        "Three officials said the road was closed.",
        "Three",
        {"attribution": None},
        id="figure-in-the-speakers-own-description-is-not-attributed-to-them",
    ),
    pytest.param(
        "The bridge carries 9,000 cars a day.",
        "9,000",
        {"attribution": None},
        id="article-voice-has-no-attribution",
    ),
    pytest.param(
        "“We have lost 200 cattle this winter,” farmer John Keane said.",
        "200",
        {"is_quote": True, "attribution": "farmer John Keane"},
        id="figure-in-curly-quotes-is-a-quote-of-its-speaker",
    ),
    pytest.param(
        '"We buried 17 people today," a doctor told the agency.',
        "17",
        {"is_quote": True, "attribution": "a doctor"},
        id="figure-in-straight-quotes-is-a-quote",
    ),
    pytest.param(
        "“Nine of our boats are gone. We lost 40 nets,” harbour master Peter Walsh said.",
        "Nine",
        {"attribution": "harbour master Peter Walsh"},
        id="quote-spanning-sentences-is-attributed-to-the-speaker-after-it",
    ),
    pytest.param(
        "The minister said: “We will build 500 new homes.”",
        "500",
        {"is_quote": True, "attribution": "minister"},
        id="quote-introduced-before-is-attributed-to-its-speaker",
    ),
    pytest.param(
        "“We lost 40 nets,” the harbour master, Peter Walsh, told the radio.",
        "40",
        {"attribution": "Peter Walsh"},
        id="named-apposition-is-preferred-to-a-job-title",
    ),
    pytest.param(
        "“The water is rising,” farmer Ana Ruiz told us.\n\n“We moved 300 sheep to the hills.”",
        "300",
        {"attribution": "farmer Ana Ruiz"},
        id="quote-continuing-in-a-new-paragraph-keeps-its-speaker",
    ),
    pytest.param(
        "The agency reported 600 new cases.",
        "600",
        {"is_quote": False},
        id="figure-outside-quotes-is-not-a-quote",
    ),
    pytest.param(
        "The air strikes claimed more than 100 lives in the town.",
        "more than 100",
        {"attribution": None},
        id="claimed-lives-is-not-a-source",
    ),
    pytest.param(
        "On Monday state news agency SANA said two people were killed.",
        "two",
        {"attribution": "state news agency SANA"},
        id="date-before-the-source-is-dropped",
    ),
    pytest.param(
        (
            "The Observatory said 13 civilians died on Monday. "
            "It also said that 19 soldiers were killed in the fighting."
        ),
        "19",
        {"attribution": "Observatory"},
        id="it-said-refers-to-the-previous-source",
    ),
    pytest.param(
        "The fighting is reported to have killed at least 130 civilians.",
        "at least 130",
        {"attribution": None},
        id="passive-report-takes-its-agent-not-its-subject",
    ),
    pytest.param(
        "“We buried 12 people,” the imam said. “Another 30 are missing.”",
        "30",
        {"attribution": "imam"},
        id="quote-after-a-framed-quote-in-the-same-paragraph-keeps-its-speaker",
    ),
    pytest.param(
        "Mayor Ruth Okafor said: “The river is rising. We moved 400 families.”",
        "400",
        {"is_quote": True, "attribution": "Mayor Ruth Okafor"},
        id="quote-frame-before-a-quote-spanning-sentences",
    ),
    pytest.param(
        "“We counted 75 bodies,” said Omar Haddad, a rescue worker.",
        "75",
        {"attribution": "Omar Haddad"},
        id="inverted-say-clause-after-a-quote",
    ),
    pytest.param(
        "At least 20 people were killed in the raid the Observatory said.",
        "At least 20",
        {"attribution": "Observatory"},
        id="say-clause-without-commas-still-attributes",
    ),
    pytest.param(
        "Medics put the death toll at 70 on Sunday.",
        "70",
        {"attribution": "Medics"},
        id="putting-the-toll-at-a-figure-attributes-it",
    ),
    pytest.param(
        "The army put 5 soldiers on trial.",
        "5",
        {"attribution": None},
        id="putting-people-on-trial-is-not-a-source",
    ),
    pytest.param(
        (
            "The budget office disputed the claim on Friday, estimating that the plan would "
            "add $256 billion to deficits."
        ),
        "$256 billion",
        {"attribution": "budget office"},
        id="participle-shares-the-source-of-its-clause",
    ),
    pytest.param(
        'The mayor called it "a plan that will create thousands of jobs".',
        "thousands",
        {"attribution": "mayor"},
        id="calling-something-a-quote-attributes-the-quote",
    ),
    pytest.param(
        "About 40% of hospitals reported staff shortages, a survey of 2,000 trusts found.",
        "About 40%",
        {"attribution": "a survey of 2,000 trusts"},
        id="survey-found-attributes-the-figure-it-reports",
    ),
    pytest.param(
        "About 40% of hospitals reported staff shortages, a survey of 2,000 trusts found.",
        "2,000",
        {"attribution": None},
        id="figure-describing-the-source-has-no-attribution",
    ),
    pytest.param(
        "Opposition forces on Sunday said the raids killed at least one fighter.",
        "at least one",
        {"attribution": "Opposition forces"},
        id="date-after-the-source-is-dropped",
    ),
    pytest.param(
        (
            '"Nine people died and more than 40 others were wounded after the explosion of the '
            'two car bombs" an hour apart SANA said.'
        ),
        "Nine",
        {"attribution": "SANA"},
        id="quote-frame-with-an-unparsed-subject-takes-the-name-before-the-verb",
    ),
    pytest.param(
        "The waiting list has risen to 7.6 million, new figures show.",
        "7.6 million",
        {"attribution": None},
        id="figures-show-names-no-source",
    ),
    pytest.param(
        "The shelling killed two men and injured a third KNA said.",
        "two",
        {"attribution": "KNA"},
        id="attribution-closing-say-clause-skips-a-preceding-count",
    ),
    pytest.param(
        "The storm flattened 30 houses he said.",
        "30",
        {"attribution": None},
        id="attribution-closing-pronoun-without-referent-is-none",
    ),
]


@pytest.mark.parametrize(("text", "expression", "fields"), ATTRIBUTIONS)
def test_attribution_of_a_claim(text, expression, fields):
    claim = claim_at(text, expression)
    assert {name: getattr(claim, name) for name in fields} == fields


@pytest.mark.parametrize(
    ("sentence", "expression", "source"),
    [
        ("The storm killed 14 people, the coastguard said on Sunday.", "14", "coastguard"),
        ("The fire destroyed 60 homes, Governor Ellen Marsh said.", "60", "Governor Ellen Marsh"),
        ("The mayor told reporters that 12 bridges had collapsed.", "12", "mayor"),
        ("The agency reported 600 new cases overnight.", "600", "agency"),
        ("Local officials estimated that 4,000 households lost power.", "4,000", "Local officials"),
        ("The Red Cross tweeted that 300 volunteers were deployed.", "300", "Red Cross"),
        ("Rebels claimed they had shot down 3 drones.", "3", "Rebels"),
        ("The charity warned that 2 million children could go hungry.", "2 million", "charity"),
    ],
)
def test_reporting_verbs_attribute_the_figure_to_their_subject(sentence, expression, source):
    assert claim_at(sentence, expression).attribution == source


def test_according_to_covers_every_figure_of_the_sentence():
    text = "According to the health ministry, 230 patients were treated and 15 died."
    assert {c.attribution for c in extract_claims(text)} == {"health ministry"}


def test_quote_spans_handle_straight_and_curly_marks():
    text = 'He said "yes" and “no” then “maybe'
    assert quote_spans(text) == [(8, 13), (18, 22), (28, 34)]


def test_quote_left_open_ends_at_the_paragraph_break():
    text = "“First part\n\nSecond part"
    assert quote_spans(text) == [(0, 11)]


def test_stray_straight_quotes_far_apart_are_not_a_quotation():
    filler = "The convoy moved on. " * 90
    text = f'He called it "a deal. {filler} Rescuers found 40 survivors." Later more came.'
    assert claim_at(text, "40").is_quote is False


@pytest.mark.parametrize(
    ("sentence", "expression", "source"),
    [
        (
            "Eleven villagers drowned in the flooded valley the Red Crescent said.",
            "Eleven",
            "Red Crescent",
        ),
        (
            "Forty workers lost their jobs at the mill the Union of Textile Workers said.",
            "Forty",
            "Union of Textile Workers",
        ),
        ("Six firefighters were hurt in the blaze on Monday officials said.", "Six", "officials"),
    ],
)
def test_attribution_closing_say_clause_without_comma(sentence, expression, source):
    # Copy whose commas were stripped: the say-clause still names the source.
    assert claim_at(sentence, expression).attribution == source
