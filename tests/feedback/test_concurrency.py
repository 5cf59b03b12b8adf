"""Many members joining a full-ish beta at once, staff admitting waves at once: capacity holds."""

import pytest

from community.rules import NotAllowed
from feedback import services
from feedback.models import Membership
from tests.factories import MemberFactory, StaffFactory, make_programme
from tests.ideas.test_concurrency import require_postgresql, run_together

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_capacity_holds_when_many_join_at_once():
    require_postgresql()
    programme = make_programme(capacity=3)
    members = MemberFactory.create_batch(10)
    errors, _results = run_together([
        (lambda m=m: services.join_programme(member=m, programme=programme)) for m in members
    ])
    assert Membership.objects.filter(programme=programme, state="active").count() == 3
    assert len(errors) == 7 and all(isinstance(e, NotAllowed) for e in errors)


def test_two_waves_at_once_never_exceed_capacity():
    require_postgresql()
    programme = make_programme(enrolment="apply", capacity=5)
    for member in MemberFactory.create_batch(12):
        Membership.objects.create(programme=programme, member=member, state="applied")
    staff = StaffFactory.create_batch(2)
    errors, _results = run_together([
        (lambda s=s: services.admit_wave(programme=programme, by=s, size=4)) for s in staff
    ])
    assert not errors
    assert Membership.objects.filter(programme=programme, state="active").count() == 5
