"""Long documents: chunking, exact offsets and progress reports."""

from __future__ import annotations

import pytest

from claims.extraction import extract_claims, get_nlp, split_chunks
from claims.extraction.pipeline import CHUNK_CHARS


@pytest.fixture(scope="module", autouse=True)
def nlp():
    return get_nlp()


def _padded_article(paragraphs: int, padding: int) -> tuple[str, list[int]]:
    """Paragraphs with one figure each, separated by long blank runs.

    The blank runs make a document of a million characters cheap to parse (a run of
    whitespace is one token) while the chunker still has to cut it at the right places.
    """
    parts: list[str] = []
    values: list[int] = []
    for i in range(paragraphs):
        value = 100 + i
        values.append(value)
        parts.append(f"Paragraph {i}: rescuers said {value} people were evacuated.")
        parts.append("\n\n" + " " * padding + "\n\n")
    return "".join(parts), values


def test_split_chunks_covers_the_text_without_gaps():
    text = ("The council met. " * 50 + "\n\n") * 200
    chunks = split_chunks(text, max_chars=5_000)
    assert chunks[0][0] == 0 and chunks[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(chunks, chunks[1:], strict=False))
    assert all(end - start <= 5_000 for start, end in chunks)


def test_split_chunks_cuts_at_paragraph_ends():
    text = ("The council met. " * 50 + "\n\n") * 200
    for start, _end in split_chunks(text, max_chars=5_000)[1:]:
        assert text[start - 2 : start] == "\n\n"


def test_split_chunks_cuts_a_text_without_any_break():
    text = "x" * 50_000
    chunks = split_chunks(text, max_chars=20_000)
    assert [e - s for s, e in chunks] == [20_000, 20_000, 10_000]


def test_million_character_text_has_exact_offsets():
    text, values = _padded_article(paragraphs=120, padding=8_400)
    assert len(text) >= 1_000_000
    found = extract_claims(text)
    assert [c.value for c in found] == values
    for claim in found:
        assert text[claim.start : claim.end] == claim.text
        assert text[claim.sentence_start : claim.sentence_end] == claim.sentence


def test_dense_text_across_chunks_has_exact_offsets():
    paragraph = (
        "Medics said 45 patients were treated at the clinic. The storm damaged 12 roads "
        "and cut power to about 3,000 homes, officials said.\n\n"
    )
    text = paragraph * (2 * CHUNK_CHARS // len(paragraph) + 5)
    found = extract_claims(text)
    assert len(found) == 3 * text.count("Medics said")
    assert all(text[c.start : c.end] == c.text for c in found)


def test_progress_is_reported_after_every_chunk():
    text, _values = _padded_article(paragraphs=10, padding=8_000)
    calls: list[tuple[int, int]] = []
    extract_claims(text, on_progress=lambda done, total: calls.append((done, total)))
    total = len(split_chunks(text))
    assert total > 1
    assert calls == [(done, total) for done in range(1, total + 1)]
