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

import functools
import json
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
from claims.prepared import prepared_rows
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
# Rows written by one statement (up to three parameters each; SQLite allows 32,766).
_UPSERT_BATCH = 1000


def article_day(article) -> date:
    moment = article.published_at or article.created_at
    return moment.date()


def article_time(article) -> datetime:
    return article.published_at or article.created_at


@functools.lru_cache(maxsize=65_536)
def _word_key(word: str) -> str:
    """Words are compared by the same spelling-tolerant key as names: "Hasaka" meets
    "Hasakah", and a headline's "kills" meets a lead's "kill".

    Cached: news repeats its words, and every stored article's title and lead
    words are keyed again."""
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


def _key_rows(keys: list[str]) -> tuple[str, list]:
    """A FROM item giving ``keys`` as rows of one column ``value``, sent as one
    parameter (a JSON array on SQLite, an array on PostgreSQL), and that parameter.

    Hundreds of placeholders, one per key, cost more to parse (and to log, in
    development) than the statement took to run. The keys come out in the given
    order.
    """
    if connection.vendor == "postgresql":
        return "unnest(%s::text[]) AS v (value)", [list(keys)]
    return "json_each(%s) AS v", [json.dumps(keys)]


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
    _store_features(article, features, claims)
    Article.objects.filter(pk=article_id).update(story_features=article.story_features)


@transaction.atomic
def article_features_store_and_assign(
    *, article_id: int, features: ArticleFeatures, claims=()
) -> Story | None:
    """``article_features_store`` then ``article_assign_story``, in one transaction
    under one lock, reading the article once: what a worker does after extraction."""
    _lock()
    article = _article_for_update(article_id)
    _store_features(article, features, claims)
    # The features are written with the article's story, in one UPDATE.
    return _assign(article, refresh=True, features_unsaved=True)


# What assigning reads of an article (not its text, nor the extraction's
# bookkeeping), in the model's order of fields, as ``Model.from_db`` takes them.
_ASSIGN_FIELDS = tuple(
    f.attname
    for f in Article._meta.concrete_fields
    if f.attname
    in {
        "id",
        "title",
        "published_at",
        "created_at",
        "story_id",
        "story_placed_by_id",
        "story_features",
    }
)


def _article_for_update(article_id: int) -> Article:
    """The article, locked, with only ``_ASSIGN_FIELDS`` loaded; the query is compiled
    once per process (``prepared_rows``)."""
    rows = prepared_rows(
        "stories.article_for_update",
        lambda article_id: (
            Article.objects.select_for_update().filter(pk=article_id).values(*_ASSIGN_FIELDS)
        ),
        article_id=article_id,
    )
    if not rows:
        raise Article.DoesNotExist(f"No article {article_id}.")
    return Article.from_db(connection.alias, _ASSIGN_FIELDS, tuple(rows[0].values()))


def _store_features(article: Article, features: ArticleFeatures, claims) -> None:
    """Count the article's keys and keep its features on the instance; the caller
    writes them."""
    data = features.to_dict()
    data["title"] = content_words(article.title)
    data["figures"] = _figure_keys(claims)
    data["keys"] = sorted(_compute_keys(data))
    old_keys = feature_keys(article.story_features) if article.story_features else set()
    new_keys = set(data["keys"])
    _count_keys(new_keys - old_keys, +1, new_article=not article.story_features)
    _count_keys(old_keys - new_keys, -1, new_article=False)
    article.story_features = data


def _count_keys(keys: set[str], step: int, *, new_article: bool) -> None:
    keys = {k[:200] for k in keys}
    if new_article:
        keys.add(_TOTAL_KEY)
    if not keys:
        return
    # One upsert: Django's bulk_create(update_conflicts=True) can only set a value,
    # not add to it, and an insert then an update costs twice the round trips. Keys
    # are written in sorted order so that concurrent writers lock rows alike. (SQLite
    # needs the WHERE to read ON CONFLICT as the upsert's.)
    table = connection.ops.quote_name(KeyFrequency._meta.db_table)
    key, articles = (connection.ops.quote_name(c) for c in ("key", "articles"))
    rows, rows_params = _key_rows(sorted(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key}, {articles}) "  # noqa: S608 - names are ours
            f"SELECT v.value, %s FROM {rows} WHERE true "
            f"ON CONFLICT ({key}) DO UPDATE "
            f"SET {articles} = {table}.{articles} + excluded.{articles}",
            [step, *rows_params],
        )


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


def _squared_weights(idf: dict[str, float]) -> dict[str, float]:
    """Each key's weight in the similarity, squared: a key weighs the same in both
    vectors, so a dot product is a sum of these over the shared keys."""
    return {k: (_WEIGHTS[k[0]] * w) ** 2 for k, w in idf.items()}


def _similarity(mine: set[str], mine_norm: float, other: set[str], squared: dict) -> float:
    """Cosine similarity of two articles' weighted keys. ``math.fsum`` keeps it the
    same whatever order the sets iterate in (string hashing differs per process)."""
    shared = mine & other
    if not shared or not mine_norm:
        return 0.0
    # ``squared`` holds every key compared (``_best_story``): no default needed.
    dot = math.fsum(map(squared.__getitem__, shared))
    norm = math.sqrt(math.fsum(map(squared.__getitem__, other)))
    return dot / (mine_norm * norm) if dot and norm else 0.0


def _idf_of(count: int | None, total: int | None) -> float:
    # A prior of articles that have none of the keys: in a young database every key
    # seems common, and the few articles there are would never match.
    return math.log(((total or 0) + _IDF_PRIOR + 1) / ((count or 0) + 1))


def _idf(keys: set[str], known: dict[str, float] | None = None) -> dict[str, float]:
    """Inverse document frequency of each key; ``known`` ones are not looked up again."""
    known = known or {}
    wanted = [k for k in keys if k not in known]
    if not wanted and known:
        return dict(known)
    # Plain SQL: the ORM spent more time preparing the hundreds of keys compared
    # than the database took to find them.
    table = connection.ops.quote_name(KeyFrequency._meta.db_table)
    key, articles = (connection.ops.quote_name(c) for c in ("key", "articles"))
    asked = [*wanted, _TOTAL_KEY]
    if connection.vendor == "postgresql":
        # An index scan for the array; as a semi-join with its rows, PostgreSQL read
        # the whole table.
        condition, params = f"{key} = ANY(%s)", [asked]
    else:
        rows_sql, params = _key_rows(asked)
        condition = f"{key} IN (SELECT v.value FROM {rows_sql})"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, {articles} FROM {table} WHERE {condition}",  # noqa: S608
            params,
        )
        rows = dict(cursor.fetchall())
    total = rows.get(_TOTAL_KEY, 0)
    # Most keys share a handful of counts (1, 2, ...): each count's idf is worked out once.
    by_count: dict[int, float] = {}
    idf = dict(known)
    for k in wanted:
        count = rows.get(k) or 0
        value = by_count.get(count)
        if value is None:
            value = by_count[count] = _idf_of(count, total)
        idf[k] = value
    return idf


def _candidate_stories(article: Article, keys: set[str]) -> tuple[list[int], dict[str, float]]:
    """Stories sharing a place, name or figure within the window, rarest shared first,
    and the idf of the shared keys."""
    lookup = _lookup_keys(keys)
    if not lookup:
        return [], {}
    day = article_day(article)
    # One query on the (key, day) index for all the article's keys, with each key's
    # count (and the count of all articles) for ranking: no second round trip.
    # Plain SQL, as in ``_idf``: the ORM's cost of building the query was most of it.
    q = connection.ops.quote_name
    keys_table, freq_table = q(StoryKey._meta.db_table), q(KeyFrequency._meta.db_table)
    story, key, day_column, articles = map(q, ("story_id", "key", "day", "articles"))
    adapt = connection.ops.adapt_datefield_value
    looked_up, looked_up_params = _key_rows(lookup)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT sk.{story}, sk.{key}, kf.{articles}, "  # noqa: S608 - names are ours
            f"(SELECT t.{articles} FROM {freq_table} t WHERE t.{key} = %s) "
            f"FROM {keys_table} sk LEFT JOIN {freq_table} kf ON kf.{key} = sk.{key} "
            f"WHERE sk.{key} IN (SELECT v.value FROM {looked_up}) "
            f"AND sk.{day_column} >= %s AND sk.{day_column} <= %s",
            [
                _TOTAL_KEY,
                *looked_up_params,
                adapt(day - timedelta(days=WINDOW_DAYS)),
                adapt(day + timedelta(days=WINDOW_DAYS)),
            ],
        )
        rows = cursor.fetchall()
    shared: dict[int, set[str]] = defaultdict(set)
    idf: dict[str, float] = {}
    for story_id, key, count, total in rows:
        shared[story_id].add(key)
        idf[key] = _idf_of(count, total)
    ranked = sorted(shared, key=lambda s: (-math.fsum(idf[k] for k in shared[s]), s))
    return ranked[:MAX_CANDIDATES], idf


def _members(story_ids: list[int], exclude_id: int) -> list[tuple[int, date, set[str]]]:
    if not story_ids:
        return []
    # Only the stored keys are read (a JSON path in SQL), not the whole features; the
    # query is compiled once per number of candidates (``prepared_rows``).
    rows = prepared_rows(
        "stories.members",
        lambda story_ids, exclude_id: (
            Article.objects.filter(story_id__in=story_ids, story_features__isnull=False)
            .exclude(pk=exclude_id)
            .order_by("story_id", F("published_at").desc(nulls_last=True), "-id")
            .values("pk", "story_id", "published_at", "created_at", "story_features__keys")
        ),
        story_ids=list(story_ids),
        exclude_id=exclude_id,
    )
    per_story: Counter = Counter()
    out = []
    for row in rows:
        story_id = row["story_id"]
        if per_story[story_id] >= MAX_MEMBERS:
            continue
        per_story[story_id] += 1
        moment = row["published_at"] or row["created_at"]
        out.append((story_id, moment.date(), _keys_or_load(row["pk"], row["story_features__keys"])))
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
    day = article_day(article)
    candidates, ranked_by = _candidate_stories(article, keys)
    members = [
        (story_id, gap, mk)
        for story_id, member_day, mk in _members(candidates, article.pk)
        if (gap := abs((member_day - day).days)) <= WINDOW_DAYS
    ]
    # One look-up for the idf of every key compared (the article's and its
    # candidates' articles'), besides those the ranking read already.
    squared = _squared_weights(_idf(keys.union(*(mk for _s, _g, mk in members)), ranked_by))
    mine_norm = math.sqrt(math.fsum(map(squared.__getitem__, keys)))
    best: dict[int, float] = {}
    for story_id, gap, mk in members:
        score = _similarity(keys, mine_norm, mk, squared) - DAY_PENALTY * gap
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

    An article joining a story adds its own figures to the story's quantities
    (``_story_add_article``); an article already in the story (a re-run, a new
    extraction) has the whole story worked out again (``story_refresh``).

    With ``refresh=False`` (bulk runs) only the article's story keys are added, which
    is all later assignments need; the caller refreshes the touched stories once at
    the end (``stories_refresh``) instead of after every article.
    """
    _lock()
    return _assign(_article_for_update(article_id), refresh=refresh)


def _assign(article: Article, *, refresh: bool, features_unsaved: bool = False) -> Story | None:
    """``features_unsaved``: the article's features are new on the instance, and are
    written by the same UPDATE as its story."""
    unsaved = {"story_features": article.story_features} if features_unsaved else {}
    if article.story_placed_by_id is not None or not article.story_features:
        if unsaved:
            Article.objects.filter(pk=article.pk).update(**unsaved)
        return article.story
    story_id, _score = _best_story(article)
    previous = article.story_id
    opened = None
    if story_id is None:
        if previous is not None and _only_article(previous, article.pk):
            # Alone in its story already: a new story would be the same one again.
            story_id = previous
        else:
            # Described before it is written: one INSERT, no UPDATE after it. With
            # its quantities, it is written once their conflicts are known.
            opened = Story(title=_title(article.title))
            main_places = _story_describe(opened, [_story_article(article)])
            if refresh:
                _add_quantities(opened, article, main_places, opened=True)
            else:
                opened.save(force_insert=True)
            story_id = opened.pk
    if story_id != previous:
        unsaved["story_id"] = story_id
    if unsaved:
        Article.objects.filter(pk=article.pk).update(**unsaved)
    if story_id != previous and previous is not None and refresh:
        story_refresh(story_id=previous)
    if not refresh:
        _add_story_keys(story_id, article)
        return Story(pk=story_id)
    if story_id == previous:
        return story_refresh(story_id=story_id)
    return _story_add_article(story_id=story_id, article=article, opened=opened)


def _add_story_keys(story_id: int, article) -> None:
    keys = _lookup_keys(feature_keys(article.story_features))
    if not keys:
        return
    # Plain SQL: bulk_create builds a model instance per key and costs more than the
    # insert itself (about a third of an assignment's CPU time before).
    day = connection.ops.adapt_datefield_value(article_day(article))
    table = connection.ops.quote_name(StoryKey._meta.db_table)
    story, key, day_column = (connection.ops.quote_name(c) for c in ("story_id", "key", "day"))
    rows, rows_params = _key_rows(keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({story}, {key}, {day_column}) "  # noqa: S608 - names are ours
            f"SELECT %s, v.value, %s FROM {rows} WHERE true "
            f"ON CONFLICT ({story}, {key}, {day_column}) DO NOTHING",
            [story_id, day, *rows_params],
        )


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
    articles = _story_articles(story_id)
    if not articles:
        Claim.objects.filter(quantity__story_id=story_id).update(quantity=None, in_conflict=False)
        story.delete()
        return None
    main_places = _story_describe(story, articles)
    _refresh_keys(story, articles)
    story.conflict_count = _refresh_quantities(story, main_places)
    story.save()
    return story


def _story_add_article(*, story_id: int, article: Article, opened: Story | None = None) -> Story:
    """``story_refresh`` for a story that was up to date before ``article`` joined it,
    touching only what the article brings: its keys, its figures, and the quantities
    they join. The result is the one a full refresh gives.

    A full refresh is still done when the article's figures are not simply added:
    when it came in before some of the story's articles (the first figure of a
    quantity names its place), or when it changes where the story happens for
    figures already grouped (their place then sets them apart, or no longer does).
    """
    if opened is not None:
        # Just opened for this article, with its figures: only its keys are left.
        _add_story_keys(story_id, article)
        return opened
    story = Story.objects.select_for_update().get(pk=story_id)
    articles = _story_articles(story_id)
    others = [a for a in articles if a.pk != article.pk]
    if any(a.pk > article.pk for a in others):
        return story_refresh(story_id=story_id)
    main_before = _main_places(others)
    main_places = _story_describe(story, articles)
    if others and main_before != main_places:
        moved = (
            Claim.objects.filter(article__story_id=story_id)
            .exclude(article_id=article.pk)
            .exclude(place="")
            .values_list("place", flat=True)
            .distinct()
        )
        if any(place_key_of(p, main_before) != place_key_of(p, main_places) for p in moved):
            return story_refresh(story_id=story_id)
    _add_story_keys(story_id, article)
    story.conflict_count += _add_quantities(story, article, main_places)
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


def _story_articles(story_id: int) -> list[_StoryArticle]:
    """The story's articles in publication order, with only what a refresh reads."""
    return [
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
        for row in prepared_rows(
            "stories.story_articles",
            lambda story_id: (
                Article.objects.filter(story_id=story_id)
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
            ),
            story_id=story_id,
        )
    ]


def _story_article(article: Article) -> _StoryArticle:
    features = article.story_features or {}
    return _StoryArticle(
        pk=article.pk,
        title=article.title,
        published_at=article.published_at,
        created_at=article.created_at,
        places=features.get("places") or {},
        names=features.get("names") or {},
        keys=feature_keys(features) if article.story_features is not None else set(),
    )


def _main_places(articles: list[_StoryArticle]) -> set[str]:
    """Places named in more than ``_MAIN_PLACE_SHARE`` of the articles."""
    counts: Counter = Counter()
    for article in articles:
        counts.update(set(article.places))
    return {k for k, n in counts.items() if n > _MAIN_PLACE_SHARE * len(articles)}


def _story_describe(story: Story, articles: list[_StoryArticle]) -> set[str]:
    """Set the story's title, places, time span and count from its articles (in
    publication order); returns its main places."""
    place_counts: Counter = Counter()
    names: dict[str, str] = {}
    for article in articles:
        place_counts.update(set(article.places))
        for key, name in article.names.items():
            names.setdefault(key, name)
    main_places = _main_places(articles)
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
    return main_places


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


def part_marker(claim: Claim | _Figure, sentence_claims: list[Claim | _Figure]) -> str:
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


_GroupKey = tuple[str, str, str, str]


def _group_claims(
    claims: list[_Figure], main_places: set[str]
) -> tuple[dict[_GroupKey, list[_Figure]], dict[_GroupKey, str]]:
    """The claims (in article, then text order) by quantity: measure, population,
    period and place key; and the place each quantity shows (its first figure's)."""
    groups: dict[_GroupKey, list[_Figure]] = defaultdict(list)
    shown_place: dict[_GroupKey, str] = {}
    by_sentence: dict[tuple[int, int], list[_Figure]] = defaultdict(list)
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
    return groups, shown_place


def _shown(key: _GroupKey, shown_place: dict[_GroupKey, str]) -> _GroupKey:
    """How the quantity of a group is stored: with its shown place, not the key."""
    return (key[0], key[1], key[2], shown_place[key][:200])


def _refresh_quantities(story: Story, main_places: set[str]) -> int:
    claims = _story_figures(story.pk)
    groups, shown_place = _group_claims(claims, main_places)
    existing = {(q.measure, q.population, q.period, q.place): q for q in story.quantities.all()}
    by_shown = {_shown(key, shown_place): key for key in groups}
    # Quantities no longer backed by figures go; the others are kept with their ids,
    # so links to a quantity survive a refresh.
    gone = [q.pk for k, q in existing.items() if k not in by_shown]
    Claim.objects.filter(quantity_id__in=gone).update(quantity=None, in_conflict=False)
    Quantity.objects.filter(pk__in=gone).delete()

    ordered = sorted(by_shown)
    in_conflict_of = {shown: xref.conflicting_ids(groups[by_shown[shown]]) for shown in ordered}
    # New quantities in one statement, in the order of their keys, with their flag.
    created = Quantity.objects.bulk_create(
        [
            Quantity(
                story=story,
                measure=shown[0],
                population=shown[1],
                period=shown[2],
                place=shown[3],
                has_conflict=bool(in_conflict_of[shown]),
            )
            for shown in ordered
            if shown not in existing
        ]
    )
    quantities = {**existing, **{(q.measure, q.population, q.period, q.place): q for q in created}}

    conflicts = 0
    claim_updates: list[_Figure] = []
    flag_changes: dict[bool, list[int]] = {True: [], False: []}
    for shown in ordered:
        members = groups[by_shown[shown]]
        quantity = quantities[shown]
        in_conflict = in_conflict_of[shown]
        has_conflict = bool(in_conflict)
        conflicts += has_conflict
        if quantity.has_conflict != has_conflict:
            quantity.has_conflict = has_conflict
            flag_changes[has_conflict].append(quantity.pk)
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
    _claims_set_quantity(claim_updates)
    for flag, pks in flag_changes.items():
        if pks:
            Quantity.objects.filter(pk__in=pks).update(has_conflict=flag)
    return conflicts


# What grouping and relating a figure read of its claim row.
_FIGURE_FIELDS = (
    "id",
    "article_id",
    "start",
    "end",
    "sentence",
    "sentence_start",
    "measure",
    "population",
    "period",
    "place",
    "qualifier",
    "value",
    "lower",
    "upper",
    "quantity_id",
    "in_conflict",
)


@dataclass(slots=True, eq=False)
class _Figure:
    """A claim as grouping and relating read it (``_FIGURE_FIELDS``), without a model
    instance: building those was most of the cost of adding an article's figures."""

    id: int
    article_id: int
    start: int
    end: int
    sentence: str
    sentence_start: int
    measure: str
    population: str
    period: str
    place: str
    qualifier: str
    value: float | None
    lower: float | None
    upper: float | None
    quantity_id: int | None
    in_conflict: bool
    # Anything with the article's ``published_at`` and ``created_at``.
    article: object = None

    Qualifier = Claim.Qualifier
    bounds = Claim.bounds

    @property
    def pk(self) -> int:
        return self.id


@dataclass(frozen=True, slots=True)
class _Published:
    published_at: datetime | None
    created_at: datetime


def _article_figures(article: Article) -> list[_Figure]:
    """The article's claims in text order, each with ``article`` as its article."""
    rows = prepared_rows(
        "stories.article_figures",
        lambda article_id: (
            Claim.objects.filter(article_id=article_id).order_by("start").values(*_FIGURE_FIELDS)
        ),
        article_id=article.pk,
    )
    return [_Figure(**row, article=article) for row in rows]


def _figures_with_articles(rows: list[dict]) -> list[_Figure]:
    """Figures from rows of ``_FIGURE_FIELDS`` and their article's two times."""
    published: dict[int, _Published] = {}
    figures = []
    for row in rows:
        article_id = row["article_id"]
        when = published.get(article_id)
        if when is None:
            when = published[article_id] = _Published(
                row.pop("article__published_at"), row.pop("article__created_at")
            )
        else:
            del row["article__published_at"], row["article__created_at"]
        figures.append(_Figure(**row, article=when))
    return figures


def _story_figures(story_id: int) -> list[_Figure]:
    """The claims of the story's articles, by article then text order."""
    return _figures_with_articles(
        prepared_rows(
            "stories.story_figures",
            lambda story_id: (
                Claim.objects.filter(article__story_id=story_id)
                .order_by("article_id", "start")
                .values(*_FIGURE_FIELDS, "article__published_at", "article__created_at")
            ),
            story_id=story_id,
        )
    )


def _quantity_figures(quantity_ids: list[int], exclude_article_id: int) -> list[_Figure]:
    """The figures of these quantities from other articles, by article then text order."""
    return _figures_with_articles(
        prepared_rows(
            "stories.quantity_figures",
            lambda quantity_ids, article_id: (
                Claim.objects.filter(quantity_id__in=quantity_ids)
                .exclude(article_id=article_id)
                .order_by("article_id", "start")
                .values(*_FIGURE_FIELDS, "article__published_at", "article__created_at")
            ),
            quantity_ids=quantity_ids,
            article_id=exclude_article_id,
        )
    )


def _add_quantities(
    story: Story, article: Article, main_places: set[str], *, opened: bool = False
) -> int:
    """Group the article's figures into the story's quantities, which were up to date
    without them; returns how many quantities came to be in conflict.

    Only the article's claims and the figures of the quantities they join are read:
    a figure added to a quantity can only add conflicts (each is between two
    figures), so the others' flags stay as they are unless one of the new figures
    contradicts them.

    ``opened``: the story is new, for this article alone, and not written yet: it is
    inserted here once its count of conflicts is known.
    """
    claims = _article_figures(article)
    groups, shown_place = _group_claims(claims, main_places)
    existing: dict[_GroupKey, Quantity] = {}
    for quantity in () if opened else story.quantities.all():
        key = (
            quantity.measure,
            quantity.population,
            quantity.period,
            place_key_of(quantity.place, main_places),
        )
        existing[key] = quantity
    joined = [existing[key].pk for key in groups if key in existing]
    others: dict[int, list[_Figure]] = defaultdict(list)
    for other in _quantity_figures(joined, article.pk) if joined else ():
        others[other.quantity_id].append(other)

    in_conflict_of: dict[_GroupKey, set[int]] = {}
    newly_in_conflict = 0
    flagged_others: list[_Figure] = []
    flagged_quantities: list[int] = []
    for key, members in groups.items():
        quantity = existing.get(key)
        old = others.get(quantity.pk, []) if quantity is not None else []
        in_conflict = in_conflict_of[key] = {
            pk
            for i, claim in enumerate(members)
            for other in (*old, *members[i + 1 :])
            if xref.relate(claim, other) is xref.Relation.CONFLICTS
            for pk in (claim.pk, other.pk)
        }
        flagged_others += [o for o in old if o.pk in in_conflict and not o.in_conflict]
        if in_conflict and (quantity is None or not quantity.has_conflict):
            newly_in_conflict += 1
            if quantity is not None:
                flagged_quantities.append(quantity.pk)
    if opened:
        story.conflict_count = newly_in_conflict
        story.save(force_insert=True)

    # New quantities in the order a full refresh would create them, with their flag.
    new_keys = sorted(
        (k for k in groups if k not in existing), key=lambda k: _shown(k, shown_place)
    )
    created = Quantity.objects.bulk_create(
        [
            Quantity(
                story=story,
                measure=m,
                population=pop,
                period=per,
                place=place,
                has_conflict=bool(in_conflict_of[key]),
            )
            for key, (m, pop, per, place) in ((k, _shown(k, shown_place)) for k in new_keys)
        ]
    )
    quantities = {**existing, **dict(zip(new_keys, created, strict=True))}

    wanted: dict[int, tuple[int | None, bool]] = {c.pk: (None, False) for c in claims}
    for key, members in groups.items():
        quantity_id = quantities[key].pk
        for claim in members:
            wanted[claim.pk] = (quantity_id, claim.pk in in_conflict_of[key])
    updates = []
    for claim in claims:
        quantity_id, flag = wanted[claim.pk]
        if claim.quantity_id != quantity_id or claim.in_conflict != flag:
            claim.quantity_id, claim.in_conflict = quantity_id, flag
            updates.append(claim)
    for other in flagged_others:
        other.in_conflict = True
    # The other articles' figures now in conflict are written with the article's own.
    _claims_set_quantity([*updates, *flagged_others])
    if flagged_quantities:
        Quantity.objects.filter(pk__in=flagged_quantities).update(has_conflict=True)
    return newly_in_conflict


def _claims_set_quantity(claims: list[_Figure]) -> None:
    """Write each claim's quantity and conflict flag, one statement per batch.

    ``bulk_update`` builds a CASE expression per field and row, which cost more CPU
    than the rest of adding an article to its story; an UPDATE joined to a VALUES
    list does the same in one short statement (PostgreSQL, and SQLite since 3.33).
    """
    table = connection.ops.quote_name(Claim._meta.db_table)
    pk, quantity, flag = (
        connection.ops.quote_name(c) for c in ("id", "quantity_id", "in_conflict")
    )
    # Typed once in the first row: a column of NULLs alone would read as text.
    first = "(CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS BOOLEAN))"
    with connection.cursor() as cursor:
        for start in range(0, len(claims), _UPSERT_BATCH):
            batch = claims[start : start + _UPSERT_BATCH]
            rows = ", ".join([first, *["(%s, %s, %s)"] * (len(batch) - 1)])
            # A named WITH list, since SQLite cannot name the columns of a VALUES
            # subquery in FROM.
            cursor.execute(
                f"WITH v (claim_id, quantity_id, in_conflict) AS (VALUES {rows}) "  # noqa: S608
                f"UPDATE {table} SET {quantity} = v.quantity_id, {flag} = v.in_conflict "
                f"FROM v WHERE {table}.{pk} = v.claim_id",
                [value for c in batch for value in (c.pk, c.quantity_id, c.in_conflict)],
            )


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
