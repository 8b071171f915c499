"""What a figure measures: measure, population, period and place, with the real model."""

from __future__ import annotations

import pytest

from claims.extraction import extract_claims, name_key
from claims.extraction.features import content_words


def _claim(sentence: str, figure: str):
    claims = extract_claims(sentence)
    found = [c for c in claims if figure in c.text or c.text in figure]
    assert found, f"no claim for {figure!r} in {[c.text for c in claims]}"
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "figure", "measure"),
    [
        # Every wording of a death toll is deaths, whatever verb governs the number.
        ("The strike killed at least 58 people in the market on Friday.", "at least 58", "deaths"),
        ("The death toll rose to 70 on Saturday, medics said.", "70", "deaths"),
        ("Local officials put the death toll at 58 late on Friday.", "58", "deaths"),
        ("Rescuers counted 24 dead after the building collapsed.", "24", "deaths"),
        ("58 Killed in Market Bombing", "58", "deaths"),
        ("The flood claimed the lives of some 80 people in the valley.", "some 80", "deaths"),
        ("Nine soldiers died when their convoy hit a mine.", "Nine", "deaths"),
        ("Police recovered 12 bodies from the river on Monday.", "12", "deaths"),
        ("The ferry accident caused more than 300 deaths last year.", "more than 300", "deaths"),
        (
            "Thirty-one dead and over 90 wounded were reported by the hospital.",
            "over 90",
            "injuries",
        ),
        ("The blast wounded 40 people near the station.", "40", "injuries"),
        ("At least 12 people were injured when the bus overturned.", "At least 12", "injuries"),
        ("Six of the wounded were in a serious condition on Monday night.", "Six", "injuries"),
        ("The shelling left 33 people killed or wounded in the town.", "33", "casualties"),
        ("The army reported 200 casualties after the assault on the hill.", "200", "casualties"),
        ("About 15 people are still missing after the landslide.", "About 15", "missing"),
        (
            "More than 5000 people fled the fighting over the weekend.",
            "More than 5000",
            "displaced",
        ),
        ("The floods displaced 20000 families across the province.", "20000", "displaced"),
        ("Jordan hosts 650000 refugees from the war, the agency said.", "650000", "refugees"),
        ("Buses evacuated 400 civilians from the besieged district.", "400", "evacuated"),
        ("Police arrested 35 protesters outside parliament on Sunday.", "35", "detained"),
        ("Gunmen kidnapped 12 aid workers on the road to the border.", "12", "detained"),
        ("Some 40000 people are trapped in the old city without water.", "Some 40000", "affected"),
        ("The town is home to 30000 inhabitants, most of them farmers.", "30000", "population"),
        ("Warplanes carried out 25 air strikes on the city overnight.", "25", "attacks"),
        ("The government pledged $500 million in aid for the region.", "$500 million", "money"),
        ("Turnout fell to 42% in the second round of the vote.", "42%", "percent"),
        ("The rebels attacked two villages near the river on Thursday.", "two", "other"),
        ("The convoy travelled 40 km through the desert.", "40 km", "other"),
    ],
)
def test_measure_of_figure(sentence, figure, measure):
    assert _claim(sentence, figure).measure == measure


@pytest.mark.parametrize(
    ("sentence", "figure", "population"),
    [
        ("The strike killed 15 civilians in the town on Monday.", "15", "civilians"),
        ("Among the dead were 11 children and 4 teachers.", "11", "children"),
        ("The raid killed seven women at the well.", "seven", "women"),
        ("Clashes killed 27 fighters on both sides overnight.", "27", "combatants"),
        ("Government troops lost 40 soldiers in the ambush.", "40", "combatants"),
        ("The bombing killed 16 people outside the bakery.", "16", "people"),
        ("The bombing killed at least 16 outside the bakery.", "at least 16", "people"),
        ("The militia burned 30 houses in the village.", "30", "house"),
        ("The government pledged $500 million in aid.", "$500 million", None),
    ],
)
def test_population_of_figure(sentence, figure, population):
    assert _claim(sentence, figure).population == population


@pytest.mark.parametrize(
    ("sentence", "figure", "period"),
    [
        ("The car bomb killed 22 people at the checkpoint on Tuesday.", "22", "event"),
        ("Clashes killed 120 fighters over the past four days.", "120", "window"),
        ("Air strikes have killed 300 people since Monday, monitors said.", "300", "window"),
        ("The month-long siege has displaced 9000 residents.", "9000", "window"),
        ("The war has killed more than 400000 people since it began.", "400000", "cumulative"),
        ("So far 2000 people have died in the epidemic.", "2000", "cumulative"),
        ("The government pledged $500 million in aid.", "$500 million", None),
    ],
)
def test_period_of_figure(sentence, figure, period):
    assert _claim(sentence, figure).period == period


@pytest.mark.parametrize(
    ("sentence", "figure", "place"),
    [
        (
            "Ten people were killed in a southern district of Harbour City while "
            "four others were killed in a village near the city.",
            "Ten",
            "district",
        ),
        (
            "Ten people were killed in a southern district of Harbour City while "
            "four others were killed in a village near the city.",
            "four",
            "village",
        ),
        (
            "Two people were wounded in shelling on the nearby town of Kafr Zita.",
            "Two",
            "Kafr Zita",
        ),
        ("The raid killed 18 people in an attack on two villages.", "18", None),
        ("The bombing killed 16 people on Tuesday.", "16", None),
    ],
)
def test_place_named_for_figure(sentence, figure, place):
    assert _claim(sentence, figure).place == place


def test_measure_fields_are_in_the_json_form():
    claim = _claim("The blast killed 40 civilians in the square on Monday.", "40")
    data = claim.to_dict()
    assert (data["measure"], data["population"], data["period"]) == ("deaths", "civilians", "event")
    assert "place" in data


def test_features_come_from_the_same_parse():
    text = (
        "A car bomb killed 21 civilians in Manbij on Monday, the Syrian Observatory "
        "said. The Kurdish-led forces blamed Islamic State."
    )
    claims, features = extract_claims(text, with_features=True)
    assert [c.text for c in claims] == [c.text for c in extract_claims(text)]
    assert name_key("Manbij") in features.places
    assert features.events["kill"] == 1
    assert "manbij" in features.lead


@pytest.mark.parametrize(
    ("spellings", "same"),
    [
        (("Hasakeh", "Hasaka", "Hasakah"), True),
        (("Idlib", "Idleb"), True),
        (("Syria", "Syrias"), True),
        (("al-Raqqa", "Raqqa"), True),
        (("Manbij", "Aleppo"), False),
    ],
)
def test_name_key_tolerates_transliterations(spellings, same):
    keys = {name_key(s) for s in spellings}
    assert (len(keys) == 1) is same


def test_content_words_drop_stop_words():
    assert content_words("Car bomb kills 21 in the town of Manbij") == [
        "car",
        "bomb",
        "kills",
        "21",
        "town",
        "manbij",
    ]
