"""What a figure measures: measure, population, period and the place named for it.

Read from the same parse as the claim itself (see the cross-referencing contract):
the measure comes from the words that say what happened to the counted people or
things ("killed", "the death toll", "24 dead", "fled"), never from the number's own
governing verb ("put", "rose", "reached"), which says nothing about what is counted.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from .numbers import word_set
from .types import ExtractedClaim

# Every measure and period a claim can be given (XREF.md); the database's choices are
# these, which a test holds together.
MEASURES = (
    "deaths",
    "injuries",
    "casualties",
    "missing",
    "displaced",
    "refugees",
    "evacuated",
    "detained",
    "affected",
    "population",
    "attacks",
    "money",
    "percent",
    "other",
)
PERIODS = ("event", "window", "cumulative")

# --- Lexicons ----------------------------------------------------------------------
# Lemmas (verbs, nouns and adjectives) that name what a figure counts. The same word
# list serves verbs ("killed"), participles used as nouns ("the wounded") and nouns.
_MEASURE_WORDS: dict[str, str] = {}
for _measure, _words in {
    "deaths": "kill die dead death toll fatality execute massacre martyr slay murder "
    "behead perish assassinate killing body corpse martyrdom drown",
    "injuries": "wound injure hurt injury maim wounded injured",
    "casualties": "casualty",
    "missing": "missing unaccounted rubble",
    "displaced": "flee displace uproot displacement idp",
    "refugees": "refugee asylum",
    "evacuated": "evacuate evacuation evacuee",
    "detained": "arrest detain capture abduct kidnap imprison jail hostage detainee "
    "prisoner abduction detention",
    "affected": "trap besiege strand affect need",
    "population": "population inhabitant",
    "attacks": "strike airstrike raid attack bomb rocket shell missile mortar sortie "
    "bombardment bombing",
}.items():
    for _word in _words.split():
        _MEASURE_WORDS[_word] = _measure

# Nouns that, as the counted noun itself, say what is measured ("80 deaths", "10
# bodies", "3 air strikes"). "residents" is not one: "13,000 residents fled" counts
# people who fled.
_MEASURE_UNITS = {
    w: m
    for w, m in _MEASURE_WORDS.items()
    if m in ("deaths", "injuries", "casualties", "refugees", "detained", "attacks", "evacuated")
    and w
    not in ("kill", "die", "wound", "injure", "hurt", "arrest", "capture", "execute", "strike")
}
_MEASURE_UNITS.update({"strike": "attacks", "evacuee": "evacuated", "inhabitant": "population"})

# A word right after the figure that says what happened to it: "58 Killed in ...",
# "24 dead", "Fifty-one dead and over 100 wounded", "30 Syrian rebels killed".
_TRAILING_WORDS = {
    "killed": "deaths",
    "dead": "deaths",
    "died": "deaths",
    "executed": "deaths",
    "massacred": "deaths",
    "martyred": "deaths",
    "wounded": "injuries",
    "injured": "injuries",
    "hurt": "injuries",
    "missing": "missing",
    "displaced": "displaced",
    "detained": "detained",
    "arrested": "detained",
    "abducted": "detained",
    "kidnapped": "detained",
    "evacuated": "evacuated",
    "trapped": "affected",
    "besieged": "affected",
    "stranded": "affected",
}

# The measures a subject or object noun in the figure's clause can give to it:
# "put the death toll at 58", "the toll reached 51", "claimed the lives of 80".
_CLAUSE_NOUNS = {
    "toll": "deaths",
    "death": "deaths",
    "fatality": "deaths",
    "life": "deaths",
    "dead": "deaths",
    "casualty": "casualties",
    "injury": "injuries",
    "wounded": "injuries",
    "refugee": "refugees",
    "hostage": "detained",
}

_HEADLINE_VERBS = {
    "kill": "deaths",
    "kills": "deaths",
    "killed": "deaths",
    "die": "deaths",
    "dies": "deaths",
    "wound": "injuries",
    "wounds": "injuries",
    "wounded": "injuries",
    "injure": "injuries",
    "injures": "injuries",
    "injured": "injuries",
}
# Measures of what happens to people: a figure counting things cannot be one of them.
_PEOPLE_MEASURES = word_set(
    "deaths injuries casualties missing displaced refugees evacuated detained affected"
)
_PEOPLE = word_set(
    "people person individual victim resident other one inhabitant villager passenger "
    "worker pilgrim patient syrian palestinian kurd iraqi man"
)
_CIVILIANS = frozenset({"civilian", "noncombatant"})
_CHILDREN = word_set("child kid boy girl minor infant baby toddler schoolchild")
_WOMEN = frozenset({"woman"})
_COMBATANTS = word_set(
    "combatant fighter militant rebel soldier troop terrorist jihadist gunman insurgent "
    "police policeman officer militiaman militia serviceman servicemen guard commander "
    "mercenary recruit"
)
# Other nouns for people: with these, the measure words of the clause apply.
_OTHER_PERSON_NOUNS = word_set(
    "family household member volunteer journalist reporter doctor nurse medic worker "
    "employee staff student teacher pupil prisoner detainee protester demonstrator "
    "activist official leader commander shepherd farmer fisherman pilgrim migrant "
    "refugee hostage girl boy man adult citizen national foreigner tourist crew "
    "sailor pilot opponent supporter loyalist defector kurd arab turkmen druze "
    "christian alawite sunni shiite yazidi"
)
# Measure nouns that count people when they are the counted noun.
_PEOPLE_MEASURE_UNITS = word_set(
    "death fatality body corpse casualty injury refugee hostage detainee prisoner evacuee "
    "toll martyr dead wounded injured idp"
)
_PERSON_NOUNS = _PEOPLE | _CIVILIANS | _CHILDREN | _WOMEN | _COMBATANTS | _OTHER_PERSON_NOUNS
# Measures that count neither people nor things: no population.
_NO_POPULATION = frozenset({"money", "percent"})
# Measures that are not about one incident or stretch of time: no period.
_NO_PERIOD = frozenset({"other", "money", "percent", "population", "affected"})

# A whole war or crisis, counted from its start.
_CUMULATIVE_RE = re.compile(
    r"\bsince\s+(?:the\s+)?(?:start|beginning|outbreak|onset|eruption)\b"
    r"|\bsince\s+(?:the\s+|syrias\s+|syria's\s+|its\s+)?(?:\w+[- ])?"
    r"(?:war|conflict|crisis|uprising|revolution|revolt|unrest|fighting)\b"
    r"|\bsince\s+(?:it|they)\s+(?:began|started|erupted|broke out)"
    r"|\bsince\s+(?:\w+\s+)?(?:2011|then)\b"
    r"|\bso\s+far\b|\bto\s+date\b|\bin\s+total\b"
    r"|\b(?:years?|decades?)\s+(?:of|into|-old)\s+(?:the\s+)?(?:\w+\s+)?(?:war|conflict|crisis)"
    r"|\b(?:war|conflict|crisis|uprising)s?\s+(?:which\s+|that\s+)?(?:has|have|had)\s+"
    r"(?:\w+\s+)?(?:killed|displaced|left|claimed|forced|caused|uprooted|driven)",
    re.IGNORECASE,
)
_DURATION = r"(?:hours?|days?|weeks?|months?|years?)"
_WEEKDAY_OR_MONTH = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|"
    r"april|may|june|july|august|september|october|november|december)"
)
# A stretch of time stated in the sentence.
_WINDOW_RE = re.compile(
    rf"\b(?:over|during|in|within|for)\s+(?:the\s+)?(?:past|last|previous|first|recent)\s+"
    rf"(?:\w+\s+)?{_DURATION}\b"
    rf"|\bin\s+recent\s+{_DURATION}\b"
    rf"|\bsince\s+(?:last\s+)?{_WEEKDAY_OR_MONTH}\b"
    rf"|\b(?:last|this|past)\s+(?:week|month|year)\b"
    rf"|\b(?:in|during|throughout)\s+(?:19|20)\d\d\b"
    rf"|\b\w+[- ](?:day|week|month|year)[- ]long\b"
    rf"|\b(?:over|for|in)\s+(?:\w+\s+)?(?:two|three|four|five|six|seven|ten|\d+|several|"
    rf"a\s+few)\s+{_DURATION}\b"
    rf"|\b{_DURATION}\s+of\s+(?:fighting|clashes|bombardment|shelling|strikes|raids)",
    re.IGNORECASE,
)

# Nouns for a part of an area: a figure "in a village near the city" is kept apart
# from the story's overall figure. Sites (a market, a hospital, a camp) are not: they
# are usually where the whole incident happened, and whole cities and countries
# usually name where the whole story happens.
_SUBPLACE_NOUNS = word_set("district neighbourhood neighborhood village suburb quarter town")
_LOCATIVE_PREPS = word_set("in near at outside around inside across")
_EVENT_NOUNS = word_set(
    "attack raid strike airstrike shelling bombing blast explosion clash fighting "
    "bombardment assault offensive battle ambush shell"
)
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_NOT_PLACE_LABELS = frozenset({"DATE", "TIME", "ORG", "NORP", "CARDINAL", "ORDINAL", "MONEY"})
# Prepositions whose proper-name object is a place ("in Manbij", "near Aleppo").
PLACE_PREPS = frozenset({"in", "near", "outside", "around", "across", "inside"})


@dataclasses.dataclass(frozen=True, slots=True)
class Reading:
    measure: str
    population: str | None
    period: str | None
    place: str | None


# --- Public ------------------------------------------------------------------------


def annotate(doc: Doc, claims: Iterable[ExtractedClaim], base: int = 0) -> list[ExtractedClaim]:
    """The claims with measure, population, period and place filled in from ``doc``.

    ``base`` is the offset of ``doc`` in the document the claims' offsets refer to.
    """
    out = []
    for claim in claims:
        reading = read_claim(doc, claim, base)
        out.append(
            dataclasses.replace(
                claim,
                measure=reading.measure,
                population=reading.population,
                period=reading.period,
                place=reading.place,
            )
        )
    return out


def read_claim(doc: Doc, claim: ExtractedClaim, base: int = 0) -> Reading:
    span = doc.char_span(claim.start - base, claim.end - base, alignment_mode="expand")
    if span is None or not len(span):
        return Reading(_measure_for_kind(claim.kind) or "other", None, None, None)
    anchor = span.root
    unit_tok, unit = _unit_token(span, claim.unit)
    measure = _measure_for_kind(claim.kind) or _measure(span, anchor, unit_tok, unit, claim)
    population = _population(measure, claim.kind, unit, unit_tok)
    sent = anchor.sent
    period = None if measure in _NO_PERIOD else _period(sent)
    place = _place(anchor, unit_tok) if claim.kind == "count" else None
    return Reading(measure, population, period, place)


def measure_of_words(words: Iterable[str]) -> str | None:
    """The measure named by the first of these lemmas that names one, else None."""
    for word in words:
        if word in _MEASURE_WORDS:
            return _MEASURE_WORDS[word]
    return None


# --- Measure -----------------------------------------------------------------------


def _measure_for_kind(kind: str) -> str | None:
    if kind == "money":
        return "money"
    if kind == "percent":
        return "percent"
    if kind in ("measure", "duration", "ordinal", "age"):
        return "other"
    return None


def _lemma(tok: Token) -> str:
    lower = tok.lower_
    if lower in ("dead", "wounded", "injured", "missing"):
        return lower
    if lower in ("lives",):
        return "life"
    return tok.lemma_.lower()


def _unit_token(span: Span, unit: str | None) -> tuple[Token | None, str | None]:
    """The counted noun's token and lemma, after the figure.

    A noun found only past a preposition ("kills 16 outside bakery") is where the
    figure happened, not what it counts: then there is no counted noun.
    """
    if not unit:
        return None, None
    doc = span.doc
    for tok in doc[span.end : min(len(doc), span.end + 6)]:
        lower = tok.lower_
        if unit in (_lemma(tok), lower, lower.removesuffix("s"), lower.removesuffix("es")):
            return tok, unit
        if tok.pos_ in ("NOUN", "PROPN"):
            break
        if lower in _LOCATIVE_PREPS or (tok.pos_ == "ADP" and lower != "of"):
            return None, None
    return None, unit


def _measure(
    span: Span, anchor: Token, unit_tok: Token | None, unit: str | None, claim: ExtractedClaim
) -> str:
    measure = _measure_words(span, anchor, unit_tok, unit or "", claim)
    if measure in _PEOPLE_MEASURES and unit and not _counts_people(unit, unit_tok):
        # "an attack on two villages killed 15": the villages were not killed.
        return "other"
    return measure


def _counts_people(unit: str, unit_tok: Token | None) -> bool:
    return (
        unit in _PERSON_NOUNS
        or unit in _PEOPLE_MEASURE_UNITS
        or (unit_tok is not None and unit_tok.ent_type_ in ("NORP", "PERSON"))
    )


def _measure_words(
    span: Span, anchor: Token, unit_tok: Token | None, unit: str, claim: ExtractedClaim
) -> str:
    # "24 dead", "58 Killed in ...", "30 Syrian rebels killed": the word right after.
    after = (unit_tok.i + 1) if unit_tok is not None else span.end
    doc = span.doc
    for tok in doc[after : min(len(doc), after + 2)]:
        word = tok.lower_.strip("\"“”'")
        if word in _TRAILING_WORDS:
            return _casualties_if_both(tok, _TRAILING_WORDS[word])
        if not (tok.is_punct or tok.pos_ in ("ADJ", "ADV")):
            break
    if unit in _MEASURE_UNITS:
        return _MEASURE_UNITS[unit]
    if unit in ("dead", "wounded", "injured", "missing"):
        return _TRAILING_WORDS[unit]
    # "Fifteen of the wounded": the group the figure is taken from.
    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj" and (found := _noun_measure(obj)):
                    return found
    # Up the parse from the figure: the first word that names what happened.
    tok = unit_tok if unit_tok is not None and unit_tok.head.i == anchor.i else anchor
    seen_verbs = 0
    for _ in range(8):
        found = _measure_at(tok)
        if found:
            return found
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("aux", "auxpass"):
            seen_verbs += 1
            # Past the figure's own clause the words describe something else, unless
            # that verb only reports or causes it ("said", "forced ... to flee").
            if seen_verbs >= 2:
                break
        if tok.head.i == tok.i:
            break
        tok = tok.head
    if claim.event and _MEASURE_WORDS.get(claim.event) not in (None, "attacks", "population"):
        # Only a verb names what happened to people; "attacked two villages" counts
        # the villages, not attacks.
        return _MEASURE_WORDS[claim.event]
    return "other"


def _measure_at(tok: Token) -> str | None:
    """The measure a token (or its subject, object or complement) names, if any."""
    lemma = _lemma(tok)
    if tok.pos_ == "PROPN" and tok.lower_ in _HEADLINE_VERBS:
        return _HEADLINE_VERBS[tok.lower_]  # "Coalition Strikes Kill 21 Civilians"
    if tok.pos_ in ("VERB", "AUX"):
        if lemma in _MEASURE_WORDS and _MEASURE_WORDS[lemma] not in ("attacks", "population"):
            return _casualties_if_both(tok, _MEASURE_WORDS[lemma])
        for child in tok.children:
            found = _MEASURE_WORDS.get(_lemma(child)) or _TRAILING_WORDS.get(child.lower_)
            if child.dep_ in ("acomp", "xcomp", "oprd") and found not in (
                None,
                "attacks",
                "population",
            ):
                return found  # "are still trapped", "left 50 rebels dead"
            if child.dep_ not in ("prep", "punct", "aux", "auxpass", "cc", "conj", "mark"):
                found = _noun_measure(child)
                if found:
                    return found
            if child.dep_ == "prep" and child.lower_ == "among":
                # "76 children were among those killed"
                for obj in child.children:
                    for sub in obj.children:
                        if sub.dep_ in ("acl", "relcl") and _lemma(sub) in _MEASURE_WORDS:
                            return _MEASURE_WORDS[_lemma(sub)]
        if lemma == "lose":
            return "deaths"  # "lost 15 fighters", "lost their lives"
        return None
    return _noun_measure(tok) if tok.pos_ in ("NOUN", "PROPN", "ADJ") else None


def _noun_measure(tok: Token) -> str | None:
    lemma = _lemma(tok)
    if lemma in _CLAUSE_NOUNS:
        return _CLAUSE_NOUNS[lemma]
    for child in tok.children:
        if child.dep_ in ("compound", "amod") and _lemma(child) in _CLAUSE_NOUNS:
            return _CLAUSE_NOUNS[_lemma(child)]
    return None


def _casualties_if_both(tok: Token, measure: str) -> str:
    """ "killed or wounded", "dead and injured": one figure for both is casualties."""
    if measure not in ("deaths", "injuries"):
        return measure
    other = "injuries" if measure == "deaths" else "deaths"
    for conj in [*tok.conjuncts]:
        if _MEASURE_WORDS.get(_lemma(conj)) == other or _TRAILING_WORDS.get(conj.lower_) == other:
            between = tok.doc[min(tok.i, conj.i) + 1 : max(tok.i, conj.i)]
            # "killed 16 people and wounded 40": each verb has its own figure.
            if len(between) <= 2 and not any(t.like_num for t in between):
                return "casualties"
    return measure


# --- Population --------------------------------------------------------------------


def _population(measure: str, kind: str, unit: str | None, unit_tok: Token | None) -> str | None:
    if measure in _NO_POPULATION or kind != "count":
        return None
    if not unit:
        return None if measure == "other" else "people"
    if unit in _CIVILIANS:
        return "civilians"
    if unit in _CHILDREN:
        return "children"
    if unit in _WOMEN:
        return "women"
    if unit in _COMBATANTS:
        return "combatants"
    if unit in _PEOPLE or unit in _PEOPLE_MEASURE_UNITS:
        return "people"
    if unit_tok is not None and unit_tok.ent_type_ == "NORP":
        return "people"
    return unit


# --- Period ------------------------------------------------------------------------


def _period(sent: Span) -> str:
    text = sent.text
    if _CUMULATIVE_RE.search(text):
        return "cumulative"
    if _WINDOW_RE.search(text):
        return "window"
    return "event"


# --- Place -------------------------------------------------------------------------


def _place(anchor: Token, unit_tok: Token | None) -> str | None:
    """The place named for this figure ("killed in a village near the city").

    Looked for in the locative phrases of the figure's own verb (or counted noun), and
    one step into an event noun ("in shelling on the town of Salamiyeh"). A place
    counted itself ("an attack on two villages") is the event's whole scene, not a
    part of it.
    """
    heads = []
    if unit_tok is not None:
        heads.append(unit_tok)
    tok = anchor
    for _ in range(6):
        if tok.pos_ in ("VERB", "AUX") and tok.dep_ not in ("aux", "auxpass"):
            heads.append(tok)
            break
        if tok.head.i == tok.i:
            break
        tok = tok.head
    for head in heads:
        place = _place_under(head, depth=0)
        if place:
            return place
    return None


def is_place_slot(tok: Token) -> bool:
    """A proper name that is the object of "in", "near" and the like: a place."""
    return (
        tok.pos_ == "PROPN"
        and tok.dep_ == "pobj"
        and tok.head.lower_ in PLACE_PREPS
        and tok.ent_type_ not in _NOT_PLACE_LABELS
    )


def _place_under(head: Token, depth: int) -> str | None:
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in _LOCATIVE_PREPS | {"on", "of"}:
            continue
        if prep.lower_ in ("on", "of") and depth == 0 and head.pos_ in ("VERB", "AUX"):
            continue
        for obj in prep.children:
            if obj.dep_ not in ("pobj", "pcomp"):
                continue
            if any(c.like_num or c.dep_ == "nummod" for c in obj.children):
                continue  # "two villages": the whole scene
            if obj.ent_type_ in _PLACE_LABELS or _is_place_name(obj):
                return _entity_text(obj)
            lemma = _lemma(obj)
            if lemma in _SUBPLACE_NOUNS:
                named = _named_place_of(obj)
                if named or depth == 0:
                    # Below an event noun only a named place counts: "an attack on a
                    # district of the city" is the whole scene of the attack.
                    return named or lemma
            if lemma in _EVENT_NOUNS and depth < 1 and prep.lower_ in ("in", "on", "near"):
                found = _place_under(obj, depth + 1)
                if found:
                    return found
    return None


def _named_place_of(tok: Token) -> str | None:
    """ "the town of Salamiyeh", "Aqareb village": the name given to a place noun."""
    if tok.lemma_.lower() in ("district", "neighbourhood", "neighborhood", "quarter"):
        # A district "of Manbij" is a part of Manbij, not Manbij itself.
        for child in tok.children:
            if child.dep_ == "compound" and child.ent_type_ in _PLACE_LABELS:
                return _entity_text(child)
        return None
    for child in tok.children:
        if child.dep_ == "compound" and child.ent_type_ in _PLACE_LABELS:
            return _entity_text(child)
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj" and (obj.ent_type_ in _PLACE_LABELS or _is_place_name(obj)):
                    return _entity_text(obj)
    return None


def _is_place_name(tok: Token) -> bool:
    """A proper name in a place's slot ("in Manbij", "the town of Kafr Zita"): the small
    model often labels rare place names as people or products."""
    return tok.pos_ == "PROPN" and tok.ent_type_ not in _NOT_PLACE_LABELS


def _entity_text(tok: Token) -> str:
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent.text
    words = [c for c in tok.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    start = min([tok.i, *(w.i for w in words)])
    return tok.doc[start : tok.i + 1].text
