"""A story page in a real Chromium: the quantity tables and charts, and editors' actions.

With NEWSFACTS_SCREENSHOT_DIR set, the page is also saved there as story.png (the
README's screenshot is made this way).
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from claims.models import Article, Story
from claims.services.stories import story_refresh

from .factories import ArticleFactory, ClaimFactory, SourceFactory, StoryFactory
from .test_browser import _editor, _log_in, browser  # noqa: F401 - the fixture is used

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONDAY = datetime(2016, 7, 18, 7, 30, tzinfo=UTC)

# (source, hours after the first report, title, [(sentence, figure, reading, measure fields)])
REPORTS = [
    (
        "Agence France-Presse",
        0,
        "Coalition strikes on Manbij kill at least 21 civilians, monitor says",
        [
            (
                "Air strikes by the US-led coalition killed at least 21 civilians in and around "
                "Manbij on Monday, the Syrian Observatory for Human Rights said.",
                "at least 21",
                {"qualifier": "lower_bound", "value": 21, "lower": 21},
                "deaths",
                "civilians",
                "Syrian Observatory for Human Rights",
            ),
            (
                "Among the dead were at least five children, the Observatory said.",
                "five",
                {"qualifier": "lower_bound", "value": 5, "lower": 5},
                "deaths",
                "children",
                "Syrian Observatory for Human Rights",
            ),
            (
                "Dozens more were wounded in the raids.",
                "Dozens",
                {"qualifier": "vague", "lower": 24, "upper": 99},
                "injuries",
                "people",
                "",
            ),
        ],
    ),
    (
        "Reuters",
        5,
        "U.S.-led strikes near Manbij kill 21 civilians: monitor",
        [
            (
                "The strikes killed 21 civilians, including seven children, in a northern "
                "district of Manbij and a nearby village, the monitor said.",
                "21",
                {"qualifier": "exact", "value": 21},
                "deaths",
                "civilians",
                "the Syrian Observatory",
            ),
            (
                "The strikes killed 21 civilians, including seven children, in a northern "
                "district of Manbij and a nearby village, the monitor said.",
                "seven",
                {"qualifier": "exact", "value": 7},
                "deaths",
                "children",
                "the Syrian Observatory",
            ),
            (
                "More than 30 people were wounded, a local activist said.",
                "More than 30",
                {"qualifier": "lower_bound", "value": 30, "lower": 30},
                "injuries",
                "people",
                "a local activist",
            ),
        ],
    ),
    (
        "Hawar News Agency",
        26,
        "Death toll from Manbij raids rises to 28",
        [
            (
                "The death toll from Monday's raids on Manbij has risen to 28 civilians, medics "
                "in the city said on Tuesday.",
                "28",
                {"qualifier": "exact", "value": 28},
                "deaths",
                "civilians",
                "medics in the city",
            ),
            (
                "Some 2,000 residents have fled the northern districts since Monday.",
                "Some 2,000",
                {"qualifier": "approximate", "value": 2000},
                "displaced",
                "people",
                "",
            ),
        ],
    ),
    (
        "SANA",
        30,
        "Coalition raids on Manbij kill civilians",
        [
            (
                "Eight civilians were killed in coalition raids on Manbij, the agency reported.",
                "Eight",
                {"qualifier": "exact", "value": 8},
                "deaths",
                "civilians",
                "",
            ),
        ],
    ),
]


def _manbij_story() -> Story:
    story = StoryFactory(title="Coalition air strikes on Manbij kill civilians")
    for index, (source, hours, title, figures) in enumerate(REPORTS):
        body = "\n\n".join(dict.fromkeys(f[0] for f in figures))
        article = ArticleFactory(
            story=story,
            title=title,
            body=body,
            source=SourceFactory(name=source),
            url=f"https://news{index}.example/2016/07/manbij-strikes",
            published_at=MONDAY + timedelta(hours=hours),
        )
        for sentence, text, reading, measure, population, attribution in figures:
            start = body.index(sentence)
            offset = sentence.index(text)
            ClaimFactory(
                article=article,
                text=text,
                start=start + offset,
                end=start + offset + len(text),
                sentence=sentence,
                sentence_start=start,
                sentence_end=start + len(sentence),
                value=reading.get("value"),
                lower=reading.get(
                    "lower", reading.get("value") if reading["qualifier"] == "exact" else None
                ),
                upper=reading.get(
                    "upper", reading.get("value") if reading["qualifier"] == "exact" else None
                ),
                qualifier=reading["qualifier"],
                unit={"civilians": "civilian", "children": "child"}.get(population, "people"),
                event="kill" if measure == "deaths" else measure,
                measure=measure,
                population=population,
                period="event" if measure != "displaced" else "window",
                attribution=attribution,
            )
    story_refresh(story_id=story.pk)
    return Story.objects.get(pk=story.pk)


def test_browser_story_page_tables_chart_and_editing(browser, live_server):  # noqa: F811
    _editor("editor")
    story = _manbij_story()
    elsewhere = StoryFactory(title="Battle for Manbij: SDF advance")
    ArticleFactory(story=elsewhere, published_at=MONDAY - timedelta(days=2))
    story_refresh(story_id=elsewhere.pk)

    context, page = _log_in(browser, live_server, "editor")
    page.goto(f"{live_server.url}{story.get_absolute_url()}")
    deaths = page.locator("article.quantity", has_text="Deaths · civilians").first
    assert "8–28" in deaths.locator("h2 .spread-label").inner_text()
    assert deaths.locator("svg[role=img] circle").count() == 4
    assert deaths.locator("table.figures tbody tr").count() == 4
    sana = deaths.locator("table.figures tbody tr", has_text="SANA")
    assert sana.locator(".relation").inner_text().lower() == "conflicts"
    hawar = deaths.locator("table.figures tbody tr", has_text="Hawar News Agency")
    assert hawar.locator(".relation").inner_text().lower() == "updates"
    assert page.locator("#story-conflicts").is_visible()

    target = os.environ.get("NEWSFACTS_SCREENSHOT_DIR")
    if target:
        page.screenshot(path=str(Path(target) / "story.png"), full_page=True)

    page.fill("#rename-form input[name=title]", "Manbij strikes, 18 July 2016")
    page.click("#rename-form button[type=submit]")
    page.wait_for_selector(".message.success")
    assert page.locator("#story-title").inner_text().startswith("Manbij strikes, 18 July 2016")

    sana_article = Article.objects.get(story=story, source__name="SANA")
    row = page.locator(f"#article-{sana_article.pk}")
    row.locator("input[name=story]").fill(str(elsewhere.pk))
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".message.success")
    assert re.search(r"moved to story #\d+", page.locator(".message.success").inner_text())
    assert page.locator(f"#article-{sana_article.pk}").count() == 0
    sana_article.refresh_from_db()
    assert sana_article.story_id == elsewhere.pk
    context.close()
