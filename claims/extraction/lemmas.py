"""The stored form of a word an editor types into a filter ("killed" -> "kill").

Claims store events and counted things as the extractor's lemmas, so a filter must
reduce what is typed the same way. This uses the model's own rule lemmatizer and the
extractor's ``event_lemma`` / ``unit_lemma``, but loads only the lemmatizer and its
tables: a web process never needs the tagger or the parser, which cost far more to
load. A lone word has no part of speech, so it is read both as a verb and as a noun.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .pipeline import DEFAULT_MODEL, FALLBACK_MODEL, MODEL_ENV_VAR
from .roles import event_lemma, unit_lemma

_ROLES = {"event": event_lemma, "unit": unit_lemma}
# Everything a trained English pipeline may hold besides its lemmatizer.
_NOT_NEEDED = [
    "tok2vec",
    "transformer",
    "tagger",
    "morphologizer",
    "parser",
    "senter",
    "attribute_ruler",
    "ner",
    "entity_ruler",
    "textcat",
    "spancat",
]
_lock = threading.Lock()
_nlp: Language | None = None


def _lemmatizer() -> Language:
    global _nlp
    if _nlp is None:
        with _lock:
            if _nlp is None:
                requested = os.environ.get(MODEL_ENV_VAR) or DEFAULT_MODEL
                try:
                    _nlp = spacy.load(requested, exclude=_NOT_NEEDED)
                except OSError:
                    if requested != DEFAULT_MODEL:
                        raise
                    _nlp = spacy.load(FALLBACK_MODEL, exclude=_NOT_NEEDED)
    return _nlp


@lru_cache(maxsize=4096)
def stored_forms(word: str, *, role: str) -> tuple[str, ...]:
    """What ``word`` may be stored as in a claim's ``role`` ("event" or "unit"):
    the word itself in lower case, then its lemma as a verb and as a noun."""
    word = " ".join(word.lower().split())
    if not word:
        return ()
    forms = [word]
    if " " not in word:
        nlp = _lemmatizer()
        for pos in ("VERB", "NOUN"):
            doc = nlp(Doc(nlp.vocab, words=[word], pos=[pos]))
            forms.append(_ROLES[role](doc[0]))
    return tuple(dict.fromkeys(forms))
