from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article, Source, SourceDomain

pytestmark = pytest.mark.django_db


def test_seed_loads_sources_and_article():
    call_command("seed", verbosity=0)
    article = Article.objects.get()
    assert article.title == "Trump warns Syria, Russia and Iran over Idlib offensive"
    assert article.source.name == "Middle East Eye"
    assert "more than 80 people" in article.body
    assert Source.objects.filter(name="Syrian Observatory for Human Rights").exists()
    assert SourceDomain.objects.get(domain="middleeasteye.net").source == article.source


def test_seed_twice_creates_no_duplicates(capsys):
    call_command("seed")
    counts = (Source.objects.count(), SourceDomain.objects.count(), Article.objects.count())
    call_command("seed")
    assert (Source.objects.count(), SourceDomain.objects.count(), Article.objects.count()) == counts
    assert "0 new of" in capsys.readouterr().out.splitlines()[-1]


def test_seed_bad_json_is_a_clear_error(tmp_path):
    (tmp_path / "sources.json").write_text("[{oops")
    (tmp_path / "articles.json").write_text("[]")
    with pytest.raises(CommandError, match="is not valid JSON"):
        call_command("seed", dir=tmp_path)


def test_seed_missing_article_file_is_a_clear_error_and_stores_nothing(tmp_path):
    (tmp_path / "sources.json").write_text(json.dumps([{"slug": "s", "name": "S"}]))
    (tmp_path / "articles.json").write_text(json.dumps([{"file": "missing.txt"}]))
    with pytest.raises(CommandError, match="Cannot read seed article"):
        call_command("seed", dir=tmp_path)
    assert not Source.objects.exists()
