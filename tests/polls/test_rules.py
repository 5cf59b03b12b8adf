"""Who may answer a poll and see its results: one matrix per rule."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ideas.polls import rules, services
from ideas.polls.pages import PollPage
from tests.factories import MemberFactory, StaffFactory, make_poll, make_segment
from tests.polls.conftest import by_text, option

pytestmark = pytest.mark.django_db

OPEN = {}
CLOSED = {"opens_at": timezone.now() - timedelta(days=3), "closes_at": timezone.now() - timedelta(days=1)}


def person(who):
    return {
        "visitor": lambda: AnonymousUser(),
        "unverified": lambda: MemberFactory(verified=False),
        "member": lambda: MemberFactory(),
        "answered": lambda: MemberFactory(),
        "staff": lambda: StaffFactory(),
    }[who]()


def answer(poll, member):
    q = by_text(poll)["Which first?"]
    services.cast_ballot(member=member, poll=poll, answers={q.pk: [option(q, "Better coverage")]})


@pytest.mark.parametrize(
    ("results", "times", "who", "allowed"),
    [
        (PollPage.Results.ALWAYS, OPEN, "visitor", True),
        (PollPage.Results.ALWAYS, OPEN, "member", True),
        (PollPage.Results.AFTER_ANSWER, OPEN, "visitor", False),
        (PollPage.Results.AFTER_ANSWER, OPEN, "member", False),
        (PollPage.Results.AFTER_ANSWER, OPEN, "answered", True),
        (PollPage.Results.AFTER_ANSWER, OPEN, "staff", True),
        (PollPage.Results.AFTER_ANSWER, CLOSED, "member", True),
        (PollPage.Results.AFTER_CLOSE, OPEN, "answered", False),
        (PollPage.Results.AFTER_CLOSE, OPEN, "staff", True),
        (PollPage.Results.AFTER_CLOSE, CLOSED, "visitor", True),
        (PollPage.Results.STAFF, OPEN, "answered", False),
        (PollPage.Results.STAFF, CLOSED, "member", False),
        (PollPage.Results.STAFF, CLOSED, "staff", True),
    ],
)
def test_who_sees_results(results, times, who, allowed):
    poll = make_poll(results_visibility=results)
    viewer = person(who)
    if who == "answered":
        answer(poll, viewer)
    if times:
        PollPage.objects.filter(pk=poll.pk).update(**times)
        poll.refresh_from_db()
    assert rules.can_see_results(viewer, poll) is allowed
    if not allowed:
        assert rules.why_not_see_results(viewer, poll)


@pytest.mark.parametrize(
    ("who", "plan", "allowed"),
    [
        ("visitor", "", False),
        ("unverified", "broadband", False),
        ("member", "mobile", False),
        ("member", "broadband", True),
        ("staff", "", False),  # staff are not customers in the segment either
        ("staff", "broadband", True),
    ],
)
def test_who_may_answer_a_segment_poll(who, plan, allowed):
    poll = make_poll(audience="segment", segment=make_segment(plans=["broadband"]))
    viewer = person(who)
    if plan and viewer.is_authenticated:
        viewer.plan = plan
        viewer.save()
    assert rules.can_answer(viewer, poll) is allowed


def test_a_private_poll_is_invisible_and_unanswerable(db):
    from wagtail.models import PageViewRestriction

    poll = make_poll()
    PageViewRestriction.objects.create(page=poll, restriction_type=PageViewRestriction.PASSWORD, password="x")
    member = MemberFactory()
    assert not rules.can_view_poll(member, poll)
    assert rules.why_not_answer(member, poll) == "You cannot answer this poll."
    assert not rules.can_see_results(StaffFactory(), poll)


def test_outsiders_hear_why_results_wait_for_the_close(db):
    poll = make_poll(audience="segment", segment=make_segment(plans=["broadband"]))
    outsider = MemberFactory(plan="mobile")
    assert "once it closes" in rules.why_not_see_results(outsider, poll)
