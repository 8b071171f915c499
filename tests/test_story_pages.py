"""Story pages, editors' story actions, and where stories show elsewhere in the app."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from claims.models import Article, Story

from .conftest import client_for
from .factories import ArticleFactory, ClaimFactory, QuantityFactory, SourceFactory, StoryFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2018, 2, 19, 8, tzinfo=UTC)
_URLS = itertools.count()


def _figure(
    article,
    quantity,
    *,
    text,
    qualifier="exact",
    value=None,
    lower=None,
    upper=None,
    attribution="",
    in_conflict=False,
    **extra,
):
    sentence = f"The toll reached {text} people, officials said."
    return ClaimFactory(
        article=article,
        quantity=quantity,
        measure=quantity.measure,
        population=quantity.population,
        period=quantity.period,
        text=text,
        qualifier=qualifier,
        value=value,
        lower=value if lower is None and qualifier == "exact" else lower,
        upper=value if upper is None and qualifier == "exact" else upper,
        attribution=attribution,
        in_conflict=in_conflict,
        sentence=sentence,
        sentence_start=0,
        sentence_end=len(sentence),
        start=18,
        end=18 + len(text),
        **extra,
    )


def _articles(story, count, *, start=MONDAY):
    return [
        ArticleFactory(
            story=story,
            title=f"Eastern Ghouta report {i}",
            url=f"https://news{i}.example/ghouta-{next(_URLS)}",
            source=SourceFactory(name=f"Outlet {story.pk}-{i}"),
            published_at=start + timedelta(hours=6 * i),
        )
        for i in range(count)
    ]


@pytest.fixture
def story():
    """Three outlets on one strike: 58 dead, then 70 (an update), and a lone 24 (conflict)."""
    story = StoryFactory(
        title="Air strikes on Eastern Ghouta",
        places=["Eastern Ghouta", "Douma"],
        first_published_at=MONDAY,
        last_published_at=MONDAY + timedelta(hours=12),
        article_count=3,
        conflict_count=1,
    )
    first, second, third = _articles(story, 3)
    deaths = QuantityFactory(story=story, has_conflict=True)
    _figure(first, deaths, text="58", value=58, attribution="the Observatory", in_conflict=True)
    _figure(second, deaths, text="70", value=70, attribution="civil defence", in_conflict=True)
    _figure(third, deaths, text="24", value=24, attribution="state media", in_conflict=True)
    injuries = QuantityFactory(story=story, measure="injuries")
    _figure(first, injuries, text="more than 200", qualifier="lower_bound", value=200, lower=200)
    return story


def _page(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# --- Permission tiers -------------------------------------------------------------

PAGES = ["claims:story_list", "claims:story_detail"]
ACTIONS = [
    "claims:story_rename",
    "claims:story_merge",
    "claims:story_split",
    "claims:story_article_move",
]


def _url(name, story):
    return reverse(name) if name == "claims:story_list" else reverse(name, args=[story.pk])


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_story_views_send_anonymous_to_login(name, story, anonymous):
    client = client_for(anonymous)
    url = _url(name, story)
    response = client.post(url) if name in ACTIONS else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_story_views_forbid_accounts_that_are_not_editors(name, story, api_consumer):
    client = client_for(api_consumer)
    url = _url(name, story)
    response = client.post(url, {"title": "Hijacked"}) if name in ACTIONS else client.get(url)
    assert response.status_code == 403
    assert Story.objects.get(pk=story.pk).title == "Air strikes on Eastern Ghouta"


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("who", ["editor", "other_editor", "admin"])
def test_story_pages_open_for_editors_and_admins(name, who, story, request):
    response = client_for(request.getfixturevalue(who)).get(_url(name, story))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["editor", "other_editor", "admin"])
def test_story_rename_allowed_for_editors_and_admins(who, story, request):
    client = client_for(request.getfixturevalue(who))
    response = client.post(reverse("claims:story_rename", args=[story.pk]), {"title": "Douma"})
    assert response.status_code == 302
    assert Story.objects.get(pk=story.pk).title == "Douma"


@pytest.mark.parametrize("name", ACTIONS)
def test_story_actions_need_the_csrf_token(name, story, editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(_url(name, story), {"title": "No token"})
    assert response.status_code == 403
    assert Story.objects.get(pk=story.pk).title == "Air strikes on Eastern Ghouta"


@pytest.mark.parametrize("name", PAGES)
def test_story_pages_refuse_post(name, story, editor):
    assert client_for(editor).post(_url(name, story)).status_code == 405


# --- The story page ---------------------------------------------------------------


def test_story_page_lists_articles_with_source_time_and_link(editor, story):
    html = _page(client_for(editor), story)
    for article in story.articles.select_related("source"):
        assert article.source.name in html
        assert f'href="{article.url}"' in html
        assert f'href="{article.get_absolute_url()}"' in html
    assert "19 Feb 2018 08:00" in html


def test_story_page_has_a_table_for_each_quantity_with_relations(editor, story):
    html = _page(client_for(editor), story)
    tables = re.findall(r'<table class="figures">.*?</table>', html, re.S)
    assert len(tables) == 2
    deaths = tables[0]  # the quantity in conflict comes first
    rows = re.findall(r"<tr class=\"[^\"]*\">.*?</tr>", deaths, re.S)
    assert len(rows) == 3
    assert "first report" in rows[0] and "the Observatory" in rows[0]
    assert 'r-updates">updates' in rows[1] and "civil defence" in rows[1]
    assert 'r-conflicts">conflicts' in rows[2] and "state media" in rows[2]
    assert "conflicts with #1, #2" in rows[2]
    assert "in-conflict" in rows[2]


def test_story_page_shows_spread_and_conflicts_at_a_glance(editor, story):
    html = _page(client_for(editor), story)
    assert (
        '<span class="spread-label" title="Lowest and highest figure reported">24–70</span>' in html
    )
    assert "1 quantity in conflict" in html
    assert "3 in conflict" in html


def test_story_page_chart_is_an_accessible_svg_without_links(editor, story):
    html = _page(client_for(editor), story)
    charts = re.findall(r"<svg class=\"chart chart-quantity\".*?</svg>", html, re.S)
    assert len(charts) == 2
    deaths = charts[0]
    assert 'role="img"' in deaths
    title_id = re.search(r'aria-labelledby="([^"]+)"', deaths).group(1)
    summary = "Deaths · people · one incident: 3 figures, from 24 to 70; 3 in conflict"
    assert f'<title id="{title_id}">{summary}</title>' in deaths
    assert "<a " not in deaths
    assert deaths.count("<circle") == 3
    assert deaths.count('class="mark-fig conflict"') == 3
    # An open bound ("more than 200") is drawn as a dashed bar to the top of the chart.
    assert 'class="bounds open"' in charts[1]


def test_story_page_chart_draws_bounds_as_bars():
    from claims.services.story_view import story_quantity_tables
    from claims.templatetags.story_charts import quantity_chart

    story = StoryFactory()
    (article,) = _articles(story, 1)
    quantity = QuantityFactory(story=story)
    _figure(article, quantity, text="between 50 and 60", qualifier="range", lower=50, upper=60)
    svg = str(quantity_chart(story_quantity_tables(story)[0]))
    bar = re.search(
        r'<rect class="bounds" x="[\d.]+" y="([\d.]+)" width="6" height="([\d.]+)"', svg
    )
    assert bar is not None
    height = float(bar.group(2))
    assert height > 10  # 50 to 60 on a 0..70 scale is a visible bar, not a dot
    assert "<circle" not in svg  # a range has no single value


def test_quantity_tables_give_each_row_its_source_however_the_figures_are_read():
    """Full claims (the claim page), plain values (the API) and a capped table (the
    story page) all give a row its article's source as (id, name, slug)."""
    from claims.services.story_view import story_quantity_tables

    story = StoryFactory()
    articles = _articles(story, 2)
    quantity = QuantityFactory(story=story)
    for article in articles:
        _figure(article, quantity, text="40", value=40)
    expected = [(a.source.pk, a.source.name, a.source.slug) for a in articles]
    for options in ({}, {"plain": True}, {"limit": 1}):
        (table,) = story_quantity_tables(story, **options)
        assert [row.source for row in table.figures] == expected, options
        assert [row.source_name for row in table.figures] == [a.source.name for a in articles]


def test_story_page_escapes_titles_and_sources(editor):
    story = StoryFactory(
        title="<script>alert(1)</script>", last_published_at=MONDAY, first_published_at=MONDAY
    )
    article = ArticleFactory(
        story=story, source=SourceFactory(name="<b>Bold</b> News"), published_at=MONDAY
    )
    _figure(article, QuantityFactory(story=story), text="12", value=12)
    html = _page(client_for(editor), story)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>Bold</b>" not in html


def test_story_page_query_count_does_not_grow_with_figures(
    editor, story, django_assert_num_queries, monkeypatch
):
    from claims import views

    # Small pages, so that both the listed and the unlisted figures and articles count.
    monkeypatch.setattr(views, "FIGURES_SHOWN", 4)
    monkeypatch.setattr(views, "STORY_ARTICLES_PAGE", 5)
    client = client_for(editor)
    client.get(story.get_absolute_url())
    with django_assert_num_queries(10):
        client.get(story.get_absolute_url())
    quantity = story.quantities.get(measure="deaths")
    for article in _articles(story, 6, start=MONDAY + timedelta(days=1)):
        _figure(article, quantity, text="80", value=80)
        _figure(
            article,
            QuantityFactory(story=story, population=f"group {article.pk}"),
            text="3",
            value=3,
        )
    for url in (
        story.get_absolute_url(),
        f"{story.get_absolute_url()}?quantity={quantity.pk}&page=2",
    ):
        with django_assert_num_queries(10):
            client.get(url)


def test_story_page_lists_the_first_and_latest_figures_and_links_them_all(
    editor, story, monkeypatch
):
    from claims import views

    monkeypatch.setattr(views, "FIGURES_SHOWN", 4)
    deaths = story.quantities.get(measure="deaths")
    for i, article in enumerate(_articles(story, 5, start=MONDAY + timedelta(days=1))):
        _figure(article, deaths, text=str(100 + i), value=100 + i)
    client = client_for(editor)
    html = _page(client, story)
    table = re.search(rf'id="quantity-{deaths.pk}".*?</article>', html, re.S).group(0)
    numbers = re.findall(r'<td class="num muted">(\d+)</td>', table)
    assert numbers == ["1", "6", "7", "8"]  # the first report and the three latest
    assert "4 of 8 figures listed" in table
    link = f"?quantity={deaths.pk}#quantity-{deaths.pk}"
    assert link in table
    # The chart still draws every figure, and the conflicts count them all.
    assert table.count("<circle") == 8
    full = client.get(story.get_absolute_url() + link.split("#")[0]).content.decode()
    table = re.search(rf'id="quantity-{deaths.pk}".*?</article>', full, re.S).group(0)
    assert re.findall(r'<td class="num muted">(\d+)</td>', table) == [str(n) for n in range(1, 9)]
    assert "figures listed" not in table
    assert "conflicts with #1, #2" in table
    # A row the short list leaves out (the lone 24) is still named by those it
    # conflicts with, and counted in the heading.
    assert "conflicts with #3" in html
    assert "3 in conflict" in html


def test_story_page_lists_articles_a_page_at_a_time(editor, story, monkeypatch):
    from claims import views

    monkeypatch.setattr(views, "STORY_ARTICLES_PAGE", 2)
    client = client_for(editor)
    first = _page(client, story)
    assert first.count('type="checkbox" name="article"') == 2
    assert "1–2 of 3" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    url = story.get_absolute_url()
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count('type="checkbox" name="article"') == 1
    assert "Eastern Ghouta report 2" in second and 'rel="prev"' in second
    # A page number that is not one shows the first page, not an error.
    for bad in ("x", "0", "-3", "9" * 30):
        response = client.get(url, {"page": bad, "quantity": bad})
        assert response.status_code == 200
        assert response.content.decode().count('type="checkbox" name="article"') == 2


def test_story_page_offers_nearby_stories_as_destinations(editor, story):
    near = StoryFactory(
        title="Shelling of Damascus", first_published_at=MONDAY, last_published_at=MONDAY
    )
    far = StoryFactory(
        title="Raqqa offensive",
        first_published_at=MONDAY - timedelta(days=90),
        last_published_at=MONDAY - timedelta(days=80),
    )
    html = _page(client_for(editor), story)
    assert f'<option value="{near.pk}">Shelling of Damascus</option>' in html
    assert "Raqqa offensive" not in html
    assert far.pk != near.pk


# --- Editors' actions through the page --------------------------------------------


def test_story_rename_from_the_page(editor, story):
    response = client_for(editor).post(
        reverse("claims:story_rename", args=[story.pk]), {"title": "Douma strike"}, follow=True
    )
    assert "The story is now called “Douma strike”." in response.content.decode()
    story.refresh_from_db()
    assert (story.title, story.title_edited) == ("Douma strike", True)


def test_story_merge_from_the_page_goes_to_the_remaining_story(editor, story):
    other = StoryFactory(title="Ghouta siege")
    _articles(other, 1)
    response = client_for(editor).post(
        reverse("claims:story_merge", args=[other.pk]), {"into": story.pk}
    )
    assert response["Location"] == story.get_absolute_url()
    assert not Story.objects.filter(pk=other.pk).exists()
    assert Story.objects.get(pk=story.pk).article_count == 4


def test_story_merge_into_a_missing_story_says_so_and_changes_nothing(editor, story):
    response = client_for(editor).post(
        reverse("claims:story_merge", args=[story.pk]), {"into": story.pk + 99}, follow=True
    )
    assert "That story no longer exists" in response.content.decode()
    assert Article.objects.filter(story=story).count() == 3


def test_story_merge_without_a_story_number_is_an_error_message(editor, story):
    response = client_for(editor).post(
        reverse("claims:story_merge", args=[story.pk]), {"into": "abc"}, follow=True
    )
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()


def test_story_split_from_the_page(editor, story):
    first, second, third = story.articles.order_by("published_at")
    response = client_for(editor).post(
        reverse("claims:story_split", args=[story.pk]),
        {"article": [third.pk], "title": "State media report"},
    )
    third.refresh_from_db()
    assert third.story_id != story.pk
    assert response["Location"] == third.story.get_absolute_url()
    assert third.story.title == "State media report"
    assert third.story_placed_by == editor


def test_story_move_from_the_page_stays_on_the_story(editor, story):
    other = StoryFactory(title="Ghouta siege")
    _articles(other, 1)
    article = story.articles.first()
    response = client_for(editor).post(
        reverse("claims:story_article_move", args=[story.pk]),
        {"article": article.pk, "story": other.pk},
    )
    assert response["Location"] == story.get_absolute_url()
    article.refresh_from_db()
    assert (article.story_id, article.story_placed_by) == (other.pk, editor)


def test_story_move_of_an_article_from_another_story_is_refused(editor, story):
    other = StoryFactory()
    (stranger,) = _articles(other, 1)
    response = client_for(editor).post(
        reverse("claims:story_article_move", args=[story.pk]),
        {"article": stranger.pk, "story": story.pk},
        follow=True,
    )
    assert "not in this story any more" in response.content.decode()
    stranger.refresh_from_db()
    assert stranger.story_id == other.pk


# --- The story list ---------------------------------------------------------------


def _stories(count, *, conflict_every=0):
    made = []
    for i in range(count):
        moment = MONDAY - timedelta(hours=i)
        made.append(
            StoryFactory(
                title=f"Story {i}",
                first_published_at=moment,
                last_published_at=moment,
                conflict_count=1 if conflict_every and i % conflict_every == 0 else 0,
            )
        )
    return made


def test_story_list_newest_first_with_keyset_pages(editor):
    made = _stories(53)
    client = client_for(editor)
    first = client.get(reverse("claims:story_list"))
    assert [s.pk for s in first.context["stories"]] == [s.pk for s in made[:50]]
    second = client.get(first.context["next_url"])
    assert [s.pk for s in second.context["stories"]] == [s.pk for s in made[50:]]
    assert second.context["next_url"] is None


def test_story_list_filters_stories_with_conflicts(editor):
    made = _stories(6, conflict_every=3)
    response = client_for(editor).get(reverse("claims:story_list"), {"conflict": "on"})
    assert [s.pk for s in response.context["stories"]] == [made[0].pk, made[3].pk]


@pytest.mark.parametrize(
    "cursor", ["nonsense", "2018-02-30T00:00:00_5", "_", "2018-02-01T00:00:00_" + "9" * 40]
)
def test_story_list_ignores_a_cursor_it_cannot_read(editor, cursor):
    _stories(2)
    response = client_for(editor).get(reverse("claims:story_list"), {"after": cursor})
    assert response.status_code == 200
    assert len(response.context["stories"]) == 2


def test_story_list_query_count_is_fixed(editor, django_assert_num_queries):
    _stories(3)
    client = client_for(editor)
    client.get(reverse("claims:story_list"))
    with django_assert_num_queries(5):
        client.get(reverse("claims:story_list"))
    _stories(30)
    with django_assert_num_queries(5):
        client.get(reverse("claims:story_list"))


# --- Stories elsewhere ------------------------------------------------------------


def test_claim_page_related_figures_are_the_same_quantity_only(editor, story):
    deaths = story.quantities.get(measure="deaths")
    claim = deaths.claims.order_by("value").first()  # the 24
    unrelated = ClaimFactory(measure="deaths", text="500", value=500)  # same words, no story
    response = client_for(editor).get(claim.get_absolute_url())
    related = {r.claim.pk for r in response.context["related"]}
    assert related == set(deaths.claims.exclude(pk=claim.pk).values_list("pk", flat=True))
    assert unrelated.pk not in related


def test_claim_page_shows_the_story_other_quantities_collapsed(editor, story):
    claim = story.quantities.get(measure="deaths").claims.first()
    html = client_for(editor).get(claim.get_absolute_url()).content.decode()
    details = re.search(r'<details class="other-quantities".*?</details>', html, re.S).group(0)
    assert "open" not in details.split(">")[0]
    assert "Injuries · people · one incident" in details
    assert "≥ 200" in details
    assert "Deaths" not in details


def test_claim_page_query_count_with_a_story_is_fixed(editor, story, django_assert_num_queries):
    claim = story.quantities.get(measure="deaths").claims.first()
    client = client_for(editor)
    client.get(claim.get_absolute_url())
    with django_assert_num_queries(13):
        client.get(claim.get_absolute_url())
    injuries = story.quantities.get(measure="injuries")
    for article in _articles(story, 4, start=MONDAY + timedelta(days=1)):
        _figure(article, injuries, text="300", value=300)
    with django_assert_num_queries(13):
        client.get(claim.get_absolute_url())


def test_article_page_links_its_story(editor, story):
    article = story.articles.first()
    html = client_for(editor).get(article.get_absolute_url()).content.decode()
    assert f'Story: <a href="{story.get_absolute_url()}">Air strikes on Eastern Ghouta</a>' in html


def test_dashboard_lists_stories_with_conflicts_newest_first(editor, story):
    older = StoryFactory(
        title="Older conflict",
        conflict_count=2,
        first_published_at=MONDAY - timedelta(days=3),
        last_published_at=MONDAY - timedelta(days=3),
    )
    StoryFactory(
        title="Calm story",
        conflict_count=0,
        first_published_at=MONDAY,
        last_published_at=MONDAY + timedelta(days=1),
    )
    response = client_for(editor).get(reverse("claims:dashboard"))
    assert [s.pk for s in response.context["figures"].conflicting_stories] == [story.pk, older.pk]
    assert "Calm story" not in response.content.decode()


def test_story_page_names_a_few_conflicting_figures_and_counts_the_rest():
    from claims.services.story_view import story_quantity_tables

    story = StoryFactory()
    quantity = QuantityFactory(story=story)
    articles = _articles(story, 8)
    for article in articles[:7]:
        _figure(article, quantity, text="10", value=10)
    _figure(articles[7], quantity, text="500", value=5)  # lower and later: conflicts with all
    (table,) = story_quantity_tables(story)
    assert table.figures[-1].conflicts_label == "#1, #2, #3, #4, #5 and 2 more"
    assert table.figures[0].conflicts_label == "#8"


def test_claim_page_other_quantities_show_a_few_figures_and_link_the_rest(editor, story):
    claim = story.quantities.get(measure="deaths").claims.first()
    injuries = story.quantities.get(measure="injuries")
    for article in _articles(story, 9, start=MONDAY + timedelta(days=1)):
        _figure(article, injuries, text="40", value=40, in_conflict=True)
    html = client_for(editor).get(claim.get_absolute_url()).content.decode()
    details = re.search(r'<details class="other-quantities".*?</details>', html, re.S).group(0)
    assert details.count("<li>") == 8
    assert "and 2 more on" in details
    assert f"{story.get_absolute_url()}#quantity-{injuries.pk}" in details
    # The stored conflict flags are shown; the pairs are not compared on this page.
    assert 'r-conflicts">conflicts' in details
