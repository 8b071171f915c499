"""Stories over the API: the list, one story with its quantities, a claim's related figures.

Consumers who are not editors see what they see elsewhere: reviewed figures only, and
stories and articles only through them. Relations are worked out among the figures the
caller may see, so nothing about an unreviewed figure shows through.
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import Article, Claim, Story
from claims.services.review import claims_related
from claims.services.story_view import story_quantity_tables
from claims.services.xref import Relation

from .filters import DateOrDateTimeField, QueryParamsSerializer
from .pagination import CursorParamsSerializer, KeysetPagination, Ordering, paginated_serializer
from .permissions import can_review
from .serializers import (
    ArticleRefSerializer,
    ClaimOutputSerializer,
    SourceRefSerializer,
    claim_rows,
    rows_with_evidence,
)

STORY_PAGE = KeysetPagination(default_size=50, max_size=200)
# A figure lists this many of the figures it conflicts with: in a quantity of
# thousands of figures, listing every pair would make the answer grow as their square.
CONFLICTS_LISTED = 20
STORY_ORDERING = Ordering("last_published_at", descending=True, is_datetime=True)


def _visible_claims(user) -> QuerySet:
    claims = Claim.objects.all()
    return claims if can_review(user) else claims.reviewed()


def stories_for(user) -> QuerySet:
    """The stories the user may see, with ``shown_article_count`` and ``has_conflict``.

    For editors these are the stored counts. For everyone else a story is visible
    through its reviewed figures: it counts the articles that hold one, and it has a
    conflict when one of those figures is contradicted by another of its quantity.
    """
    stories = Story.objects.filter(last_published_at__isnull=False)
    if can_review(user):
        return stories.annotate(
            shown_article_count=F("article_count"),
            has_conflict=ExpressionWrapper(Q(conflict_count__gt=0), output_field=BooleanField()),
        )
    reviewed = Claim.objects.reviewed()
    articles_with_reviewed = (
        Article.objects.filter(story=OuterRef("pk"))
        .filter(Exists(reviewed.filter(article=OuterRef("pk"))))
        .order_by()
        .values("story")
        .annotate(n=Count("*"))
        .values("n")
    )
    return stories.filter(Exists(reviewed.filter(article__story=OuterRef("pk")))).annotate(
        shown_article_count=Coalesce(
            Subquery(articles_with_reviewed, output_field=IntegerField()), Value(0)
        ),
        has_conflict=Exists(reviewed.filter(article__story=OuterRef("pk"), in_conflict=True)),
    )


class StoryOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    places = serializers.ListField(child=serializers.CharField())
    first_published_at = serializers.DateTimeField(allow_null=True)
    last_published_at = serializers.DateTimeField(allow_null=True)
    article_count = serializers.IntegerField(source="shown_article_count")
    has_conflict = serializers.BooleanField(
        help_text="A figure of the story (consumers: a reviewed figure) is contradicted by "
        "another figure of the same quantity."
    )


class StoryArticleSerializer(ArticleRefSerializer):
    source = SourceRefSerializer(allow_null=True)


class FigureSerializer(serializers.Serializer):
    claim = serializers.IntegerField()
    text = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    lower = serializers.FloatField(allow_null=True)
    upper = serializers.FloatField(allow_null=True)
    qualifier = serializers.ChoiceField(choices=Claim.Qualifier.choices)
    attribution = serializers.CharField(allow_blank=True)
    article = serializers.IntegerField()
    source = SourceRefSerializer(allow_null=True)
    published_at = serializers.DateTimeField()
    verdict = serializers.ChoiceField(choices=Claim.Verdict.choices)
    relation = serializers.ChoiceField(
        choices=[(r.value, r.value) for r in Relation],
        allow_null=True,
        help_text="Against the figures reported before it (the strongest of agrees < "
        "updates < conflicts); null for the first report.",
    )
    conflicts_with = serializers.ListField(
        child=serializers.IntegerField(),
        help_text=f"Claims of this quantity it contradicts, the first {CONFLICTS_LISTED} in "
        "report order when there are more (``conflict_count`` has them all).",
    )
    conflict_count = serializers.IntegerField(
        help_text="How many figures of this quantity it contradicts."
    )


class QuantitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    measure = serializers.CharField()
    population = serializers.CharField(allow_blank=True)
    period = serializers.CharField(allow_blank=True)
    place = serializers.CharField(allow_blank=True)
    label = serializers.CharField()
    lowest = serializers.FloatField(allow_null=True)
    highest = serializers.FloatField(allow_null=True)
    has_conflict = serializers.BooleanField()
    figures = FigureSerializer(many=True)


class StoryDetailSerializer(StoryOutputSerializer):
    articles = StoryArticleSerializer(many=True)
    quantities = QuantitySerializer(many=True)


def _source(source) -> dict | None:
    return {"id": source.pk, "name": source.name, "slug": source.slug} if source else None


def _quantity(table, moment) -> dict:
    """A quantity as ``QuantitySerializer`` describes it, built directly: a story may have
    thousands of figures, and a serializer per figure cost more than finding them."""
    by_number = {f.number: f.claim.pk for f in table.figures}
    low, high = table.spread
    return {
        "id": table.quantity.pk,
        "measure": table.quantity.measure,
        "population": table.quantity.population,
        "period": table.quantity.period,
        "place": table.quantity.place,
        "label": table.label,
        "lowest": low,
        "highest": high,
        "has_conflict": table.conflict_count > 0,
        "figures": [
            {
                "claim": f.claim.pk,
                "text": f.claim.text,
                "value": f.claim.value,
                "lower": f.claim.lower,
                "upper": f.claim.upper,
                "qualifier": f.claim.qualifier,
                "attribution": f.claim.attribution,
                "article": f.claim.article_id,
                "source": (
                    {"id": f.source[0], "name": f.source[1], "slug": f.source[2]}
                    if f.source
                    else None
                ),
                "published_at": moment(f.published_at),
                "verdict": f.claim.verdict,
                "relation": f.relation.value if f.relation else None,
                "conflicts_with": [by_number[n] for n in f.conflicts_with],
                "conflict_count": f.conflict_count,
            }
            for f in table.figures
        ],
    }


class StoryListApi(APIView):
    @extend_schema_serializer(component_name="StoryFilter")
    class FilterSerializer(QueryParamsSerializer):
        since = DateOrDateTimeField(
            required=False, help_text="Stories with an article published at or after this."
        )
        has_conflict = serializers.BooleanField(
            required=False,
            allow_null=True,
            default=None,
            help_text="Only stories with (or without) conflicting figures.",
        )

    class OutputSerializer(StoryOutputSerializer):
        pass

    @extend_schema(
        operation_id="stories_list",
        summary="Stories, the most recently reported first",
        parameters=[FilterSerializer, CursorParamsSerializer],
        responses=paginated_serializer(StoryOutputSerializer, "PaginatedStoryList"),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        stories = stories_for(request.user)
        if values.get("since"):
            stories = stories.filter(last_published_at__gte=values["since"])
        if values.get("has_conflict") is not None:
            stories = stories.filter(has_conflict=values["has_conflict"])
        page = STORY_PAGE.paginate(stories, request, STORY_ORDERING)
        data = {
            "next": page.next_url,
            "previous": page.previous_url,
            "results": self.OutputSerializer(page.items, many=True).data,
        }
        response = Response(data)
        if page.next_url:
            response["Link"] = f'<{page.next_url}>; rel="next"'
        return response


class StoryDetailApi(APIView):
    class OutputSerializer(StoryDetailSerializer):
        pass

    @extend_schema(
        operation_id="stories_retrieve",
        summary="A story: its articles, and each quantity's figures with their relations",
        responses=StoryDetailSerializer,
    )
    def get(self, request, pk: int):
        story = stories_for(request.user).filter(pk=pk).first()
        if story is None:
            raise NotFound("There is no story with this id, or none of its figures is reviewed.")
        visible = _visible_claims(request.user)
        articles = story.articles.select_related("source").defer("body", "story_features")
        if not can_review(request.user):
            articles = articles.filter(Exists(visible.filter(article=OuterRef("pk"))))
        shown_articles = [
            {
                "id": a.pk,
                "title": a.title,
                "url": a.url,
                "published_at": a.published_at,
                "source": _source(a.source),
            }
            for a in articles.order_by(F("published_at").asc(nulls_last=True), "created_at", "id")
        ]
        # Every figure is read as plain values, none as a model instance.
        tables = story_quantity_tables(story, claims=visible, named=CONFLICTS_LISTED, plain=True)
        moment = serializers.DateTimeField().to_representation
        data = {
            **StoryOutputSerializer(story).data,
            "articles": StoryArticleSerializer(shown_articles, many=True).data,
            "quantities": [_quantity(t, moment) for t in tables],
        }
        return Response(data)


class RelatedFigureSerializer(serializers.Serializer):
    relation = serializers.ChoiceField(choices=[(r.value, r.value) for r in Relation])
    same_article = serializers.BooleanField()
    difference = serializers.FloatField(
        help_text="How far apart the two figures' ranges are; 0 when they overlap, + when "
        "the other figure is higher."
    )
    claim = ClaimOutputSerializer()


class ClaimRelatedApi(APIView):
    @extend_schema_serializer(component_name="RelatedFigures")
    class OutputSerializer(serializers.Serializer):
        claim = serializers.IntegerField()
        story = serializers.IntegerField(allow_null=True)
        quantity = serializers.IntegerField(allow_null=True)
        results = RelatedFigureSerializer(many=True)

    @extend_schema(
        operation_id="claims_related",
        summary="The other figures of the claim's quantity, with how each relates to it",
        responses=OutputSerializer,
    )
    def get(self, request, pk: int):
        visible = _visible_claims(request.user)
        claim = get_object_or_404(visible.select_related("article"), pk=pk)
        related = claims_related(claim)
        rows = {
            row["id"]: row
            for row in rows_with_evidence(
                list(claim_rows(visible.filter(pk__in=[r.claim.pk for r in related])))
            )
        }
        results = [
            {
                "relation": r.relation.value,
                "same_article": r.same_article,
                "difference": r.difference,
                "claim": rows[r.claim.pk],
            }
            for r in related
            if r.claim.pk in rows
        ]
        body = {
            "claim": claim.pk,
            "story": claim.article.story_id,
            "quantity": claim.quantity_id,
            "results": results,
        }
        return Response(self.OutputSerializer(body).data)
