"""``manage.py reextract``: extraction again in bulk, keeping the reviewers' work."""

from __future__ import annotations

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims import services
from claims.models import Article, Claim

from .factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db


def _reextract(*args: str) -> str:
    out = StringIO()
    call_command("reextract", *args, stdout=out)
    return out.getvalue().strip()


def _statuses() -> dict[int, str]:
    return dict(Article.objects.values_list("pk", "status"))


def test_reextract_all_queues_every_article_it_may_and_says_what_it_skipped():
    done = ArticleFactory(status=Article.Status.EXTRACTED)
    failed = ArticleFactory(status=Article.Status.FAILED, attempts=3, last_error="OSError")
    fetching = ArticleFactory(status=Article.Status.FETCHING)
    foreign = ArticleFactory(status=Article.Status.UNSUPPORTED)

    output = _reextract("--all")

    assert output == (
        "2 articles queued for extraction. 2 skipped: being fetched or extracted right now, "
        "or not in English."
    )
    assert _statuses() == {
        done.pk: Article.Status.QUEUED,
        failed.pk: Article.Status.QUEUED,
        fetching.pk: Article.Status.FETCHING,
        foreign.pk: Article.Status.UNSUPPORTED,
    }
    failed.refresh_from_db()
    assert (failed.attempts, failed.last_error) == (0, "")


def test_reextract_since_takes_articles_added_on_or_after_the_day():
    old, new = ArticleFactory.create_batch(2)
    Article.objects.filter(pk=old.pk).update(created_at=datetime(2024, 4, 30, 23, 0, tzinfo=UTC))
    Article.objects.filter(pk=new.pk).update(created_at=datetime(2024, 5, 1, 8, 0, tzinfo=UTC))

    assert _reextract("--since", "2024-05-01") == "1 article queued for extraction."
    assert _statuses() == {old.pk: Article.Status.EXTRACTED, new.pk: Article.Status.QUEUED}


@pytest.mark.parametrize(
    ("stored", "older_than", "queued"),
    [
        ("1.2", "1.3", True),
        ("1.3", "1.3", False),
        # Numbers, not text: 1.10 is newer than 1.9.
        ("1.10", "1.9", False),
        ("1.9", "1.10", True),
        ("1.3+sm-3.8.0", "1.3", False),
        ("1.3+sm-3.8.0", "1.4", True),
        ("1", "1.0.1", True),
        # A version this command cannot read is taken as older than any it can.
        ("dev", "1.0", True),
        # Never extracted: no extractor to be older than.
        ("", "9.9", False),
    ],
)
def test_reextract_older_than_compares_versions_as_numbers(stored, older_than, queued):
    article = ArticleFactory(extractor_version=stored)
    _reextract("--older-than", older_than)
    expected = Article.Status.QUEUED if queued else Article.Status.EXTRACTED
    assert Article.objects.get(pk=article.pk).status == expected


def test_reextract_keeps_claims_with_a_verdict_and_replaces_the_others():
    text = "More than 80 people were killed in the strike, the ministry said."
    article = ArticleFactory(body=text, status=Article.Status.EXTRACTED)
    # Spans the extractor does not find in this text: one reviewed, one not.
    reviewed = ClaimFactory(article=article, start=0, end=4, text="More", verdict="verified")
    unreviewed = ClaimFactory(article=article, start=5, end=9, text="than")

    _reextract("--all")
    services.claims_extract_for_article(article_id=article.pk)

    article.refresh_from_db()
    assert article.status == Article.Status.EXTRACTED
    kept = Claim.objects.get(pk=reviewed.pk)
    assert (kept.verdict, kept.found_in_latest) == ("verified", False)
    assert not Claim.objects.filter(pk=unreviewed.pk).exists()
    assert Claim.objects.filter(article=article, found_in_latest=True).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "one of the arguments --all --since --older-than is required"),
        (("--all", "--since", "2024-05-01"), "not allowed with argument"),
        (("--since", "2024-13-45"), "'2024-13-45' is not a date; give it as YYYY-MM-DD"),
        (("--since", "yesterday"), "'yesterday' is not a date"),
        (("--older-than", "latest"), "'latest' is not an extractor version; give one such as"),
    ],
)
def test_reextract_bad_arguments_are_refused_clearly_and_change_nothing(args, message):
    article = ArticleFactory()
    with pytest.raises(CommandError, match=message):
        _reextract(*args)
    assert Article.objects.get(pk=article.pk).status == Article.Status.EXTRACTED
