"""The editors' web app: every page and action, for every tier of the cast."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.models import Article, Claim, Evidence, Review, Story
from claims.services.review import review_submit
from claims.services.stories import story_refresh
from claims.services.tallies import tallies_recount
from claims.services.workers import worker_heartbeat_send

from .conftest import client_for
from .factories import ArticleFactory, ClaimFactory, ReviewFactory, SourceFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("claims:home", False),
    ("claims:article_submit", False),
    ("claims:article_detail", "article"),
    ("claims:article_progress", "article"),
    ("claims:claim_queue", False),
    ("claims:claim_detail", "claim"),
    ("claims:dashboard", False),
]
ACTIONS = [
    ("claims:article_submit_text", False),
    ("claims:article_submit_url", False),
    ("claims:article_submit_upload", False),
    ("claims:claim_review", "claim"),
    ("claims:claim_quick_verdict", "claim"),
    ("claims:claim_correction", "claim"),
    ("claims:claim_assignment", False),
]


@pytest.fixture
def claim():
    return ClaimFactory()


def _url(name: str, needs, claim: Claim) -> str:
    if needs == "article":
        return reverse(name, args=[claim.article_id])
    if needs == "claim":
        return reverse(name, args=[claim.pk])
    return reverse(name)


# --- Permission tiers -------------------------------------------------------------


@pytest.mark.parametrize(("name", "needs"), PAGES + ACTIONS)
def test_pages_anonymous_is_sent_to_login(name, needs, claim, anonymous):
    url = _url(name, needs, claim)
    client = client_for(anonymous)
    response = client.post(url) if (name, needs) in ACTIONS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(("name", "needs"), PAGES + ACTIONS)
def test_pages_user_without_review_permission_is_forbidden(name, needs, claim, api_consumer):
    url = _url(name, needs, claim)
    client = client_for(api_consumer)
    response = client.post(url) if (name, needs) in ACTIONS else client.get(url)
    assert response.status_code == 403
    assert b"cannot review claims" in response.content


@pytest.mark.parametrize(("name", "needs"), PAGES)
@pytest.mark.parametrize("who", ["editor", "admin"])
def test_pages_editor_and_admin_can_open(name, needs, who, claim, request):
    user = request.getfixturevalue(who)
    response = client_for(user).get(_url(name, needs, claim), follow=True)
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "needs"), ACTIONS)
def test_actions_refuse_get(name, needs, claim, editor):
    assert client_for(editor).get(_url(name, needs, claim)).status_code == 405


def test_home_redirects_editor_to_queue(editor):
    response = client_for(editor).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:claim_queue")


# --- Log in, log out, password ----------------------------------------------------


def test_login_page_renders_for_anonymous(anonymous):
    response = client_for(anonymous).get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_login_with_password_lands_on_next_page(editor):
    client = client_for(None)
    response = client.post(
        reverse("login") + "?next=/queue/",
        {"username": "editor", "password": "correct horse battery", "next": "/queue/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/queue/"
    assert client.get("/queue/").status_code == 200


def test_login_wrong_password_shows_error(editor):
    response = client_for(None).post(reverse("login"), {"username": "editor", "password": "wrong"})
    assert response.status_code == 200
    assert b"error-box" in response.content


def test_logout_is_a_post_and_ends_the_session(editor):
    client = client_for(editor)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/queue/").status_code == 302


@pytest.mark.parametrize("who", ["editor", "admin", "api_consumer"])
def test_password_change_page_opens_for_any_logged_in_user(who, request):
    user = request.getfixturevalue(who)
    assert client_for(user).get(reverse("password_change")).status_code == 200


def test_password_change_anonymous_is_sent_to_login(anonymous):
    response = client_for(anonymous).get(reverse("password_change"))
    assert response["Location"].startswith(reverse("login"))


def test_password_change_changes_it(editor):
    client = client_for(editor)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery",
            "new_password1": "a much longer staple 42",
            "new_password2": "a much longer staple 42",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    editor.refresh_from_db()
    assert editor.check_password("a much longer staple 42")


# --- Submitting -------------------------------------------------------------------


def test_submit_text_creates_article_and_shows_its_page(editor, django_capture_on_commit_callbacks):
    source = SourceFactory(name="Wire")
    with django_capture_on_commit_callbacks():
        response = client_for(editor).post(
            reverse("claims:article_submit_text"),
            {"title": "Floods", "source": source.pk, "text": "About 40 people died."},
            follow=True,
        )
    article = Article.objects.get(title="Floods")
    assert article.source == source
    assert article.submitted_by == editor
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    assert b"Article submitted" in response.content
    assert b'id="article-progress"' in response.content


def test_submit_text_twice_leads_to_existing_article_with_message(editor):
    existing = ArticleFactory(body="About 40 people died.")
    response = client_for(editor).post(
        reverse("claims:article_submit_text"),
        {"title": "Again", "text": "About 40 people died.\n"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == existing.get_absolute_url()
    assert b"already submitted" in response.content
    assert Article.objects.count() == 1


def test_submit_text_error_is_shown_and_input_kept(editor):
    response = client_for(editor).post(
        reverse("claims:article_submit_text"), {"title": "Kept title", "text": "   \n  "}
    )
    assert response.status_code == 400
    assert "The article text is empty." in response.content.decode()
    assert b'value="Kept title"' in response.content
    assert not Article.objects.exists()


def test_submit_page_lists_recent_articles(editor):
    ArticleFactory(title="<b>Recent</b> story")
    response = client_for(editor).get(reverse("claims:article_submit"))
    assert b"&lt;b&gt;Recent&lt;/b&gt; story" in response.content


def test_submit_url_error_is_shown_and_url_kept(editor):
    response = client_for(editor).post(
        reverse("claims:article_submit_url"), {"url": "http://10.1.2.3/story"}
    )
    assert response.status_code == 400
    assert b'class="error-box"' in response.content
    assert b'value="http://10.1.2.3/story"' in response.content
    assert not Article.objects.exists()


def test_submit_url_stores_the_address_and_shows_fetching(editor):
    worker_heartbeat_send(hostname="w1@test")
    response = client_for(editor).post(
        reverse("claims:article_submit_url"),
        {"url": "https://news.example/story?utm_source=x"},
        follow=True,
    )
    article = Article.objects.get()
    assert article.url == "https://news.example/story"
    assert article.status == Article.Status.FETCHING
    assert article.submitted_by == editor
    assert response.redirect_chain[-1][0] == article.get_absolute_url()
    assert b"fetching the page" in response.content


def test_submit_url_twice_leads_to_existing_article(editor):
    existing = ArticleFactory(url="https://news.example/story")
    response = client_for(editor).post(
        reverse("claims:article_submit_url"), {"url": "https://news.example/story#top"}, follow=True
    )
    assert response.redirect_chain[-1][0] == existing.get_absolute_url()
    assert b"already submitted" in response.content


def test_submit_upload_stores_the_text_file(editor):
    upload = SimpleUploadedFile("story.txt", b"More than 80 people were killed on Friday.")
    response = client_for(editor).post(
        reverse("claims:article_submit_upload"), {"file": upload, "title": "Upload"}, follow=True
    )
    article = Article.objects.get()
    assert (article.title, article.origin) == ("Upload", Article.Origin.UPLOAD)
    assert article.body == "More than 80 people were killed on Friday."
    assert response.redirect_chain[-1][0] == article.get_absolute_url()


def test_submit_upload_error_is_shown_with_title_kept(editor):
    response = client_for(editor).post(
        reverse("claims:article_submit_upload"),
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4"), "title": "Mine"},
    )
    assert response.status_code == 400
    assert "only .txt and .html files can be uploaded" in response.content.decode()
    assert b'value="Mine"' in response.content
    assert b'enctype="multipart/form-data" class="tabpanel stack active"' in response.content
    assert not Article.objects.exists()


# --- Article ----------------------------------------------------------------------


def test_article_highlights_each_claim_in_place_coloured_by_verdict(editor):
    body = "Officials said 12 died. Later more than 80 people were killed."
    article = ArticleFactory(body=body)
    first = ClaimFactory(article=article, start=15, end=17, text="12")
    second = ClaimFactory(
        article=article, start=30, end=42, text="more than 80", verdict=Claim.Verdict.FALSE
    )
    html = client_for(editor).get(article.get_absolute_url()).content.decode()
    assert f'id="claim-{first.pk}"' in html
    assert "said <mark" in html
    assert f'class="fig v-false" title="False · Lower bound" id="claim-{second.pk}"' in html
    assert f'<a href="/claims/{second.pk}/">more than 80</a></mark> people' in html


def test_article_script_in_text_is_shown_as_text(editor):
    body = "<script>alert('x')</script> More than 80 people <b>were</b> killed."
    article = ArticleFactory(body=body, title="<script>t</script>")
    ClaimFactory(article=article, start=29, end=41, text="More than 80")
    html = client_for(editor).get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;were&lt;/b&gt;" in html
    assert "<script>t</script>" not in html


def test_article_shows_status_and_error(editor):
    article = ArticleFactory(status=Article.Status.FAILED, last_error="The extractor crashed.")
    html = client_for(editor).get(article.get_absolute_url()).content.decode()
    assert "Failed" in html
    assert "The extractor crashed." in html


def test_article_progress_polls_while_extracting(editor):
    worker_heartbeat_send(hostname="w1@test")
    article = ArticleFactory(status=Article.Status.EXTRACTING, progress_done=1, progress_total=4)
    response = client_for(editor).get(
        reverse("claims:article_progress", args=[article.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert "1 of 4 parts" in html
    assert '<progress class="progress" max="100" value="25"' in html
    assert "HX-Retarget" not in response


def test_article_progress_swaps_in_the_claims_when_done(editor):
    article = ArticleFactory(status=Article.Status.EXTRACTED)
    claim = ClaimFactory(article=article, start=18, end=30, text="more than 80")
    response = client_for(editor).get(
        reverse("claims:article_progress", args=[article.pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response["HX-Retarget"] == "#article-live"
    assert f'id="claim-{claim.pk}"' in html
    assert "hx-trigger" not in html


def test_article_page_query_count_does_not_grow_with_claims(editor, django_assert_num_queries):
    small = ArticleFactory(body="x" * 400)
    big = ArticleFactory(body="y" * 400)
    ClaimFactory(article=small, start=0, end=5)
    for i in range(12):
        ClaimFactory(article=big, start=i * 20, end=i * 20 + 5, reviewed_by=editor)
    client = client_for(editor)
    client.get(small.get_absolute_url())
    with django_assert_num_queries(6):
        client.get(small.get_absolute_url())
    with django_assert_num_queries(6):
        client.get(big.get_absolute_url())


# --- Queue ------------------------------------------------------------------------


def _queue(client, **params):
    response = client.get(reverse("claims:claim_queue"), params)
    assert response.status_code == 200
    return response


def _ids(response) -> list[int]:
    return [c.pk for c in response.context["claims"]]


def test_queue_shows_unreviewed_most_checkworthy_first(editor):
    low = ClaimFactory(checkworthiness=0.2)
    high = ClaimFactory(checkworthiness=0.9)
    ClaimFactory(checkworthiness=0.95, verdict=Claim.Verdict.VERIFIED)
    assert _ids(_queue(client_for(editor))) == [high.pk, low.pk]


def test_queue_shows_the_default_verdict_as_chosen(editor):
    html = _queue(client_for(editor)).content.decode()
    assert '<option value="unreviewed" selected>Unreviewed</option>' in html


def test_queue_filters_by_verdict_any(editor):
    a = ClaimFactory(checkworthiness=0.5)
    b = ClaimFactory(checkworthiness=0.6, verdict=Claim.Verdict.FALSE)
    client = client_for(editor)
    assert _ids(_queue(client, verdict="false")) == [b.pk]
    assert _ids(_queue(client, verdict="any")) == [b.pk, a.pk]


@pytest.mark.parametrize(
    ("param", "value_of", "other"),
    [
        ("event", lambda c: "flee", {"event": "kill"}),
        ("unit", lambda c: "refugee", {"unit": "people"}),
        ("qualifier", lambda c: "approximate", {"qualifier": "exact"}),
    ],
)
def test_queue_filters_by_reading(param, value_of, other, editor):
    wanted = ClaimFactory(**{param: value_of(None)})
    ClaimFactory(**other)
    assert _ids(_queue(client_for(editor), **{param: value_of(None)})) == [wanted.pk]


def test_queue_filters_by_source_and_article(editor):
    wanted = ClaimFactory()
    ClaimFactory()
    client = client_for(editor)
    assert _ids(_queue(client, source=wanted.article.source_id)) == [wanted.pk]
    assert _ids(_queue(client, article=wanted.article_id)) == [wanted.pk]


def test_queue_filters_by_article_dates(editor):
    old = ClaimFactory(article=ArticleFactory(published_at=datetime(2019, 9, 1, 12, tzinfo=UTC)))
    new = ClaimFactory(article=ArticleFactory(published_at=datetime(2020, 1, 10, 12, tzinfo=UTC)))
    Article.objects.filter(pk=old.article_id).update(created_at=datetime(2019, 9, 2, tzinfo=UTC))
    client = client_for(editor)
    published = _queue(client, dated="published", date_from="2020-01-01", date_to="2020-01-31")
    assert _ids(published) == [new.pk]
    assert _ids(_queue(client, dated="created", date_to="2019-12-31")) == [old.pk]


def test_queue_search_looks_in_the_sentence(editor):
    wanted = ClaimFactory(sentence="Aid trucks reached Idlib.")
    ClaimFactory(sentence="Nothing here.")
    assert _ids(_queue(client_for(editor), q="idlib")) == [wanted.pk]


def test_queue_my_claims(editor, other_editor):
    mine = ClaimFactory(assigned_to=editor)
    ClaimFactory(assigned_to=other_editor)
    ClaimFactory()
    assert _ids(_queue(client_for(editor), mine="on")) == [mine.pk]


def test_queue_invalid_filters_are_ignored(editor):
    claim = ClaimFactory()
    response = _queue(client_for(editor), verdict="nonsense", date_from="yesterday", after="x_y")
    assert _ids(response) == [claim.pk]


def test_queue_keyset_pages_cover_every_row_once_in_order(editor):
    # Ties on check-worthiness are broken by id, so a page never repeats or skips one.
    claims = [ClaimFactory(checkworthiness=w) for w in (0.9, 0.5, 0.5, 0.5, 0.5, 0.1, 0.7)]
    expected = [c.pk for c in sorted(claims, key=lambda c: (c.checkworthiness, c.pk), reverse=True)]
    client = client_for(editor)
    seen = []
    response = _queue(client, page_size=3)
    while True:
        seen.extend(_ids(response))
        if not response.context["next_url"]:
            break
        response = client.get(response.context["next_url"])
    assert seen == expected


def test_queue_next_link_carries_filters_and_cursor(editor):
    first, second = ClaimFactory(checkworthiness=0.9), ClaimFactory(checkworthiness=0.8)
    client = client_for(editor)
    response = _queue(client, page_size=1, event="kill")
    assert _ids(response) == [first.pk]
    next_url = response.context["next_url"]
    assert next_url.startswith("/queue/?page_size=1&event=kill&cursor=")
    assert _ids(client.get(next_url)) == [second.pk]


def test_queue_never_uses_offset(editor, django_assert_num_queries):
    ClaimFactory.create_batch(3)
    client = client_for(editor)
    first = _queue(client, page_size=1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(first.context["next_url"])
    claim_sql = [q["sql"] for q in queries if '"claims_claim"' in q["sql"]]
    assert claim_sql
    assert not any("OFFSET" in sql.upper() for sql in claim_sql)


def test_queue_query_count_is_fixed_whatever_the_page_size(editor, django_assert_num_queries):
    for i in range(30):
        ClaimFactory(assigned_to=editor if i % 2 else None)
    client = client_for(editor)
    _queue(client, page_size=2)
    # Fixed, whatever the page size; the take-over notices are one query of them.
    with django_assert_num_queries(7):
        assert len(_ids(_queue(client, page_size=2))) == 2
    with django_assert_num_queries(7):
        assert len(_ids(_queue(client, page_size=30))) == 30


def test_queue_rows_escape_the_sentence(editor):
    ClaimFactory(sentence="<img src=x onerror=alert(1)> more than 80", start=29, end=41)
    html = _queue(client_for(editor)).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_queue_rows_escape_article_text_and_link_each_claim(editor, other_editor):
    source = SourceFactory(name="Tom & <Jerry> Wire")
    article = ArticleFactory(source=source, title="Sirens <b>loud</b> & " + "y" * 60)
    claim = ClaimFactory(
        article=article,
        unit="people<i>",
        event="kill&",
        trend="up",
        attribution="the <UN>",
        checkworthiness=0.125,
        assigned_to=other_editor,
    )
    html = _queue(client_for(editor)).content.decode()
    assert f'data-url="{claim.get_absolute_url()}"' in html
    assert f'action="{reverse("claims:claim_quick_verdict", args=[claim.pk])}"' in html
    assert f'<a href="{article.get_absolute_url()}#claim-{claim.pk}">' in html
    assert "Tom &amp; &lt;Jerry&gt; Wire" in html
    # 60 characters with the ellipsis, as truncatechars counts, then escaped
    assert "Sirens &lt;b&gt;loud&lt;/b&gt; &amp; " + "y" * 38 + "…</a>" in html
    assert "people&lt;i&gt;" in html
    assert "kill&amp; · up" in html
    assert "per the &lt;UN&gt;" in html
    assert '<td class="num">0.13</td>' in html  # rounded half up, as floatformat does
    assert "→ other_editor" in html
    assert "<b>" not in html and "<UN>" not in html


def test_queue_rows_offer_my_claims_back_and_the_rest_to_me(editor):
    mine = ClaimFactory(assigned_to=editor, checkworthiness=0.9)
    free = ClaimFactory(checkworthiness=0.5)
    html = _queue(client_for(editor)).content.decode()
    row_of_mine = html[html.index(f'id="row-{mine.pk}"') : html.index(f'id="row-{free.pk}"')]
    free_row = html[html.index(f'id="row-{free.pk}"') : html.index("</tbody>")]
    assert 'value="unassign"' in row_of_mine and "give back" in row_of_mine
    assert 'value="assign"' in free_row and "assign to me" in free_row
    assert "give back" not in free_row


def test_quick_verdict_htmx_returns_the_updated_row(editor):
    claim = ClaimFactory()
    response = client_for(editor).post(
        reverse("claims:claim_quick_verdict", args=[claim.pk]),
        {"verdict": "verified", "version": claim.version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="row-{claim.pk}"')
    assert "just-reviewed" in html
    assert f'name="version" value="{claim.version + 1}"' in html
    claim.refresh_from_db()
    assert claim.verdict == "verified"
    assert claim.reviewed_by == editor


def test_quick_verdict_on_stale_version_shows_other_verdict_and_keeps_it(editor, other_editor):
    claim = ClaimFactory()
    review_submit(
        claim_id=claim.pk, reviewer=other_editor, verdict="false", expected_version=claim.version
    )
    response = client_for(editor).post(
        reverse("claims:claim_quick_verdict", args=[claim.pk]),
        {"verdict": "verified", "version": claim.version},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "other_editor changed this claim" in html
    assert "is-stale" in html
    claim.refresh_from_db()
    assert claim.verdict == "false"


@pytest.mark.parametrize(
    ("verdict", "next_url", "location"),
    [
        ("misleading", "/queue/?verdict=any", "/queue/?verdict=any"),
        # Never off the site: the queue instead.
        ("false", "https://evil.example/", None),
    ],
    ids=["back", "outside-refused"],
)
def test_quick_verdict_without_htmx_redirects_back_on_this_site(
    editor, verdict, next_url, location
):
    claim = ClaimFactory()
    response = client_for(editor).post(
        reverse("claims:claim_quick_verdict", args=[claim.pk]),
        {"verdict": verdict, "version": claim.version, "next": next_url},
    )
    assert response["Location"] == (location or reverse("claims:claim_queue"))
    claim.refresh_from_db()
    assert claim.verdict == verdict


def test_assign_to_me_and_give_back(editor):
    a, b = ClaimFactory(), ClaimFactory()
    client = client_for(editor)
    client.post(reverse("claims:claim_assignment"), {"claim": [a.pk, b.pk], "action": "assign"})
    assert set(Claim.objects.filter(assigned_to=editor)) == {a, b}
    response = client.post(
        reverse("claims:claim_assignment"),
        {"claim": [a.pk], "action": "unassign"},
        HTTP_HX_REQUEST="true",
    )
    assert "assign to me" in response.content.decode()
    assert list(Claim.objects.filter(assigned_to=editor)) == [b]


def test_assign_without_ticks_says_so(editor):
    response = client_for(editor).post(
        reverse("claims:claim_assignment"), {"action": "assign"}, follow=True
    )
    assert b"Tick at least one claim" in response.content


# --- Claim ------------------------------------------------------------------------


@pytest.fixture
def reported():
    """A claim with a conflicting figure elsewhere in its story and a repeat in its own
    article, all of one quantity."""
    story = Story.objects.create(title="Market bombing")
    toll = {"measure": "deaths", "population": "people", "period": "event"}
    article = ArticleFactory(body="x" * 200, story=story)
    claim = ClaimFactory(
        article=article,
        start=10,
        end=22,
        sentence_start=0,
        sentence="Yesterday more than 80 people were killed, the monitor said.",
        attribution="Syrian Observatory",
        **toll,
    )
    ClaimFactory(article=article, start=100, end=112, **toll)  # the same figure again
    other = ClaimFactory(
        text="about 40",
        value=40,
        lower=None,
        upper=None,
        qualifier="approximate",
        start=0,
        end=8,
        sentence="About 40 people were killed.",
        article=ArticleFactory(
            title="Other outlet", source=SourceFactory(name="Other Wire"), story=story
        ),
        **toll,
    )
    story_refresh(story_id=story.pk)
    claim.refresh_from_db()
    tallies_recount()  # the factories write claims past the services that count them
    return claim, other


def test_claim_page_shows_sentence_with_figure_and_anchor(editor, reported):
    claim, _ = reported
    html = client_for(editor).get(claim.get_absolute_url()).content.decode()
    assert 'Yesterday <mark class="fig v-unreviewed"' in html
    assert ">more than 80</mark> people were killed" in html
    assert f'href="{claim.article.get_absolute_url()}#claim-{claim.pk}"' in html


def test_claim_page_shows_related_figures_side_by_side(editor, reported):
    claim, other = reported
    html = client_for(editor).get(claim.get_absolute_url()).content.decode()
    assert "Other Wire" in html
    assert 'class="relation r-conflicts"' in html
    assert 'class="relation r-agrees"' in html
    assert "same article" in html
    assert "−36" in html  # 40 × 1.1 = 44 is 36 below 80


def test_claim_page_shows_evidence_and_history(editor, reported):
    claim, _ = reported
    ReviewFactory(claim=claim, note="<i>checked</i> the report", reviewer=editor)
    Evidence.objects.create(
        claim=claim, url="https://example.org/report", stance="contradicts", quoted_figure="77"
    )
    html = client_for(editor).get(claim.get_absolute_url()).content.decode()
    assert "&lt;i&gt;checked&lt;/i&gt; the report" in html
    assert "https://example.org/report" in html
    assert "<q>77</q>" in html
    assert "contradicts the claim" in html


def test_claim_page_links_the_next_unreviewed_claim_in_queue_order(editor):
    first = ClaimFactory(checkworthiness=0.9)
    second = ClaimFactory(checkworthiness=0.5)
    ClaimFactory(checkworthiness=0.7, verdict=Claim.Verdict.FALSE)
    client = client_for(editor)
    assert client.get(first.get_absolute_url()).context["next_claim"] == second
    assert client.get(second.get_absolute_url()).context["next_claim"] is None


def test_claim_page_offers_apply_to_identical_only_with_repeats(editor, reported):
    claim, other = reported
    client = client_for(editor)
    assert b"identical figure" in client.get(claim.get_absolute_url()).content
    assert b"identical figure" not in client.get(other.get_absolute_url()).content


def test_claim_page_query_count_does_not_grow_with_related(
    editor, reported, django_assert_num_queries
):
    claim, other = reported
    client = client_for(editor)
    client.get(claim.get_absolute_url())
    with django_assert_num_queries(12):
        client.get(claim.get_absolute_url())
    for _ in range(5):
        ClaimFactory(article=ArticleFactory())
        ReviewFactory(claim=claim)
    with django_assert_num_queries(12):
        client.get(claim.get_absolute_url())


def test_review_saves_verdict_note_and_evidence(editor, reported):
    claim, _ = reported
    source = SourceFactory(name="OCHA")
    response = client_for(editor).post(
        reverse("claims:claim_review", args=[claim.pk]),
        {
            "verdict": "verified",
            "note": "Matches the monitor's own count.",
            "evidence_url": "https://example.org/ocha",
            "evidence_source": source.pk,
            "evidence_figure": "82 killed",
            "evidence_stance": "supports",
            "version": claim.version,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == claim.get_absolute_url()
    assert "Marked “Verified”." in response.content.decode()
    claim.refresh_from_db()
    assert claim.verdict == "verified"
    review = Review.objects.get(claim=claim)
    assert review.note == "Matches the monitor's own count."
    evidence = Evidence.objects.get(claim=claim)
    assert (evidence.source, evidence.quoted_figure) == (source, "82 killed")


def test_review_apply_to_identical_reaches_the_repeat(editor, reported):
    claim, _ = reported
    client_for(editor).post(
        reverse("claims:claim_review", args=[claim.pk]),
        {
            "verdict": "false",
            "evidence_stance": "supports",
            "apply_to_identical": "on",
            "version": claim.version,
        },
    )
    assert set(claim.article.claims.values_list("verdict", flat=True)) == {"false"}


def test_review_on_stale_version_shows_other_verdict_keeps_note(editor, other_editor, reported):
    claim, _ = reported
    loaded_version = claim.version
    client_for(other_editor).post(
        reverse("claims:claim_review", args=[claim.pk]),
        {"verdict": "false", "evidence_stance": "supports", "version": loaded_version},
    )
    response = client_for(editor).post(
        reverse("claims:claim_review", args=[claim.pk]),
        {
            "verdict": "verified",
            "note": "My careful note",
            "evidence_stance": "supports",
            "version": loaded_version,
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "Not saved: someone else got there first." in html
    assert "other_editor changed this claim" in html
    assert 'class="badge v-false">False</span> by <strong>other_editor</strong>' in html
    assert "My careful note</textarea>" in html
    assert f'name="version" value="{loaded_version + 1}"' in html
    claim.refresh_from_db()
    assert (claim.verdict, claim.reviewed_by) == ("false", other_editor)
    assert Review.objects.filter(claim=claim).count() == 1


def test_review_without_verdict_is_refused_with_note_kept(editor, reported):
    claim, _ = reported
    response = client_for(editor).post(
        reverse("claims:claim_review", args=[claim.pk]),
        {"note": "half done", "evidence_stance": "supports", "version": claim.version},
    )
    assert response.status_code == 400
    assert b"half done</textarea>" in response.content


def test_correction_changes_the_reading_and_records_it(editor, reported):
    claim, _ = reported
    response = client_for(editor).post(
        reverse("claims:claim_correction", args=[claim.pk]),
        {
            "value": "80",
            "lower": "80",
            "upper": "",
            "qualifier": "lower_bound",
            "unit": "Civilian ",
            "event": "kill",
            "trend": "",
            "attribution": "Syrian Observatory for Human Rights",
            "version": claim.version,
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.unit == "civilian"
    assert claim.attribution == "Syrian Observatory for Human Rights"
    assert "unit: people → civilian" in Review.objects.get(claim=claim).note


def test_correction_of_what_the_figure_measures_moves_it_to_its_quantity(editor, reported):
    claim, other = reported
    response = client_for(editor).post(
        reverse("claims:claim_correction", args=[claim.pk]),
        {
            "value": "80",
            "lower": "80",
            "upper": "",
            "qualifier": "lower_bound",
            "unit": "people",
            "event": "kill",
            "trend": "",
            "attribution": "Syrian Observatory",
            "measure": "injuries",
            "population": "Civilians ",
            "period": "event",
            "place": "",
            "version": claim.version,
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.measure, claim.population) == ("injuries", "civilians")
    assert claim.quantity.measure == "injuries"
    other.refresh_from_db()
    assert other.quantity_id != claim.quantity_id
    assert "measure: deaths → injuries" in Review.objects.get(claim=claim).note


def test_correction_on_stale_version_is_refused(editor, other_editor, reported):
    claim, _ = reported
    review_submit(claim_id=claim.pk, reviewer=other_editor, verdict="false", expected_version=1)
    response = client_for(editor).post(
        reverse("claims:claim_correction", args=[claim.pk]),
        {"value": "81", "lower": "81", "qualifier": "lower_bound", "unit": "people", "version": 1},
    )
    assert response.status_code == 409
    claim.refresh_from_db()
    assert claim.value == 80


def test_correction_with_bounds_reversed_is_refused(editor, reported):
    claim, _ = reported
    response = client_for(editor).post(
        reverse("claims:claim_correction", args=[claim.pk]),
        {"lower": "90", "upper": "10", "qualifier": "range", "version": claim.version},
    )
    assert response.status_code == 400
    assert b"lower bound is above the upper bound" in response.content


# --- Dashboard --------------------------------------------------------------------


def test_dashboard_shows_counts_charts_and_conflicts(editor, reported):
    claim, other = reported
    review_submit(claim_id=other.pk, reviewer=editor, verdict="verified", expected_version=1)
    html = client_for(editor).get(reverse("claims:dashboard")).content.decode()
    assert html.count("<svg") == 3
    assert "Claims by verdict" in html
    assert "Other Wire" in html
    assert f'href="{claim.get_absolute_url()}"' in html.split('id="conflicts"')[1]


def test_dashboard_bars_link_to_the_filtered_queue(editor, reported):
    claim, _ = reported
    html = client_for(editor).get(reverse("claims:dashboard")).content.decode()
    assert '<a href="/queue/?verdict=false">' in html
    assert f'<a href="/queue/?verdict=any&amp;source={claim.article.source_id}">' in html


def test_dashboard_query_count_is_fixed(editor, django_assert_num_queries):
    client = client_for(editor)
    client.get(reverse("claims:dashboard"))
    for rows in (1, 6):
        for i in range(rows):
            claim = ClaimFactory(article=ArticleFactory(), value=10 * i, lower=10 * i)
            ReviewFactory(claim=claim)
        tallies_recount()
        with django_assert_num_queries(10):
            client.get(reverse("claims:dashboard"))


def test_article_page_names_an_unknown_source_domain(editor, admin):
    article = ArticleFactory(source=None, url="https://www.new-outlet.example/story?id=1")
    text = client_for(editor).get(article.get_absolute_url()).content.decode()
    assert "new-outlet.example is not a known source; an admin can add it" in text
    admin_text = client_for(admin).get(article.get_absolute_url()).content.decode()
    assert "/admin/claims/source/add/?name=new-outlet.example" in admin_text


def test_article_page_known_source_shows_no_domain_notice(editor):
    article = ArticleFactory(url="https://known.example/story")
    text = client_for(editor).get(article.get_absolute_url()).content.decode()
    assert "is not a known source" not in text


def test_claim_page_next_claim_among_equal_scores_goes_down_the_ids(editor):
    """Queue order is (checkworthiness, id) descending: among claims of one score the
    next is the next lower id, and a lower score comes only after all of them."""
    low = ClaimFactory(checkworthiness=0.4)
    tied = [ClaimFactory(checkworthiness=0.5) for _ in range(3)]
    ClaimFactory(checkworthiness=0.5, verdict=Claim.Verdict.VERIFIED)
    higher = ClaimFactory(checkworthiness=0.6)
    client = client_for(editor)
    nexts = {
        claim.pk: client.get(claim.get_absolute_url()).context["next_claim"]
        for claim in [higher, *tied, low]
    }
    assert nexts == {
        higher.pk: tied[2],
        tied[2].pk: tied[1],
        tied[1].pk: tied[0],
        tied[0].pk: low,
        low.pk: None,
    }
