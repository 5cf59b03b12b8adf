"""seed_demo's polls: an open poll, a closed one with results and a conclusion, an anonymous one and
one asked of a customer segment, all answered through the services, added once."""

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.utils import timezone
from wagtail.models import Page

from community.models import Member, Notification
from community.pages import HomePage
from ideas.polls.demo import seed
from ideas.polls.models import Ballot, PollState
from ideas.polls.pages import PollPage
from tests.factories import MemberFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_demo_polls_cover_every_case_once(django_capture_on_commit_callbacks):
    Page.get_first_root_node().add_child(instance=HomePage(title="Home", slug="home-demo"))
    for slug in ("billing", "mobile-app", "tv-broadband"):
        TeamFactory(slug=slug, name=slug).members.add(StaffFactory())
    today = timezone.localdate()
    for i in range(30):
        MemberFactory(email=f"demo{i}@example.com", plan=["broadband", "bundle", "mobile"][i % 3],
                      customer_since=today - timedelta(days=365 * (i % 8)))
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        seed(stdout=out, rng=random.Random(1))
    assert "Polls: 4 polls added." in out.getvalue()
    polls = {p.slug: p for p in PollPage.objects.all()}
    assert polls["app-next"].is_open and polls["new-invoice"].is_closed
    assert PollState.objects.get(poll=polls["new-invoice"]).conclusion_html
    assert Notification.objects.filter(kind="poll_result").exists()
    assert polls["price-plan"].anonymous and not Ballot.objects.filter(poll=polls["price-plan"], member__isnull=False).exists()
    segment_voters = Member.objects.filter(poll_ballots__poll=polls["router-upgrade"])
    assert segment_voters.exists() and not segment_voters.exclude(plan__in=["broadband", "bundle"]).exists()
    assert not Ballot.objects.filter(token__isnull=False, poll=polls["new-invoice"]).exists()
    again = StringIO()
    seed(stdout=again, rng=random.Random(1))
    assert "nothing added" in again.getvalue() and PollPage.objects.count() == 4
