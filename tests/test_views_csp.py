"""Content-Security-Policy: every page carries it, and no page needs inline code."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from claims.models import Claim

from .conftest import client_for
from .factories import ArticleFactory, ClaimFactory, ReviewFactory

pytestmark = pytest.mark.django_db

# Data blocks are not run by the browser; every other script must come from a file.
DATA_SCRIPT_TYPES = {"application/ld+json", "application/json"}


class _InlineCode(HTMLParser):
    """Collects what a strict policy would block: inline scripts, styles and handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        is_data = attributes.get("type") in DATA_SCRIPT_TYPES
        if tag == "script" and "src" not in attributes and not is_data:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, _ in attrs:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")


def _inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    return parser.found


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def pages(editor):
    article = ArticleFactory(status="extracting", progress_done=1, progress_total=3)
    claim = ClaimFactory(assigned_to=editor)
    ReviewFactory(claim=claim, reviewer=editor)
    ClaimFactory(value=40, lower=40, upper=40, qualifier=Claim.Qualifier.EXACT)
    return [
        reverse("claims:claim_queue"),
        reverse("claims:claim_queue") + "?mine=on",
        claim.get_absolute_url(),
        claim.article.get_absolute_url(),
        article.get_absolute_url(),
        reverse("claims:article_submit"),
        reverse("claims:dashboard"),
        reverse("password_change"),
    ]


def test_csp_header_is_strict_on_every_editor_page(editor, pages):
    client = client_for(editor)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url


def test_csp_header_on_the_login_page_for_anonymous_visitors():
    response = client_for(None).get(reverse("login"))
    assert _policy(response)["script-src"] == ["'self'"]


def test_editor_pages_have_no_inline_script_or_style(editor, pages):
    client = client_for(editor)
    for url in [*pages, reverse("login")]:
        html = client.get(url).content.decode()
        assert _inline_code(html) == [], url
    assert _inline_code(client_for(None).get(reverse("login")).content.decode()) == []


def test_inline_code_check_finds_what_it_looks_for():
    html = '<div style="width: 5%" onclick="x()"><script>alert(1)</script><style>p{}</style>'
    assert _inline_code(html) == [
        "<div style=...>",
        "<div onclick=...>",
        "<script> without src",
        "<style>",
    ]


def test_csp_api_docs_allow_inline_styles_but_no_inline_script(editor):
    client = client_for(editor)
    response = client.get(reverse("api_docs"))
    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" in policy["style-src"]
    assert policy["script-src"] == ["'self'"]
    assert "<script> without src" not in _inline_code(response.content.decode())
    script = client.get(reverse("api_docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_favicon_is_linked_and_served(editor):
    html = client_for(editor).get(reverse("claims:claim_queue")).content.decode()
    assert 'rel="icon"' in html
    response = client_for(None).get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.ico")
    assert (Path(settings.BASE_DIR) / "static" / "favicon.ico").read_bytes()[:4] == b"\0\0\1\0"
