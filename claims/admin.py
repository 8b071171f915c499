from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Count, Q
from django.utils.html import format_html
from knox.admin import AuthTokenAdmin
from knox.models import AuthToken

from . import services
from .models import (
    Article,
    Claim,
    Evidence,
    Feed,
    Quantity,
    Review,
    Source,
    SourceDomain,
    Story,
)
from .services import ingestion
from .services.story_editing import StoryEditError, story_rename


class SourceDomainInline(admin.TabularInline):
    model = SourceDomain
    extra = 1


class FeedInline(admin.TabularInline):
    model = Feed
    extra = 0
    fields = ["url", "is_active", "last_polled_at", "last_status", "last_error"]
    readonly_fields = ["last_polled_at", "last_status", "last_error"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "domain_list", "article_count", "is_active"]
    list_filter = ["kind", "country", "is_active"]
    search_fields = ["name", "slug", "domains__domain"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SourceDomainInline, FeedInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_article_counts().prefetch_related("domains")

    @admin.display(description="Articles", ordering="article_count")
    def article_count(self, obj: Source) -> int:
        return obj.article_count

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is SourceDomain:
            changed = [obj for obj, _ in formset.changed_objects]
            for domain in [*formset.new_objects, *changed]:
                count = services.articles_remap_source(domain=domain)
                if count:
                    self.message_user(
                        request,
                        f"{count} article{'s' if count != 1 else ''} from {domain} "
                        f"now {'have' if count != 1 else 'has'} the source {domain.source}.",
                    )
        if formset.model is Feed and formset.new_objects:
            ingestion.feeds_poll_now(feed_ids=[feed.pk for feed in formset.new_objects])

    @admin.display(description="Domains")
    def domain_list(self, obj: Source) -> str:
        return ", ".join(d.domain for d in obj.domains.all())


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "url",
        "source",
        "is_active",
        "last_polled_at",
        "last_success_at",
        "last_status",
        "items_submitted",
    ]
    list_filter = ["is_active", "source"]
    list_select_related = ["source"]
    search_fields = ["url", "source__name"]
    readonly_fields = [
        "etag",
        "last_modified",
        "last_polled_at",
        "last_success_at",
        "last_status",
        "last_error",
        "items_submitted",
    ]
    actions = ["poll_now"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            # A new feed is read right away, not at the next polling round.
            ingestion.feeds_poll_now(feed_ids=[obj.pk])

    @admin.action(description="Poll now", permissions=["change"])
    def poll_now(self, request, queryset) -> None:
        ids = list(queryset.order_by().values_list("pk", flat=True))
        queued = ingestion.feeds_poll_now(feed_ids=ids)
        message = f"{queued} feed{'s' if queued != 1 else ''} queued for polling."
        skipped = len(ids) - queued
        if skipped:
            message += f" {skipped} skipped: inactive, or their source is."
        self.message_user(request, message, messages.WARNING if skipped else messages.SUCCESS)


class KeepsHistoryOnDelete:
    """Deleting claims that have a verdict or a history is refused, with a sentence per
    claim rather than Django's list of protected rows (reviews are PROTECT; a verdict
    without a history entry, from before histories were kept, is refused here too)."""

    shown_claims = 20

    def claims_with_history(self, objs):
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept = (
            self.claims_with_history(objs)
            .filter(Q(reviews__isnull=False) | ~Q(verdict=Claim.Verdict.UNREVIEWED))
            .select_related("article")
            .distinct()
            .order_by("pk")
        )
        claims = list(kept[: self.shown_claims + 1])
        if claims:
            protected = [
                format_html(
                    "Claim #{} “{}” in “{}” has a verdict history, which is always kept: "
                    "it cannot be deleted.",
                    claim.pk,
                    claim.text,
                    claim.article,
                )
                for claim in claims[: self.shown_claims]
            ]
            if len(claims) > self.shown_claims:
                protected.append("… and more claims with a verdict history.")
            # Reviews can be deleted by nobody; that is why, not a missing permission.
            perms_needed = set()
        return deleted, counts, perms_needed, protected


@admin.register(Article)
class ArticleAdmin(KeepsHistoryOnDelete, admin.ModelAdmin):
    list_display = ["__str__", "source", "domain", "origin", "status", "claim_count", "created_at"]
    list_filter = ["status", "origin", "source"]
    list_select_related = ["source"]
    search_fields = ["title", "url"]
    date_hierarchy = "created_at"
    raw_id_fields = ["submitted_by", "feed"]
    # Stories are changed on the story page, where moving an article is recorded as an
    # editor's decision that automatic grouping keeps.
    readonly_fields = [
        "story",
        "story_placed_by",
        "external_id",
        "content_hash",
        "status",
        "status_changed_at",
        "attempts",
        "last_error",
        "extractor_version",
        "progress_done",
        "progress_total",
        "created_at",
        "updated_at",
    ]

    actions = ["rerun_extraction"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    def claims_with_history(self, objs):
        return Claim.objects.filter(article__in=objs)

    @admin.display(description="Claims", ordering="claim_count")
    def claim_count(self, obj: Article) -> int:
        return obj.claim_count

    @admin.action(description="Re-run extraction", permissions=["change"])
    def rerun_extraction(self, request, queryset) -> None:
        ids = queryset.order_by().values_list("pk", flat=True)
        result = services.articles_requeue(article_ids=ids)
        level = messages.WARNING if result.skipped else messages.SUCCESS
        self.message_user(request, result.summary(), level)


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0
    can_delete = False
    fields = ["created_at", "reviewer", "from_verdict", "to_verdict", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    extra = 0
    raw_id_fields = ["added_by", "source"]


@admin.register(Claim)
class ClaimAdmin(KeepsHistoryOnDelete, admin.ModelAdmin):
    """Claims come from extraction and change through the claim page only.

    A verdict or a correction must write its history, move the version and name the
    reviewer (``review_submit`` / ``claim_correct``); a form here would do none of
    that, and a stale one would silently put back an older verdict. So everything
    but the assignment is read-only, and the page links to the claim page.
    """

    list_display = [
        "text",
        "unit",
        "event",
        "qualifier",
        "verdict",
        "checkworthiness",
        "article",
        "source_name",
    ]
    list_filter = ["verdict", "qualifier", "kind", "event", "found_in_latest"]
    list_select_related = ["article", "article__source"]
    search_fields = ["text", "sentence", "attribution", "article__title"]
    raw_id_fields = ["assigned_to"]
    editable_fields = ("assigned_to",)
    inlines = [EvidenceInline, ReviewInline]

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in Claim._meta.concrete_fields if f.name not in self.editable_fields]
        return ["review_on_claim_page", *fields]

    def has_add_permission(self, request) -> bool:
        return False

    def claims_with_history(self, objs):
        return Claim.objects.filter(pk__in=[obj.pk for obj in objs])

    def save_model(self, request, obj: Claim, form, change: bool) -> None:
        # Only what this form may change is written: a verdict given while the form
        # was open is not overwritten with the one the form was loaded with.
        obj.save(update_fields=[*form.changed_data, "updated_at"])

    @admin.display(description="Verdict and reading")
    def review_on_claim_page(self, obj: Claim) -> str:
        return format_html(
            '<a href="{}">Give a verdict or correct the reading on the claim page</a>',
            obj.get_absolute_url(),
        )

    @admin.display(description="Source", ordering="article__source__name")
    def source_name(self, obj: Claim) -> str:
        return obj.article.source.name if obj.article.source else "—"


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """The history is append-only: admins can read it, nobody can edit or delete it."""

    list_display = ["created_at", "claim", "reviewer", "from_verdict", "to_verdict"]
    list_filter = ["to_verdict"]
    list_select_related = ["claim", "reviewer"]
    search_fields = ["note", "claim__text"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["claim", "stance", "url", "source", "added_by", "created_at"]
    list_filter = ["stance"]
    list_select_related = ["claim", "source", "added_by"]
    raw_id_fields = ["claim", "added_by", "source"]


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(AuthTokenAdmin):
    """Tokens are listed by the first characters of their key; the key itself is shown
    once, when the token is added, and only its digest is stored."""

    list_display = ["key_prefix", "user", "created", "expiry"]
    list_select_related = ["user"]
    search_fields = ["token_key", "user__username"]
    readonly_fields = ["key_prefix", "user", "created", "expiry"]

    def get_fields(self, request, obj=None):
        return ["user", "expiry"] if obj is None else self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Key starts with", ordering="token_key")
    def key_prefix(self, obj: AuthToken) -> str:
        return f"{obj.token_key[:8]}…"

    def save_model(self, request, obj, form, change) -> None:
        obj.save()
        self.message_user(
            request,
            f"New API token for {obj.user}: {form.token} — copy it now, it cannot be shown again.",
            messages.WARNING,
        )


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class AccountAdmin(UserAdmin):
    """An account named in the verdict history is kept (reviews are PROTECT): deleting
    it is refused with what to do instead."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        reviewers = [user for user in objs if Review.objects.filter(reviewer=user).exists()]
        if reviewers:
            protected = [
                f"{user.get_username()} gave verdicts or corrections, and the history names "
                "who did: deactivate the account (untick “Active”) instead of deleting it."
                for user in reviewers
            ]
            perms_needed = set()
        return deleted, counts, perms_needed, protected


# --- Stories ----------------------------------------------------------------------


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StoryArticleInline(ReadOnlyInline):
    model = Article
    fk_name = "story"
    fields = ["title", "source", "published_at", "story_placed_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("source", "story_placed_by").defer("body")
        )


class StoryQuantityInline(ReadOnlyInline):
    model = Quantity
    fields = ["measure", "population", "period", "place", "has_conflict"]
    readonly_fields = fields


class HasConflictFilter(admin.SimpleListFilter):
    title = "conflicting figures"
    parameter_name = "conflict"

    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.with_conflicts()
        if self.value() == "no":
            return queryset.filter(conflict_count=0)
        return queryset


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "first_published_at",
        "last_published_at",
        "article_count",
        "conflict_count",
        "title_edited",
    ]
    list_filter = [HasConflictFilter, "title_edited"]
    search_fields = ["title"]
    date_hierarchy = "last_published_at"
    fields = [
        "title",
        "title_edited",
        "places",
        "first_published_at",
        "last_published_at",
        "article_count",
        "conflict_count",
        "created_at",
        "updated_at",
    ]
    readonly_fields = [f for f in fields if f != "title"]
    inlines = [StoryArticleInline, StoryQuantityInline]

    def has_add_permission(self, request) -> bool:
        # Stories come from articles: grouping opens them, editors split them off.
        return False

    def save_model(self, request, obj, form, change) -> None:
        # A title typed here is an editor's title, kept through automatic refreshes.
        if "title" in form.changed_data:
            try:
                story_rename(story_id=obj.pk, title=obj.title, editor=request.user)
            except StoryEditError as error:
                self.message_user(request, str(error), messages.ERROR)


@admin.register(Quantity)
class QuantityAdmin(admin.ModelAdmin):
    """Quantities are worked out from the figures; admins read them, nobody edits them."""

    list_display = ["__str__", "story", "measure", "period", "has_conflict", "figure_count"]
    list_filter = ["measure", "period", "has_conflict"]
    list_select_related = ["story"]
    search_fields = ["story__title", "population", "place"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(figure_count=Count("claims"))

    @admin.display(description="Figures", ordering="figure_count")
    def figure_count(self, obj: Quantity) -> int:
        return obj.figure_count

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
