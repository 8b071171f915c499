"""Assignment that holds: take-overs and verdicts on someone else's claim are confirmed,
the previous assignee is told, and bulk verdicts report each row."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim, Review, TakeoverNotice
from claims.services.review import claims_assign, review_submit, reviews_submit_bulk

from .conftest import client_for
from .factories import ClaimFactory

pytestmark = pytest.mark.django_db

ASSIGN = reverse("claims:claim_assignment")
BULK = reverse("claims:claim_bulk_verdict")
QUEUE = reverse("claims:claim_queue")


# --- Services -----------------------------------------------------------------------


def test_claims_assign_leaves_someone_elses_claim_without_take_over(editor, other_editor):
    theirs = ClaimFactory(assigned_to=other_editor)
    free = ClaimFactory()
    assert claims_assign(claim_ids=[theirs.pk, free.pk], user=editor) == 1
    theirs.refresh_from_db()
    assert theirs.assigned_to == other_editor
    assert not TakeoverNotice.objects.exists()


def test_claims_assign_take_over_tells_the_previous_assignee(editor, other_editor):
    theirs = ClaimFactory(assigned_to=other_editor)
    assert claims_assign(claim_ids=[theirs.pk], user=editor, take_over=True) == 1
    theirs.refresh_from_db()
    assert theirs.assigned_to == editor
    notice = TakeoverNotice.objects.get()
    assert (notice.claim, notice.previous_assignee, notice.taken_by) == (
        theirs,
        other_editor,
        editor,
    )


def test_reviews_submit_bulk_reports_a_stale_row_and_saves_the_others(editor, other_editor):
    first, stale, third = ClaimFactory.create_batch(3)
    seen = {c.pk: c.version for c in (first, stale, third)}
    review_submit(
        claim_id=stale.pk, reviewer=other_editor, verdict="false", expected_version=stale.version
    )
    result = reviews_submit_bulk(reviewer=editor, verdict="verified", versions=seen)
    assert {c.pk for c in result.applied} == {first.pk, third.pk}
    assert [pk for pk, _ in result.stale] == [stale.pk]
    assert "other_editor" in str(result.stale[0][1])
    verdicts = dict(Claim.objects.values_list("pk", "verdict"))
    assert verdicts == {first.pk: "verified", stale.pk: "false", third.pk: "verified"}
    # Each saved row has its own history entry.
    assert Review.objects.filter(reviewer=editor).count() == 2


# --- Taking over --------------------------------------------------------------------


def test_assign_someone_elses_claim_asks_first_and_changes_nothing(editor, other_editor):
    theirs = ClaimFactory(assigned_to=other_editor, text="more than 80")
    response = client_for(editor).post(
        ASSIGN, {"claim": [theirs.pk], "action": "assign", "next": f"{QUEUE}?verdict=any"}
    )
    assert response.status_code == 409
    html = response.content.decode()
    # Confirming comes back to the same queue page.
    assert f'name="next" value="{QUEUE}?verdict=any"' in html
    assert "Take over claims assigned to someone else?" in html
    assert f"Claim #{theirs.pk} “more than 80” is assigned to other_editor." in html
    assert 'name="confirm" value="yes"' in html
    theirs.refresh_from_db()
    assert theirs.assigned_to == other_editor


def test_assign_from_a_queue_row_asks_in_the_row(editor, other_editor):
    theirs = ClaimFactory(assigned_to=other_editor)
    response = client_for(editor).post(
        ASSIGN, {"claim": [theirs.pk], "action": "assign"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert f'id="row-{theirs.pk}"' in html
    assert "Take it over" in html
    theirs.refresh_from_db()
    assert theirs.assigned_to == other_editor


def test_confirmed_take_over_assigns_and_notifies_in_my_claims(editor, other_editor):
    theirs = ClaimFactory(assigned_to=other_editor, text="more than 80")
    response = client_for(editor).post(
        ASSIGN, {"claim": [theirs.pk], "action": "assign", "confirm": "yes"}, follow=True
    )
    assert "1 claim assigned to you." in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.assigned_to == editor

    mine = client_for(other_editor).get(QUEUE, {"mine": "on"}).content.decode()
    assert "Taken over from you" in mine
    assert f"claim #{theirs.pk} “more than 80”" in mine
    assert "<strong>editor</strong> took over" in mine

    client_for(other_editor).post(reverse("claims:takeover_notices_seen"))
    assert "Taken over from you" not in client_for(other_editor).get(QUEUE).content.decode()


def test_row_of_someone_elses_claim_offers_take_over_not_assign(editor, other_editor):
    ClaimFactory(assigned_to=other_editor)
    html = client_for(editor).get(QUEUE).content.decode()
    assert "take over</button>" in html
    assert "assign to me</button>" not in html


# --- Verdicts on someone else's claim -----------------------------------------------


def test_verdict_form_on_someone_elses_claim_asks_first(editor, other_editor):
    theirs = ClaimFactory(assigned_to=other_editor)
    url = reverse("claims:claim_review", args=[theirs.pk])
    client = client_for(editor)
    data = {
        "verdict": "false",
        "note": "The monitor revised it.",
        "evidence_stance": "supports",
        "version": theirs.version,
    }
    response = client.post(url, data)
    assert response.status_code == 409
    html = response.content.decode()
    assert "this claim is assigned to other_editor" in html
    assert "Save verdict anyway" in html
    assert "The monitor revised it." in html  # what the editor wrote is kept
    theirs.refresh_from_db()
    assert theirs.verdict == Claim.Verdict.UNREVIEWED

    response = client.post(url, {**data, "confirm_other_assignee": "on"})
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert (theirs.verdict, theirs.assigned_to) == (Claim.Verdict.FALSE, other_editor)


def test_verdict_form_on_my_own_or_a_free_claim_does_not_ask(editor):
    for claim in (ClaimFactory(assigned_to=editor), ClaimFactory()):
        response = client_for(editor).post(
            reverse("claims:claim_review", args=[claim.pk]),
            {"verdict": "verified", "evidence_stance": "supports", "version": claim.version},
        )
        assert response.status_code == 302


def test_quick_verdict_on_someone_elses_claim_asks_in_the_row(editor, other_editor):
    theirs = ClaimFactory(assigned_to=other_editor)
    url = reverse("claims:claim_quick_verdict", args=[theirs.pk])
    client = client_for(editor)
    data = {"verdict": "false", "version": theirs.version}
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Mark it “False” anyway" in html
    assert 'name="confirm_other_assignee" value="on"' in html
    theirs.refresh_from_db()
    assert theirs.verdict == Claim.Verdict.UNREVIEWED

    client.post(url, {**data, "confirm_other_assignee": "on"}, HTTP_HX_REQUEST="true")
    theirs.refresh_from_db()
    assert theirs.verdict == Claim.Verdict.FALSE


def test_quick_verdict_without_htmx_asks_on_a_page(editor, other_editor):
    theirs = ClaimFactory(assigned_to=other_editor)
    response = client_for(editor).post(
        reverse("claims:claim_quick_verdict", args=[theirs.pk]),
        {"verdict": "false", "version": theirs.version},
    )
    assert response.status_code == 409
    assert "Give a verdict on someone else&#x27;s claim?" in response.content.decode()


# --- Bulk verdicts ------------------------------------------------------------------


def _bulk(claims, verdict="verified", **extra):
    data = {"verdict": verdict, "claim": [c.pk for c in claims], "next": QUEUE}
    data.update({f"version-{c.pk}": c.version for c in claims})
    data.update(extra)
    return data


def test_bulk_verdict_marks_every_ticked_row(editor):
    claims = ClaimFactory.create_batch(3)
    response = client_for(editor).post(BULK, _bulk(claims), follow=True)
    assert "3 claims marked “Verified”." in response.content.decode()
    assert set(Claim.objects.values_list("verdict", flat=True)) == {"verified"}
    assert Review.objects.filter(reviewer=editor, to_verdict="verified").count() == 3


def test_bulk_verdict_reports_a_stale_row_and_applies_the_others(editor, other_editor):
    claims = ClaimFactory.create_batch(3)
    data = _bulk(claims, verdict="misleading")
    stale = claims[1]
    review_submit(
        claim_id=stale.pk, reviewer=other_editor, verdict="false", expected_version=stale.version
    )
    response = client_for(editor).post(BULK, data, follow=True)
    html = response.content.decode()
    assert "2 claims marked “Misleading”." in html
    assert f"Claim #{stale.pk} not changed: other_editor changed this claim" in html
    verdicts = dict(Claim.objects.values_list("pk", "verdict"))
    assert verdicts[stale.pk] == "false"
    assert [verdicts[claims[0].pk], verdicts[claims[2].pk]] == ["misleading", "misleading"]


def test_bulk_verdict_on_someone_elses_claims_asks_first(editor, other_editor):
    free = ClaimFactory()
    theirs = ClaimFactory(assigned_to=other_editor)
    client = client_for(editor)
    response = client.post(BULK, _bulk([free, theirs]))
    assert response.status_code == 409
    html = response.content.decode()
    assert f"Claim #{theirs.pk}" in html and "is assigned to other_editor" in html
    assert f'name="version-{theirs.pk}" value="{theirs.version}"' in html
    assert 'name="confirm_other_assignee" value="yes"' in html
    assert set(Claim.objects.values_list("verdict", flat=True)) == {"unreviewed"}

    client.post(BULK, _bulk([free, theirs], confirm_other_assignee="yes"))
    assert set(Claim.objects.values_list("verdict", flat=True)) == {"verified"}


def test_bulk_verdict_without_ticks_or_version_says_so(editor):
    claim = ClaimFactory()
    client = client_for(editor)
    response = client.post(BULK, {"verdict": "verified", "next": QUEUE}, follow=True)
    assert "Tick at least one claim first." in response.content.decode()
    response = client.post(BULK, {"verdict": "verified", "claim": [claim.pk]}, follow=True)
    assert f"Claim #{claim.pk} not changed: reload the queue" in response.content.decode()
    claim.refresh_from_db()
    assert claim.verdict == Claim.Verdict.UNREVIEWED


def test_queue_rows_carry_their_version_for_the_bulk_form(editor):
    claim = ClaimFactory()
    html = client_for(editor).get(QUEUE).content.decode()
    assert f'name="version-{claim.pk}" value="{claim.version}" form="bulk"' in html
    assert f'formaction="{BULK}"' in html


@pytest.mark.parametrize("url", [ASSIGN, BULK, reverse("claims:takeover_notices_seen")])
def test_assignment_actions_need_an_editor(url, api_consumer, anonymous):
    assert client_for(anonymous).post(url).status_code == 302
    assert client_for(api_consumer).post(url).status_code == 403
