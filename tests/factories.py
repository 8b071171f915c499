from __future__ import annotations

import importlib

import factory
from django.contrib.auth.models import Group, Permission, User

from claims.models import (
    Article,
    Claim,
    Evidence,
    Quantity,
    Review,
    Source,
    SourceDomain,
    Story,
    content_hash_for,
)


def editors_group() -> Group:
    """The Editors group, as its data migration makes it.

    Tests that flush the database (transactional tests) delete the group; the
    permissions come back with the flush, so the group is rebuilt from the same list.
    """
    group, _ = Group.objects.get_or_create(name="Editors")
    if not group.permissions.exists():
        migration = importlib.import_module("claims.migrations.0002_editors_group")
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="claims", codename__in=migration.EDITOR_PERMISSIONS
            )
        )
    return group


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def editor(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(editors_group())
        if create:
            obj.save()


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Outlet {n}")
    slug = factory.Sequence(lambda n: f"outlet-{n}")
    kind = Source.Kind.NEWS_OUTLET


class SourceDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDomain

    source = factory.SubFactory(SourceFactory)
    domain = factory.Sequence(lambda n: f"outlet{n}.example")


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article {n}")
    body = factory.Sequence(lambda n: f"Article number {n}: more than 80 people were killed.")
    content_hash = factory.LazyAttribute(lambda a: content_hash_for(a.body))
    source = factory.SubFactory(SourceFactory)
    origin = Article.Origin.PASTE
    status = Article.Status.EXTRACTED


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    article = factory.SubFactory(ArticleFactory)
    start = factory.Sequence(lambda n: n * 20)
    end = factory.LazyAttribute(lambda c: c.start + len(c.text))
    text = "more than 80"
    value = 80.0
    lower = 80.0
    upper = None
    qualifier = Claim.Qualifier.LOWER_BOUND
    kind = Claim.Kind.COUNT
    unit = "people"
    event = "kill"
    sentence = "More than 80 people were killed."
    sentence_start = 0
    sentence_end = 32
    checkworthiness = 0.8


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    claim = factory.SubFactory(ClaimFactory)
    reviewer = factory.SubFactory(UserFactory)
    from_verdict = Claim.Verdict.UNREVIEWED
    to_verdict = Claim.Verdict.VERIFIED
    note = "Checked against the monitor's own report."


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    added_by = factory.SubFactory(UserFactory)
    url = "https://example.org/report"
    stance = Evidence.Stance.SUPPORTS


class StoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Story

    title = factory.Sequence(lambda n: f"Story {n}")


class QuantityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quantity

    story = factory.SubFactory(StoryFactory)
    measure = Claim.Measure.DEATHS
    population = "people"
    period = Claim.Period.EVENT
