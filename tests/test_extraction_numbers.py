"""The number normaliser on its own: words, figures and scales to values, no spaCy."""

from __future__ import annotations

import pytest

from claims.extraction import numbers


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("fifteen", 15),
        ("three million", 3_000_000),
        ("two and a half million", 2_500_000),
        ("half a million", 500_000),
        ("a dozen", 12),
        ("two dozen", 24),
        ("one hundred and forty-two", 142),
        ("twenty five thousand", 25_000),
        ("a quarter of a million", 250_000),
        ("5.93 mln", 5_930_000),
        ("1.5 billion", 1_500_000_000),
        ("a million and one", 1_000_001),
        ("two point five", 2.5),
    ],
)
def test_words_to_number_reads_spelled_and_mixed_numbers(words, expected):
    assert numbers.words_to_number(words) == pytest.approx(expected)


@pytest.mark.parametrize("words", ["five six", "twenty thirty", "and", "a", "thousand thousand"])
def test_words_to_number_rejects_what_is_not_one_number(words):
    assert numbers.words_to_number(words) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("500,000", 500_000), ("5000", 5000), ("2.75", 2.75), ("-12", -12), ("\u221240", -40)],
)
def test_parse_digits_reads_separators_decimals_and_signs(text, expected):
    assert numbers.parse_digits(text) == expected


@pytest.mark.parametrize("text", ["5,00", "1,2345", "12a", ""])
def test_parse_digits_rejects_malformed_figures(text):
    assert numbers.parse_digits(text) is None


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["dozens"], (24, 99)),
        (["scores"], (40, 199)),
        (["hundreds"], (200, 999)),
        (["thousands"], (2_000, 9_999)),
        (["tens", "of", "thousands"], (20_000, 99_999)),
        (["hundreds", "of", "thousands"], (200_000, 999_999)),
        (["millions"], (2_000_000, 9_999_999)),
        (["several", "hundred"], (200, 900)),
        (["a", "few", "thousand"], (2_000, 9_000)),
        (["several"], (2, 9)),
        (["upper", "teens"], (16, 19)),
    ],
)
def test_vague_range_follows_the_conventions_table(words, expected):
    assert numbers.vague_range(words) == expected


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("$", "usd"),
        ("dlrs", "usd"),
        ("dollars", "usd"),
        ("£", "gbp"),
        ("pounds", "gbp"),
        ("€", "eur"),
        ("euros", "eur"),
    ],
)
def test_currency_code_maps_signs_and_words_to_iso(word, code):
    assert numbers.currency_code(word) == code


def test_ordinal_value_reads_words_and_figures():
    assert [numbers.ordinal_value(w) for w in ("ninth", "21st", "twenty-first")] == [9, 21, 21]
