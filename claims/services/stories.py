"""Grouping articles into stories, and the quantities of each story.

An article joins the story whose articles it resembles most, or opens a new one:

- Candidates come only from ``StoryKey`` rows: the story's places, named entities
  and casualty figures on each day it has articles, looked up by key within
  ``WINDOW_DAYS`` of the article's publication day (``published_at``, else
  ``created_at``). Stories are never scanned.
- Each candidate's articles are compared with the new one: places, named entities,
  figures, event words and the words of the title and lead, each weighted by how
  rare it is (``KeyFrequency``: "Syria" says little, "Manbij" a lot), as a cosine
  similarity, lowered by the days between them. The best story at or above
  ``MATCH_THRESHOLD`` wins; ties go to the older story.
- Assignments are serialised (an advisory lock on PostgreSQL, the write lock on
  SQLite), so two workers never open two stories for one event at the same moment.
- An article an editor placed (``story_placed_by``) is never moved.
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q

from claims.extraction import ArticleFeatures, content_words, name_key
from claims.models import Article, Claim, KeyFrequency, Quantity, Story, StoryKey
from claims.services import xref

logger = logging.getLogger(__name__)

# An article is compared with the stories that have articles this many days before
# or after its own publication day: follow-ups a few days on still join the story,
# while the same town's next attack a week later gets its own.
WINDOW_DAYS = 3
# Similarity (0..1) an article needs with a story's closest article to join it.
MATCH_THRESHOLD = 0.20
# The similarity lost per day between two articles' publication days.
DAY_PENALTY = 0.08
# Candidate stories compared in full, after ranking by the rare keys they share.
MAX_CANDIDATES = 8
# Articles of a candidate story compared (the most recent ones): bounds the work for
# a story that runs for months.
MAX_MEMBERS = 20
# Weight of each kind of feature in the similarity.
_WEIGHTS = {"p": 2.0, "e": 1.0, "n": 2.0, "w": 1.0, "v": 0.5}
# Kinds of key that find candidate stories (words and event verbs are too common).
_LOOKUP_KINDS = ("p", "e", "n")
# The row of KeyFrequency counting all articles.
_TOTAL_KEY = ""
# Measures whose figures identify an event ("21 killed"): shared figures are a strong
# sign two articles report the same event.
_FIGURE_MEASURES = frozenset({"deaths", "injuries", "casualties", "missing", "detained"})
_LOCK_ID = 1_101_001
_IDF_PRIOR = 100
# A place named in more than this share of a story's articles is where the story
# happens; a figure "in" it is the story's overall figure, not a part of it.
_MAIN_PLACE_SHARE = 0.5
_TITLE_MAX = 500


def article_day(article) -> date:
    moment = article.published_at or article.created_at
    return moment.date()


def article_time(article) -> datetime:
    return article.published_at or article.created_at


def _word_key(word: str) -> str:
    """Words are compared by the same spelling-tolerant key as names: "Hasaka" meets
    "Hasakah", and a headline's "kills" meets a lead's "kill"."""
    return word if word.isdigit() else name_key(word)


def feature_keys(features: dict) -> set[str]:
    """All the keys an article is compared by, prefixed by kind (p: place, e: entity,
    n: figure, w: word of title or lead, v: event word).

    Computed once when the features are stored (kept under "keys"), since every later
    comparison needs them again.
    """
    if "keys" in features:
        return set(features["keys"])
    return _compute_keys(features)


def _compute_keys(features: dict) -> set[str]:
    keys = {f"p:{k}" for k in features.get("places", {})}
    keys |= {f"e:{k}" for k in features.get("entities", {})}
    keys |= {f"n:{k}" for k in features.get("figures", [])}
    words = [*features.get("lead", []), *features.get("title", [])]
    keys |= {f"w:{key}" for key in map(_word_key, words) if key}
    keys |= {f"v:{k}" for k in features.get("events", {})}
    return keys


def _lookup_keys(keys: set[str]) -> list[str]:
    return sorted(k for k in keys if k[0] in _LOOKUP_KINDS and len(k) <= 200)


def _figure_keys(claims) -> list[str]:
    """Casualty figures of one incident, as keys: "21", "16"."""
    figures = set()
    for claim in claims:
        if claim.measure in _FIGURE_MEASURES and claim.period == "event" and claim.value:
            figures.add(f"{claim.value:g}")
    return sorted(figures)


@transaction.atomic
def article_features_store(*, article_id: int, features: ArticleFeatures, claims=()) -> None:
    """Keep what an article is about, and count its keys in ``KeyFrequency``.

    ``claims`` are the extractor's claims of the article (for its casualty figures).
    Storing the same features again changes no count.
    """
    _lock()
    article = Article.objects.only("pk", "title", "story_features").get(pk=article_id)
    data = features.to_dict()
    data["title"] = content_words(article.title)
    data["figures"] = _figure_keys(claims)
    data["keys"] = sorted(_compute_keys(data))
    old_keys = feature_keys(article.story_features) if article.story_features else set()
    new_keys = set(data["keys"])
    _count_keys(new_keys - old_keys, +1, new_article=not article.story_features)
    _count_keys(old_keys - new_keys, -1, new_article=False)
    Article.objects.filter(pk=article_id).update(story_features=data)


def _count_keys(keys: set[str], step: int, *, new_article: bool) -> None:
    keys = {k[:200] for k in keys}
    if new_article:
        keys.add(_TOTAL_KEY)
    if not keys:
        return
    KeyFrequency.objects.bulk_create(
        [KeyFrequency(key=k, articles=0) for k in sorted(keys)], ignore_conflicts=True
    )
    KeyFrequency.objects.filter(key__in=keys).update(articles=F("articles") + step)


def key_frequencies_rebuild() -> None:
    """Count every key again from the stored features (after the keys' definition
    changed, or to repair drift); part of a full regrouping."""
    counts: Counter = Counter()
    total = 0
    for pk, features in (
        Article.objects.filter(story_features__isnull=False)
        .values_list("pk", "story_features")
        .iterator(chunk_size=500)
    ):
        keys = sorted(_compute_keys(features))
        if features.get("keys") != keys:
            Article.objects.filter(pk=pk).update(story_features={**features, "keys": keys})
        counts.update(k[:200] for k in keys)
        total += 1
    counts[_TOTAL_KEY] = total
    KeyFrequency.objects.all().delete()
    KeyFrequency.objects.bulk_create(
        [KeyFrequency(key=k, articles=n) for k, n in sorted(counts.items())], batch_size=2000
    )


def _lock() -> None:
    """Serialise story writes: one assignment at a time sees the stories as they are."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])


@dataclass(frozen=True)
class _Member:
    story_id: int
    day: date
    vector: dict[str, float]


def _vector(keys: set[str], idf: dict[str, float]) -> dict[str, float]:
    return {k: _WEIGHTS[k[0]] * idf.get(k, 0.0) for k in keys}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[k] for k, w in a.items() if k in b)
    if not dot:
        return 0.0
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def _idf(keys: set[str], known: dict[str, float] | None = None) -> dict[str, float]:
    """Inverse document frequency of each key; ``known`` ones are not looked up again."""
    known = known or {}
    wanted = [k for k in keys if k not in known]
    rows = dict(
        KeyFrequency.objects.filter(key__in=[*wanted, _TOTAL_KEY]).values_list("key", "articles")
    )
    # A prior of articles that have none of the keys: in a young database every key
    # seems common, and the few articles there are would never match.
    total = rows.get(_TOTAL_KEY, 0) + _IDF_PRIOR
    found = {k: math.log((total + 1) / (rows.get(k, 0) + 1)) for k in wanted}
    return {**known, **found}


def _candidate_stories(article: Article, keys: set[str], idf: dict[str, float]) -> list[int]:
    """Stories sharing a place, name or figure within the window, rarest shared first."""
    lookup = _lookup_keys(keys)
    if not lookup:
        return []
    day = article_day(article)
    rows = StoryKey.objects.filter(
        key__in=lookup,
        day__gte=day - timedelta(days=WINDOW_DAYS),
        day__lte=day + timedelta(days=WINDOW_DAYS),
    ).values_list("story_id", "key")
    shared: dict[int, set[str]] = defaultdict(set)
    for story_id, key in rows:
        shared[story_id].add(key)
    ranked = sorted(shared, key=lambda s: (-sum(idf.get(k, 0.0) for k in shared[s]), s))
    return ranked[:MAX_CANDIDATES]


def _members(story_ids: list[int], exclude_id: int) -> list[tuple[int, date, dict]]:
    if not story_ids:
        return []
    # Only the stored keys are read (a JSON path in SQL), not the whole features.
    rows = (
        Article.objects.filter(story_id__in=story_ids, story_features__isnull=False)
        .exclude(pk=exclude_id)
        .order_by("story_id", F("published_at").desc(nulls_last=True), "-id")
        .values_list("pk", "story_id", "published_at", "created_at", "story_features__keys")
    )
    per_story: Counter = Counter()
    out = []
    for pk, story_id, published_at, created_at, keys in rows:
        if per_story[story_id] >= MAX_MEMBERS:
            continue
        per_story[story_id] += 1
        out.append((story_id, (published_at or created_at).date(), _keys_or_load(pk, keys)))
    return out


def _keys_or_load(article_id: int, keys: list | None) -> set[str]:
    """Stored keys, or keys computed from the full features for an article stored
    before keys were kept."""
    if keys is not None:
        return set(keys)
    features = Article.objects.filter(pk=article_id).values_list("story_features", flat=True)
    return feature_keys(features.first() or {})


def _best_story(article: Article) -> tuple[int | None, float]:
    """The story the article fits best and the similarity, or (None, best score)."""
    keys = feature_keys(article.story_features or {})
    if not keys:
        return None, 0.0
    article_idf = _idf(keys)
    candidates = _candidate_stories(article, keys, article_idf)
    members = _members(candidates, article.pk)
    all_keys = set(keys)
    member_keys = []
    for story_id, day, mk in members:
        member_keys.append((story_id, day, mk))
        all_keys |= mk
    idf = _idf(all_keys, known=article_idf)
    mine = _vector(keys, idf)
    day = article_day(article)
    best: dict[int, float] = {}
    for story_id, member_day, mk in member_keys:
        gap = abs((member_day - day).days)
        if gap > WINDOW_DAYS:
            continue
        score = _cosine(mine, _vector(mk, idf)) - DAY_PENALTY * gap
        if score > best.get(story_id, -1.0):
            best[story_id] = score
    if not best:
        return None, 0.0
    story_id = min(best, key=lambda s: (-best[s], s))
    logger.debug("story match article_id=%s scores=%s", article.pk, best)
    if best[story_id] >= MATCH_THRESHOLD:
        return story_id, best[story_id]
    return None, best[story_id]


@transaction.atomic
def article_assign_story(*, article_id: int, refresh: bool = True) -> Story | None:
    """Put the article in its best-matching story, or open a new one; returns the story.

    Idempotent and deterministic: the same articles in the same order give the same
    stories. An article an editor placed stays where it is. An article without
    features (not extracted yet) is left alone and None is returned.

    With ``refresh=False`` (bulk runs) only the article's story keys are added, which
    is all later assignments need; the caller refreshes the touched stories once at
    the end (``stories_refresh``) instead of after every article.
    """
    _lock()
    article = Article.objects.select_for_update().get(pk=article_id)
    if article.story_placed_by_id is not None:
        return article.story
    if not article.story_features:
        return article.story
    story_id, _score = _best_story(article)
    previous = article.story_id
    if story_id is None:
        if previous is not None and _only_article(previous, article.pk):
            # Alone in its story already: a new story would be the same one again.
            story_id = previous
        else:
            story_id = Story.objects.create(title=_title(article.title)).pk
    if story_id != previous:
        Article.objects.filter(pk=article.pk).update(story_id=story_id)
        if previous is not None and refresh:
            story_refresh(story_id=previous)
    if not refresh:
        day = article_day(article)
        StoryKey.objects.bulk_create(
            [
                StoryKey(story_id=story_id, key=k, day=day)
                for k in _lookup_keys(feature_keys(article.story_features))
            ],
            ignore_conflicts=True,
        )
        return Story(pk=story_id)
    story_refresh(story_id=story_id)
    return Story.objects.filter(pk=story_id).first()


def stories_refresh(*, story_ids) -> None:
    """``story_refresh`` for each of these stories, in id order."""
    for story_id in sorted(set(story_ids)):
        story_refresh(story_id=story_id)


def _only_article(story_id: int, article_id: int) -> bool:
    return not Article.objects.filter(story_id=story_id).exclude(pk=article_id).exists()


def _title(title: str) -> str:
    return (title or "").strip()[:_TITLE_MAX] or "Untitled story"


def stories_assign_all(*, on_progress=None) -> int:
    """Regroup every article no editor placed, in publication order; returns the count.

    Articles are first taken out of their automatic stories (editors' placements and
    the stories they hold stay), then assigned one by one, oldest first (publication
    time, else arrival, then id), so the result does not depend on past runs.
    """
    with transaction.atomic():
        _lock()
        key_frequencies_rebuild()
        automatic = Article.objects.filter(story_placed_by__isnull=True, story__isnull=False)
        touched = set(automatic.values_list("story_id", flat=True))
        automatic.update(story=None)
        for story_id in sorted(touched):
            story_refresh(story_id=story_id)
    ids = list(
        Article.objects.filter(story_placed_by__isnull=True, story_features__isnull=False)
        .order_by(F("published_at").asc(nulls_last=True), "created_at", "id")
        .values_list("pk", flat=True)
    )
    touched = set()
    for done, article_id in enumerate(ids, start=1):
        touched.add(article_assign_story(article_id=article_id, refresh=False).pk)
        if on_progress is not None:
            on_progress(done, len(ids))
    stories_refresh(story_ids=touched)
    return len(ids)


# --- Refreshing a story ----------------------------------------------------------


@transaction.atomic
def story_refresh(*, story_id: int) -> Story | None:
    """Recompute what a story holds from its articles; None when it has none left
    (then it is deleted).

    Title (unless an editor renamed it), places, first and last publication time,
    article count, the story keys, the quantities (figures sharing measure,
    population, period and place), each claim's quantity and conflict flag, each
    quantity's conflict flag and the story's count of quantities in conflict.
    """
    story = Story.objects.select_for_update().filter(pk=story_id).first()
    if story is None:
        return None
    articles = [
        _StoryArticle(
            pk=row["pk"],
            title=row["title"],
            published_at=row["published_at"],
            created_at=row["created_at"],
            places=row["story_features__places"] or {},
            names=row["story_features__names"] or {},
            keys=_keys_or_load(row["pk"], row["story_features__keys"])
            if row["has_features"]
            else set(),
        )
        for row in Article.objects.filter(story_id=story_id)
        .order_by(F("published_at").asc(nulls_last=True), "created_at", "id")
        .annotate(has_features=Q(story_features__isnull=False))
        .values(
            "pk",
            "title",
            "published_at",
            "created_at",
            "has_features",
            "story_features__places",
            "story_features__names",
            "story_features__keys",
        )
    ]
    if not articles:
        Claim.objects.filter(quantity__story_id=story_id).update(quantity=None, in_conflict=False)
        story.delete()
        return None

    place_counts: Counter = Counter()
    names: dict[str, str] = {}
    for article in articles:
        place_counts.update(set(article.places))
        for key, name in article.names.items():
            names.setdefault(key, name)
    main_places = {k for k, n in place_counts.items() if n > _MAIN_PLACE_SHARE * len(articles)}
    if not story.title_edited:
        story.title = _title(next((a.title for a in articles if a.title), ""))
    story.places = [
        names.get(k, k)
        for k, _n in sorted(place_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if k in main_places
    ][:10]
    times = [article_time(a) for a in articles]
    story.first_published_at = min(times)
    story.last_published_at = max(times)
    story.article_count = len(articles)

    _refresh_keys(story, articles)
    story.conflict_count = _refresh_quantities(story, main_places)
    story.save()
    return story


@dataclass(frozen=True)
class _StoryArticle:
    """What a refresh needs of an article, without its text or full features."""

    pk: int
    title: str
    published_at: datetime | None
    created_at: datetime
    places: dict
    names: dict
    keys: set[str]


def _refresh_keys(story: Story, articles: list[_StoryArticle]) -> None:
    wanted = set()
    for article in articles:
        keys = _lookup_keys(article.keys)
        day = article_day(article)
        wanted.update((k, day) for k in keys)
    existing = set(StoryKey.objects.filter(story=story).values_list("key", "day"))
    stale = existing - wanted
    if stale:
        q = Q()
        for key, day in stale:
            q |= Q(key=key, day=day)
        StoryKey.objects.filter(q, story=story).delete()
    StoryKey.objects.bulk_create(
        [StoryKey(story=story, key=k, day=d) for k, d in sorted(wanted - existing)],
        ignore_conflicts=True,
        batch_size=1000,
    )


def place_key_of(place: str, main_places: set[str]) -> str:
    """The place a figure is kept apart by, or "" when it is where the story happens."""
    if not place:
        return ""
    words = name_key(place).split()
    if not words or any(w in main_places for w in words):
        return ""
    return " ".join(words)


_PARTITIVE_RE = re.compile(r"\s+of\s+(?:the|those|them|whom)\b", re.IGNORECASE)
_OTHER_AFTER_RE = re.compile(r"\s+(?:\w+\s+)?(?:other|others|more)\b", re.IGNORECASE)
_OTHER_BEFORE_RE = re.compile(r"\b(?:another|other)\s+$", re.IGNORECASE)


def part_marker(claim: Claim, sentence_claims: list[Claim]) -> str:
    """How a figure counts only part of a group: "15 of the wounded" ("subset"), or a
    further group after a first figure of the same measure ("another 10 bodies", "six
    others"): "additional". "" for a figure that counts the whole group."""
    offset = claim.start - claim.sentence_start
    after = claim.sentence[offset + (claim.end - claim.start) :][:30]
    before = claim.sentence[max(0, offset - 12) : offset]
    if _PARTITIVE_RE.match(after):
        return "subset"
    if _OTHER_AFTER_RE.match(after) or _OTHER_BEFORE_RE.search(before):
        earlier = [c for c in sentence_claims if c.start < claim.start and c.measure]
        # "killed 16 and wounded another 40": the 40 are another measure's group.
        if not earlier or any(c.measure == claim.measure for c in earlier):
            return "additional"
    return ""


def _refresh_quantities(story: Story, main_places: set[str]) -> int:
    claims = list(
        Claim.objects.filter(article__story=story)
        .select_related("article")
        .defer("article__body", "article__story_features")
        .order_by("article_id", "start")
    )
    groups: dict[tuple[str, str, str, str], list[Claim]] = defaultdict(list)
    shown_place: dict[tuple[str, str, str, str], str] = {}
    by_sentence: dict[tuple[int, int], list[Claim]] = defaultdict(list)
    for claim in claims:
        by_sentence[(claim.article_id, claim.sentence_start)].append(claim)
    for claim in claims:
        if not claim.measure or claim.measure == Claim.Measure.OTHER:
            continue
        place = place_key_of(claim.place, main_places)
        population = claim.population or ""
        part = part_marker(claim, by_sentence[(claim.article_id, claim.sentence_start)])
        if part:
            # A part of a group is a quantity of its own, named by its population.
            population = f"{population} ({part})".strip()[:100]
        key = (claim.measure, population, claim.period or "", place)
        groups[key].append(claim)
        shown_place.setdefault(key, claim.place if place else "")
    existing = {(q.measure, q.population, q.period, q.place): q for q in story.quantities.all()}
    by_shown = {}
    for key in groups:
        shown = (key[0], key[1], key[2], shown_place[key][:200])
        by_shown[shown] = key
    # Quantities no longer backed by figures go; the others are kept with their ids,
    # so links to a quantity survive a refresh.
    gone = [q.pk for k, q in existing.items() if k not in by_shown]
    Claim.objects.filter(quantity_id__in=gone).update(quantity=None, in_conflict=False)
    Quantity.objects.filter(pk__in=gone).delete()

    conflicts = 0
    claim_updates: list[Claim] = []
    quantity_updates: list[Quantity] = []
    for shown in sorted(by_shown):
        members = groups[by_shown[shown]]
        quantity = existing.get(shown)
        if quantity is None:
            quantity = Quantity.objects.create(
                story=story,
                measure=shown[0],
                population=shown[1],
                period=shown[2],
                place=shown[3],
            )
        in_conflict = xref.conflicting_ids(members)
        has_conflict = bool(in_conflict)
        conflicts += has_conflict
        if quantity.has_conflict != has_conflict:
            quantity.has_conflict = has_conflict
            quantity_updates.append(quantity)
        for claim in members:
            flag = claim.pk in in_conflict
            if claim.quantity_id != quantity.pk or claim.in_conflict != flag:
                claim.quantity_id = quantity.pk
                claim.in_conflict = flag
                claim_updates.append(claim)
    grouped = {c.pk for members in groups.values() for c in members}
    for claim in claims:
        if claim.pk not in grouped and (claim.quantity_id is not None or claim.in_conflict):
            claim.quantity_id = None
            claim.in_conflict = False
            claim_updates.append(claim)
    Claim.objects.bulk_update(claim_updates, ["quantity", "in_conflict"], batch_size=500)
    Quantity.objects.bulk_update(quantity_updates, ["has_conflict"], batch_size=500)
    return conflicts


def xref_export() -> dict:
    """Stories and claims in the cross-referencing format: articles are named by their
    external id, else their primary key."""
    names = {
        pk: external_id or str(pk)
        for pk, external_id in Article.objects.values_list("pk", "external_id")
    }
    stories = defaultdict(list)
    for pk, story_id in (
        Article.objects.filter(story__isnull=False).order_by("pk").values_list("pk", "story_id")
    ):
        stories[story_id].append(names[pk])
    claims = [
        {
            "article_id": names[article_id],
            "start": start,
            "end": end,
            "measure": measure or None,
            "population": population or None,
            "period": period or None,
            "quantity": quantity_id,
        }
        for article_id, start, end, measure, population, period, quantity_id in (
            Claim.objects.order_by("article_id", "start").values_list(
                "article_id", "start", "end", "measure", "population", "period", "quantity_id"
            )
        )
    ]
    return {
        "stories": [{"id": sid, "article_ids": ids} for sid, ids in sorted(stories.items())],
        "claims": claims,
    }
