"""Two staff re-routing one item at once, and two escalation runs at once (PostgreSQL)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.models import Notification
from community.rules import NotAllowed
from feedback import routing_services, services
from feedback.models import FeedbackItem, RoutingDecision
from tests.factories import StaffFactory, TeamFactory, TouchpointFactory, triage_team
from tests.ideas.test_concurrency import require_postgresql, run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def _item(team):
    answer = services.submit_answer(touchpoint=TouchpointFactory(owner_team=team), score=2, comment="Feil")
    return FeedbackItem.objects.get(answer=answer)


def test_two_reroutes_of_one_version_one_wins_the_other_is_told():
    require_postgresql()
    triage_team()
    billing, network, tv = (TeamFactory(slug=s, name=s) for s in ("billing", "network", "tv"))
    item = _item(billing)
    agents = StaffFactory.create_batch(2, staff=[billing])
    seen = item.version
    errors, _results = run_together([
        (lambda a=a, t=t: services.reroute_item(item=FeedbackItem.objects.get(pk=item.pk), team=t, by=a,
                                                expected_version=seen))
        for a, t in zip(agents, (network, tv), strict=True)
    ])
    assert len(errors) == 1 and isinstance(errors[0], NotAllowed)
    assert RoutingDecision.objects.filter(item=item, reason="manual").count() == 1


def test_two_escalation_runs_at_once_tell_the_lead_once():
    require_postgresql()
    triage_team()
    billing = TeamFactory(slug="billing", name="Billing")
    billing.lead = StaffFactory(staff=[billing])
    billing.save()
    for _n in range(5):
        _item(billing)
    FeedbackItem.objects.update(response_due_at=timezone.now() - timedelta(days=1))
    errors, results = run_together([routing_services.escalate_overdue, routing_services.escalate_overdue])
    assert not errors and sum(results) == 5
    assert Notification.objects.filter(kind="feedback_overdue", recipient=billing.lead).count() == 5
