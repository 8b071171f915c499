from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Article, Claim, Evidence, Feed, Review, Source, SourceDomain
from claims.services.review import claim_correct, review_submit

from .conftest import client_for
from .factories import (
    ArticleFactory,
    ClaimFactory,
    EvidenceFactory,
    ReviewFactory,
    SourceDomainFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [Source, Feed, Article, Claim, Review, Evidence]


@pytest.fixture
def sample_rows(admin):
    domain = SourceDomainFactory()
    Feed.objects.create(source=domain.source, url="https://outlet.example/feed.xml")
    claim = ClaimFactory(article__source=domain.source)
    ReviewFactory(claim=claim, reviewer=admin)
    EvidenceFactory(claim=claim, added_by=admin)
    return claim


def _changelist(model) -> str:
    return reverse(f"admin:claims_{model._meta.model_name}_changelist")


def _change(obj) -> str:
    return reverse(f"admin:claims_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_renders_for_admin(admin, sample_rows, model):
    response = client_for(admin).get(_changelist(model))
    assert response.status_code == 200
    assert response.context["cl"].result_count == model.objects.count() >= 1


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_change_page_renders_for_admin(admin, sample_rows, model):
    obj = model.objects.first()
    response = client_for(admin).get(_change(obj))
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_refused_to_editor(editor, sample_rows, model):
    response = client_for(editor).get(_changelist(model))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_change_page_refused_to_editor(editor, sample_rows, model):
    response = client_for(editor).get(_change(model.objects.first()))
    assert response.status_code == 302


def test_admin_review_history_cannot_be_edited(admin, sample_rows):
    review = Review.objects.first()
    response = client_for(admin).post(_change(review), {"note": "rewritten"})
    assert response.status_code == 403
    assert Review.objects.get(pk=review.pk).note != "rewritten"


def test_admin_source_domains_editable_inline(admin):
    response = client_for(admin).post(
        reverse("admin:claims_source_add"),
        {
            "name": "Example Wire",
            "slug": "example-wire",
            "kind": "wire_agency",
            "is_active": "on",
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-0-domain": "www.Example-Wire.org",
            "feeds-TOTAL_FORMS": "0",
            "feeds-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SourceDomain.objects.get().domain == "example-wire.org"


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_changelist_queries_do_not_grow_with_rows(admin, sample_rows, model):
    client = client_for(admin)
    few = _queries_for(client, _changelist(model))
    for _ in range(5):
        claim = ClaimFactory(article=ArticleFactory(source=SourceDomainFactory().source))
        Feed.objects.create(source=claim.article.source, url=f"https://f{claim.pk}.example/rss")
        ReviewFactory(claim=claim, reviewer=admin)
        EvidenceFactory(claim=claim, added_by=admin)
    many = _queries_for(client, _changelist(model))
    assert many == few


# --- Verdicts only through the claim page; history is kept ---------------------------


def _claim_admin_form(client, claim) -> dict:
    """The claim's admin change form as the browser would send it back."""
    form = client.get(_change(claim)).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    for prefix in ("evidence", "reviews"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_admin_claim_verdict_and_reading_are_read_only(admin):
    claim = ClaimFactory()
    client = client_for(admin)
    data = _claim_admin_form(client, claim)
    assert "verdict" not in data and "value" not in data and "version" not in data
    data.update({"verdict": "false", "value": "12", "unit": "cats"})
    response = client.post(_change(claim), data)
    assert response.status_code == 302
    claim.refresh_from_db()
    reading = (claim.verdict, claim.value, claim.unit, claim.version)
    assert reading == ("unreviewed", 80, "people", 1)
    assert not Review.objects.filter(claim=claim).exists()


def test_admin_claim_page_links_to_the_claim_page(admin):
    claim = ClaimFactory()
    html = client_for(admin).get(_change(claim)).content.decode()
    assert f'href="{claim.get_absolute_url()}"' in html


def test_admin_stale_claim_form_keeps_the_newer_verdict(admin, editor):
    claim = ClaimFactory()
    client = client_for(admin)
    data = _claim_admin_form(client, claim)
    review_submit(claim_id=claim.pk, reviewer=editor, verdict="false", expected_version=1)
    data["assigned_to"] = str(editor.pk)
    assert client.post(_change(claim), data).status_code == 302
    claim.refresh_from_db()
    assert (claim.verdict, claim.reviewed_by, claim.version) == ("false", editor, 2)
    assert claim.assigned_to == editor


def test_admin_cannot_add_claims(admin):
    assert client_for(admin).get(reverse("admin:claims_claim_add")).status_code == 403


def test_admin_article_with_reviewed_claims_cannot_be_deleted(admin, editor):
    claim = ClaimFactory()
    review_submit(claim_id=claim.pk, reviewer=editor, verdict="false", expected_version=1)
    url = reverse("admin:claims_article_delete", args=[claim.article_id])
    response = client_for(admin).post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "cannot be deleted: verdicts and corrections are kept" in response.content.decode()
    assert Article.objects.filter(pk=claim.article_id).exists()
    assert Review.objects.filter(claim=claim).count() == 1


def test_admin_bulk_delete_refuses_articles_with_reviewed_claims(admin, editor):
    reviewed = ClaimFactory()
    review_submit(claim_id=reviewed.pk, reviewer=editor, verdict="false", expected_version=1)
    untouched = ClaimFactory()
    response = client_for(admin).post(
        _changelist(Article),
        {
            "action": "delete_selected",
            "_selected_action": [reviewed.article_id, untouched.article_id],
            "post": "yes",
        },
    )
    assert response.status_code == 200
    assert f"Claim #{reviewed.pk} “more than 80”" in response.content.decode()
    assert "has a verdict history, which is always kept" in response.content.decode()
    assert Article.objects.count() == 2


def test_admin_article_without_history_can_be_deleted(admin):
    claim = ClaimFactory()
    url = reverse("admin:claims_article_delete", args=[claim.article_id])
    assert client_for(admin).post(url, {"post": "yes"}).status_code == 302
    assert not Claim.objects.exists()


def test_article_with_reviewed_claims_cannot_be_deleted_in_code(editor):
    claim = ClaimFactory()
    review_submit(claim_id=claim.pk, reviewer=editor, verdict="verified", expected_version=1)
    with pytest.raises(ProtectedError):
        claim.article.delete()
    with pytest.raises(ProtectedError):
        Article.objects.filter(pk=claim.article_id).delete()
    with pytest.raises(ProtectedError):
        Claim.objects.filter(pk=claim.pk).delete()
    assert Review.objects.filter(claim=claim).exists()


def test_claim_with_only_a_correction_keeps_its_history(editor):
    claim = ClaimFactory()
    claim_correct(claim_id=claim.pk, editor=editor, expected_version=1, unit="children")
    with pytest.raises(ProtectedError):
        claim.article.delete()


def test_account_that_reviewed_cannot_be_deleted(editor):
    claim = ClaimFactory()
    review_submit(claim_id=claim.pk, reviewer=editor, verdict="verified", expected_version=1)
    with pytest.raises(ProtectedError):
        editor.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE claims_review SET note = 'rewritten' WHERE id = %s",
        "UPDATE claims_review SET reviewer_id = NULL WHERE id = %s",
        "DELETE FROM claims_review WHERE id = %s",
    ],
    ids=["update", "unset-reviewer", "delete"],
)
def test_database_refuses_to_change_or_delete_a_review(editor, statement):
    claim = ClaimFactory()
    review_submit(claim_id=claim.pk, reviewer=editor, verdict="verified", expected_version=1)
    review = Review.objects.get(claim=claim)
    with (
        pytest.raises(IntegrityError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [review.pk])
    review.refresh_from_db()
    assert review.note == "" and review.reviewer == editor


def test_admin_article_with_a_verdict_but_no_history_entry_cannot_be_deleted(admin):
    claim = ClaimFactory(verdict=Claim.Verdict.FALSE)
    url = reverse("admin:claims_article_delete", args=[claim.article_id])
    response = client_for(admin).post(url, {"post": "yes"})
    assert "cannot be deleted: verdicts and corrections are kept" in response.content.decode()
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_admin_account_that_reviewed_is_kept_with_advice_to_deactivate(admin, editor):
    claim = ClaimFactory()
    review_submit(claim_id=claim.pk, reviewer=editor, verdict="false", expected_version=1)
    url = reverse("admin:auth_user_delete", args=[editor.pk])
    response = client_for(admin).post(url, {"post": "yes"})
    assert "deactivate the account" in response.content.decode()
    assert type(editor).objects.filter(pk=editor.pk).exists()
