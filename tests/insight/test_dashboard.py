"""The team dashboard: who sees which team, figures against hand-computed fixtures, constant queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback import dashboard
from feedback import services as feedback_services
from feedback.models import FeedbackItem, ItemTag, Status
from ideas import services as idea_services
from ideas.models import Status as IdeaStatus
from tests.factories import (
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    TeamFactory,
    TouchpointFactory,
    make_board,
)
from tests.insight.conftest import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def billing(db):
    return TeamFactory(name="Billing", slug="billing")


@pytest.fixture
def network(db):
    return TeamFactory(name="Network", slug="network")


def item_for(team, *, created, first_response=None, resolved=None, status=Status.NEW, response_due=None):
    made = feedback_services.submit_answer(touchpoint=TouchpointFactory(owner_team=team), score=8)
    FeedbackItem.objects.filter(answer=made).update(
        team=team, created_at=created, first_response_at=first_response, resolved_at=resolved, status=status,
        response_due_at=response_due,
    )
    return FeedbackItem.objects.get(answer=made)


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("who, team, expected", [
    ("anonymous", "", 302), ("customer", "", 403), ("customer", "billing", 403),
    ("billing staff", "", 200), ("billing staff", "billing", 200), ("billing staff", "network", 404),
    ("staff on no team", "", 403), ("site admin", "", 200), ("site admin", "network", 200),
    ("billing staff", "²", 404), ("billing staff", "9" * 30, 404), ("billing staff", "\x00", 404),
], ids=lambda v: repr(v))
def test_who_sees_which_team(client, billing, network, who, team, expected):
    users = {
        "customer": lambda: MemberFactory(), "billing staff": lambda: StaffFactory(staff=[billing]),
        "staff on no team": lambda: _teamless(), "site admin": lambda: StaffFactory(is_superuser=True, staff=[network]),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    team_id = {"billing": billing.pk, "network": network.pk}.get(team, team)
    response = client.get(reverse("staff_dashboard"), {"team": team_id} if team else {})
    assert response.status_code == expected


def _teamless():
    staff = StaffFactory()
    staff.teams.clear()
    return staff


def test_a_team_sees_only_its_own_figures(client, billing, network):
    now = timezone.now()
    for _ in range(3):
        item_for(billing, created=now - timedelta(hours=2))
    item_for(network, created=now - timedelta(hours=2))
    client.force_login(StaffFactory(staff=[billing]))
    response = client.get(reverse("staff_dashboard"))
    assert response.context["open_total"] == 3
    client.force_login(StaffFactory(is_superuser=True))
    assert client.get(reverse("staff_dashboard")).context["open_total"] == 4
    assert client.get(reverse("staff_dashboard"), {"team": network.pk}).context["open_total"] == 1


# --- Figures ------------------------------------------------------------------------------------


def test_percentile_interpolates_like_percentile_cont():
    assert dashboard.percentile([1, 2, 3, 4, 10], 0.5) == 3
    assert dashboard.percentile([1, 2, 3, 4, 10], 0.9) == pytest.approx(7.6)
    assert dashboard.percentile([5], 0.9) == 5
    assert dashboard.percentile([], 0.5) is None


def test_response_time_median_and_p90_by_week(billing):
    """Five first responses this week after 1, 2, 3, 4 and 10 hours: median 3 h, p90 7.6 h (the
    continuous percentile, as PostgreSQL computes it); two were within their due time."""
    this_week = dashboard.weeks()[-1]
    answered_at = this_week + timedelta(hours=30)
    for i, hours in enumerate([1, 2, 3, 4, 10]):
        due = answered_at + timedelta(hours=1) if i < 2 else answered_at - timedelta(hours=1)
        item_for(billing, created=answered_at - timedelta(hours=hours), first_response=answered_at, response_due=due,
                 status=Status.ACKNOWLEDGED)
    last_week = this_week - timedelta(days=4)
    item_for(billing, created=last_week - timedelta(hours=6), first_response=last_week, status=Status.ACKNOWLEDGED)
    weeks = dashboard.response_times(frozenset([billing.pk]))
    assert len(weeks) == 12
    assert (weeks[-1].count, weeks[-1].median_hours, weeks[-1].p90_hours, weeks[-1].on_target) == (5, 3.0, 7.6, 2)
    assert (weeks[-2].count, weeks[-2].median_hours, weeks[-2].p90_hours) == (1, 6.0, 6.0)
    assert all(w.count == 0 and w.median_hours is None for w in weeks[:-2])
    assert dashboard.response_times(frozenset([0]))[-1].count == 0


def test_open_items_by_age(billing):
    now = timezone.now()
    for hours in (1, 5, 30, 100, 24 * 10, 24 * 40, 24 * 41):
        item_for(billing, created=now - timedelta(hours=hours))
    item_for(billing, created=now - timedelta(hours=1), status=Status.RESOLVED, resolved=now)
    assert [n for _label, n in dashboard.open_by_age(frozenset([billing.pk]), now=now)] == [2, 1, 1, 1, 2]


def test_nps_per_touchpoint_per_month(billing):
    touchpoint = TouchpointFactory(name="Invoice", owner_team=billing)
    for score in (10, 9, 9, 7, 3):  # 3 promoters, 1 detractor of 5: NPS 40
        answer(touchpoint, None, score)
    answer(TouchpointFactory(name="Elsewhere"), None, 0)
    rows = dashboard.nps_by_month(frozenset([billing.pk]))
    assert [r.name for r in rows] == ["Invoice"]
    assert rows[0].by_month[-1][1:] == (40, 5)
    assert rows[0].by_month[0][1:] == (None, 0)


def test_detractor_follow_up(billing):
    """An answered detractor who scored 3 and next 8 moved +5; an unanswered one 2 → 1 moved −1;
    a detractor who never answered again counts, but not in the change."""
    touchpoint = TouchpointFactory(name="Invoice", owner_team=billing)
    kari, ola, per = MemberFactory(), MemberFactory(), MemberFactory()
    first = answer(touchpoint, kari, 3, days_ago=20)
    FeedbackItem.objects.filter(answer=first).update(first_response_at=timezone.now() - timedelta(days=19))
    answer(touchpoint, kari, 8, days_ago=5)
    answer(touchpoint, ola, 2, days_ago=15)
    answer(touchpoint, ola, 1, days_ago=3)
    answer(touchpoint, per, 6, days_ago=2)
    answer(TouchpointFactory(owner_team=billing), kari, 10, days_ago=1)  # another touchpoint: not "next"
    (row,) = [r for r in dashboard.detractor_followups(frozenset([billing.pk])) if r.name == "Invoice"]
    assert (row.detractors, row.answered, row.answered_percent) == (4, 1, 25)
    assert (row.answered_change, row.answered_followed) == (5.0, 1)
    assert (row.unanswered_change, row.unanswered_followed) == (-1.0, 1)


def test_ideas_answered_and_waiting_per_board(billing, network):
    board = make_board(title="Billing board", owner_team=billing)
    ideas = [IdeaFactory(board=board) for _ in range(3)]
    idea_services.change_status(idea=ideas[0], to=IdeaStatus.by_slug("planned"), response="Planned for May.",
                                by=StaffFactory(staff=[billing]))
    IdeaFactory(board=make_board(title="Network board", owner_team=network))
    from ideas.queries import answers_by_board

    assert answers_by_board(frozenset([billing.pk])) == [{"title": "Billing board", "answered": 1, "waiting": 2}]


def test_top_tags_this_month(billing):
    from feedback.models import Tag

    invoice, roaming = Tag.objects.create(slug="invoice-x", name_en="Invoice X"), Tag.objects.create(slug="roam-x", name_en="Roam X")
    now = timezone.now()
    for tag in (invoice, invoice, roaming):
        ItemTag.objects.create(item=item_for(billing, created=now), tag=tag)
    old = item_for(billing, created=now - timedelta(days=70))
    ItemTag.objects.create(item=old, tag=roaming)
    top = {t.slug: t.n for t in dashboard.top_tags(frozenset([billing.pk]))}
    assert top["invoice-x"] == 2 and top["roam-x"] == 1


# --- Queries and the page -----------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 30])
def test_dashboard_runs_a_fixed_number_of_queries(client, billing, n, django_assert_max_num_queries):
    now = timezone.now()
    touchpoint = TouchpointFactory(owner_team=billing)
    board = make_board(owner_team=billing)
    for i in range(n):
        item_for(billing, created=now - timedelta(hours=i * 7), first_response=now - timedelta(hours=i),
                 resolved=now if i % 2 else None, status=Status.RESOLVED if i % 2 else Status.ACKNOWLEDGED)
        answer(touchpoint, MemberFactory(), i % 11, days_ago=i)
        IdeaFactory(board=board)
    client.force_login(StaffFactory(staff=[billing]))
    client.get(reverse("staff_dashboard"))
    with django_assert_max_num_queries(17):
        response = client.get(reverse("staff_dashboard"))
    page = response.content.decode()
    assert page.count('role="img"') >= 5 and page.count("<table") >= 5


def test_charts_escape_names(client, billing):
    touchpoint = TouchpointFactory(name="<script>alert(1)</script>", owner_team=billing)
    answer(touchpoint, None, 3)
    client.force_login(StaffFactory(staff=[billing]))
    page = client.get(reverse("staff_dashboard")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_triage_counts_the_items_no_team_owns_yet(billing):
    from tests.factories import triage_team

    now = timezone.now()
    item_for(None, created=now - timedelta(hours=2))
    item_for(billing, created=now - timedelta(hours=2))
    assert sum(n for _label, n in dashboard.open_by_age(frozenset([triage_team().pk]), now=now)) == 1
    assert sum(n for _label, n in dashboard.open_by_age(frozenset([billing.pk]), now=now)) == 1
