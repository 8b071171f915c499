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


def test_attribution_drops_a_leading_the():
    claim = claim_at("Over 30 wells ran dry, the Water Authority said.", "Over 30")
    assert claim.attribution == "Water Authority"


def test_according_to_covers_every_figure_of_the_sentence():
    text = "According to the health ministry, 230 patients were treated and 15 died."
    assert {c.attribution for c in extract_claims(text)} == {"health ministry"}


def test_pronoun_subject_is_resolved_to_the_person_named_before():
    text = "Maria Lopez runs the shelter in the old school. She said 45 families arrived."
    assert claim_at(text, "45").attribution == "Maria Lopez"


def test_following_sentence_without_a_source_has_no_attribution():
    text = "Aid groups say 2 million children are out of school. Moreover, 400 teachers quit."
    assert claim_at(text, "400").attribution is None


def test_source_of_a_coordinated_clause_does_not_cover_the_first_clause():
    text = "Thousands of people have fled the town and the UN agency OCHA warned that more would."
    assert claim_at(text, "Thousands").attribution is None


def test_figure_in_the_speakers_own_description_is_not_attributed_to_them():
    text = "Three officials said the road was closed."
    assert claim_at(text, "Three").attribution is None


def test_article_voice_has_no_attribution():
    assert claim_at("The bridge carries 9,000 cars a day.", "9,000").attribution is None


def test_figure_in_curly_quotes_is_a_quote_of_its_speaker():
    text = "“We have lost 200 cattle this winter,” farmer John Keane said."
    claim = claim_at(text, "200")
    assert (claim.is_quote, claim.attribution) == (True, "farmer John Keane")


def test_figure_in_straight_quotes_is_a_quote():
    text = '"We buried 17 people today," a doctor told the agency.'
    claim = claim_at(text, "17")
    assert (claim.is_quote, claim.attribution) == (True, "a doctor")


def test_quote_spanning_sentences_is_attributed_to_the_speaker_after_it():
    text = "“Nine of our boats are gone. We lost 40 nets,” harbour master Peter Walsh said."
    assert claim_at(text, "Nine").attribution == "harbour master Peter Walsh"


def test_quote_introduced_before_is_attributed_to_its_speaker():
    text = "The minister said: “We will build 500 new homes.”"
    claim = claim_at(text, "500")
    assert (claim.is_quote, claim.attribution) == (True, "minister")


def test_named_apposition_is_preferred_to_a_job_title():
    text = "“We lost 40 nets,” the harbour master, Peter Walsh, told the radio."
    assert claim_at(text, "40").attribution == "Peter Walsh"


def test_quote_continuing_in_a_new_paragraph_keeps_its_speaker():
    text = "“The water is rising,” farmer Ana Ruiz told us.\n\n“We moved 300 sheep to the hills.”"
    assert claim_at(text, "300").attribution == "farmer Ana Ruiz"


def test_figure_outside_quotes_is_not_a_quote():
    assert claim_at("The agency reported 600 new cases.", "600").is_quote is False


def test_quote_spans_handle_straight_and_curly_marks():
    text = 'He said "yes" and “no” then “maybe'
    assert quote_spans(text) == [(8, 13), (18, 22), (28, 34)]


def test_quote_left_open_ends_at_the_paragraph_break():
    text = "“First part\n\nSecond part"
    assert quote_spans(text) == [(0, 11)]


def test_claimed_lives_is_not_a_source():
    text = "The air strikes claimed more than 100 lives in the town."
    assert claim_at(text, "more than 100").attribution is None


def test_date_before_the_source_is_dropped():
    text = "On Monday state news agency SANA said two people were killed."
    assert claim_at(text, "two").attribution == "state news agency SANA"


def test_it_said_refers_to_the_previous_source():
    text = (
        "The Observatory said 13 civilians died on Monday. "
        "It also said that 19 soldiers were killed in the fighting."
    )
    assert claim_at(text, "19").attribution == "Observatory"


def test_passive_report_takes_its_agent_not_its_subject():
    text = "The fighting is reported to have killed at least 130 civilians."
    assert claim_at(text, "at least 130").attribution is None


def test_quote_after_a_framed_quote_in_the_same_paragraph_keeps_its_speaker():
    text = "“We buried 12 people,” the imam said. “Another 30 are missing.”"
    assert claim_at(text, "30").attribution == "imam"


def test_quote_frame_before_a_quote_spanning_sentences():
    text = "Mayor Ruth Okafor said: “The river is rising. We moved 400 families.”"
    claim = claim_at(text, "400")
    assert (claim.is_quote, claim.attribution) == (True, "Mayor Ruth Okafor")


def test_inverted_say_clause_after_a_quote():
    text = "“We counted 75 bodies,” said Omar Haddad, a rescue worker."
    assert claim_at(text, "75").attribution == "Omar Haddad"


def test_say_clause_without_commas_still_attributes():
    text = "At least 20 people were killed in the raid the Observatory said."
    assert claim_at(text, "At least 20").attribution == "Observatory"


def test_putting_the_toll_at_a_figure_attributes_it():
    assert claim_at("Medics put the death toll at 70 on Sunday.", "70").attribution == "Medics"


def test_putting_people_on_trial_is_not_a_source():
    assert claim_at("The army put 5 soldiers on trial.", "5").attribution is None


def test_stray_straight_quotes_far_apart_are_not_a_quotation():
    filler = "The convoy moved on. " * 90
    text = f'He called it "a deal. {filler} Rescuers found 40 survivors." Later more came.'
    assert claim_at(text, "40").is_quote is False


def test_participle_shares_the_source_of_its_clause():
    text = (
        "The budget office disputed the claim on Friday, estimating that the plan would "
        "add $256 billion to deficits."
    )
    assert claim_at(text, "$256 billion").attribution == "budget office"


def test_calling_something_a_quote_attributes_the_quote():
    text = 'The mayor called it "a plan that will create thousands of jobs".'
    assert claim_at(text, "thousands").attribution == "mayor"


def test_survey_found_attributes_the_figure_it_reports():
    text = "About 40% of hospitals reported staff shortages, a survey of 2,000 trusts found."
    assert claim_at(text, "About 40%").attribution == "a survey of 2,000 trusts"


def test_figure_describing_the_source_has_no_attribution():
    text = "About 40% of hospitals reported staff shortages, a survey of 2,000 trusts found."
    assert claim_at(text, "2,000").attribution is None


def test_date_after_the_source_is_dropped():
    text = "Opposition forces on Sunday said the raids killed at least one fighter."
    assert claim_at(text, "at least one").attribution == "Opposition forces"


def test_quote_frame_with_an_unparsed_subject_takes_the_name_before_the_verb():
    text = (
        '"Nine people died and more than 40 others were wounded after the explosion of the '
        'two car bombs" an hour apart SANA said.'
    )
    assert claim_at(text, "Nine").attribution == "SANA"


def test_figures_show_names_no_source():
    text = "The waiting list has risen to 7.6 million, new figures show."
    assert claim_at(text, "7.6 million").attribution is None


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


def test_attribution_closing_say_clause_skips_a_preceding_count():
    claim = claim_at("The shelling killed two men and injured a third KNA said.", "two")
    assert claim.attribution == "KNA"


def test_attribution_closing_pronoun_without_referent_is_none():
    assert claim_at("The storm flattened 30 houses he said.", "30").attribution is None
