"""Words typed into a filter, reduced the way the extractor stores them."""

from __future__ import annotations

import pytest

from claims.extraction import lemmas


@pytest.mark.parametrize(
    ("word", "role", "stored"),
    [
        ("killed", "event", "kill"),
        ("kills", "event", "kill"),
        ("Killing", "event", "kill"),
        ("fled", "event", "flee"),
        ("displaced", "event", "displace"),
        ("persons", "unit", "person"),
        ("children", "unit", "child"),
        ("refugees", "unit", "refugee"),
        ("people", "unit", "people"),
        ("dollars", "unit", "usd"),
        ("euros", "unit", "eur"),
    ],
)
def test_stored_forms_include_the_extractors_lemma(word, role, stored):
    forms = lemmas.stored_forms(word, role=role)
    assert stored in forms
    assert forms[0] == word.lower()  # what was typed is matched as it is, too


def test_stored_forms_of_several_words_are_the_words_themselves():
    assert lemmas.stored_forms("  Aid   Trucks ", role="unit") == ("aid trucks",)


def test_stored_forms_of_nothing_is_nothing():
    assert lemmas.stored_forms("   ", role="event") == ()


def test_lemmatizer_loads_without_the_parser_or_tagger():
    lemmas.stored_forms("wounded", role="event")
    assert lemmas._lemmatizer().pipe_names == ["lemmatizer"]
