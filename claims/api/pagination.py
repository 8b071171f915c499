"""The API's side of keyset pagination (``claims.pagination``): parameters from the
query string, errors in the API's format, and ``next`` / ``previous`` as full URLs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from claims.pagination import (
    CURSOR_PARAM,
    PAGE_SIZE_PARAM,
    Ordering,
    PageParameterError,
    PreparedQuery,
    cursor_decode,
    keyset_page,
    page_size_from,
)

__all__ = ["CursorParamsSerializer", "KeysetPagination", "Ordering", "Page", "paginated_serializer"]


@dataclass(frozen=True)
class Page:
    items: list
    next_url: str | None
    previous_url: str | None


class CursorParamsSerializer(serializers.Serializer):
    cursor = serializers.CharField(required=False, help_text="Opaque; from `next` or `previous`.")
    page_size = serializers.IntegerField(required=False, min_value=1)


class KeysetPagination:
    def __init__(self, *, default_size: int, max_size: int) -> None:
        self.default_size = default_size
        self.max_size = max_size

    def paginate(
        self,
        queryset: QuerySet | PreparedQuery,
        request,
        ordering: Ordering,
        *,
        rows: Callable[[QuerySet], QuerySet] = lambda queryset: queryset,
    ) -> Page:
        """One page of ``rows(queryset)`` after the request's cursor."""
        params = request.query_params
        try:
            size = page_size_from(
                params.get(PAGE_SIZE_PARAM), default=self.default_size, maximum=self.max_size
            )
            # Present but empty is a broken link, not a first page.
            token = params.get(CURSOR_PARAM)
            cursor = None if token is None else cursor_decode(token, ordering)
        except PageParameterError as error:
            raise ValidationError({error.param: [error.message]}) from None
        page = keyset_page(queryset, ordering, cursor=cursor, size=size, rows=rows)
        return Page(
            items=page.items,
            next_url=_url(request, page.next_cursor),
            previous_url=_url(request, page.previous_cursor),
        )


def _url(request, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.query_params.copy()
    params[CURSOR_PARAM] = cursor
    return request.build_absolute_uri(request.path) + "?" + urlencode(params, doseq=True)


def paginated_serializer(item_serializer: type[serializers.Serializer], name: str):
    """The documented shape of one page of ``item_serializer`` results."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item_serializer(many=True),
        },
    )
