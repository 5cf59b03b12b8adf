"""seed_demo's feedback: a running beta with members, every kind of thread, replies and an internal
note; two touchpoints with about 200 answers over 90 days; added once."""

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.db.models import Count, F
from django.utils import timezone

from community.management.commands.seed_demo import STAFF, TEAM_HOURS, TEAMS, Command, verified_member
from community.models import Notification, Team
from community.services import grant_staff
from feedback import demo
from feedback.models import (
    FeedbackItem,
    InternalNote,
    Membership,
    Post,
    RoutingDecision,
    Thread,
    Touchpoint,
    TouchpointAnswer,
)
from feedback.pages import BetaProgramPage
from feedback.queries import overdue_q

pytestmark = pytest.mark.django_db


def test_demo_feedback_is_lived_in_and_added_once():
    # The people seed_demo makes, without its idea boards (tests/ideas/test_demo.py runs it all).
    Command(stdout=StringIO()).home_page()

    teams = {slug: Team.objects.get_or_create(slug=slug, defaults={"name": name, **TEAM_HOURS.get(slug, {})})[0]
             for name, slug, _ in TEAMS}
    for email, name, slugs in STAFF:
        member = verified_member(email, display_name=name)
        grant_staff(member, teams=[teams[s] for s in slugs])
        Team.objects.filter(pk=teams[slugs[0]].pk, lead__isnull=True).update(lead=member)
    for n, language in enumerate(["nb", "da", "sv", "nl", "en"] * 4):
        verified_member(f"c{n}@example.com", display_name=f"Customer {n}", preferred_language=language, plan="tv")
    out = StringIO()
    demo.seed(stdout=out, rng=random.Random(42))
    assert "9 beta threads and 200 NPS answers" in out.getvalue()

    beta = BetaProgramPage.objects.get(slug="new-tv-app")
    assert beta.has_started and not beta.has_ended
    assert Membership.objects.filter(programme=beta, state="active").count() == 12
    assert set(Thread.objects.filter(programme=beta).values_list("kind", flat=True)) == {"bug", "idea", "question", "praise"}
    assert Post.objects.filter(thread__programme=beta, by_staff=True).exists()
    assert Post.objects.filter(thread__programme=beta, by_staff=False).exists()
    assert InternalNote.objects.filter(item__programme=beta).count() == 1
    assert set(Touchpoint.objects.values_list("name", flat=True)) == {"Invoice", "App"}
    ages = [(timezone.now() - a.created_at).days for a in TouchpointAnswer.objects.all()]
    assert len(ages) == 200 and max(ages) <= 90 and max(ages) >= 60
    assert FeedbackItem.objects.filter(source="touchpoint", item_tags__tag__slug="invoice").exists()

    # Routed by the demo's rules through the real engine; answered, waiting, overdue, escalated.
    assert not FeedbackItem.objects.filter(team__isnull=True).exists()
    reasons = dict(RoutingDecision.objects.values_list("reason").annotate(n=Count("pk")))
    assert reasons.get("rule", 0) > 20 and reasons.get("owner", 0) > 20
    invoice = FeedbackItem.objects.filter(item_tags__tag__slug="invoice", source="touchpoint").first()
    assert invoice.team.slug == "billing"
    assert RoutingDecision.objects.filter(item=invoice, rule_name="Invoice questions").exists()
    now = timezone.now()
    items = FeedbackItem.objects.all()
    assert items.filter(first_response_at__isnull=False).count() > 10
    assert items.filter(status="resolved", resolved_at__lt=now - timedelta(days=7)).exists()
    overdue = items.filter(overdue_q(now))
    assert overdue.filter(escalated_at__isnull=False).exists() and overdue.filter(escalated_at__isnull=True).exists()
    assert not items.filter(response_due_at__lt=F("created_at")).exists()
    assert not items.filter(first_response_at__lt=F("created_at")).exists()
    assert Notification.objects.filter(kind="feedback_overdue", recipient__email=STAFF[0][0]).exists()

    again = StringIO()
    demo.seed(stdout=again, rng=random.Random(1))
    assert "nothing added" in again.getvalue()
    assert TouchpointAnswer.objects.count() == 200
