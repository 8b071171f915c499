"""What a quantity counts and what happens to it, read from the dependency parse."""

from __future__ import annotations

from spacy.tokens import Token

from . import numbers as nums
from .attribution import is_reporting_verb
from .lexicon import MEASURE_UNITS, MONTHS, TIME_UNITS, WEEKDAYS
from .numbers import word_set

# Verbs that make someone else do the thing that matters: "forced 500 to flee" is
# about fleeing, so the event is the verb of the infinitive they govern.
CAUSATIVE_VERBS = word_set(
    "force compel cause prompt drive push allow lead order urge help make leave oblige pressure"
)
UP_VERBS = word_set(
    "rise increase grow climb jump surge soar gain raise boost hike expand swell "
    "double triple quadruple rocket spike mount add advance rally rebound create "
    "improve widen accelerate warm"
)
DOWN_VERBS = word_set(
    "fall drop decline decrease cut reduce slash shrink plunge slump tumble sink dip "
    "lower shed ease plummet slide contract trim halve lose retreat slip weaken axe scrap cool"
)
UP_NOUNS = word_set(
    "increase rise growth gain jump surge hike spike boost improvement rally rebound "
    "upturn uptick expansion"
)
DOWN_NOUNS = word_set(
    "decrease drop decline fall cut reduction loss slump plunge dip downturn contraction"
)
# Phrasal verbs whose particle gives the direction: "pushed up prices by 8%".
_UP_PARTICLE_VERBS = word_set(
    "push drive go shoot move pick edge tick inch creep bump ramp step scale jack put send "
    "force mark ratchet run trend"
)
_DOWN_PARTICLE_VERBS = word_set(
    "push drive go come bring move edge tick inch creep scale mark ratchet wind slow cut trend"
)
# A loss of people or things is a count of what was lost ("lost 210 soldiers"), and a
# loss of money a level ("a $90m loss"); only a loss of a share or a measure is a fall.
_LOSS_WORDS = frozenset({"lose", "loss"})
_LOSS_FALL_UNITS = word_set("point cent penny pence job seat percentage")
# Nouns that name an event a figure can take part in ("the deaths of 80 people"), and
# the business and budget nouns a light verb carries ("posted a $210m profit").
EVENT_NOUNS = word_set(
    "killing death attack strike airstrike bombing shelling explosion blast displacement "
    "evacuation arrest detention execution injury casualty massacre flight exodus return "
    "increase rise growth gain jump surge hike spike boost decrease drop decline fall cut "
    "reduction loss slump plunge dip improvement rally rebound downturn contraction "
    "profit cost saving charge forecast estimate revenue sale deficit surplus debt toll "
    "fine budget bill earnings income turnover spending investment payout dividend "
    "bonus fee subsidy damage destruction"
)
# Verbs that only carry a figure to the noun that matters: "is £12bn of cuts", "put the
# death toll at 41", "left 250,000 dead".
LIGHT_VERBS = word_set(
    "be have post report record announce unveil show make see face incur suffer book "
    "deliver take hand impose give set put issue leave list count document include reach "
    "total stand find register log contain include comprise amount range top exceed result"
)
# States a count of people is left in; the word after the count names the event.
RESULT_STATES: dict[str, str] = {
    "dead": "dead",
    "killed": "kill",
    "injured": "injure",
    "wounded": "wound",
    "hurt": "hurt",
    "displaced": "displace",
    "missing": "missing",
    "homeless": "homeless",
    "trapped": "trap",
    "stranded": "strand",
    "arrested": "arrest",
    "detained": "detain",
    "evacuated": "evacuate",
    "rescued": "rescue",
    "dying": "die",
}
# Verbs of the counted noun's own clause that tell what happened to it even under
# another main verb: "six fighters who died were buried" -> die.
_CASUALTY_VERBS = word_set(
    "kill die injure wound hurt displace flee evacuate arrest detain execute abduct "
    "kidnap rescue drown starve massacre shoot behead torture"
)
# Participles that report a figure rather than say what happened: "212 people recorded
# killed".
_REPORTED_PARTICIPLES = word_set(
    "record report confirm believe think fear estimate say document register count list "
    "verify know cite quote"
)
# Verbs that work as prepositions and do not name what happened ("including").
_PASS_THROUGH = word_set("include exclude involve")
# Nouns that are never what a figure counts.
_NOT_UNITS = frozenset({*MONTHS, *WEEKDAYS, "%"})
_NOUNISH = frozenset({"NOUN", "PROPN"})


_DEMONYM_ENDINGS = ("ians", "ans", "ers", "ites", "ese", "is", "ots", "ards", "ish")


def _lemma(tok: Token) -> str:
    text = tok.lower_
    if text in ("people", "peoples"):
        return "people"
    lemma = tok.lemma_.lower()
    if (
        tok.tag_ in ("NNPS", "NNP")
        and lemma == text
        and text.endswith("s")
        and not text.endswith("ss")
        and (tok.tag_ == "NNPS" or tok.ent_type_ == "NORP" or text.endswith(_DEMONYM_ENDINGS))
    ):
        # Title-case plurals are tagged as names and keep their "s": "Terrorists",
        # "Bangladeshis".
        lemma = text[:-3] + "y" if text.endswith("ies") else text[:-1]
    if tok.ent_type_ == "NORP":
        # "New Zealanders" -> "new zealander": the whole demonym.
        words = [t.lower_ for t in tok.lefts if t.dep_ == "compound" and t.ent_type_ == "NORP"]
        lemma = " ".join([*words, lemma])
    return lemma


_PARTING_WORDS = word_set("with of in at for by including")


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
        if (
            tok.dep_ in ("compound", "quantmod", "nummod")
            and _is_number_word(tok.head)
            # "put the toll at 494 with 90 percent killed": a preposition between two
            # figures parts them, whatever the parse joined.
            and not any(
                t.lower_ in _PARTING_WORDS
                for t in tok.doc[min(tok.i, tok.head.i) + 1 : max(tok.i, tok.head.i)]
            )
        ):
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
    doc = anchor.doc
    if (
        span_end + 1 < len(doc)
        and doc[span_end].lower_ in RESULT_STATES
        and doc[span_end + 1].pos_ in ("PUNCT", "ADP", "SPACE")
    ):
        return None, False  # "leave 22 dead - Daily Sabah": a count of the dead
    if (
        tok.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod", "npadvmod")
        and head.pos_ in _NOUNISH
        and head.i > tok.i
        # "wounded at least 50 a monitoring group said": a determiner starts another noun
        and not any(t.dep_ == "det" for t in doc[tok.i + 1 : head.i] if t.head.i == head.i)
        and head.lower_ not in _NOT_UNITS
        and head.lower_ not in _CASUALTY_VERBS  # "kill 5 injure 50": a headline's verb
        and not _is_number_word(head)
    ):
        return _usable_unit(_glued_counted_noun(tok, head) or head), False
    if span_end + 1 < len(doc) and doc[span_end].lower_ in _BE_FORMS:
        # "Of the victims at least 96 were children": what the count is, named after "be".
        noun = doc[span_end + 1]
        if noun.tag_ == "NNS" and noun.dep_ in ("attr", "acomp", "dobj", "ROOT", "conj"):
            return _usable_unit(noun), False
    # Fallback on word order: "three million Syrian refugees".
    limit = min(len(doc), span_end + 4)
    for i in range(span_end, limit):
        t = doc[i]
        if t.is_space:
            continue
        if t.pos_ in ("ADJ", "ADV") or t.text in ("(", ")") or t.lower_ == "sic":
            continue
        if t.lower_ in _CASUALTY_VERBS:
            return None, False  # "Attack on Damascus kill 5 injure 50": a headline's verb
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


_BE_FORMS = frozenset({"were", "are", "was", "is"})


def _glued_counted_noun(number: Token, head: Token) -> Token | None:
    """ "destroyed 40 homes firefighters said", "carried 120 Bangladeshis home": the
    parse compounded the counted plural onto the next noun (the speaker of a say-clause
    whose comma was stripped, or a word after a demonym)."""
    doc = number.doc
    k = number.i + 1
    if k >= head.i:
        return None
    glued = doc[k]
    if glued.dep_ != "compound" or glued.head.i != head.i:
        return None
    if (
        glued.tag_ == "NNS"
        and head.dep_ in ("nsubj", "nsubjpass")
        and head.head.lemma_.lower() in (_SAY_LEMMAS)
    ):
        return glued
    if glued.tag_ in ("NNP", "NNPS") and glued.is_title and glued.lower_.endswith(_DEMONYM_ENDINGS):
        return glued
    return None


_SAY_LEMMAS = word_set("say report tell announce add confirm state estimate claim")


# Nouns that stand for "how many" of what follows their "of": "the number of staff".
_AMOUNT_NOUNS = word_set(
    "number total count tally figure amount level headcount sum average maximum minimum"
)


# Groups counted by their "of" despite an action-like ending: "a population of 1.5 million".
_COUNTED_GROUPS = word_set("population congregation delegation generation")
# Nouns of action whose "of" names who or what is acted on: "the release of 12".
_ACTION_ENDINGS = ("tion", "sion", "ment", "ance", "ence", "ure", "ing", "ase", "al")


def unit_from_context(anchor: Token) -> Token | None:
    """The counted noun named away from the figure: "the total number of staff ... to
    2,300" -> staff; "a majority of 74" -> majority."""
    head = anchor.head
    if (
        anchor.dep_ == "pobj"
        and head.lower_ == "of"
        and head.head.pos_ == "NOUN"
        and head.head.i < anchor.i
    ):
        noun = head.head
        lemma = noun.lemma_.lower()
        if (
            lemma not in _AMOUNT_NOUNS
            and lemma not in EVENT_NOUNS
            and noun.lower_ not in TIME_UNITS
            and (not lemma.endswith(_ACTION_ENDINGS) or lemma in _COUNTED_GROUPS)
        ):
            return noun
        return None
    tok = anchor
    for _ in range(6):
        if tok.head.i == tok.i or tok.head.pos_ in ("VERB", "AUX"):
            break
        tok = tok.head
    verb = tok.head
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "dobj") and child.lemma_.lower() in _AMOUNT_NOUNS:
            for prep in child.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
                    if obj is not None and obj.pos_ in _NOUNISH and obj.lower_ not in RESULT_STATES:
                        return _usable_unit(obj)
    return None


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
    A state written right after the count ("left 250,000 dead") and a casualty verb of
    the counted noun's own clause ("six fighters who died") win over the main verb, and
    a light verb gives way to the event noun it carries ("posted a $210m profit").
    """
    state = _result_state(start)
    if state is not None:
        return state, []
    own = _own_clause_verb(start)
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
            main = _causative_target(head)
            if own is None and main.lemma_.lower() in LIGHT_VERBS:
                own = _state_modifier(start)
            if own is not None and (
                own.lemma_.lower() in _CASUALTY_VERBS
                or own.lower_ in RESULT_STATES
                or main.lemma_.lower() in LIGHT_VERBS
            ):
                return own, _own_preps(own)
            if tok.dep_ == "nsubj" and (first := _verb_before_subject(head, tok)) is not None:
                # "has killed two patients injured eight others": without commas the
                # first verb's object is read as the second verb's subject.
                return first, []
            if (
                tok.dep_ == "nsubj"
                and is_reporting_verb(head)
                and head.dep_ in ("ccomp", "conj", "parataxis")
                and head.head.pos_ == "VERB"
                and head.head.i < tok.left_edge.i
                # "shows 40 journalists reported detained": a report of a state
                and not any(c.dep_ in ("xcomp", "ccomp", "oprd") for c in head.children)
            ):
                # "wounded at least 50 a monitoring group said": the say-clause hung under
                # the verb whose object the figure is.
                return head.head, []
            if tok.dep_ in ("nsubj", "nsubjpass") and (said := _clause_before_speaker(head, tok)):
                # "Gunmen killed 15 civilians rescue workers said": without its comma the
                # say-clause swallowed the counted noun; the event is the clause before.
                return said, []
            if tok.dep_ == "nsubj":
                # What the subject does is not a change in its number: "80 boats sank".
                preps.append("subject")
            noun = _carried_noun(main, tok, start)
            if noun is not None:
                return noun, []
            if main.lemma_.lower() in LIGHT_VERBS and start.lemma_.lower() in EVENT_NOUNS:
                return start, []  # "resulting in at least 49 civilian deaths"
            return main, preps
        if head.pos_ == "NOUN" and head.lemma_.lower() in EVENT_NOUNS and head.i != start.i:
            if own is not None and preps:
                # "during the air strikes with 18 bodies pulled from the rubble": what
                # the counted noun's own participle says happened to it.
                return own, _own_preps(own)
            if tok.dep_ == "prep":
                preps[-1:] = []  # "increase of 5%" is a change, not a level
            return head, preps
        tok = head
    if own is not None:
        # Headline style, no verb above: "80 people killed in strike".
        return own, preps + _own_preps(own)
    return None, preps


# Words between a count and its state: "dozens more injured", "30 are still missing".
_BEFORE_STATE = word_set("+ more others other are were is was remain remained remains still")


def _result_state(start: Token) -> Token | None:
    """ "left 250,000 dead", "dozens more injured": the state named right after a count."""
    doc = start.doc
    k = start.i + 1
    while k < len(doc) and doc[k].lower_ in _BEFORE_STATE:
        k += 1
    if k >= len(doc):
        return None
    tok = doc[k]
    if tok.lower_ not in RESULT_STATES or tok.pos_ not in ("ADJ", "VERB", "NOUN", "PROPN"):
        return None  # "Dozens Hurt in Bus Blast": a title-case state reads as a name
    if _has_own_count(tok):
        return None
    return tok


def _has_own_count(verb: Token) -> bool:
    """ "killed 12 civilians injured 40 others", "killed 220000 people wounded at least
    one million": a verb with its own object or count is no state of the count before."""
    doc = verb.doc
    if any(c.dep_ in ("dobj", "attr") for c in verb.children):
        return True
    return any(
        (t.like_num or t.lower_ in nums.VAGUE_PLURALS)
        and not any(
            b.pos_ == "CCONJ"
            or b.text in ("&", ",")
            # "eight injured due to four bombs": the count after a preposition is not
            # the state's own object ("wounded over 100" is).
            or b.dep_ in ("prep", "pcomp")
            and b.lower_ not in _BOUND_PREPOSITIONS
            for b in doc[verb.i + 1 : t.i]
        )
        for t in doc[verb.i + 1 : verb.i + 4]
    )


_BOUND_PREPOSITIONS = word_set("over under about around above below upwards nearly almost")


def _own_clause_verb(start: Token) -> Token | None:
    """The verb of a participle or relative clause on the counted noun, past reporting
    participles: "212 people recorded killed" -> killed."""
    nouns = [start]
    if start.lower_ in nums.VAGUE_PLURALS and (counted := _of_object(start)) is not None:
        nouns.append(counted)  # "thousands of civilians trapped in the city"
    for noun, child in ((n, c) for n in nouns for c in n.children):
        if (
            child.dep_ in ("acl", "relcl")
            and child.pos_ == "VERB"
            and child.i > noun.i
            and child.lemma_.lower() not in _REPORTED_PARTICIPLES
            and not _has_own_count(child)
        ):
            return child
    return None


def _state_modifier(start: Token) -> Token | None:
    """ "a haven for thousands of displaced Syrians": under a light verb, the state the
    counted noun's participle names is what the figure is about."""
    noun = start
    if start.lower_ in nums.VAGUE_PLURALS or start.like_num:
        noun = _of_object(start) or start
    for child in noun.children:
        if child.dep_ == "amod" and child.i < noun.i and child.lower_ in RESULT_STATES:
            return child
    return None


def _of_object(noun: Token) -> Token | None:
    for prep in noun.children:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            return next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
    return None


def _own_preps(verb: Token) -> list[str]:
    # "seven buildings reduced to rubble": a new state of the things, not a change in
    # how many there are.
    return [c.lower_ for c in verb.children if c.dep_ == "prep" and c.lower_ in ("to", "into")]


def _verb_before_subject(verb: Token, subj: Token) -> Token | None:
    """The verb right before a counted subject whose own verb already has a counted
    object: "killed two patients injured eight others" -> killed."""
    if verb.i < subj.i or verb.dep_ not in ("ccomp", "conj", "dep") or verb.head.pos_ != "VERB":
        return None
    first = verb.head
    if first.i >= subj.left_edge.i or any(c.dep_ == "dobj" for c in first.children):
        return None
    between = subj.doc[first.i + 1 : subj.left_edge.i]
    if any(not (t.pos_ in ("ADV", "PART") or t.dep_ in ("prt", "neg")) for t in between):
        return None
    counted_object = any(
        c.dep_ == "dobj" and any(g.like_num or g.dep_ == "nummod" for g in c.subtree)
        for c in verb.children
    )
    return first if counted_object else None


def _clause_before_speaker(verb: Token, subj: Token) -> Token | None:
    """The clause a say-verb reports when it stands before the verb's own subject."""
    if not is_reporting_verb(verb):
        return None
    for child in verb.children:
        if (
            child.dep_ in ("ccomp", "parataxis", "advcl")
            and child.pos_ in ("VERB", "AUX")
            and child.i < subj.left_edge.i
        ):
            return child
    return None


def _carried_noun(verb: Token, via: Token, start: Token) -> Token | None:
    """The event noun a verb carries to the figure, or None: any verb's object when the
    figure is its new level ("raised the death toll to 112"), a light verb's noun else."""
    if via.dep_ == "prep" and via.lower_ in ("at", "to"):
        for child in verb.children:
            if child.dep_ == "dobj" and child.lemma_.lower() in EVENT_NOUNS:
                return child
            if child.dep_ == "dobj" and child.lemma_.lower() in _AMOUNT_NOUNS:
                # "put the number of missing at 14": the event is what is numbered.
                counted = _of_object(child)
                if counted is not None and (
                    counted.lower_ in RESULT_STATES or counted.lemma_.lower() in EVENT_NOUNS
                ):
                    return counted
    if verb.lemma_.lower() not in LIGHT_VERBS:
        return None
    if verb.dep_ in ("acl", "relcl") and verb.head.lemma_.lower() in EVENT_NOUNS:
        return verb.head  # "death tolls ranging from 300", "losses totalling $5m"
    for tok in (start, via):
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of" and child.i > tok.i:
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.lemma_.lower() in EVENT_NOUNS:
                        return obj  # "is £12bn of cuts"
    if via.dep_ == "prep" and via.lower_ in ("at", "to") or via.dep_ in ("attr", "acomp"):
        # "put the death toll at 41", "the deficit is £45m", "the toll stood at 41"
        for child in verb.children:
            if (
                child.dep_ in ("dobj", "nsubj", "nsubjpass")
                and child.lemma_.lower() in EVENT_NOUNS
                and child.i != start.i
            ):
                return child
    return None


# "more than 1400 are estimated to have been killed": the infinitive holds the event.
_RAISING_VERBS = word_set("estimate report believe say think expect fear feared set slate")


def _causative_target(verb: Token) -> Token:
    lemma = verb.lemma_.lower()
    if lemma in CAUSATIVE_VERBS or lemma in _RAISING_VERBS or lemma == "be":
        # "up to 7 clinics were reported hit", "900 jobs are to go"
        for child in verb.children:
            if (
                child.dep_ in ("xcomp", "ccomp", "oprd")
                and child.pos_ == "VERB"
                and child.i > verb.i
                and (lemma != "be" or child.dep_ == "xcomp")
            ):
                return child
    return verb


# Counted nouns whose going is a cut: "900 jobs are to go".
_POST_UNITS = word_set("job post role position store branch shop office")


def trend_of(
    event: Token | None, preps: list[str], *, kind: str = "count", unit: str | None = None
) -> str | None:
    """ "up"/"down" when the figure is a change ("rose 5%"), None for a level ("rose to 5%")."""
    if event is None:
        return None
    lemma = event.lemma_.lower()
    if lemma == "go" and unit in _POST_UNITS and not _particle(event):
        return "down"
    if any(p != "by" for p in preps):
        # "rose to 80", "cut taxes for 27 million": a level, or not the changed amount.
        return None
    if lemma in _LOSS_WORDS and kind not in ("percent", "measure") and unit not in _LOSS_FALL_UNITS:
        return None
    if event.pos_ == "NOUN":
        if lemma in UP_NOUNS:
            return "up"
        if lemma in DOWN_NOUNS:
            return "down"
        return None
    particle = _particle(event)
    if particle == "up" and lemma in _UP_PARTICLE_VERBS:
        # "put 30 million shares up for sale": offered, not raised.
        return None if _up_for(event) else "up"
    if particle == "down" and lemma in _DOWN_PARTICLE_VERBS:
        return "down"
    if particle is not None and particle not in ("by",):
        return None  # "cut off 300,000 people", "gave up 140 yards"
    if lemma in UP_VERBS:
        return "up"
    if lemma in DOWN_VERBS:
        return "down"
    return None


def _up_for(verb: Token) -> bool:
    doc = verb.doc
    return any(
        child.dep_ == "prt" and child.i + 1 < len(doc) and doc[child.i + 1].lower_ == "for"
        for child in verb.children
    )


def _particle(verb: Token) -> str | None:
    for child in verb.children:
        if child.dep_ == "prt":
            return child.lower_
    return None


def verb_before_figure(doc_text: str, start: int) -> str | None:
    """A casualty verb written right before the figure that the tagger did not read as
    its verb: capitalised in a title-case headline ("Strike on Town Kills 5 Soldiers"),
    or a past form after "and" read as an adjective ("and displaced millions")."""
    end = start
    while end > 0 and doc_text[end - 1] == " ":
        end -= 1
    begin = end
    while begin > 0 and doc_text[begin - 1].isalpha():
        begin -= 1
    word = doc_text[begin:end]
    low = word.lower()
    if word.islower():
        # "killed 280000 people and displaced millions": the parse read the verb as an
        # adjective of the count; a past form right before the figure still takes it.
        forms = (low[:-1], low[:-2]) if low.endswith("ed") else ()
        before = doc_text[max(0, begin - 5) : begin].lower()
        if not before.endswith(("and ", "or ")):
            return None
    elif word[:1].isupper() and word[1:].islower():
        forms = (low, low[:-1], low[:-2])
    else:
        return None
    for lemma in forms:
        if lemma in _CASUALTY_VERBS and low in (lemma, lemma + "s", lemma + "es", lemma + "d"):
            return lemma
        if lemma in _CASUALTY_VERBS and low == lemma + "ed":
            return lemma
    return None


def event_lemma(tok: Token) -> str:
    if tok.lower_ in RESULT_STATES:
        return RESULT_STATES[tok.lower_]
    lemma = tok.lemma_.lower()
    if tok.pos_ == "NOUN" and lemma == "killing":
        return "kill"
    return lemma
