"""Every editors' page on a phone and on a desktop: axe-core finds nothing critical or
serious, and at phone width nothing is wider than the screen.

axe-core is vendored under tests/vendor/ (from its npm package) and injected into each
page by the test; the app never serves it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from claims.models import Claim, Story, TakeoverNotice

from .conftest import PASSWORD
from .factories import ArticleFactory, ClaimFactory, ReviewFactory, SourceFactory, UserFactory
from .test_browser import CHROMIUM_ARGS, TIMEOUT_MS, browser  # noqa: F401 - the fixture

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE, DESKTOP = 390, 1440
# Set to a folder to keep a full-page screenshot and axe's findings for each page at
# each width.
SCREENSHOTS = os.environ.get("NEWSFACTS_SCREENSHOTS", "")
BLOCKING = {"critical", "serious"}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

assert CHROMIUM_ARGS  # the same launch flags as the other browser tests


def _story_url(story: Story) -> str | None:
    try:
        return story.get_absolute_url()
    except NoReverseMatch:
        return None


def _pages() -> dict[str, str | None]:
    """Every page an editor uses, with enough data that each shows its tables and charts."""
    editor = UserFactory(username="editor", editor=True)
    other = UserFactory(username="other_editor", editor=True)
    source = SourceFactory(name="Middle East Eye")
    body = (
        "Dozens dead in Idlib fighting\n\n"
        "At least 75 people were killed in the fighting in Idlib province since Monday, "
        "the Syrian Civil Defence said on Friday. Aid agencies said 2,000 families fled."
    )
    article = ArticleFactory(title="Dozens dead in Idlib fighting", body=body, source=source)
    start, end = body.index("At least"), body.index("Friday.") + len("Friday.")
    claim = ClaimFactory(
        article=article,
        text="At least 75",
        start=start,
        end=start + len("At least 75"),
        value=75,
        lower=75,
        sentence=body[start:end],
        sentence_start=start,
        sentence_end=end,
        assigned_to=editor,
        checkworthiness=0.9,
    )
    taken = ClaimFactory(
        article=ArticleFactory(source=SourceFactory(name="Civil Defence Wire")),
        text="40",
        value=40,
        lower=40,
        upper=40,
        qualifier=Claim.Qualifier.EXACT,
        sentence="Rescuers said 40 people were killed in the strikes.",
        sentence_start=100,
        start=114,
        end=116,
        assigned_to=other,
    )
    # "My claims" shows the editor a claim someone took over from them.
    TakeoverNotice.objects.create(claim=taken, previous_assignee=editor, taken_by=other)
    reviewed = ClaimFactory(article=article, text="2,000", unit="families", event="flee")
    ReviewFactory(claim=reviewed, reviewer=editor)
    Claim.objects.filter(pk=reviewed.pk).update(verdict=Claim.Verdict.VERIFIED, reviewed_by=editor)
    story = Story.objects.create(title="Idlib offensive", article_count=1)
    return {
        "login": None,
        "queue": reverse("claims:claim_queue"),
        "my-claims": reverse("claims:claim_queue") + "?mine=on",
        "claim": claim.get_absolute_url(),
        "article": article.get_absolute_url(),
        "story": _story_url(story),
        "submit": reverse("claims:article_submit"),
        "dashboard": reverse("claims:dashboard"),
    }


def _new_page(browser, width: int):  # noqa: F811 - the fixture's name
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context, context.new_page()


def _watch_csp(page) -> list[str]:
    """What the browser refused to load or run because of the Content-Security-Policy."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return blocked


def _axe(page) -> list[dict]:
    # Evaluated through the devtools protocol, which the page's own policy (no inline
    # script) does not govern: the page is checked exactly as editors get it.
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:10],
        }
        for v in result
    ]


@pytest.mark.parametrize("width", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize(
    "name", ["login", "queue", "my-claims", "claim", "article", "story", "submit", "dashboard"]
)
def test_page_has_no_serious_accessibility_violations(
    browser,  # noqa: F811 - the fixture
    live_server,
    name,
    width,
):
    url = _pages()[name]
    context, page = _new_page(browser, width)
    blocked = _watch_csp(page)
    try:
        page.goto(f"{live_server.url}/login/")
        if name != "login":
            if url is None:
                pytest.skip("There is no story page yet.")
            page.fill("#id_username", "editor")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(re.compile(r".*/queue/"))
            page.goto(f"{live_server.url}{url}")
        if SCREENSHOTS:
            page.screenshot(path=f"{SCREENSHOTS}/{name}-{width}.png", full_page=True)
        violations = _axe(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        found = {
            "blocking": [v for v in violations if v["impact"] in BLOCKING],
            "other": [f"{v['id']} ({v['impact']}) x{len(v['nodes'])}" for v in violations],
            "overflow_px": overflow,
        }
        if SCREENSHOTS:
            Path(SCREENSHOTS, f"{name}-{width}.axe.json").write_text(json.dumps(found, indent=1))
        assert found["blocking"] == [], json.dumps(found, indent=1)
        assert blocked == [], "the Content-Security-Policy blocked part of the page"
        # A phone shows the page without scrolling sideways.
        assert width != PHONE or overflow <= 0, json.dumps(found, indent=1)
    finally:
        context.close()


def test_admin_and_api_docs_work_under_the_csp(browser, live_server):  # noqa: F811
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    claim = ClaimFactory()
    context, page = _new_page(browser, DESKTOP)
    blocked = _watch_csp(page)
    try:
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(re.compile(r".*/admin/$"))
        page.goto(f"{live_server.url}/admin/claims/source/add/")
        # The admin's own scripts run: the slug is filled in from the name as one types.
        page.locator("#id_name").press_sequentially("Middle East Eye")
        assert page.input_value("#id_slug") == "middle-east-eye"
        page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
        page.locator("#claim_form").wait_for()
        page.goto(f"{live_server.url}/api/docs/")
        # Swagger UI draws the operations from the schema with its own scripts.
        page.locator(".opblock").first.wait_for()
        assert blocked == [], blocked
    finally:
        context.close()


def test_queue_on_a_phone_bulk_verdict_and_take_over(browser, live_server):  # noqa: F811
    editor = UserFactory(username="editor", editor=True)
    other = UserFactory(username="other_editor", editor=True)
    first, second = ClaimFactory(checkworthiness=0.9), ClaimFactory(checkworthiness=0.8)
    theirs = ClaimFactory(checkworthiness=0.1, assigned_to=other)
    context, page = _new_page(browser, PHONE)
    try:
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r".*/queue/"))
        # On a phone the filters are folded away and the claims come first.
        assert not page.locator("#id_q").is_visible()
        page.locator("#filters-fold summary").click()
        assert page.locator("#id_q").is_visible()

        page.check(f"#row-{first.pk} input[type=checkbox]")
        page.check(f"#row-{second.pk} input[type=checkbox]")
        page.click(".bulk-verdicts button[value=verified]")
        page.locator(".message.success", has_text="2 claims marked “Verified”.").wait_for()

        page.goto(f"{live_server.url}/queue/?verdict=any")
        page.click(f"#row-{theirs.pk} button[value=assign]")
        confirm = page.locator(f"#row-{theirs.pk} .confirm-inline")
        confirm.wait_for()
        assert "Assigned to other_editor" in confirm.inner_text()
        # The confirmation has the focus: Enter takes the claim over.
        page.wait_for_function("document.activeElement.closest('.confirm-inline') !== null")
        page.keyboard.press("Enter")
        page.locator(f"#row-{theirs.pk} .assignee", has_text="→ editor").wait_for()
        assert "/queue/" in page.url
    finally:
        context.close()
    for claim in (first, second, theirs):
        claim.refresh_from_db()
    assert (first.verdict, second.verdict) == ("verified", "verified")
    assert theirs.assigned_to == editor
    assert TakeoverNotice.objects.get().previous_assignee == other
