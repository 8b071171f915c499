from __future__ import annotations

import hashlib
import ipaddress
import re
import unicodedata
from collections.abc import Collection
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Count, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils import timezone

# "about 80" is read as within 10% either way when compared with other figures.
APPROXIMATE_MARGIN = 0.1


def content_hash_for(text: str) -> str:
    """The identity of an article's text: the same words twice are one article.

    Unicode is normalised and runs of whitespace collapsed first, so that the same
    story pasted from two browsers (NBSPs, CRLFs, trailing blanks) hashes the same.
    """
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def domain_of(url: str) -> str:
    """The host of a URL, lower-case and without a leading ``www.``."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


_DOMAIN_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalise_domain(raw: str) -> str:
    """A source's domain as it is stored: the host alone, lower-case, no ``www.``.

    A full address is accepted and reduced to its host ("https://www.Example.org/news"
    is "example.org"); anything that is not a host name raises ValidationError.
    """
    text = (raw or "").strip()
    # Without a scheme, urlsplit reads "example.org/path" as a path: give it one.
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    host = host.rstrip(".").removeprefix("www.")
    try:
        # International names are kept in their ASCII (punycode) form, as in URLs.
        host = host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        host = ""
    labels = host.split(".")
    if _is_ip_address(host) or (
        len(labels) >= 2
        and not labels[-1].isdigit()
        and all(_DOMAIN_LABEL.match(label) for label in labels)
    ):
        return host
    raise ValidationError(
        f"“{raw}” is not a domain. Type the site's host name, such as example.org "
        "(a full address works too: its host is kept)."
    )


def _is_ip_address(host: str) -> bool:
    # A source on an intranet may be known by its address alone.
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


# --- Sources ----------------------------------------------------------------------


class SourceQuerySet(models.QuerySet):
    def active(self) -> SourceQuerySet:
        """Sources an editor can pick."""
        return self.filter(is_active=True)

    def with_article_counts(self) -> SourceQuerySet:
        """Annotate ``article_count`` in the same query."""
        return self.annotate(article_count=Count("articles", distinct=True))

    def for_url(self, url: str) -> Source | None:
        """The source that publishes on the URL's domain or a parent domain of it."""
        host = domain_of(url)
        if not host:
            return None
        parts = host.split(".")
        candidates = [".".join(parts[i:]) for i in range(len(parts) - 1)]
        match = (
            SourceDomain.objects.filter(domain__in=candidates, source__in=self)
            .select_related("source")
            .order_by()
        )
        # The most specific domain wins: news.bbc.co.uk before bbc.co.uk.
        best = max(match, key=lambda d: len(d.domain), default=None)
        return best.source if best else None


class Source(TimestampedModel):
    class Kind(models.TextChoices):
        NEWS_OUTLET = "news_outlet", "News outlet"
        WIRE_AGENCY = "wire_agency", "Wire agency"
        NGO = "ngo", "NGO / monitor"
        GOVERNMENT = "government", "Government"
        INTERNATIONAL = "international", "International organisation"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS_OUTLET)
    homepage = models.URLField(blank=True)
    country = models.CharField(max_length=100, blank=True)
    reliability_note = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["kind", "country"])]

    def __str__(self) -> str:
        return self.name


class SourceDomain(models.Model):
    """A domain a source publishes on; article URLs map to their source through it."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(
        max_length=253,
        unique=True,
        help_text=(
            "The site's host name, e.g. middleeasteye.net; a full address is reduced to its host."
        ),
    )

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs) -> None:
        self.domain = normalise_domain(self.domain)
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        # Cleaned before the field checks, so that a pasted address is judged (and
        # checked for uniqueness) as the host it stands for.
        if self.domain and (exclude is None or "domain" not in exclude):
            try:
                self.domain = normalise_domain(self.domain)
            except ValidationError as error:
                raise ValidationError({"domain": error.messages}) from None
        super().clean_fields(exclude=exclude)


class Feed(TimestampedModel):
    """An RSS or Atom feed of a source, polled for new articles."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="feeds")
    url = models.URLField(max_length=2000, unique=True)
    is_active = models.BooleanField(default=True)
    # Conditional GET: the validators the feed's server sent last time.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_status = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    items_submitted = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.url


# --- Stories ----------------------------------------------------------------------


class StoryQuerySet(models.QuerySet):
    def listed(self) -> StoryQuerySet:
        """Stories that hold articles, the most recently reported first."""
        return self.filter(last_published_at__isnull=False).order_by("-last_published_at", "-id")

    def with_conflicts(self) -> StoryQuerySet:
        """Stories with at least one quantity whose figures cannot all be true."""
        return self.filter(conflict_count__gt=0)

    def before(self, moment, pk: int) -> StoryQuerySet:
        """The stories after (moment, id) in list order: a keyset page, never OFFSET."""
        return self.filter(
            Q(last_published_at__lte=moment) & (Q(last_published_at__lt=moment) | Q(pk__lt=pk))
        )

    def near(self, story: Story, *, days: int = 14) -> StoryQuerySet:
        """Other stories reported around the same time: where an article may belong."""
        margin = timedelta(days=days)
        start = story.first_published_at or story.created_at
        end = story.last_published_at or story.created_at
        return (
            self.exclude(pk=story.pk)
            .filter(last_published_at__gte=start - margin, first_published_at__lte=end + margin)
            .order_by("-last_published_at", "-id")
        )


class Story(TimestampedModel):
    """One real-world event instance (an attack, a battle, a vote) and its articles.

    Articles are put in a story by the worker after extraction, or by an editor; the
    places and time span are kept here so that lists and the API need no joins.
    """

    title = models.CharField(max_length=500)
    # An editor renamed it: the automatic title never overwrites theirs.
    title_edited = models.BooleanField(default=False)
    places = models.JSONField(default=list, blank=True)
    first_published_at = models.DateTimeField(null=True, blank=True)
    last_published_at = models.DateTimeField(null=True, blank=True)
    article_count = models.PositiveIntegerField(default=0)
    # Quantities in this story holding figures that cannot both be true.
    conflict_count = models.PositiveIntegerField(default=0)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-last_published_at", "-id"]
        verbose_name_plural = "stories"
        indexes = [
            models.Index(fields=["-last_published_at", "-id"], name="story_recent_idx"),
            models.Index(
                fields=["conflict_count", "-last_published_at"], name="story_conflict_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"Story {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("claims:story_detail", args=[self.pk])


class StoryKey(models.Model):
    """What a story is known by on one day (a place, a named entity, an event word).

    New articles find their candidate stories through this table, by key and date,
    never by scanning the stories.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=200)
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "key", "day"], name="story_key_unique")
        ]
        indexes = [models.Index(fields=["key", "day"], name="story_key_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.day}"


class KeyFrequency(models.Model):
    """In how many articles a story key occurs: rare names say more than "Syria".

    The row with the empty key counts all articles with features. Kept up to date as
    features are stored, so that story assignment reads a handful of rows by key
    instead of counting over all articles.
    """

    key = models.CharField(max_length=200, unique=True)
    articles = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.articles}"


class Quantity(models.Model):
    """The figures of one story that measure the same thing: same measure, population,
    period and place (the cross-referencing contract)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="quantities")
    measure = models.CharField(max_length=20)
    population = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=12, blank=True)
    place = models.CharField(max_length=200, blank=True)
    has_conflict = models.BooleanField(default=False)

    class Meta:
        verbose_name_plural = "quantities"
        constraints = [
            models.UniqueConstraint(
                fields=["story", "measure", "population", "period", "place"],
                name="quantity_unique_per_story",
            )
        ]

    def __str__(self) -> str:
        parts = [self.measure, self.population, self.period, self.place]
        return " / ".join(p for p in parts if p)


# --- Articles ---------------------------------------------------------------------


class ArticleQuerySet(models.QuerySet):
    def with_claim_counts(self) -> ArticleQuerySet:
        """Annotate ``claim_count`` and ``reviewed_count`` in the same query."""
        return self.annotate(
            claim_count=Count("claims", distinct=True),
            reviewed_count=Count(
                "claims", filter=~Q(claims__verdict=Claim.Verdict.UNREVIEWED), distinct=True
            ),
        )

    def with_reviewed_claims(self) -> ArticleQuerySet:
        """Articles at least one of whose claims has a verdict: what consumers may see."""
        reviewed = Claim.objects.filter(article=models.OuterRef("pk")).reviewed()
        return self.filter(models.Exists(reviewed))

    def stale(self, *, older_than) -> ArticleQuerySet:
        """Articles waiting or mid-extraction since before ``older_than``: lost tasks."""
        return self.filter(
            status__in=[Article.Status.QUEUED, Article.Status.EXTRACTING],
            status_changed_at__lt=older_than,
        )


class Article(TimestampedModel):
    class Status(models.TextChoices):
        FETCHING = "fetching", "Fetching"
        QUEUED = "queued", "Queued"
        EXTRACTING = "extracting", "Extracting"
        EXTRACTED = "extracted", "Extracted"
        FAILED = "failed", "Failed"
        UNSUPPORTED = "unsupported", "Unsupported language"

    class Origin(models.TextChoices):
        PASTE = "paste", "Pasted text"
        URL = "url", "URL"
        UPLOAD = "upload", "Uploaded file"
        FEED = "feed", "Feed"
        API = "api", "API"
        IMPORT = "import", "Bulk import"

    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # Canonical URL (tracking parameters and fragment removed); NULL for pasted text,
    # so that the unique constraint only binds articles that have one.
    url = models.URLField(max_length=2000, null=True, blank=True, unique=True)
    title = models.CharField(max_length=500, blank=True)
    byline = models.CharField(max_length=500, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    body = models.TextField(blank=True)
    # NULL until the text is known (a URL not fetched yet).
    content_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    language = models.CharField(max_length=16, blank=True)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.PASTE)
    feed = models.ForeignKey(
        Feed, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_articles",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # When its task could not be sent because the broker was down; cleared once sent.
    # Such articles are sent again as soon as the broker answers, not after the sweep's
    # long wait for lost tasks.
    send_failed_at = models.DateTimeField(null=True, blank=True)
    extractor_version = models.CharField(max_length=64, blank=True)
    # Long articles are extracted in chunks; the UI shows done / total.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # The id the article has elsewhere (a bulk import's own id); re-imports skip it.
    external_id = models.CharField(max_length=200, null=True, blank=True, unique=True)
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # Set when an editor put the article in its story: automatic grouping leaves it there.
    story_placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="placed_articles",
    )
    # What the article is about (places, names, event words, lead), read from the
    # extraction's parse, so that stories can be regrouped without parsing again.
    story_features = models.JSONField(null=True, blank=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep looks for articles stuck in queued/extracting.
            models.Index(fields=["status", "status_changed_at"]),
            models.Index(fields=["source", "-published_at"]),
            models.Index(fields=["-created_at", "-id"]),
            # The queue sorted by publication date walks articles in this order.
            models.Index(fields=["published_at", "id"], name="article_published_idx"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Article {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("claims:article_detail", args=[self.pk])

    @property
    def domain(self) -> str:
        """The host the article was fetched from, for spotting sources not set up yet."""
        return domain_of(self.url) if self.url else ""

    @property
    def is_done(self) -> bool:
        return self.status in {self.Status.EXTRACTED, self.Status.FAILED, self.Status.UNSUPPORTED}

    @property
    def workers_unreachable(self) -> bool:
        """Waiting because its task could not be sent: the broker was down."""
        waiting = self.status in {self.Status.QUEUED, self.Status.FETCHING}
        return waiting and self.send_failed_at is not None

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.EXTRACTED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, round(100 * self.progress_done / self.progress_total))


# --- Claims -----------------------------------------------------------------------


# What a queue row reads (claims_tags.claim_rows, reading_with_unit) and the fields
# the queue's orderings page by (claims.pagination.CLAIM_ORDERINGS).
QUEUE_ROW_FIELDS = (
    "article_id",
    "start",
    "end",
    "text",
    "value",
    "lower",
    "upper",
    "qualifier",
    "kind",
    "unit",
    "event",
    "trend",
    "attribution",
    "sentence",
    "sentence_start",
    "sentence_end",
    "checkworthiness",
    "verdict",
    "version",
    "reviewed_at",
    "assigned_to_id",
    "article__title",
    "article__url",
    "article__source_id",
    "article__created_at",
    "article__published_at",
    "article__source__name",
    "assigned_to__username",
)

# What a figure in the dashboard's conflicts reads (its reading, event, worth, source
# and article title).
CONFLICT_ROW_FIELDS = (
    "article_id",
    "text",
    "value",
    "lower",
    "upper",
    "qualifier",
    "kind",
    "unit",
    "event",
    "checkworthiness",
    "verdict",
    "quantity_id",
    "article__title",
    "article__url",
    "article__source_id",
    "article__source__name",
)

# A search matching at most this many sentences is answered from the matches alone.
_SEARCH_FEW = 1000


class ClaimQuerySet(models.QuerySet):
    def reviewed(self) -> ClaimQuerySet:
        """Claims an editor has given a verdict."""
        return self.exclude(verdict=Claim.Verdict.UNREVIEWED)

    def unreviewed(self) -> ClaimQuerySet:
        return self.filter(verdict=Claim.Verdict.UNREVIEWED)

    def held_by_others(self, user) -> ClaimQuerySet:
        """Claims assigned to an editor other than ``user``."""
        return self.filter(assigned_to__isnull=False).exclude(assigned_to=user)

    def with_article(self) -> ClaimQuerySet:
        """Join the article, its source and the reviewer: what every list shows."""
        return self.select_related("article", "article__source", "reviewed_by", "assigned_to")

    def for_review_queue(self) -> ClaimQuerySet:
        """Most check-worthy first; the id breaks ties so keyset pages are stable."""
        return self.with_article().order_by("-checkworthiness", "-id")

    def for_queue_page(self) -> ClaimQuerySet:
        """The review queue with only what a row shows (``claims_tags.claim_rows``) and
        what its orderings page by: not the article's text or story features, nor the
        two dozen other columns, each a value to send, decode and set 50-200 times."""
        return (
            self.select_related("article", "article__source", "assigned_to")
            .only(*QUEUE_ROW_FIELDS)
            .order_by("-checkworthiness", "-id")
        )

    def matching(
        self,
        *,
        verdict: str = "",
        source: int | str | None = None,
        article_id: int | None = None,
        story_id: int | None = None,
        events: Collection[str] = (),
        units: Collection[str] = (),
        qualifier: str = "",
        measure: str = "",
        in_conflict: bool | None = None,
        assigned_to=None,
        unassigned: bool = False,
        search: str = "",
        added_since=None,
        added_until=None,
        published_since=None,
        published_until=None,
        reviewed_since=None,
        reviewed_until=None,
    ) -> ClaimQuerySet:
        """The list filters of the queue and the API; empty values filter nothing.

        ``source`` is a source's id or its slug. ``events`` and ``units`` are the forms
        a claim may store (see ``claims.extraction.lemmas``). Dates are datetimes,
        both ends inclusive: ``added_*`` is when the article was added, ``published_*``
        when it was published, ``reviewed_*`` when the claim was given its verdict.
        """
        qs = self
        if verdict:
            qs = qs.filter(verdict=verdict)
        # On the claim's own copy of the source, one range of a (source, ...) index
        # in list order. A slug becomes its id in a subquery, not a join: PostgreSQL
        # runs the subquery first and seeks the index with its result, where a join on
        # the slug read all the source's claims and sorted them. The slug stays a plain
        # parameter, so the API's compiled list queries (claims.prepared) keep it.
        if isinstance(source, int):
            qs = qs.filter(source_id=source)
        elif source:
            slug_id = Source.objects.filter(slug=source).order_by().values("pk")
            qs = qs.filter(source_id=models.Subquery(slug_id))
        if article_id:
            qs = qs.filter(article_id=article_id)
        if story_id:
            qs = qs.filter(article__story_id=story_id)
        if events:
            qs = qs.filter(event__in=list(events))
        if units:
            qs = qs.filter(unit__in=list(units))
        if qualifier:
            qs = qs.filter(qualifier=qualifier)
        if measure:
            qs = qs.filter(measure=measure)
        if in_conflict is not None:
            qs = qs.filter(in_conflict=in_conflict)
        if assigned_to is not None:
            qs = qs.filter(assigned_to=assigned_to)
        if unassigned:
            qs = qs.filter(assigned_to__isnull=True)
        if search:
            qs = qs.search(search)
        ranges = [
            ("article__created_at", added_since, added_until),
            ("article__published_at", published_since, published_until),
            ("reviewed_at", reviewed_since, reviewed_until),
        ]
        for column, since, until in ranges:
            if since is not None:
                qs = qs.filter(**{f"{column}__gte": since})
            if until is not None:
                qs = qs.filter(**{f"{column}__lte": until})
        return qs

    def search(self, text: str) -> ClaimQuerySet:
        """Claims whose sentence holds the words of ``text`` in any form ("killed" finds
        "kills") or ``text`` itself, even inside a word.

        PostgreSQL answers from two indexes (0005_i15_sentence_search): the full-text
        one for words, the trigram one for parts of words. Other databases read every
        sentence, which is fine for the embedded default's size.
        """
        text = " ".join(text.split())
        if not text:
            return self
        substring = Q(sentence__icontains=text)
        if connections[self.db].vendor != "postgresql":
            return self.filter(substring)
        # The text goes in as a parameter; only the table name is formatted in.
        words = RawSQL(  # noqa: S611
            f"{Claim._meta.db_table}.search_vector @@ plainto_tsquery('english', %s)",
            (text,),
            output_field=models.BooleanField(),
        )
        # No trigram in so short a text: the index could not help with the substring.
        condition = Q(words) if len(text) < 3 else Q(words) | substring

        # Ordered by worth with a LIMIT, the planner walks the queue index and filters
        # as it goes: quick when many sentences match, a walk of the whole table when
        # few or none do. So the matches are looked up first, unordered, through the
        # search indexes; when there are few, the page is picked from just those.
        def matches(where):
            return (
                Claim.objects.using(self.db)
                .filter(where)
                .order_by()
                .values_list("pk", flat=True)[: _SEARCH_FEW + 1]
            )

        # The words first, then the substring, each through its own index, in one
        # query that stops once enough are found: for common words the full-text
        # index alone answers "many", without the slower trigram index building its
        # bitmap of every match. A sentence matching both may come twice, which only
        # makes a borderline search take the walk.
        probe = (
            matches(words) if len(text) < 3 else matches(words).union(matches(substring), all=True)
        )
        few = list(probe[: _SEARCH_FEW + 1])
        if len(few) <= _SEARCH_FEW:
            return self.filter(pk__in=few)
        return self.filter(condition)

    def after_cursor(self, checkworthiness: float, pk: int) -> ClaimQuerySet:
        """The rows after (checkworthiness, id) in queue order: a keyset page, never OFFSET.

        A row comparison, ``(checkworthiness, id) < (x, pk)``, is one index range: the
        same test spelt ``checkworthiness < x OR (… AND id < pk)`` is not, and with many
        claims of one score PostgreSQL filtered half a million rows (226 ms at a million
        claims, 0.3 ms as a range). The redundant ``checkworthiness <= x`` keeps the
        range's start where the planner can see it. SQLite has row values since 3.15.
        """
        quote = connections[self.db].ops.quote_name
        table = quote(self.model._meta.db_table)
        after = RawSQL(  # noqa: S611 - names from the model, values as parameters
            f"({table}.{quote('checkworthiness')}, {table}.{quote('id')}) < (%s, %s)",
            (checkworthiness, pk),
            output_field=models.BooleanField(),
        )
        return self.filter(Q(checkworthiness__lte=checkworthiness), after)

    def with_bounds(self) -> ClaimQuerySet:
        """Annotate ``bound_low`` / ``bound_high``: ``Claim.bounds`` computed in SQL."""
        approximate = Q(qualifier=Claim.Qualifier.APPROXIMATE, value__isnull=False)
        ends = (
            models.F("value") * (1 - APPROXIMATE_MARGIN),
            models.F("value") * (1 + APPROXIMATE_MARGIN),
        )

        def bound(own_field: str, pick):
            return models.Case(
                models.When(qualifier=Claim.Qualifier.EXACT, then=models.F("value")),
                # Least/Greatest keep low below high for negative figures ("about -12").
                models.When(approximate, then=pick(*ends)),
                default=models.F(own_field),
                output_field=models.FloatField(),
            )

        return self.annotate(bound_low=bound("lower", Least), bound_high=bound("upper", Greatest))

    def with_conflict(self) -> ClaimQuerySet:
        """Annotate ``conflict_id``: a figure of the same quantity (same story, measure,
        population, period and place) that this one conflicts with, or None.

        Which figures conflict is decided when the story is refreshed
        (``Claim.in_conflict``); this only picks, in SQL, one figure of the quantity
        whose bounds (``with_bounds()``, NULL open-ended) cannot overlap with this one's.
        """
        others = (
            Claim.objects.filter(quantity_id=models.OuterRef("quantity_id"), in_conflict=True)
            .exclude(pk=models.OuterRef("pk"))
            .with_bounds()
            .filter(
                Q(bound_low__gt=models.OuterRef("bound_high"))
                | Q(bound_high__lt=models.OuterRef("bound_low"))
            )
            .order_by("pk")
            .values("pk")[:1]
        )
        return self.with_bounds().annotate(conflict_id=models.Subquery(others))

    def conflicts_awaiting_review(self, *, limit: int = 10) -> ClaimQuerySet:
        """Unreviewed figures that another figure of their quantity contradicts, most
        check-worthy first (on the conflict index)."""
        return (
            self.unreviewed()
            .filter(in_conflict=True)
            .with_conflict()
            .select_related("article", "article__source")
            .only(*CONFLICT_ROW_FIELDS)
            .order_by("-checkworthiness", "-id")[:limit]
        )


class Claim(TimestampedModel):
    """A numeric claim found in an article.

    Numbers are floats: the extractor gives floats, the figures in news carry far
    fewer than the 15 significant digits a double keeps, and range comparisons
    between claims stay plain SQL comparisons.
    """

    class Qualifier(models.TextChoices):
        EXACT = "exact", "Exact"
        APPROXIMATE = "approximate", "Approximate"
        LOWER_BOUND = "lower_bound", "Lower bound"
        UPPER_BOUND = "upper_bound", "Upper bound"
        RANGE = "range", "Range"
        VAGUE = "vague", "Vague"

    class Kind(models.TextChoices):
        COUNT = "count", "Count"
        MONEY = "money", "Money"
        PERCENT = "percent", "Percent"
        MEASURE = "measure", "Measure"
        DURATION = "duration", "Duration"
        ORDINAL = "ordinal", "Ordinal"
        AGE = "age", "Age"

    class Trend(models.TextChoices):
        UP = "up", "Up"
        DOWN = "down", "Down"

    class Measure(models.TextChoices):
        DEATHS = "deaths", "Deaths"
        INJURIES = "injuries", "Injuries"
        CASUALTIES = "casualties", "Casualties"
        MISSING = "missing", "Missing"
        DISPLACED = "displaced", "Displaced"
        REFUGEES = "refugees", "Refugees"
        EVACUATED = "evacuated", "Evacuated"
        DETAINED = "detained", "Detained"
        AFFECTED = "affected", "Affected"
        POPULATION = "population", "Population"
        ATTACKS = "attacks", "Attacks"
        MONEY = "money", "Money"
        PERCENT = "percent", "Percent"
        OTHER = "other", "Other"

    class Period(models.TextChoices):
        EVENT = "event", "One incident"
        WINDOW = "window", "A stated stretch of time"
        CUMULATIVE = "cumulative", "Since the start"

    class Verdict(models.TextChoices):
        UNREVIEWED = "unreviewed", "Unreviewed"
        VERIFIED = "verified", "Verified"
        FALSE = "false", "False"
        MISLEADING = "misleading", "Misleading"
        UNVERIFIABLE = "unverifiable", "Unverifiable"

    # The extractor's reading of the figure, which an editor may correct. The one list:
    # extraction writes these, the correction form offers them, the API and the CSV
    # show them. A new reading field is a column here and a name in this tuple.
    READING_FIELDS = (
        "value",
        "lower",
        "upper",
        "qualifier",
        "unit",
        "event",
        "trend",
        "attribution",
        "measure",
        "population",
        "period",
    )
    # Everything extraction writes on a claim: the reading, and where and how the
    # figure stands in the text. Fields the extractor does not give are left alone.
    EXTRACTED_FIELDS = (
        "text",
        *READING_FIELDS,
        "kind",
        "place",
        "is_quote",
        "sentence",
        "sentence_start",
        "sentence_end",
        "checkworthiness",
    )

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    # The article's source, copied onto the claim so that a list filtered by source
    # reads one range of a (source, ...) index in the list's order; through the
    # article, PostgreSQL read every claim of the source and sorted them. The database
    # keeps it equal to the article's source (triggers, 0010_i15_claim_source) for
    # every write, whether the ORM, a queryset update, the admin or plain SQL, so no
    # write path can let the copy drift. Code need not set it; extraction does, so
    # that the instances it creates agree with their rows.
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="claims",
        # The (source, ...) indexes below start with it and serve its lookups.
        db_index=False,
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.CharField(max_length=500)
    value = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    qualifier = models.CharField(max_length=12, choices=Qualifier.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COUNT)
    unit = models.CharField(max_length=100, blank=True)
    event = models.CharField(max_length=100, blank=True)
    trend = models.CharField(max_length=4, choices=Trend.choices, blank=True)
    attribution = models.CharField(max_length=300, blank=True)
    measure = models.CharField(max_length=20, choices=Measure.choices, blank=True)
    population = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=12, choices=Period.choices, blank=True)
    # A place named for this figure ("in Douma"), which keeps it apart from the same
    # measure elsewhere in the story.
    place = models.CharField(max_length=200, blank=True)
    quantity = models.ForeignKey(
        Quantity, null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    # Another figure of the same quantity contradicts this one (kept up to date when
    # the quantity's figures change), so the queue can filter on it with an index.
    in_conflict = models.BooleanField(default=False)
    is_quote = models.BooleanField(default=False)
    sentence = models.TextField()
    sentence_start = models.PositiveIntegerField()
    sentence_end = models.PositiveIntegerField()
    checkworthiness = models.FloatField(default=0.0)
    extractor_version = models.CharField(max_length=64, blank=True)
    # False when a re-extraction no longer finds this figure but a verdict keeps it.
    found_in_latest = models.BooleanField(default=True)

    verdict = models.CharField(max_length=12, choices=Verdict.choices, default=Verdict.UNREVIEWED)
    # Optimistic lock: every verdict or correction bumps it; a save that carries an
    # older version is refused instead of overwriting someone else's work.
    version = models.PositiveIntegerField(default=1)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewed_claims",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["article_id", "start"]
        permissions = [("review_claim", "Can give claims a verdict")]
        constraints = [
            models.UniqueConstraint(fields=["article", "start", "end"], name="claim_unique_span"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="claim_span_order"),
            models.CheckConstraint(
                condition=Q(checkworthiness__gte=0) & Q(checkworthiness__lte=1),
                name="claim_checkworthiness_0_1",
            ),
        ]
        indexes = [
            # The review queue: by verdict, most check-worthy first, id as tie-breaker.
            models.Index(fields=["verdict", "-checkworthiness", "-id"], name="claim_queue_idx"),
            models.Index(fields=["-checkworthiness", "-id"], name="claim_worthy_idx"),
            # Cross-referencing: the same event and counted thing across articles.
            models.Index(fields=["event", "unit"], name="claim_event_unit_idx"),
            models.Index(fields=["verdict", "-reviewed_at"], name="claim_reviewed_idx"),
            # Lists by review date over several verdicts (a consumer's "every reviewed
            # claim", an editor's everything): read in order, filtered on the way.
            models.Index(fields=["reviewed_at", "id"], name="claim_reviewed_at_idx"),
            models.Index(fields=["assigned_to", "verdict"], name="claim_assigned_idx"),
            # The same two lists filtered by source (Claim.source): a consumer's reviewed
            # claims by review date, and the editors' queue by verdict and worth.
            models.Index(fields=["source", "reviewed_at", "id"], name="claim_source_reviewed_idx"),
            models.Index(
                fields=["source", "verdict", "-checkworthiness", "-id"],
                name="claim_source_queue_idx",
            ),
            models.Index(
                fields=["in_conflict", "verdict", "-checkworthiness", "-id"],
                name="claim_conflict_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.text} ({self.article_id}:{self.start})"

    def get_absolute_url(self) -> str:
        return reverse("claims:claim_detail", args=[self.pk])

    @property
    def is_reviewed(self) -> bool:
        return self.verdict != self.Verdict.UNREVIEWED

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The interval the figure commits to, for comparing it with other figures.

        Exact is its value, approximate its value ± ``APPROXIMATE_MARGIN``, the others
        their own lower and upper (None where the text commits to no bound). Lists and
        filters compute the same in SQL with ``ClaimQuerySet.with_bounds()``.
        """
        if self.qualifier == self.Qualifier.EXACT:
            return self.value, self.value
        if self.qualifier == self.Qualifier.APPROXIMATE and self.value is not None:
            ends = (self.value * (1 - APPROXIMATE_MARGIN), self.value * (1 + APPROXIMATE_MARGIN))
            return min(ends), max(ends)
        return self.lower, self.upper


# --- Reviews and evidence ---------------------------------------------------------


class Review(models.Model):
    """One verdict change. Append-only: the history of a claim is never rewritten.

    Nor is it deleted with what it is about: a claim (and so its article) with history
    cannot be deleted, and neither can an account that reviewed (deactivate it). On
    PostgreSQL a trigger refuses any UPDATE or DELETE of these rows as well.
    """

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="reviews"
    )
    from_verdict = models.CharField(max_length=12, choices=Claim.Verdict.choices)
    to_verdict = models.CharField(max_length=12, choices=Claim.Verdict.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # A claim's history, newest first: the id settles reviews of the same instant,
        # so that reading a claim's latest note (on every row of an API page) stops
        # at the first index entry instead of sorting the claim's reviews.
        indexes = [
            models.Index(fields=["claim", "-created_at", "-id"], name="review_claim_latest_idx")
        ]

    def __str__(self) -> str:
        return f"{self.from_verdict} → {self.to_verdict}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Reviews are append-only history and cannot be changed.")
        super().save(*args, **kwargs)


# Evidence is where someone else can check the figure: a link or a named source. A
# quoted figure says what the evidence reads, not where; on its own nobody could
# check it again, so it is a detail of a link or a source, never evidence by itself.
EVIDENCE_NEEDS_ORIGIN = (
    "Evidence needs a link or a source: say where the figure can be checked. "
    "A quoted figure on its own is not enough."
)


class Evidence(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports the claim"
        CONTRADICTS = "contradicts", "Contradicts the claim"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    url = models.URLField(max_length=2000, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    quoted_figure = models.CharField(max_length=200, blank=True)
    stance = models.CharField(max_length=12, choices=Stance.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | Q(source__isnull=False),
                name="evidence_url_or_source",
                violation_error_message=EVIDENCE_NEEDS_ORIGIN,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.url or self.source}"


# --- Dashboard summary ------------------------------------------------------------


class ClaimTally(models.Model):
    """How many claims one source has with one verdict: the dashboard's counts.

    The services that change claims keep these rows in step in the same transaction,
    and a periodic recount corrects what changes outside them (an article's source
    edited or an article deleted in the admin). Counting a million claims on every
    dashboard load is what this saves.
    """

    # 0 stands for "no source": a plain integer keeps (source, verdict) unique on every
    # database, where a nullable foreign key would let NULLs repeat.
    source_key = models.PositiveBigIntegerField()
    verdict = models.CharField(max_length=12, choices=Claim.Verdict.choices)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source_key", "verdict"], name="claim_tally_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source_key}/{self.verdict}: {self.count}"


class ReviewDayTally(models.Model):
    """How many verdict changes were made on one day (a correction of the reading is
    not one), for the dashboard's reviews-per-day chart."""

    day = models.DateField(unique=True)
    count = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.count}"


class TakeoverNoticeQuerySet(models.QuerySet):
    def unseen_for(self, user) -> TakeoverNoticeQuerySet:
        """What ``user`` has not dismissed yet, newest first, with who and which claim."""
        return (
            self.filter(previous_assignee=user, seen_at__isnull=True)
            .select_related("claim", "taken_by")
            .order_by("-created_at", "-id")
        )


class TakeoverNotice(models.Model):
    """Tells an editor that a claim assigned to them was taken over by someone else."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="takeover_notices")
    previous_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="takeover_notices"
    )
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)

    objects = TakeoverNoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["previous_assignee", "seen_at"], name="takeover_unseen_idx")
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} taken from {self.previous_assignee_id}"
