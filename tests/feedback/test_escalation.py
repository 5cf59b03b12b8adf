"""Response targets and escalation: due moments in the team's working hours, overdue in Python
and SQL, and the lead told once, in their language, by the scheduled command."""

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext

from community.models import Notification
from feedback import queries, routing_services, services
from feedback.models import FeedbackItem
from tests.factories import StaffFactory, TeamFactory, TouchpointFactory, triage_team

pytestmark = pytest.mark.django_db
OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture(autouse=True)
def _triage(db):
    return triage_team()


@pytest.fixture
def billing():
    team = TeamFactory(name="Billing", slug="billing", first_response_hours=8, resolution_hours=40,
                       time_zone="Europe/Oslo")
    team.lead = StaffFactory(staff=[team], preferred_language="nb", display_name="Ingrid")
    team.save()
    return team


def billing_item(team, *, created=None, comment="Fakturaen er feil"):
    """An item of the team's touchpoint, created at `created` (routing reads the creation time)."""
    answer = services.submit_answer(touchpoint=TouchpointFactory(owner_team=team), score=2, comment=comment,
                                    language="nb")
    item = FeedbackItem.objects.get(answer=answer)
    if created is not None:
        FeedbackItem.objects.filter(pk=item.pk).update(created_at=created)
        item.refresh_from_db()
        # Re-routing by hand sets the clock again, from the (backdated) creation time.
        other = TeamFactory()
        services.reroute_item(item=item, team=other, by=StaffFactory(is_superuser=True))
        services.reroute_item(item=item, team=team, by=StaffFactory(is_superuser=True))
        item.refresh_from_db()
    return item


def test_a_first_answer_asked_on_friday_afternoon_is_due_on_monday(billing):
    friday = datetime(2026, 12, 4, 15, 0, tzinfo=OSLO)
    item = billing_item(billing, created=friday)
    assert item.response_due_at == datetime(2026, 12, 7, 15, 0, tzinfo=OSLO)
    assert item.resolution_due_at == datetime(2026, 12, 11, 15, 0, tzinfo=OSLO)
    sunday = datetime(2026, 12, 6, 20, 0, tzinfo=OSLO)
    monday_late = datetime(2026, 12, 7, 15, 1, tzinfo=OSLO)
    assert not queries.is_overdue(item, sunday)
    assert queries.is_overdue(item, monday_late) and queries.response_overdue(item, monday_late)
    assert not FeedbackItem.objects.filter(queries.overdue_q(sunday)).exists()
    assert FeedbackItem.objects.filter(queries.overdue_q(monday_late)).get() == item

    assert routing_services.escalate_overdue(now=sunday) == 0
    assert routing_services.escalate_overdue(now=monday_late) == 1


def test_answered_and_closed_items_are_not_overdue(billing):
    item = billing_item(billing, created=timezone.now() - timedelta(days=30))
    services.change_item_status(item=item, to="acknowledged", by=billing.lead, response="We are on it.")
    item.refresh_from_db()
    assert item.first_response_at and not queries.response_overdue(item)
    assert queries.resolution_overdue(item)
    services.change_item_status(item=item, to="resolved", by=billing.lead, response="Fixed now.")
    item.refresh_from_db()
    assert not queries.is_overdue(item)
    assert not FeedbackItem.objects.filter(queries.overdue_q()).exists()


def test_the_lead_is_told_once_in_their_language(billing):
    item = billing_item(billing, created=timezone.now() - timedelta(days=10))
    out = StringIO()
    call_command("escalate_overdue", stdout=out)
    assert "1 overdue feedback item(s) escalated." in out.getvalue()
    notice = Notification.objects.get(kind="feedback_overdue")
    assert notice.recipient == billing.lead
    with translation.override("nb"):
        expected = gettext("Overdue: nobody has answered “{title}”").format(title=item.title)
    assert notice.title == expected and expected != f"Overdue: nobody has answered “{item.title}”"
    assert notice.key == f"feedback-overdue:{item.pk}:response"
    item.refresh_from_db()
    assert item.escalated_at is not None

    call_command("escalate_overdue", stdout=StringIO())  # again: nothing new
    FeedbackItem.objects.filter(pk=item.pk).update(escalated_at=None)  # even if the stamp were lost
    routing_services.escalate_overdue()
    assert Notification.objects.filter(kind="feedback_overdue").count() == 1


def test_a_team_without_a_lead_is_told_all_together():
    team = TeamFactory(name="TV", slug="tv")
    people = [StaffFactory(staff=[team]), StaffFactory(staff=[team])]
    billing_item(team, created=timezone.now() - timedelta(days=10))
    assert routing_services.escalate_overdue() == 1
    assert set(Notification.objects.filter(kind="feedback_overdue").values_list("recipient", flat=True)) == {
        p.pk for p in people}


def test_rerouting_to_another_team_lets_its_lead_be_told(billing):
    item = billing_item(billing, created=timezone.now() - timedelta(days=10))
    routing_services.escalate_overdue()
    network = TeamFactory(name="Network", slug="network")
    network.lead = StaffFactory(staff=[network])
    network.save()
    services.reroute_item(item=item, team=network, by=billing.lead)
    assert routing_services.escalate_overdue() == 1
    assert Notification.objects.filter(kind="feedback_overdue", recipient=network.lead).exists()


@pytest.mark.parametrize("size", [2, 20])
def test_escalating_costs_a_fixed_number_of_queries_per_batch(billing, size, django_assert_max_num_queries):
    from community.models import Member

    Member.objects.filter(pk=billing.lead_id).update(email_delivery="daily")  # e-mails are tasks of their own
    billing.lead.refresh_from_db()
    for _n in range(size):
        billing_item(billing)
    FeedbackItem.objects.update(created_at=timezone.now() - timedelta(days=20),
                                response_due_at=timezone.now() - timedelta(days=19))
    with django_assert_max_num_queries(16):  # one batch (savepoints included) and the empty look that ends it
        assert routing_services.escalate_overdue() == size
    assert Notification.objects.filter(kind="feedback_overdue").count() == size
