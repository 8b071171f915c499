"""What an article is about, for grouping articles into stories.

Taken from the same spaCy parse as the claims (no second pass over the text): the
places it names, the other named entities, the event words, and the content words
of its lead. Names are reduced to a spelling-tolerant key, because the same town is
"Hasaka", "Hasakeh" and "Hasakah" from one outlet to the next.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from .measures import is_place_slot, measure_of_words
from .numbers import word_set

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
ENTITY_LABELS = frozenset({"ORG", "PERSON", "NORP"})
# Words that name what kind of event an article reports, beyond the measure words.
EVENT_WORDS = word_set(
    "attack bombing blast explosion bomb airstrike strike raid shelling clash battle "
    "offensive siege ceasefire truce evacuation massacre ambush assault suicide car "
    "barrel chemical gas convoy aid talks vote election summit deal protest "
    "kill die wound injure flee displace arrest capture abduct execute evacuate"
)
# Lead: the first words of the text, where a news story says what happened.
LEAD_TOKENS = 80
_WORD_RE = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)
_ARTICLE_PREFIX_RE = re.compile(r"^(?:al|el|ad|ar|as|ash|an|at|az)[-\s]+", re.IGNORECASE)
_VOWELS = frozenset("aeiouy")
# Words that are never what makes two news stories the same one.
STOP_WORDS = word_set(
    "a an the and or but of in on at to for from by with about as into over after before "
    "since during than that this these those it its is are was were be been being has have "
    "had he she they we you i his her their our said says say told also would could will "
    "more most some other who which what when where while there here not no up out one two "
    "mr mrs ms date publication published updated get short url news agencies agency"
)


def name_key(name: str) -> str:
    """A spelling-tolerant key for a proper name: "Hasakeh", "Hasaka" → "hsk".

    The first letter and the consonants after it, doubled letters once, a trailing
    "h" or possessive "s" dropped. Coarse on purpose: a collision only adds a
    candidate story, which the rest of the comparison then accepts or rejects.
    """
    words = []
    for word in _ARTICLE_PREFIX_RE.sub("", _fold(name)).split():
        letters = "".join(ch for ch in word if ch.isalpha())
        if not letters:
            continue
        skeleton = letters[0] + "".join(ch for ch in letters[1:] if ch not in _VOWELS)
        collapsed = "".join(ch for i, ch in enumerate(skeleton) if i == 0 or ch != skeleton[i - 1])
        collapsed = collapsed.rstrip("hs") or collapsed[:1]
        if len(collapsed) >= 2:
            words.append(collapsed)
    return " ".join(words)


def content_words(text: str) -> list[str]:
    """Lower-case words of a text without stop words: for titles, which are not parsed."""
    return [w for w in _WORD_RE.findall(_fold(text)) if w not in STOP_WORDS and len(w) > 1]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@dataclass
class ArticleFeatures:
    """Counts by key; ``names`` keeps one spelling of each place key for display."""

    places: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)
    events: Counter = field(default_factory=Counter)
    lead: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def add_doc(self, doc: Doc) -> None:
        """Add one parsed chunk of the article (chunks in text order)."""
        for ent in doc.ents:
            if ent.label_ in PLACE_LABELS:
                # Each word on its own: the small model often runs a place into the
                # next name ("Syrias Hasakeh AFP").
                for word in ent.text.split():
                    key = name_key(word)
                    if key and word[:1].isupper():
                        self.places[key] += 1
                        self.names.setdefault(key, word.strip(".,;:\"'()"))
            elif ent.label_ in ENTITY_LABELS:
                key = name_key(ent.text)
                if key:
                    self.entities[key] += 1
        for tok in doc:
            if is_place_slot(tok) and tok.ent_type_ not in PLACE_LABELS:
                key = name_key(tok.text)
                if key:
                    self.places[key] += 1
                    self.names.setdefault(key, tok.text)
            if tok.pos_ in ("VERB", "NOUN", "PROPN"):
                lemma = tok.lemma_.lower()
                if lemma in EVENT_WORDS or measure_of_words([lemma]):
                    self.events[lemma] += 1
            if len(self.lead) < LEAD_TOKENS and (tok.is_alpha or tok.like_num):
                word = _fold(tok.text) if tok.like_num else tok.lemma_.lower()
                if not tok.is_stop and word not in STOP_WORDS and len(word) > 1:
                    self.lead.append(word)

    def to_dict(self) -> dict[str, Any]:
        return {
            "places": dict(self.places),
            "entities": dict(self.entities),
            "events": dict(self.events),
            "lead": list(self.lead),
            "names": dict(self.names),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ArticleFeatures:
        data = data or {}
        return cls(
            places=Counter(data.get("places") or {}),
            entities=Counter(data.get("entities") or {}),
            events=Counter(data.get("events") or {}),
            lead=list(data.get("lead") or []),
            names=dict(data.get("names") or {}),
        )
