"""A customer with some of everything, for the customer panel and the dashboard."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import FeedbackItem, TouchpointAnswer


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
