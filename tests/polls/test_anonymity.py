"""Anonymous polls: one ballot per member, yet no staff-reachable page, export, API or admin
tells who chose what, and the tables themselves hold no link between a member and a ballot."""

import json

import pytest
from django.contrib import admin
from django.db import models
from django.test import override_settings

from ideas.polls import services
from ideas.polls.models import Answer, Ballot, Participation, ballot_token
from tests.factories import MemberFactory, StaffFactory, make_poll
from tests.polls.conftest import by_text, option

pytestmark = pytest.mark.django_db

QUESTIONS = [
    ("single", "Which plan?", "Cheap\nPremium", {}),
    ("text", "Why?", "", {"required": False}),
]


@pytest.fixture
def anonymous_poll(db):
    return make_poll(questions=QUESTIONS, anonymous=True, results_visibility="always", title="Secret poll")


def vote(poll, member, label, why=""):
    q = by_text(poll)
    services.cast_ballot(
        member=member, poll=poll, answers={q["Which plan?"].pk: [option(q["Which plan?"], label)], q["Why?"].pk: why}
    )


def test_no_staff_page_export_api_or_admin_tells_who_chose_what(anonymous_poll, client):
    kari = MemberFactory(display_name="Kari Nordmann", plan="mobile", region="Oslo")
    ola = MemberFactory(display_name="Ola Hansen", plan="tv", region="Bergen")
    vote(anonymous_poll, kari, "Cheap", "Because Kari likes cheap")
    vote(anonymous_poll, ola, "Premium", "Ola wants premium")
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)

    page = client.get(anonymous_poll.url).content.decode()
    csv = b"".join(client.get(f"/polls/{anonymous_poll.pk}/results.csv").streaming_content).decode()
    api = json.dumps(client.get(f"/api/v1/polls/{anonymous_poll.pk}/").json())
    for text in (page, csv, api):
        assert "Kari Nordmann" not in text and "Ola Hansen" not in text
        assert str(kari.email) not in text and str(ola.email) not in text
    # Staff read the free-text answers, masked and without names.
    assert "Ola wants premium" in page and "Ola wants premium" in csv
    assert '"member"' not in api

    # Neither admin lists ballots, answers or who answered.
    for model in (Ballot, Answer, Participation):
        assert not admin.site.is_registered(model)
    from wagtail.admin.viewsets import viewsets

    assert not any(getattr(v, "model", None) in (Ballot, Answer, Participation) for v in viewsets.viewsets)
    for url in ("/django-admin/polls/ballot/", "/django-admin/polls/answer/", "/django-admin/polls/participation/"):
        assert client.get(url).status_code == 404


def test_the_tables_hold_no_link_between_a_member_and_their_ballot(anonymous_poll):
    members = MemberFactory.create_batch(3)
    for member, label in zip(members, ["Cheap", "Premium", "Cheap"], strict=True):
        vote(anonymous_poll, member, label)
    assert Participation.objects.filter(poll=anonymous_poll).count() == 3
    ballots = Ballot.objects.filter(poll=anonymous_poll)
    assert ballots.count() == 3 and not ballots.filter(member__isnull=False).exists()
    # No order and no time to pair the n-th participation with the n-th ballot: random ids, no dates.
    for model in (Ballot, Answer):
        assert isinstance(model._meta.pk, models.UUIDField)
    for model in (Ballot, Answer, Participation):
        assert not any(isinstance(f, (models.DateTimeField, models.DateField)) for f in model._meta.get_fields()
                       if getattr(f, "concrete", False))
    # The token is keyed by the server's secret: from the tables alone it is not computable.
    import hashlib

    plain = hashlib.sha256(f"{anonymous_poll.pk}:{members[0].pk}".encode()).hexdigest()
    assert not ballots.filter(token=plain).exists()
    with override_settings(SECRET_KEY="someone-elses-guess-of-the-secret-key-0123456789"):
        guessed = ballot_token(anonymous_poll.pk, members[0].pk)
    assert not ballots.filter(token=guessed).exists()


def test_a_member_changes_their_anonymous_ballot_until_close_then_the_link_is_erased(anonymous_poll):
    from datetime import timedelta

    from django.utils import timezone

    from ideas.polls.pages import PollPage

    member = MemberFactory()
    vote(anonymous_poll, member, "Cheap")
    vote(anonymous_poll, member, "Premium")
    assert list(Answer.objects.filter(option__isnull=False).values_list("option__label", flat=True)) == ["Premium"]
    assert Ballot.objects.count() == 1
    PollPage.objects.filter(pk=anonymous_poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    services.run_schedule()
    assert not Ballot.objects.filter(token__isnull=False).exists()
    anonymous_poll.refresh_from_db()
    assert services.ballot_of(member, anonymous_poll) is None


def test_bands_of_an_anonymous_poll_never_show_a_group_under_five(anonymous_poll, client):
    lonely = MemberFactory(display_name="Only Finnmark", region="Finnmark")
    vote(anonymous_poll, lonely, "Premium")
    for member in MemberFactory.create_batch(5, region="Oslo"):
        vote(anonymous_poll, member, "Cheap")
    client.force_login(StaffFactory())
    page = client.get(anonymous_poll.url).content.decode()
    assert "Finnmark" not in page
