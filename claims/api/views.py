"""The REST API: one view per operation; views validate, call a query or service, render."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BrowsableAPIRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.models import EVIDENCE_NEEDS_ORIGIN, Article, Claim, Evidence, Review, Source
from claims.pagination import PreparedQuery
from claims.prepared import prepared_rows
from claims.services import SubmissionError, article_submit
from claims.services.health import health_report
from claims.services.ingestion import article_submit_url
from claims.services.review import (
    EvidenceInput,
    EvidenceInvalid,
    StaleVersion,
    VersionUnknown,
    review_submit,
)

from .claimreview import claim_review_jsonld
from .exceptions import StaleVersionError
from .filters import (
    ORDERINGS,
    ClaimFilterSerializer,
    QueryParamsSerializer,
    claim_filter_values,
    claim_filters,
    claims_filter,
    claims_filter_values,
)
from .pagination import (
    CursorParamsSerializer,
    KeysetPagination,
    Ordering,
    paginated_serializer,
)
from .permissions import CanReviewClaims, CanSubmitArticles, can_review
from .renderers import (
    ClaimCsvRenderer,
    EmbeddableJsonRenderer,
    JsonLdRenderer,
    JSONRenderer,
    ReleasingResponse,
)
from .serializers import (
    ArticleOutputSerializer,
    ArticlePublicSerializer,
    ClaimOutputSerializer,
    SourceOutputSerializer,
    articles_for_api,
    claim_dicts,
    claim_review_rows,
    claim_rows,
    public_articles_for_api,
    rows_with_evidence,
)
from .throttling import ArticleSubmitThrottle

CLAIM_PAGE = KeysetPagination(default_size=50, max_size=200)
# Spreadsheet exports take bigger pages: fewer round trips for the same rows.
CLAIM_CSV_PAGE = KeysetPagination(default_size=500, max_size=2000)
ARTICLE_PAGE = KeysetPagination(default_size=50, max_size=200)
ARTICLE_ORDERING = Ordering("created_at", descending=True, is_datetime=True)


def liveness(request) -> JsonResponse:
    """For a process manager: the web process answers. It checks nothing else, so that
    a database or broker outage does not get healthy web processes restarted."""
    response = JsonResponse({"status": "alive"})
    response["Cache-Control"] = "no-store"
    return response


def health(request) -> JsonResponse:
    """For load balancers and monitoring: 503, naming the part, when the database or the
    broker does not answer; whether a worker was seen lately, in either case."""
    healthy, report = health_report(detail=request.user.is_staff)
    response = JsonResponse(report, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response


# The largest id a database row can have (a 64-bit signed integer).
_MAX_ID = 2**63 - 1


def _source_by_reference(reference: str, *, field: str) -> Source:
    # isdigit() alone accepts "²" and other digits that int() refuses.
    if reference.isascii() and reference.isdigit():
        number = int(reference)
        source = Source.objects.filter(pk=number).first() if number <= _MAX_ID else None
    else:
        source = Source.objects.filter(slug=reference).first()
    if source is None:
        raise ValidationError({field: [f"There is no source {reference!r}."]})
    return source


def visible_claims(user) -> QuerySet:
    """Editors see every claim; everyone else only claims with a verdict."""
    return _claims_seen(editor=can_review(user))


def _claims_seen(*, editor: bool) -> QuerySet:
    # The rule of visible_claims by the caller's role alone, for the query builders
    # below, whose compiled SQL is kept per role.
    claims = Claim.objects.all()
    return claims if editor else claims.reviewed()


def _claim_row_or_404(user, pk: int) -> dict:
    editor = can_review(user)

    def claim_by_id(*, pk: int) -> QuerySet:
        return claim_rows(_claims_seen(editor=editor).filter(pk=pk))

    rows = prepared_rows(("api-claim", editor), claim_by_id, pk=pk)
    if not rows:
        raise NotFound("There is no claim with this id, or it has not been reviewed yet.")
    return rows_with_evidence(rows)[0]


def _claims_listed(user, filters: dict) -> QuerySet | PreparedQuery:
    """The claims a list shows; its SQL is kept for the next page of the same shape,
    unless a filter needs more than its values (a search runs a query of its own, and
    "assigned to me" names the caller)."""
    if filters.get("q") or filters.get("assigned"):
        return claims_filter(visible_claims(user), filters, user=user)
    editor = can_review(user)

    def build(**values) -> QuerySet:
        return claims_filter_values(_claims_seen(editor=editor), values, user=user)

    return PreparedQuery(("api-claims", editor), build, claim_filter_values(filters))


def _with_pagination_link(response: Response, next_url: str | None) -> Response:
    if next_url:
        response["Link"] = f'<{next_url}>; rel="next"'
    return response


# --- Claims -----------------------------------------------------------------------


class ClaimListApi(APIView):
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, ClaimCsvRenderer]

    class OutputSerializer(ClaimOutputSerializer):
        pass

    @extend_schema(
        operation_id="claims_list",
        summary="Reviewed claims (editors: all claims)",
        parameters=[ClaimFilterSerializer, CursorParamsSerializer],
        responses=paginated_serializer(ClaimOutputSerializer, "PaginatedClaimList"),
        description=(
            "Consumers see claims with a verdict; editors see every claim. "
            "`?format=csv` returns the same page as CSV (default 500 rows, at most 2000 "
            "with `page_size`); the next page's address is in the `Link` header."
        ),
    )
    def get(self, request):
        filters = claim_filters(request.query_params)
        claims = _claims_listed(request.user, filters)
        csv = request.accepted_renderer.format == "csv"
        pagination = CLAIM_CSV_PAGE if csv else CLAIM_PAGE
        ordering = ORDERINGS[filters["ordering"]]
        page = pagination.paginate(
            claims,
            request,
            ordering,
            rows=lambda queryset: claim_rows(queryset, extra=(ordering.field,)),
        )
        data = {
            "next": page.next_url,
            "previous": page.previous_url,
            "results": claim_dicts(rows_with_evidence(page.items)),
        }
        return _with_pagination_link(ReleasingResponse(data), page.next_url)


class ClaimDetailApi(APIView):
    class OutputSerializer(ClaimOutputSerializer):
        pass

    @extend_schema(operation_id="claims_retrieve", responses=ClaimOutputSerializer)
    def get(self, request, pk: int):
        return Response(self.OutputSerializer(_claim_row_or_404(request.user, pk)).data)


class ClaimReviewJsonLdApi(APIView):
    renderer_classes = [JsonLdRenderer, EmbeddableJsonRenderer]

    @extend_schema(
        operation_id="claims_claimreview",
        summary="The claim as schema.org ClaimReview JSON-LD",
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk: int):
        rows = prepared_rows("api-claimreview", _reviewed_claim_by_id, pk=pk)
        if not rows:
            raise NotFound("There is no reviewed claim with this id.")
        claim_url = request.build_absolute_uri(reverse("claims:claim_detail", args=[pk]))
        return Response(claim_review_jsonld(rows[0], claim_url=claim_url))


def _reviewed_claim_by_id(*, pk: int) -> QuerySet:
    return claim_review_rows(Claim.objects.reviewed().filter(pk=pk))


class EvidenceInputSerializer(serializers.Serializer):
    stance = serializers.ChoiceField(choices=Evidence.Stance.choices)
    url = serializers.URLField(required=False, allow_blank=True, max_length=2000)
    source = serializers.CharField(
        required=False, max_length=200, help_text="A source's id or its slug."
    )
    quoted_figure = serializers.CharField(required=False, allow_blank=True, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=10_000)

    def validate(self, attrs: dict) -> dict:
        if not (attrs.get("url") or attrs.get("source")):
            raise serializers.ValidationError(EVIDENCE_NEEDS_ORIGIN)
        return attrs


class ClaimReviewsApi(APIView):
    """A claim's verdict history, and giving it a verdict."""

    permission_classes = [IsAuthenticated, CanReviewClaims]

    @extend_schema_serializer(component_name="ReviewInput")
    class InputSerializer(serializers.Serializer):
        verdict = serializers.ChoiceField(choices=Claim.Verdict.choices)
        version = serializers.IntegerField(
            min_value=1,
            max_value=2**31 - 1,
            help_text="The claim's version when you read it (optimistic lock).",
        )
        note = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
        evidence = EvidenceInputSerializer(required=False)
        apply_to_identical = serializers.BooleanField(
            required=False,
            default=False,
            help_text="Give the same verdict to unreviewed repeats of the figure in the article.",
        )

    @extend_schema_serializer(component_name="Review")
    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        from_verdict = serializers.ChoiceField(choices=Claim.Verdict.choices)
        to_verdict = serializers.ChoiceField(choices=Claim.Verdict.choices)
        note = serializers.CharField(allow_blank=True)
        reviewer = serializers.CharField(
            source="reviewer.get_username", allow_null=True, default=None
        )
        created_at = serializers.DateTimeField()

    @extend_schema(
        operation_id="claims_reviews_list",
        summary="A claim's verdict history, newest first (editors)",
        responses=OutputSerializer(many=True),
    )
    def get(self, request, pk: int):
        get_object_or_404(Claim.objects.only("pk"), pk=pk)
        reviews = Review.objects.filter(claim_id=pk).select_related("reviewer")
        return Response(self.OutputSerializer(reviews, many=True).data)

    @extend_schema(
        operation_id="claims_reviews_create",
        summary="Give a claim a verdict (editors)",
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "ReviewResult",
                {"claim": ClaimOutputSerializer(), "review": OutputSerializer()},
            ),
            409: OpenApiResponse(description="The claim changed since `version`."),
        },
    )
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        evidence = self._evidence(values["evidence"]) if values.get("evidence") else None
        get_object_or_404(Claim.objects.only("pk"), pk=pk)
        try:
            review_submit(
                claim_id=pk,
                reviewer=request.user,
                verdict=values["verdict"],
                expected_version=values["version"],
                note=values.get("note", ""),
                evidence=evidence,
                apply_to_identical=values["apply_to_identical"],
            )
        except EvidenceInvalid as invalid:
            raise ValidationError({"evidence": [str(invalid)]}) from None
        except VersionUnknown as invalid:
            raise ValidationError({"version": [str(invalid)]}) from None
        except StaleVersion as stale:
            current = stale.current
            raise StaleVersionError(
                str(stale),
                details={
                    "current": {
                        "verdict": current.verdict,
                        "version": current.version,
                        "reviewed_by": (
                            current.reviewed_by.get_username() if current.reviewed_by else None
                        ),
                        "reviewed_at": (
                            current.reviewed_at.isoformat() if current.reviewed_at else None
                        ),
                    }
                },
            ) from None
        claim = rows_with_evidence(list(claim_rows(Claim.objects.filter(pk=pk))))[0]
        review = Review.objects.filter(claim_id=pk).select_related("reviewer").first()
        body = {
            "claim": ClaimOutputSerializer(claim).data,
            "review": self.OutputSerializer(review).data,
        }
        return Response(body, status=status.HTTP_201_CREATED)

    @staticmethod
    def _evidence(values: dict) -> EvidenceInput:
        source = None
        if values.get("source"):
            source = _source_by_reference(values["source"], field="evidence")
        return EvidenceInput(
            stance=values["stance"],
            url=values.get("url", ""),
            source=source,
            quoted_figure=values.get("quoted_figure", ""),
            note=values.get("note", ""),
        )


# --- Articles ---------------------------------------------------------------------


def _articles_visible_to(user, articles: QuerySet) -> tuple[QuerySet, type]:
    """Editors see every article and how its extraction went; consumers see an article
    only through its reviewed claims: where they come from, nothing of the processing."""
    if can_review(user):
        return articles_for_api(articles), ArticleOutputSerializer
    return public_articles_for_api(articles), ArticlePublicSerializer


class ArticleListApi(APIView):
    """Submitted articles and their extraction; submitting is for editors."""

    permission_classes = [IsAuthenticated, CanSubmitArticles]
    throttle_classes = [*APIView.throttle_classes, ArticleSubmitThrottle]

    @extend_schema_serializer(component_name="ArticleFilter")
    class FilterSerializer(QueryParamsSerializer):
        status = serializers.ChoiceField(choices=Article.Status.choices, required=False)

    @extend_schema_serializer(component_name="ArticleSubmit")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(required=False, allow_blank=True, max_length=500)
        text = serializers.CharField(
            required=False, trim_whitespace=False, help_text="The article's text (with a title)."
        )
        url = serializers.URLField(
            required=False, max_length=2000, help_text="Or the article's address, to fetch."
        )
        source = serializers.CharField(
            required=False, max_length=200, help_text="A source's id or its slug."
        )
        published_at = serializers.DateTimeField(required=False)

        def validate(self, attrs: dict) -> dict:
            has_text, has_url = bool(attrs.get("text")), bool(attrs.get("url"))
            if has_text == has_url:
                raise serializers.ValidationError(
                    "Send either the article's text (with a title) or its url, not both."
                )
            if has_text and not attrs.get("title", "").strip():
                raise serializers.ValidationError({"title": ["Give the article a title."]})
            return attrs

    class OutputSerializer(ArticleOutputSerializer):
        pass

    @extend_schema(
        operation_id="articles_list",
        description=(
            "Editors see every article and its extraction; consumers see only articles "
            "with a reviewed claim, and only their title, address, source and date."
        ),
        parameters=[FilterSerializer, CursorParamsSerializer],
        responses=paginated_serializer(ArticleOutputSerializer, "PaginatedArticleList"),
    )
    def get(self, request):
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        articles = Article.objects.all()
        if "status" in filters.validated_data:
            articles = articles.filter(status=filters.validated_data["status"])
        articles, output = _articles_visible_to(request.user, articles)
        page = ARTICLE_PAGE.paginate(articles, request, ARTICLE_ORDERING)
        data = {
            "next": page.next_url,
            "previous": page.previous_url,
            "results": output(page.items, many=True).data,
        }
        return _with_pagination_link(Response(data), page.next_url)

    @extend_schema(
        operation_id="articles_create",
        summary="Submit an article for extraction (editors)",
        request=InputSerializer,
        responses={
            202: OpenApiResponse(ArticleOutputSerializer, description="Accepted; extracting."),
            200: OpenApiResponse(
                ArticleOutputSerializer, description="Already submitted: the existing article."
            ),
        },
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        source = None
        if values.get("source"):
            source = _source_by_reference(values["source"], field="source")
        try:
            if values.get("text"):
                result = article_submit(
                    text=values["text"],
                    title=values["title"],
                    origin=Article.Origin.API,
                    source=source,
                    published_at=values.get("published_at"),
                    submitted_by=request.user,
                )
            else:
                result = article_submit_url(
                    url=values["url"], source=source, submitted_by=request.user
                )
        except SubmissionError as error:
            raise ValidationError({"non_field_errors": [str(error)]}) from None
        article = articles_for_api().get(pk=result.article.pk)
        response = Response(
            self.OutputSerializer(article).data,
            status=status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK,
        )
        response["Location"] = reverse("api:article_detail", args=[article.pk])
        return response


class ArticleDetailApi(APIView):
    @extend_schema(
        operation_id="articles_retrieve",
        responses=ArticleOutputSerializer,
        description=(
            "Consumers see only articles with a reviewed claim, and only their title, "
            "address, source and date."
        ),
    )
    def get(self, request, pk: int):
        articles, output = _articles_visible_to(request.user, Article.objects.all())
        article = articles.filter(pk=pk).first()
        if article is None:
            raise NotFound("There is no article with this id, or none of its claims is reviewed.")
        return Response(output(article).data)


class ArticleClaimsApi(APIView):
    """Every claim of one article, in reading order (editors)."""

    permission_classes = [IsAuthenticated, CanReviewClaims]

    class OutputSerializer(ClaimOutputSerializer):
        pass

    @extend_schema(operation_id="articles_claims_list", responses=ClaimOutputSerializer(many=True))
    def get(self, request, pk: int):
        get_object_or_404(Article.objects.only("pk"), pk=pk)
        claims = claim_rows(Claim.objects.filter(article_id=pk).order_by("start", "id"))
        return Response(self.OutputSerializer(rows_with_evidence(list(claims)), many=True).data)


# --- Sources ----------------------------------------------------------------------


class SourceListApi(APIView):
    class OutputSerializer(SourceOutputSerializer):
        pass

    @extend_schema(operation_id="sources_list", responses=SourceOutputSerializer(many=True))
    def get(self, request):
        return Response(self.OutputSerializer(Source.objects.order_by("name"), many=True).data)
