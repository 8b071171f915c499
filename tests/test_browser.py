"""The editors' app in a real Chromium, against a live server and a real Celery worker.

Skipped where Debian's Chromium is not installed; in CI (services required) a missing
browser fails the run instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from claims.models import Article, Claim, Source
from claims.services import article_submit

from .conftest import PASSWORD, services_required
from .factories import ClaimFactory, UserFactory
from .worker import require_worker_database, running_worker, wait_until

CHROMIUM = os.environ.get("NEWSFACTS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SEED_ARTICLE = Path(settings.BASE_DIR) / "seeds" / "articles" / "000_fa4020dd23cd1524.txt"
TIMEOUT_MS = 60_000

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    message = f"Chromium is not installed at {CHROMIUM} (apt install chromium)"
    if services_required():
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own ORM calls
    # are still plain synchronous calls, one at a time.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def worker(transactional_db):
    require_worker_database()
    with running_worker() as process:
        yield process


def _editor(username: str):
    return UserFactory(username=username, editor=True)


def _log_in(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{live_server.url}/queue/")
    assert "/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/queue/"))
    return context, page


def test_browser_submit_review_and_dashboard(browser, live_server, worker):
    _editor("editor")
    Source.objects.create(name="Middle East Eye", slug="middle-east-eye")
    civil_defence = Source.objects.create(name="Civil Defence Wire", slug="civil-defence-wire")
    related = article_submit(
        # The same clashes as the seed article's, so both land in one story, and "at
        # least 75 killed since Monday" measures what its "more than 80" does.
        text=(
            "Dozens dead as Syrian forces pound Idlib\n\n"
            "At least 75 people were killed on both sides in clashes between Syrian "
            "government forces and armed groups in Idlib province since Monday, the Syrian "
            "Civil Defence said on Friday, as US President Donald Trump warned Syria, Russia "
            "and Iran over the offensive."
        ),
        title="Dozens dead as Syrian forces pound Idlib",
        source=civil_defence,
        origin=Article.Origin.PASTE,
    ).article
    wait_until(
        lambda: Article.objects.get(pk=related.pk).is_done, what="the related article's claims"
    )

    context, page = _log_in(browser, live_server, "editor")
    page.click("text=Submit")
    page.fill("#id_title", "Trump warns Syria, Russia and Iran over Idlib offensive")
    page.select_option("#paste #id_source", label="Middle East Eye")
    page.fill("#id_text", SEED_ARTICLE.read_text(encoding="utf-8"))
    page.click("#paste button[type=submit]")

    # The article page follows the extraction live: the claims appear without a reload.
    page.wait_for_url(re.compile(r".*/articles/\d+/"))
    assert page.locator(".message.success").is_visible()
    figure = page.locator("#article-live .body-text mark", has_text="more than 80")
    figure.wait_for(timeout=120_000)
    assert page.locator(".claim-list li").count() >= 5

    figure.locator("a").click()
    page.wait_for_url(re.compile(r".*/claims/\d+/"))
    assert page.locator(".figure-title").inner_text() == "more than 80"
    related_row = page.locator("#related tbody tr", has_text="Civil Defence Wire")
    assert related_row.locator(".relation").inner_text().lower() == "agrees"
    assert "75" in related_row.locator("td.other").inner_text()

    page.keyboard.press("v")  # picks "Verified" and puts the cursor in the note
    page.keyboard.type("Matches the Observatory's own report of 82 deaths.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(".message.success")
    assert page.locator("#current-verdict").inner_text() == "Verified"
    history = page.locator("#history li").first.inner_text()
    assert "editor" in history
    assert "Unreviewed" in history and "Verified" in history
    assert "Matches the Observatory's own report of 82 deaths." in history

    page.click("text=Dashboard")
    page.wait_for_url(re.compile(r".*/dashboard/"))
    assert page.locator(".stat", has_text="reviewed").locator(".stat-n").inner_text() == "1"
    assert page.locator("svg.chart-bars title", has_text="Verified: 1").count() == 1
    context.close()


def test_browser_second_editor_sees_the_stale_version_refused(browser, live_server):
    _editor("editor")
    _editor("other_editor")
    claim = ClaimFactory(
        sentence="More than 80 people were killed, the monitor said.",
        start=0,
        end=12,
        sentence_start=0,
    )
    first_context, first = _log_in(browser, live_server, "editor")
    second_context, second = _log_in(browser, live_server, "other_editor")
    for page in (first, second):
        page.goto(f"{live_server.url}{claim.get_absolute_url()}")

    first.check("input[name=verdict][value=verified]")
    first.click("#verdict-form button[type=submit]")
    first.wait_for_selector(".message.success")

    second.check("input[name=verdict][value=false]")
    second.fill("#id_note", "The monitor later revised it down.")
    second.click("#verdict-form button[type=submit]")
    refusal = second.locator(".stale-box")
    refusal.wait_for()
    text = refusal.inner_text()
    assert "Not saved" in text
    assert "Verified" in text
    assert "editor" in text
    assert second.input_value("#id_note") == "The monitor later revised it down."
    claim.refresh_from_db()
    assert claim.verdict == Claim.Verdict.VERIFIED
    first_context.close()
    second_context.close()


def test_browser_queue_keyboard_verdicts(browser, live_server):
    user = _editor("editor")
    top = ClaimFactory(checkworthiness=0.9, sentence="Top claim sentence.")
    second = ClaimFactory(checkworthiness=0.5, sentence="Second claim sentence.")
    context, page = _log_in(browser, live_server, "editor")
    assert page.locator("#queue tr.qrow").first.get_attribute("class").count("selected") == 1

    page.keyboard.press("f")  # the top row is selected when the page opens
    page.locator(f"#row-{top.pk}.just-reviewed").wait_for()
    # The selection moves on to the next row after a verdict.
    page.locator(f"#row-{second.pk}.selected").wait_for()
    page.keyboard.press("a")
    page.locator(f"#row-{second.pk} .assignee").wait_for()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf".*/claims/{second.pk}/"))

    top.refresh_from_db()
    second.refresh_from_db()
    assert (top.verdict, top.reviewed_by) == (Claim.Verdict.FALSE, user)
    assert second.assigned_to == user
    context.close()
