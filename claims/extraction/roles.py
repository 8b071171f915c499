"""What a quantity counts and what happens to it, read from the dependency parse."""

from __future__ import annotations

from spacy.tokens import Token

from . import numbers as nums
from .lexicon import MEASURE_UNITS, MONTHS, TIME_UNITS, WEEKDAYS
from .numbers import word_set

# Verbs that make someone else do the thing that matters: "forced 500 to flee" is
# about fleeing, so the event is the verb of the infinitive they govern.
CAUSATIVE_VERBS = word_set(
    "force compel cause prompt drive push allow lead order urge help make leave oblige pressure"
)
UP_VERBS = word_set(
    "rise increase grow climb jump surge soar gain raise boost hike expand swell "
    "double triple rocket spike mount add"
)
DOWN_VERBS = word_set(
    "fall drop decline decrease cut reduce slash shrink plunge slump tumble sink dip "
    "lower shed ease plummet slide contract trim halve lose"
)
UP_NOUNS = word_set("increase rise growth gain jump surge hike spike boost")
DOWN_NOUNS = word_set("decrease drop decline fall cut reduction loss slump plunge dip")
# Nouns that name an event a figure can take part in ("the deaths of 80 people").
EVENT_NOUNS = word_set(
    "killing death attack strike airstrike bombing shelling explosion blast displacement "
    "evacuation arrest detention execution injury casualty massacre flight exodus return "
    "increase rise growth gain jump surge hike spike boost decrease drop decline fall cut "
    "reduction loss slump plunge dip"
)
# Verbs that work as prepositions and do not name what happened ("including").
_PASS_THROUGH = word_set("include exclude involve")
# Nouns that are never what a figure counts.
_NOT_UNITS = frozenset({*MONTHS, *WEEKDAYS, "%"})
_NOUNISH = frozenset({"NOUN", "PROPN"})


def _lemma(tok: Token) -> str:
    text = tok.lower_
    if text in ("people", "peoples"):
        return "people"
    lemma = tok.lemma_.lower()
    if tok.tag_ == "NNPS" and lemma == text and text.endswith("s") and not text.endswith("ss"):
        # Title-case plurals are tagged as names and keep their "s": "Terrorists".
        return text[:-3] + "y" if text.endswith("ies") else text[:-1]
    return lemma


def _is_number_word(tok: Token) -> bool:
    return tok.lower_ in nums.NUMBER_WORDS or tok.lower_ in nums.VAGUE_PLURALS or tok.like_num


def find_unit(anchor: Token, span_end: int) -> tuple[Token | None, bool]:
    """The counted noun of a quantity: (token, found through "of").

    Tries "thousands of civilians" ("of" + object), then the noun the number modifies
    ("80 people"), then the first noun right after the number, skipping adjectives.
    """
    tok = anchor
    # Climb through number words: "three" -> "million" -> "people".
    for _ in range(3):
        if tok.dep_ in ("compound", "quantmod", "nummod") and _is_number_word(tok.head):
            tok = tok.head
        else:
            break
    if tok.pos_ in ("NOUN", "NUM", "PRON", "PROPN") or tok.like_num:
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of" and child.i > tok.i:
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        if _is_number_word(obj) and obj.i > tok.i:
                            inner, _ = find_unit(obj, obj.i + 1)
                            return _usable_unit(inner or obj), True
                        if obj.pos_ in _NOUNISH:
                            return _usable_unit(obj), True
                        return None, True
    head = tok.head
    if (
        tok.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod", "npadvmod")
        and head.pos_ in _NOUNISH
        and head.i > tok.i
        and head.lower_ not in _NOT_UNITS
        and not _is_number_word(head)
    ):
        return _usable_unit(head), False
    # Fallback on word order: "three million Syrian refugees".
    doc = anchor.doc
    limit = min(len(doc), span_end + 4)
    for i in range(span_end, limit):
        t = doc[i]
        if t.is_space:
            continue
        if t.pos_ in ("ADJ", "ADV") or t.text in ("(", ")") or t.lower_ == "sic":
            continue
        if t.pos_ == "NOUN" or t.tag_ == "NNPS":
            # take the last noun of a compound: "aid trucks"
            while (
                t.dep_ == "compound"
                and t.head.i > t.i
                and t.head.i < limit + 2
                and t.head.pos_ == "NOUN"
            ):
                t = t.head
            if t.lower_ in _NOT_UNITS:
                return None, False
            return _usable_unit(t), False
        break
    return None, False


def _usable_unit(tok: Token | None) -> Token | None:
    # Tokens with digits are dates or codes glued on by the tokenizer ("19.04.2017").
    if tok is None or any(ch.isdigit() for ch in tok.text):
        return None
    return tok


def unit_lemma(tok: Token) -> str:
    """Lower-case lemma of a unit noun, mapping currency words to ISO codes."""
    lemma = _lemma(tok)
    code = nums.CURRENCY_WORDS.get(tok.lower_) or nums.CURRENCY_WORDS.get(lemma)
    if code:
        for child in tok.children:
            if child.dep_ in ("amod", "compound"):
                code = nums.CURRENCY_NATIONALITY.get((child.lower_, code), code)
        return code
    if tok.lower_ in MEASURE_UNITS:
        return MEASURE_UNITS[tok.lower_]
    if tok.lower_ in TIME_UNITS:
        return TIME_UNITS[tok.lower_]
    return lemma


def find_event(start: Token) -> tuple[Token | None, list[str]]:
    """The verb or event noun a quantity takes part in, and the prepositions on the way.

    Walks up the heads from the counted noun (or the number) to the first verb; the verb
    of an infinitive governed by a causative verb wins ("forced 500 to flee" -> flee).
    """
    preps: list[str] = []
    tok = start
    for _ in range(8):
        head = tok.head
        if head.i == tok.i:
            break
        if tok.dep_ in ("prep", "agent", "dative"):
            preps.append(tok.lower_)
        if head.lemma_.lower() in _PASS_THROUGH and head.dep_ in ("prep", "acl", "advcl"):
            # "80 people, including 12 children, were killed": the event is above.
            tok = head
            continue
        if head.pos_ == "VERB" or (head.pos_ == "AUX" and head.dep_ not in ("aux", "auxpass")):
            if tok.dep_ == "nsubj":
                # What the subject does is not a change in its number: "80 boats sank".
                preps.append("subject")
            return _causative_target(head), preps
        if head.pos_ == "NOUN" and head.lemma_.lower() in EVENT_NOUNS and head.i != start.i:
            if tok.dep_ == "prep":
                preps[-1:] = []  # "increase of 5%" is a change, not a level
            return head, preps
        if head.dep_ == "prep" and head.lower_ in ("of",) and head.head.pos_ == "NOUN":
            # "a wave of 500 people": the figure is a level of the noun before.
            pass
        tok = head
    # Headline style, no verb above: "80 people killed in strike".
    for child in start.children:
        if child.dep_ in ("acl", "relcl") and child.pos_ == "VERB":
            return child, preps
    return None, preps


# "more than 1400 are estimated to have been killed": the infinitive holds the event.
_RAISING_VERBS = word_set("estimate report believe say think expect fear feared")


def _causative_target(verb: Token) -> Token:
    if verb.lemma_.lower() in CAUSATIVE_VERBS or verb.lemma_.lower() in _RAISING_VERBS:
        for child in verb.children:
            if child.dep_ in ("xcomp", "ccomp") and child.pos_ == "VERB" and child.i > verb.i:
                return child
    return verb


def trend_of(event: Token | None, preps: list[str]) -> str | None:
    """ "up"/"down" when the figure is a change ("rose 5%"), None for a level ("rose to 5%")."""
    if event is None:
        return None
    if any(p != "by" for p in preps):
        # "rose to 80", "cut taxes for 27 million": a level, or not the changed amount.
        return None
    lemma = event.lemma_.lower()
    if event.pos_ == "NOUN":
        if lemma in UP_NOUNS:
            return "up"
        if lemma in DOWN_NOUNS:
            return "down"
        return None
    if lemma in UP_VERBS:
        return "up"
    if lemma in DOWN_VERBS:
        return "down"
    return None


def event_lemma(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    if tok.pos_ == "NOUN" and lemma == "killing":
        return "kill"
    return lemma
