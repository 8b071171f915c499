"""Who a figure comes from: say-clauses, "according to", quotation frames, pronouns."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from .lexicon import MONTHS, WEEKDAYS
from .numbers import word_set

REPORTING_VERBS = word_set(
    "say tell report estimate tweet claim warn announce state add confirm write note "
    "explain insist allege declare reveal indicate stress argue acknowledge admit "
    "publish document record count tally quote post told said call describe find show "
    "suggest conclude forecast predict project register log cite accuse"
)
_SUBJECT_DEPS = ("nsubj", "nsubjpass")
# Reporting verbs whose direct object can be the reported figure ("reported 600 cases").
_OBJECT_REPORTING = word_set(
    "report estimate record count document tally confirm announce publish forecast predict "
    "project register log cite accuse"
)
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "parataxis", "advcl", "conj", "dep", "oprd"})
# Subjects of "show", "suggest" and the like that name no source.
_ANONYMOUS_SOURCE_RE = re.compile(
    r"(?:(?:the|new|latest|recent|official|these|those)\s+)*"
    r"(?:figures|data|statistics|numbers|results|estimates|records|it|this|video|videos|"
    r"footage|images?|pictures?|photos?|photographs?|clips?)",
    re.IGNORECASE,
)
_DOCUMENT_NOUNS = word_set(
    "report study survey statement figure data statistic estimate record count tally analysis"
)
_TOLL_VERBS = word_set("put give raise revise lower set")
_TOLL_NOUNS = word_set("toll figure number count total estimate tally")
_PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
_PRONOUNS_GROUP = frozenset({"they", "it"})
_POSSESSIVES = {"his": "person", "her": "person", "their": "group", "its": "group"}
# Marks that set a say-clause off from the clause it reports: "..., the army said".
_FRAME_MARKS = frozenset({",", "”", '"', ":", "—", "–", "-", "’", "''", "``", "“"})
_OPEN_QUOTES = "“«„"
_CLOSE_QUOTES = "”»"
# A quote never closed is trusted to end at the paragraph break only this far: past
# it, the mark is more likely a stray (texts whose paragraphs were joined).
_MAX_UNCLOSED = 600
# Straight marks further apart than this are not one quotation but two strays.
_MAX_QUOTE = 1500
# How far back a pronoun looks for the name it stands for.
_PRONOUN_WINDOW = 1500


def is_reporting_verb(tok: Token) -> bool:
    """A verb that reports a figure: "said", "forecast", "pointed out"."""
    lemma = tok.lemma_.lower()
    if tok.pos_ not in ("VERB", "AUX") and not _infinitive_tagged_noun(tok):
        return False
    if lemma in REPORTING_VERBS:
        return True
    return lemma == "point" and any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children)


def _infinitive_tagged_noun(tok: Token) -> bool:
    """ "went on to state that": the tagger reads some say-verbs after "to" as nouns."""
    return (
        tok.pos_ == "NOUN"
        and tok.i > 0
        and tok.doc[tok.i - 1].lower_ == "to"
        and tok.doc[tok.i - 1].dep_ == "aux"
    )


def quote_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of every quotation, marks included.

    Straight quotes toggle, curly quotes open and close. A quotation left open at a
    paragraph break ends there: newspapers re-open a quote on each new paragraph.
    """
    spans: list[tuple[int, int]] = []
    open_at = -1
    open_char = ""
    for i, ch in enumerate(text):
        if ch == "\n":
            if open_at >= 0 and i - open_at <= _MAX_UNCLOSED:
                spans.append((open_at, i))
            open_at = -1
            continue
        if ch == '"':
            if open_at >= 0 and open_char == '"':
                if i - open_at > _MAX_QUOTE:
                    # Too long for a quotation: the first mark was a stray.
                    open_at = i
                    continue
                if _opens(text, i) and not _closes(text, i):
                    # A mark that can only open: the quotation before was left open at
                    # a paragraph end that the text lost ('...,” he said."We ...').
                    spans.append((open_at, i))
                    open_at = i
                    continue
                spans.append((open_at, i + 1))
                open_at = -1
            elif open_at < 0 and not (_closes(text, i) and not _opens(text, i)):
                # A mark that can only close, with no quotation open, closes one whose
                # opening was lost: it opens nothing.
                open_at, open_char = i, '"'
        elif ch in _OPEN_QUOTES:
            if open_at < 0:
                open_at, open_char = i, ch
        elif ch in _CLOSE_QUOTES and open_at >= 0 and open_char != '"':
            spans.append((open_at, i + 1))
            open_at = -1
    if open_at >= 0 and len(text) - open_at <= _MAX_UNCLOSED:
        spans.append((open_at, len(text)))
    return spans


def _opens(text: str, i: int) -> bool:
    """A straight mark that can open a quotation: a word starts right after it."""
    return i + 1 < len(text) and not text[i + 1].isspace() and text[i + 1] not in ".,;:!?)"


def _closes(text: str, i: int) -> bool:
    """A straight mark that can close a quotation: it ends a word or a sentence."""
    return i > 0 and not text[i - 1].isspace() and text[i - 1] not in "(["


def _strip_the(words: list[Token]) -> list[Token]:
    # Dates glued on by the parser ("on Monday state news agency SANA") are not the source.
    while words and (
        words[0].lower_ in ("the", "also", "on")
        or words[0].is_punct
        or words[0].is_space
        or words[0].ent_type_ in ("DATE", "TIME")
    ):
        words = words[1:]
    while words and (
        words[-1].is_punct
        or words[-1].is_space
        or words[-1].dep_ == "case"
        or words[-1].ent_type_ in ("DATE", "TIME")
        or words[-1].lower_ in ("on", "in", "at")
    ):
        words = words[:-1]
    return words


def noun_phrase(head: Token) -> str | None:
    """The name a subject token stands for, as written: appositions and clauses cut off."""
    tokens = list(head.subtree)
    # Relative clauses and appositions start at their left edge ("who spoke ...").
    cut_at = min(
        (
            c.left_edge.i
            for c in head.children
            if c.i > head.i
            and (
                c.dep_ in ("relcl", "acl", "appos")
                # "the Department of Health in north Leeds": where it sits
                or c.dep_ == "prep"
                and c.lower_ in ("in", "at", "near")
                and all(t.ent_type_ in ("GPE", "LOC") for t in c.subtree if t.pos_ == "PROPN")
                and any(t.pos_ == "PROPN" for t in c.subtree)
            )
        ),
        default=None,
    )
    if cut_at is not None:
        tokens = [t for t in tokens if t.i < cut_at]
    # Adverbial bits the parser hangs on a name ("an hour apart SANA") are not the name.
    dropped = {
        t.i
        for c in head.children
        if c.i < head.i
        and c.dep_ in ("advmod", "npadvmod")
        and not any(t.pos_ == "PROPN" for t in c.subtree)
        for t in c.subtree
    }
    if dropped:
        tokens = [t for t in tokens if t.i not in dropped]
    start = 0
    for idx, t in enumerate(tokens):
        if t.i > head.i and t.text in (",", "(", "—", "–", ";", "“", "”", '"'):
            tokens = tokens[:idx]
            break
    for idx, t in enumerate(tokens):
        if t.i < head.i and (t.text in (",", "(", "“", "”", '"') or t.like_num):
            # "wounded at least 50 a monitoring group said": a count glued on before
            # the speaker is the clause's, not the name's.
            start = idx + 1
    words = _strip_the(tokens[start:])
    if not words:
        return None
    doc = head.doc
    # A span's text joins only its own tokens; Doc.text would rebuild the whole document.
    text = doc[words[0].i : words[-1].i + 1].text
    return " ".join(text.split()) or None


@dataclass
class Attributor:
    """Attribution and quotation state for one parsed chunk."""

    doc: Doc
    quotes: list[tuple[int, int]] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _speakers: dict[int, str | None] = field(default_factory=dict)
    text: str = ""
    _token_starts: list[int] | None = None

    def __post_init__(self) -> None:
        # Doc.text rebuilds the string on every access: read it once.
        self.text = self.text or self.doc.text
        if not self.quotes:
            self.quotes = quote_spans(self.text)
        self._starts = [s for s, _ in self.quotes]

    def _starts_of_tokens(self) -> list[int]:
        if self._token_starts is None:
            self._token_starts = self.doc.to_array("IDX").tolist()
        return self._token_starts

    def _first_token_from(self, char: int) -> Token | None:
        k = bisect.bisect_left(self._starts_of_tokens(), char)
        return self.doc[k] if k < len(self.doc) else None

    # -- quotations -----------------------------------------------------------------

    def quote_index(self, char: int) -> int | None:
        """Index of the quotation that holds a character offset, or None."""
        k = bisect.bisect_right(self._starts, char) - 1
        if k >= 0:
            s, e = self.quotes[k]
            if s < char < e:
                return k
        return None

    def _in_quote(self, tok: Token) -> bool:
        return self.quote_index(tok.idx) is not None

    def speaker_of_quote(self, k: int) -> str | None:
        if k in self._speakers:
            return self._speakers[k]
        self._speakers[k] = None  # guards against cycles through continuation
        speaker = self._frame_speaker(k)
        if speaker is None and k > 0:
            # A quote that continues the previous one (new paragraph, no frame of its own).
            prev_end = self.quotes[k - 1][1]
            gap = self.text[prev_end : self.quotes[k][0]]
            if gap.count(".") <= 1 and len(gap) < 300 and not _has_own_source(gap):
                speaker = self.speaker_of_quote(k - 1)
        self._speakers[k] = speaker
        return speaker

    def _frame_speaker(self, k: int) -> str | None:
        qs, qe = self.quotes[k]
        doc = self.doc
        # After the closing mark: '..." Trump tweeted.' (same sentence or the next one).
        first = self._first_token_from(qe)
        while first is not None and first.is_space and "\n" not in first.text:
            first = self._first_token_from(first.idx + 1)
        if first is not None and "\n" not in self.text[qe : first.idx]:
            sent = first.sent
            end = sent.end
            if first.i == sent.start and sent.end < len(doc):
                end = sent.end
            # Commas stripped, the say-clause may come after the rest of the sentence:
            # '"... hit the opera house" near the square the news agency said.'
            for tok in doc[first.i : min(end, first.i + 40)]:
                if tok.text in (_OPEN_QUOTES + '"') and tok.i > first.i:
                    break
                if _introduces_next(tok):
                    break  # 'X added: "..."' frames the quotation after it
                speaker = self._speaker_if_reporting(tok)
                if speaker:
                    return speaker
        # Before the opening mark: 'Trump said: "..."'.
        opening = self._first_token_from(qs)
        if opening is not None:
            sent = opening.sent
            for tok in reversed(doc[sent.start : opening.i]):
                if tok.idx >= qs or self._in_quote(tok):
                    continue
                speaker = self._speaker_if_reporting(tok)
                if speaker:
                    return speaker
            # 'Trump said:' ending the previous sentence.
            if sent.start > 0:
                prev = doc[sent.start - 1]
                while prev.is_space and prev.i > 0:
                    prev = doc[prev.i - 1]
                if prev.text == ":":
                    for tok in reversed(doc[prev.sent.start : prev.i]):
                        speaker = self._speaker_if_reporting(tok)
                        if speaker:
                            return speaker
        return None

    def _speaker_if_reporting(self, tok: Token) -> str | None:
        if not is_reporting_verb(tok):
            return None
        if self._in_quote(tok):
            return None
        subj = self._subject(tok)
        if subj is None or self._in_quote(subj):
            # The parser took a noun of the quotation as the subject ('..." SANA said'
            # with stripped commas): the speaker is the name just before the verb.
            return self._name_before(tok)
        return self.subject_name(tok)

    def _name_before(self, verb: Token) -> str | None:
        words: list[Token] = []
        k = verb.i - 1
        while k >= 0 and verb.doc[k].pos_ == "PROPN" and not self._in_quote(verb.doc[k]):
            words.insert(0, verb.doc[k])
            k -= 1
        return self.doc[words[0].i : words[-1].i + 1].text if words else None

    # -- names ------------------------------------------------------------------------

    def subject_name(self, verb: Token) -> str | None:
        subj = self._subject(verb)
        if subj is None:
            return None
        if subj.pos_ == "PRON":
            return self.resolve_pronoun(subj)
        if subj.pos_ != "PROPN":
            # "the harbour master, Peter Walsh, said": the name is what a reader checks.
            for child in subj.children:
                if child.dep_ == "appos" and child.pos_ == "PROPN" and child.i > subj.i:
                    return noun_phrase(child)
        if subj.lemma_.lower() in _DOCUMENT_NOUNS and (compiler := _compiler_of(subj)):
            return compiler  # "a report issued by the Syrian Network for Human Rights"
        if _ANONYMOUS_SOURCE_RE.fullmatch(subj.lower_):
            # "figures show", "a video filmed in the town showed": no one is named,
            # unless the figures are someone's ("his figures allege").
            poss = next((c for c in subj.children if c.dep_ == "poss"), None)
            if poss is not None and poss.lower_ in _POSSESSIVES:
                return self._resolve_possessive(poss)
            return None
        name = noun_phrase(subj)
        if name and _ANONYMOUS_SOURCE_RE.fullmatch(name):
            return None
        return name

    def _resolve_possessive(self, poss: Token) -> str | None:
        if _POSSESSIVES[poss.lower_] == "person":
            entity = self._last_entity(poss, ("PERSON",))
            return entity.text if entity is not None else None
        return self._previous_speaker(poss)

    def _subject(self, verb: Token) -> Token | None:
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
        # In "the fighting is reported to have killed", the subject is not the source.
        subjects = [
            c for c in verb.children if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and not passive)
        ]
        if len(subjects) > 1:
            # "... killed 19 people the Observatory said": without its comma the counted
            # noun is parsed as a second subject; the speaker stands next to the verb.
            before = [c for c in subjects if c.i < verb.i]
            return before[-1] if before else subjects[0]
        if subjects:
            return subjects[0]
        for aux in verb.children:
            # "The Russians had on Saturday accused ...": the subject hung on the auxiliary.
            if aux.dep_ == "aux" and aux.i < verb.i:
                subj = next((c for c in aux.children if c.dep_ == "nsubj"), None)
                if subj is not None:
                    return subj
        for child in verb.children:
            if child.dep_ == "agent":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        return obj
        if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
            return self._subject(verb.head)
        if any(c.dep_ == "ccomp" and c.i < verb.i for c in verb.children):
            # "... were killed near the dam said the Observatory": without its comma the
            # inverted speaker is parsed as the verb's object.
            for child in verb.children:
                if (
                    child.dep_ == "dobj"
                    and child.i > verb.i
                    and (child.pos_ == "PROPN" or child.ent_type_ in _NAME_ENTITIES)
                ):
                    return child
        if verb.dep_ == "xcomp" and verb.head.pos_ in ("VERB", "AUX"):
            # "The chancellor is expected to say ...": the subject of the verb above,
            # passive or not, is who will speak.
            for child in verb.head.children:
                if child.dep_ in _SUBJECT_DEPS:
                    return child
        if (
            verb.dep_ in ("advcl", "xcomp")
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
            and verb.head.pos_ in ("VERB", "AUX")
        ):
            # "The center went on to state that ...": who goes on is who states.
            return self._subject(verb.head)
        if verb.dep_ == "advcl" and verb.tag_ == "VBG" and verb.head.pos_ in ("VERB", "AUX"):
            # "..., estimating it would add $256bn": the participle shares its subject.
            return self._subject(verb.head)
        return None

    def resolve_pronoun(self, pron: Token) -> str | None:
        """The name a pronoun subject stands for: the last fitting entity before it."""
        low = pron.lower_
        if low in _PRONOUNS_PERSON:
            labels: tuple[str, ...] = ("PERSON",)
            # "Interior Minister X told reporters. He said ...": the last person quoted,
            # named in full, beats a bare entity the tagger may have cut short.
            best_entity = self._last_entity(pron, labels)
            speaker = self._previous_speaker(pron, person=True)
            if speaker and (best_entity is None or best_entity.text in speaker):
                return speaker
        elif low in _PRONOUNS_GROUP:
            # "It also said ...": most often the source named by the previous say-clause.
            speaker = self._previous_speaker(pron)
            if speaker:
                return speaker
            labels = ("ORG", "NORP")
        else:
            return None
        best = self._last_entity(pron, labels)
        if best is None:
            return self._previous_subject(pron) if low in _PRONOUNS_GROUP else None
        words = _strip_the(list(best))
        if not words:
            return None
        return self.doc[words[0].i : words[-1].i + 1].text

    def _previous_subject(self, pron: Token) -> str | None:
        """ "Police arrested 12 suspects. They said ...": the subject of the sentence
        before, when it names a source."""
        sent = pron.sent
        if sent.start == 0 or pron.i - sent.start > 2:
            return None
        prev = self.doc[sent.start - 1].sent
        for tok in prev:
            if (
                tok.dep_ == "nsubj"
                and tok.head.dep_ == "ROOT"
                and (
                    tok.pos_ == "PROPN"
                    or tok.lemma_.lower() in _SOURCE_NOUNS
                    or tok.lemma_.lower().endswith(_AGENT_ENDINGS)
                )
            ):
                return noun_phrase(tok)
        return None

    def _last_entity(self, pron: Token, labels: tuple[str, ...]) -> Span | None:
        best = None
        for ent in self.doc.ents:
            if ent.end_char > pron.idx:
                break
            if pron.idx - ent.start_char <= _PRONOUN_WINDOW and ent.label_ in labels:
                best = ent
        return best

    def _previous_speaker(self, pron: Token, *, person: bool = False) -> str | None:
        """Subject of the last reporting verb before a pronoun (a person's, if asked)."""
        doc = self.doc
        first = max(0, pron.i - 120)
        for tok in reversed(doc[first : pron.i]):
            if pron.idx - tok.idx > _PRONOUN_WINDOW:
                break
            if tok.pos_ == "VERB" and is_reporting_verb(tok):
                subj = self._subject(tok)
                if subj is None and not person and _ends_its_clause(tok):
                    # "... killed 58 civilians" the Observatory said. It added ...": a
                    # closing say-clause the parse left without a subject.
                    words = _speaker_words_before(tok)
                    if words and words[-1].pos_ != "PRON" and not self._in_quote(words[0]):
                        return doc[words[0].i : words[-1].i + 1].text
                if subj is None or subj.pos_ == "PRON" or subj.i == pron.i:
                    continue
                if person and not any(t.ent_type_ == "PERSON" for t in subj.subtree):
                    continue
                return self.subject_name(tok)
        return None

    # -- the claim's attribution --------------------------------------------------------

    def attribution(self, anchor: Token, sent: Span) -> str | None:
        """Who the figure at `anchor` is attributed to, or None for the article's voice."""
        k = self.quote_index(anchor.idx)
        if k is not None:
            speaker = self.speaker_of_quote(k)
            if speaker:
                return speaker
        according = self._according_to(sent)
        if according:
            return according
        best: tuple[int, str] | None = None
        for tok in sent:
            if not is_reporting_verb(tok) and not (
                tok.pos_ == "VERB" and _states_a_toll(tok) and self._source_like_subject(tok)
            ):
                continue
            if self._in_quote(tok) and k is None:
                continue
            if not is_reporting_verb(tok) and not _is_ancestor(tok, anchor):
                continue  # "put the toll at 45" states 45, not the figures around it
            if tok.i > anchor.i and any(t.text == ";" for t in self.doc[anchor.i : tok.i]):
                continue  # "killed six and wounded dozens; SANA has called the attack ..."
            name = self._covers(tok, anchor)
            if name:
                distance = abs(tok.i - anchor.i)
                if best is None or distance < best[0]:
                    best = (distance, name)
        if best:
            return best[1]
        if k is None and (closing := self._bare_closing_speaker(anchor, sent)):
            return closing
        return _headline_source(sent) if k is None else None

    def _source_like_subject(self, verb: Token) -> bool:
        """ "3 new towns joined ..., raising the number to 83": what raises a toll is a
        source only when it names one."""
        subj = self._subject(verb)
        if subj is None:
            return False
        return not any(t.like_num or t.pos_ == "NUM" for t in subj.subtree)

    def _bare_closing_speaker(self, anchor: Token, sent: Span) -> str | None:
        """ "... left two dead and eight injured the Red Crescent (QRCS) has announced.":
        a say-clause closing a sentence whose commas were stripped, read from the words
        when the parse has lost it (a second subject, an object, a prepositional noun).

        The say-verb must come after the figure with no other say-verb between them, be
        preceded by a source's noun phrase and report nothing of its own after it.
        """
        doc = self.doc
        for verb in sent:
            if verb.i <= anchor.i or not _bare_say_verb(verb) or self._in_quote(verb):
                continue
            if not _ends_its_clause(verb):
                continue
            words = _speaker_words_before(verb)
            if not words or words[0].i <= anchor.i:
                continue
            if any(
                is_reporting_verb(t) and not self._in_quote(t) and t.dep_ not in ("relcl", "acl")
                for t in doc[anchor.i + 1 : words[0].i]
            ):
                return None
            if any(_starts_new_clause(t, anchor) for t in doc[anchor.i + 1 : words[0].i]):
                # "... killed 49 people over the weekend Idlib came under bombardment
                # activists reported": the say-clause closes the next sentence.
                return None
            if len(words) == 1 and words[0].pos_ == "PRON":
                return self.resolve_pronoun(words[0])
            name = doc[words[0].i : words[-1].i + 1].text
            return None if _ANONYMOUS_SOURCE_RE.fullmatch(name) else name
        return None

    def _closing_speaker(self, verb: Token, anchor: Token, *, anywhere: bool = False) -> str | None:
        """'... were killed on Tuesday activists said.' with the commas stripped.

        The parser then leaves the say-verb that closes the sentence without a subject
        and hangs the speaker on the clause before it; the speaker is the noun phrase
        just before the verb, when the figure's clause hangs under that verb.
        """
        if anchor.i < verb.i and (inverted := _inverted_speaker(verb)):
            return inverted
        if not anywhere:
            if verb.dep_ != "ROOT" or not _is_ancestor(verb, anchor):
                return None
            after = verb.doc[verb.i + 1 : verb.sent.end]
            if any(t.pos_ in ("VERB", "AUX") or not _is_ancestor(verb, t) for t in after):
                return None
            if any(c.dep_ == "dobj" and c.i > verb.i for c in verb.children):
                return None  # "... have found refuge in Idlib": the verb has its own object
        head = _closing_noun_phrase_head(verb)
        if head is None or self._in_quote(head):
            return None
        words = _strip_the(_closing_words(head, verb))
        if not words or words[0].i <= anchor.i:
            return None
        name = verb.doc[words[0].i : words[-1].i + 1].text
        if _ANONYMOUS_SOURCE_RE.fullmatch(name):
            return None
        return name

    def _named_closing_speaker(self, verb: Token) -> str | None:
        head = _closing_noun_phrase_head(verb)
        if head is None or self._in_quote(head):
            return None
        if head.dep_ == "pobj" and head.head.lower_ in _PLACE_PREPOSITIONS:
            return None  # "a video shot in the Kafr Batna neighborhood showed": a place
        words = _strip_the(_closing_words(head, verb))
        if not words or not any(
            t.pos_ == "PROPN" or t.ent_type_ in _NAME_ENTITIES or t.lemma_.lower() in _SOURCE_NOUNS
            for t in words
        ):
            return None
        return verb.doc[words[0].i : words[-1].i + 1].text

    def _glued_speaker(self, verb: Token, subj: Token, anchor: Token) -> str | None:
        """The speaker after a plural counted noun the parser compounded onto it."""
        if not any(
            c.dep_ in ("ccomp", "parataxis") and c.i < min(subj.left_edge.i, anchor.i)
            for c in verb.children
        ):
            return None
        cur = anchor
        for _ in range(6):
            if cur.dep_ in ("compound", "nmod") and cur.tag_ == "NNS" and cur.head.i > cur.i:
                words = _strip_the(list(verb.doc[cur.i + 1 : subj.i + 1]))
                if words and words[0].i <= subj.i:
                    return verb.doc[words[0].i : words[-1].i + 1].text
                return None
            if cur.i == subj.i or cur.head.i == cur.i:
                return None
            cur = cur.head
        return None

    def _in_inner_source(self, verb: Token, anchor: Token) -> bool:
        """True when the figure describes the source of a reporting verb under `verb`:
        in "..., a survey of 2,000 trusts found", 2,000 is nobody's claim."""
        for tok in verb.subtree:
            if tok.i == verb.i or tok.pos_ != "VERB":
                continue
            if is_reporting_verb(tok):
                subj = self._subject(tok)
                if subj is not None and subj.left_edge.i <= anchor.i <= subj.right_edge.i:
                    return True
        return False

    def _according_to(self, sent: Span) -> str | None:
        for tok in sent:
            if tok.lower_ == "according" and tok.i + 1 < sent.end:
                to = tok.doc[tok.i + 1]
                if to.lower_ != "to":
                    continue
                for obj in to.children:
                    if obj.dep_ == "pobj":
                        if obj.pos_ == "PRON":
                            return self.resolve_pronoun(obj)
                        name = noun_phrase(obj)
                        if name and _ANONYMOUS_SOURCE_RE.fullmatch(obj.lower_):
                            # "according to figures compiled by the statistics office"
                            return _compiler_of(obj) or name
                        return name
        return None

    def _covers(self, verb: Token, anchor: Token) -> str | None:
        """Subject of a reporting verb when its clause reports the figure."""
        if any(c.dep_ == "neg" for c in verb.children):
            return None  # "the agency did not give a toll"
        subj = self._subject(verb)
        if subj is None:
            if anchor.i > verb.i and _through_clause(verb, anchor):
                # "... the Directorate of Health in east Aleppo reported that ...": the
                # parse hung the speaker on a preposition before the verb.
                words = _speaker_words_before(verb, _verb_group_start(verb) - 1)
                if words and words[-1].pos_ != "PRON" and not self._in_quote(words[0]):
                    return verb.doc[words[0].i : words[-1].i + 1].text
            return self._closing_speaker(verb, anchor)
        if (
            verb.dep_ == "conj"
            and not any(c.dep_ in _SUBJECT_DEPS for c in verb.children)
            and _is_ancestor(verb.head, anchor)
            and (named := self._named_closing_speaker(verb))
        ):
            # "The attack killed 32 rebels ... the Observatory said updating an earlier
            # toll of 15": the parse lends the conjunct the first clause's subject, but
            # a name stands right before the verb.
            return named
        if (
            subj.dep_ == "pobj"
            and subj.head.dep_ == "agent"
            and any(
                c.dep_ == "nsubjpass" and c.left_edge.i <= anchor.i <= c.right_edge.i
                for c in verb.children
            )
        ):
            return self.subject_name(verb)  # "a toll of 500 was cited by activists"
        if subj.left_edge.i <= anchor.i <= subj.right_edge.i:
            # The figure is in who speaks ("Three officials said"), unless the missing
            # comma glued the counted noun onto the speaker ("killed 15 civilians
            # rescue workers said").
            return self._glued_speaker(verb, subj, anchor)
        if self._in_inner_source(verb, anchor):
            return None
        in_scope = verb.left_edge.i <= anchor.i <= verb.right_edge.i and _is_ancestor(verb, anchor)
        if in_scope and verb.lemma_.lower() not in _OBJECT_REPORTING and not _states_a_toll(verb):
            # "claimed 100 lives", "told 300 workers": the figure is the object, not what
            # was said. Only a clause under the verb reports it.
            in_scope = _through_clause(verb, anchor)
        if not in_scope and verb.dep_ in ("parataxis", "advcl", "ccomp", "conj"):
            in_scope = (
                _is_ancestor(verb.head, anchor)
                and verb.i > anchor.i
                # "... killed 49 people the province came under fire activists reported":
                # the say-clause closes the next, run-on sentence.
                and not any(
                    _starts_new_clause(t, anchor) for t in verb.doc[anchor.i + 1 : subj.left_edge.i]
                )
            )
        if not in_scope and verb.dep_ == "relcl" and _closes_sentence(verb, subj):
            # "... killed 37 civilians the Observatory said on Monday.": without its
            # comma the say-clause is parsed as a relative clause of the last noun.
            in_scope = anchor.i < subj.left_edge.i
        if not in_scope:
            return None
        if anchor.i > verb.i:
            return self.subject_name(verb)
        if subj.i < verb.i and (
            subj.i < anchor.i or subj.right_edge.i < _verb_group_start(verb) - 1
        ):
            # A closing say-clause names its speaker right before the verb; a subject
            # before the figure, or far from the verb, is the parser's guess from a
            # sentence whose commas were stripped ("The attack killed 32 rebels ... the
            # Observatory said").
            return self._closing_speaker(verb, anchor, anywhere=True)
        # The say-clause follows the figure: it is set off ("..., the army said"), or,
        # where commas were stripped, it is the verb's last word and not a new clause
        # joined by "and" ("... and the agency warned that ...").
        first = min(subj.left_edge.i, verb.i)
        before = verb.doc[first - 1] if first > 0 else None
        if before is not None and before.text in _FRAME_MARKS:
            return self.subject_name(verb)
        own_clause = any(
            c.dep_ == "ccomp" or (c.dep_ == "xcomp" and c.tag_ != "VBG")
            for c in verb.children
            if c.i > verb.i
        )  # "said ... citing medics" reports nothing new
        if before is not None and before.pos_ != "CCONJ" and not own_clause:
            return self.subject_name(verb)
        return None


def _starts_new_clause(verb: Token, anchor: Token) -> bool:
    """A finite verb after the figure with a subject of its own that counts nothing, or
    a verb joined to the clause before with neither subject nor object ("... killed 49
    people over the weekend Idlib province came under bombardment")."""
    if verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.dep_ not in ("conj", "parataxis", "ROOT"):
        return False
    if (
        verb.dep_ == "conj"
        and verb.head.i < anchor.i
        and not any(c.dep_ in ("nsubj", "nsubjpass", "dobj") for c in verb.children)
        and not any(t.like_num for t in verb.doc[verb.i + 1 : verb.i + 4])
    ):
        return True
    return any(
        c.dep_ in ("nsubj", "nsubjpass")
        and c.i > anchor.i
        and not any(t.like_num or t.pos_ == "NUM" for t in c.subtree)
        for c in verb.children
    )


def _bare_say_verb(verb: Token) -> bool:
    # The parse of a comma-less sentence may tag a say-verb as a noun's modifier; its
    # past form still reads as a verb.
    if verb.lemma_.lower() not in _BARE_SAY_VERBS or verb.tag_ not in ("VBD", "VBN", "VBZ", "VBP"):
        return False
    # "65 bodies found in the town" is no say-clause; "the Red Crescent has announced" is.
    return verb.tag_ != "VBN" or (
        verb.i > 0 and verb.doc[verb.i - 1].lower_ in ("has", "have", "had")
    )


_BARE_SAY_VERBS = word_set("say tell report announce add confirm state claim write tweet warn")


# Words a closing say-verb may be followed by without reporting a clause of its own:
# "said on Monday", "said late on Wednesday citing medics", "reported as ...", "said."
_CLOSING_TAIL_POS = frozenset({"ADP", "SCONJ", "PUNCT", "ADV", "PART", "SPACE"})


def _ends_its_clause(verb: Token) -> bool:
    doc = verb.doc
    k = verb.i + 1
    if verb.lemma_.lower() == "tell":
        # "a field source told SANA reporter", "told reporters on Monday"
        while k < len(doc) and k - verb.i <= 3 and doc[k].pos_ in ("PROPN", "NOUN", "DET", "ADJ"):
            k += 1
    if k >= len(doc) or doc[k].is_sent_start:
        return True
    nxt = doc[k]
    if nxt.lower_ == "that":
        return False
    if nxt.ent_type_ in ("DATE", "TIME") or nxt.tag_ == "VBG":
        return True
    return nxt.pos_ in _CLOSING_TAIL_POS and nxt.text not in _OPEN_QUOTES + '"'


def _speaker_words_before(
    verb: Token, last: int | None = None, *, climb: bool = True
) -> list[Token]:
    """The source's noun phrase written right before a say-verb, read from the words:
    names, a parenthesised short form, at most one common noun before a common head
    ("state media", "rescue workers"), and a source noun before a name ("news agency
    SANA"). A place named before an organisation is not part of it ("in northern Peru
    UNICEF said")."""
    doc = verb.doc
    k = _verb_group_start(verb) - 1 if last is None else last
    words: list[Token] = []
    common = 0
    while k >= 0:
        tok = doc[k]
        if tok.text == ")" and not words:
            opening = next(
                (j for j in range(k - 1, max(-1, k - 6), -1) if doc[j].text == "("), None
            )
            if opening is None:
                break
            k = opening - 1
            continue
        if tok.ent_type_ in ("DATE", "TIME") or tok.like_num:
            break
        if tok.pos_ == "PRON" and not words and tok.lower_ in _PRONOUNS_PERSON | _PRONOUNS_GROUP:
            return [tok]
        if tok.pos_ == "PROPN":
            if words and words[0].pos_ != "PROPN" and words[0].lower_ not in ("of", "for"):
                break  # "custody HRW" reads "HRW"; a name does not end in a common noun
            words.insert(0, tok)
        elif tok.lower_ in ("of", "for", "and", "-") and words and words[0].pos_ == "PROPN":
            if k == 0 or doc[k - 1].pos_ != "PROPN":
                break
            words.insert(0, tok)
        elif tok.pos_ == "NOUN":
            if not words:
                lemma = tok.lemma_.lower()
                if not (
                    lemma in _SOURCE_NOUNS
                    or lemma.endswith(_AGENT_ENDINGS)
                    or tok.lower_ in _SOURCE_NOUNS
                ):
                    return []
                words.insert(0, tok)
            elif words[0].pos_ == "PROPN":
                if tok.lemma_.lower() not in _SOURCE_NOUNS:
                    break
                words.insert(0, tok)
            elif common == 0 and tok.tag_ != "NNS":
                common += 1
                words.insert(0, tok)
            else:
                break
        elif tok.pos_ == "ADJ" and words:
            words.insert(0, tok)
        else:
            break
        k -= 1
    # "in northern Peru UNICEF": a place before the name is where, not who.
    places = [i for i, t in enumerate(words) if t.ent_type_ in ("GPE", "LOC")]
    if places and places[-1] + 1 < len(words):
        words = words[places[-1] + 1 :]
    elif (
        words
        and climb
        and all(t.ent_type_ in ("GPE", "LOC", "") and t.pos_ == "PROPN" for t in words)
    ):
        # "the Directorate of Health in east Aleppo reported": where the source sits.
        j = words[0].i - 1
        while j >= 0 and doc[j].pos_ in ("NOUN", "ADJ") and words[0].i - j <= 2:
            j -= 1
        if j > 0 and doc[j].lower_ in ("in", "at") and doc[j - 1].pos_ == "PROPN":
            return _speaker_words_before(verb, j - 1, climb=False)
        if len(places) == len(words):
            return []
    while words and words[0].pos_ in ("ADP", "CCONJ", "PUNCT"):
        words = words[1:]
    if not words or words[-1].pos_ not in ("PROPN", "NOUN", "PRON"):
        return []
    return words


def _inverted_speaker(verb: Token) -> str | None:
    """ "... were seen over Idlib said Rami Abdel Rahman head of the Observatory": a name
    right after a say-verb that has no subject of its own is who speaks."""
    doc = verb.doc
    k = verb.i + 1
    if k < len(doc) and doc[k].lower_ == "the":
        k += 1
    if k >= len(doc) or doc[k].ent_type_ not in _NAME_ENTITIES or doc[k].ent_iob_ != "B":
        return None
    end = k + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[k:end].text


def _introduces_next(verb: Token) -> bool:
    """True for a say-verb followed by a colon: it frames what comes next."""
    doc = verb.doc
    k = verb.i + 1
    while k < len(doc) and doc[k].is_space:
        k += 1
    return k < len(doc) and doc[k].text == ":" and is_reporting_verb(verb)


def _closes_sentence(verb: Token, subj: Token) -> bool:
    """True for a say-verb with a named subject and nothing of its own said after it."""
    if subj.pos_ == "PRON" or subj.tag_ in ("WP", "WDT") or subj.lower_ in ("that", "which"):
        return False
    return not any(
        c.dep_ in ("ccomp", "dobj", "dative") or (c.dep_ == "xcomp" and c.tag_ != "VBG")
        for c in verb.children
        if c.i > verb.i
    )


def _compiler_of(noun: Token) -> str | None:
    """Who compiled or published the figures a noun names: "figures from the ONS"."""
    for tok in noun.subtree:
        if tok.i <= noun.i:
            continue
        if (tok.dep_ == "agent" or (tok.dep_ == "prep" and tok.lower_ in ("from", "by"))) and (
            obj := next((c for c in tok.children if c.dep_ == "pobj"), None)
        ):
            return noun_phrase(obj)
    return None


def _headline_source(sent: Span) -> str | None:
    """ "Air raids kill 18 civilians in Aleppo Monitor AFP Saturday 16 Jul 2016": a
    headline credits its source by naming it last, before the wire and the date."""
    text = sent.text.rstrip()
    if (credit := _COLON_CREDIT_RE.search(text)) and credit.group(1).split()[-1].lower() in (
        _HEADLINE_SOURCES
    ):
        return credit.group(1)  # "Bombs kill 13 fighters: monitor."
    if not text or text[-1] in '.!?"”’':
        return None
    words = [t for t in sent if not t.is_space]
    size = -1
    while words and len(words) != size:
        size = len(words)
        while words and (
            words[-1].text in _WIRE_NAMES
            or words[-1].like_num
            or words[-1].ent_type_ in ("DATE", "TIME")
            or words[-1].is_punct
            or words[-1].lower_.rstrip(".") in MONTHS
            or words[-1].lower_ in WEEKDAYS
        ):
            words.pop()
        words = _drop_page_sections(words)
    if not words:
        return None
    last = words[-1]
    if (
        last.is_upper
        and last.is_alpha
        and len(last.text) >= 3
        and last.ent_type_ not in ("GPE", "LOC", "NORP")
        and len(words) > 3
        and words[-2].is_alpha
        and words[-2].is_lower
    ):
        return last.text  # "... in latest round of bombing UNICEF"
    if last.lower_ not in _HEADLINE_SOURCES:
        return None
    start = last.i
    while start > sent.start and sent.doc[start - 1].lower_ in _HEADLINE_SOURCE_MODIFIERS:
        start -= 1
    return sent.doc[start : last.i + 1].text


# A headline credited after a colon: "Bombs kill 13 fighters: monitor".
_COLON_CREDIT_RE = re.compile(r":\s*((?:[A-Za-z][\w'-]*\s+){0,3}[A-Za-z][\w'-]*)\.?$")


def _drop_page_sections(words: list[Token]) -> list[Token]:
    """ "... Opera House State media - Region - World - Ahram": the sections and the
    outlet a web page's title ends with, one to three capitalised words after a dash."""
    for size in (1, 2, 3):
        if len(words) > size + 1 and words[-size - 1].text in ("-", "|", "–", "—"):
            tail = words[-size:]
            if all(t.is_title or t.is_upper for t in tail):
                return words[: -size - 1]
    return words


def _verb_group_start(verb: Token) -> int:
    """Index of the first auxiliary of a verb group: "have reported" -> "have"."""
    first = verb.i
    while (
        first > 0
        and verb.doc[first - 1].dep_ in ("aux", "auxpass", "neg")
        and (verb.doc[first - 1].head.i == verb.i)
    ):
        first -= 1
    return first


def _closing_noun_phrase_head(verb: Token) -> Token | None:
    """The head of the noun phrase just before a say-verb that ends its sentence."""
    doc = verb.doc
    first = _verb_group_start(verb)
    if first == 0 or doc[first - 1].pos_ not in ("NOUN", "PROPN"):
        return None
    head = doc[first - 1]
    # "the Syrian Observatory for Human Rights": climb from "Rights" to "Observatory",
    # within a name only ("close to the border with Turkey local sources" stays put).
    while (
        head.dep_ == "pobj"
        and head.pos_ == "PROPN"
        and head.head.dep_ == "prep"
        and head.head.lower_ in ("of", "for")
        and head.head.head.pos_ == "PROPN"
        and head.head.head.i < head.i
    ):
        head = head.head.head
    return head


_NAME_ENTITIES = ("ORG", "PERSON", "NORP")
_SAY_ONLY = word_set("say add claim insist state")
_PLACE_PREPOSITIONS = word_set("in at near on from into across around inside outside")
# Wire services and page furniture that follow a headline's own source.
_WIRE_NAMES = frozenset({"AFP", "Reuters", "AP", "Print", "Tweet", "Views", "Related", "|", "-"})
_HEADLINE_SOURCES = word_set(
    "monitor ngo activists medics officials official police army ministry media tv television "
    "sources group observatory un"
)
_HEADLINE_SOURCE_MODIFIERS = word_set("state monitoring rights local syrian activist")
# Common nouns that name a source on their own: "a monitor said", "activists said".
# Nouns for people who do something: "rescuers", "activists", "officials".
_AGENT_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "guard")
_SOURCE_NOUNS = word_set(
    "monitor group official source activist agency ministry medic witness resident police "
    "army spokesman spokeswoman spokesperson observatory media"
)


def _closing_words(head: Token, verb: Token) -> list[Token]:
    """The words of the speaker's noun phrase, from its modifiers up to the verb.

    Without commas the parser glues the end of the clause before onto the speaker
    ("in the blast police said", "close to the border with Turkey local sources said"),
    so the phrase only takes determiners, adjectives and names to the left of its head,
    and at most one common noun right beside it ("state media").
    """
    doc = verb.doc
    start = head.i
    common_nouns = 0
    k = head.i - 1
    while k >= 0:
        tok = doc[k]
        if (
            tok.lower_ in ("of", "for")
            and k > 0
            and doc[k - 1].pos_ == "PROPN"
            and doc[k + 1].pos_ == "PROPN"
        ):
            # Inside a name ("Syrian Observatory for Human Rights monitor"): the words of
            # the name before "for" belong to it, whatever the parser hung them on.
            start = k
            k -= 1
            while k >= 0 and doc[k].pos_ == "PROPN":
                start = k
                k -= 1
            continue
        if tok.head.i <= tok.i or tok.head.i > head.i:
            break
        if tok.dep_ in ("det", "amod", "poss", "case") or tok.pos_ == "PROPN":
            start = k
        elif (
            tok.dep_ == "compound"
            and tok.pos_ == "NOUN"
            and tok.tag_ != "NNS"  # "at 300 protesters witnesses said": a plural ends the clause
            and common_nouns == 0
            and k == start - 1
        ):
            common_nouns += 1
            start = k
        elif tok.is_punct and tok.text == "-":
            start = k
        else:
            break
        k -= 1
    words = list(doc[start : _verb_group_start(verb)])
    # "injuring a fourth SANA said": a name does not start with a count or an ordinal.
    counted = [i for i, t in enumerate(words) if t.pos_ == "NUM" or t.ent_type_ == "ORDINAL"]
    if counted and counted[-1] + 1 < len(words):
        words = words[counted[-1] + 1 :]
    # "in northern Peru UNICEF said": a place before the name is where, not who.
    places = [i for i, t in enumerate(words) if t.ent_type_ in ("GPE", "LOC")]
    if places and places[-1] + 1 < len(words) and words[places[-1] + 1].pos_ == "PROPN":
        words = words[places[-1] + 1 :]
    # "a fourth SANA": an organisation or person named after stray words is the speaker.
    for i, tok in enumerate(words):
        if tok.ent_type_ in _NAME_ENTITIES and tok.ent_iob_ == "B":
            before = words[:i]
            if any(t.pos_ in ("NOUN", "NUM") or t.ent_type_ == "ORDINAL" for t in before):
                words = words[i:]
            break
    return words


def _states_a_toll(verb: Token) -> bool:
    """ "put the death toll at 70", "gave a toll of 12": a source stating a figure."""
    return verb.lemma_.lower() in _TOLL_VERBS and any(
        c.dep_ == "dobj" and c.lemma_.lower() in _TOLL_NOUNS for c in verb.children
    )


def _has_own_source(gap: str) -> bool:
    """True when the text between two quotes is more than the first one's frame."""
    return gap.count(",") > 2 or " according to " in gap


def _through_clause(verb: Token, tok: Token) -> bool:
    """True when `tok` sits under a clause of `verb` rather than its object."""
    cur = tok
    clause_below = False
    for _ in range(50):
        if cur.head.i == verb.i:
            if cur.dep_ == "dobj" and clause_below and verb.lemma_.lower() in _SAY_ONLY:
                # "State media said attacks by insurgents killed 20": a clause without
                # "that" parsed as the object, with the figure under its verb.
                return True
            return cur.dep_ in _CLAUSE_DEPS
        if cur.pos_ == "VERB" and cur.i != tok.i:
            clause_below = True
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _is_ancestor(node: Token, tok: Token) -> bool:
    if node.i == tok.i:
        return True
    cur = tok
    for _ in range(50):
        if cur.head.i == cur.i:
            return False
        cur = cur.head
        if cur.i == node.i:
            return True
    return False
