"""A customer with some of everything, for the customer panel and the dashboard."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import CustomerNumber, FeedbackItem, TouchpointAnswer
from ideas.polls import services as poll_services
from tests.factories import MemberFactory
from tests.polls.conftest import by_text, option

# A poll with a named choice and a free text, as customers answer them.
QUESTIONS = [("single", "Which plan?", "Cheap\nPremium", {}), ("text", "Why?", "", {"required": False})]


@pytest.fixture(autouse=True)
def _after_commit_at_once(request, monkeypatch):
    """Services' after-commit work (events, tasks) runs at once inside the test's transaction."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def answer(touchpoint, member, score, *, days_ago=0, comment=""):
    """A touchpoint answer by `member` (as if their signed reference named them), `days_ago` old."""
    from feedback import services

    made = services.submit_answer(touchpoint=touchpoint, score=score, comment=comment)
    when = timezone.now() - timedelta(days=days_ago)
    TouchpointAnswer.objects.filter(pk=made.pk).update(member=member, created_at=when)
    FeedbackItem.objects.filter(answer=made).update(author=member, created_at=when)
    made.refresh_from_db()
    return made


def cast(poll, member, label, why):
    """`member` answers a QUESTIONS poll: `label` for the plan, `why` as the reason."""
    q = by_text(poll)
    poll_services.cast_ballot(member=member, poll=poll, answers={
        q["Which plan?"].pk: [option(q["Which plan?"], label)], q["Why?"].pk: why})


def make_kari():
    """The customer the panel is about: attributes, a customer number, Norwegian."""
    kari = MemberFactory(display_name="Kari Nordmann", email="kari.member@example.com", plan="mobile",
                         region="Oslo", customer_since=timezone.localdate() - timedelta(days=800),
                         preferred_language="nb")
    CustomerNumber.objects.create(member=kari, number="100234")
    return kari


@pytest.fixture
def kari(db):
    return make_kari()
