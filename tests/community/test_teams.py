"""Teams: who acts for which team, the triage team, and the working-hours clock."""

from datetime import UTC, datetime, time

import pytest
from django.core.exceptions import ValidationError

from community import teams
from community.models import Team
from tests.factories import MemberFactory, StaffFactory, TeamFactory, triage_team

pytestmark = pytest.mark.django_db


def oslo(*args) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/Oslo"))


@pytest.fixture
def billing():
    return TeamFactory(name="Billing", slug="billing", day_starts=time(8), day_ends=time(16), working_days="12345")


def test_a_target_counts_only_the_teams_working_hours(billing):
    # Friday 15:00 + 8 working hours: 1 hour on Friday, 7 on Monday (08–15).
    due = teams.add_working_hours(billing, oslo(2026, 12, 4, 15, 0), 8)
    assert due == oslo(2026, 12, 7, 15, 0).astimezone(UTC)
    # Before opening time the clock starts at opening.
    assert teams.add_working_hours(billing, oslo(2026, 12, 1, 6, 0), 2) == oslo(2026, 12, 1, 10, 0)
    # Saturday counts from Monday morning.
    assert teams.add_working_hours(billing, oslo(2026, 12, 5, 12, 0), 1) == oslo(2026, 12, 7, 9, 0)


def test_working_hours_between_skips_nights_and_weekends(billing):
    assert teams.working_hours_between(billing, oslo(2026, 12, 4, 15, 0), oslo(2026, 12, 7, 15, 0)) == 8
    assert teams.working_hours_between(billing, oslo(2026, 12, 7, 15, 0), oslo(2026, 12, 4, 15, 0)) == 0


def test_the_team_clock_uses_its_own_time_zone():
    team = TeamFactory(time_zone="America/New_York", day_starts=time(9), day_ends=time(17))
    start = datetime(2026, 12, 1, 13, 0, tzinfo=UTC)  # 08:00 in New York: opens at 09:00
    assert teams.add_working_hours(team, start, 1) == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("field, value", [("time_zone", "Mars/Olympus"), ("working_days", "1289"),
                                          ("working_days", "")])
def test_bad_team_settings_are_refused_with_a_message(field, value):
    team = Team(name="X", slug="x", **{field: value})
    with pytest.raises(ValidationError) as caught:
        team.full_clean()
    assert field in caught.value.message_dict


def test_members_and_site_admins_act_for_a_team_and_others_do_not(billing):
    network = TeamFactory(name="Network", slug="network")
    agent = StaffFactory(staff=[billing])
    other = StaffFactory(staff=[network])
    admin = StaffFactory(staff=[network], is_superuser=True)
    assert teams.acts_for(agent, billing.pk)
    assert not teams.acts_for(other, billing.pk)
    assert teams.acts_for(admin, billing.pk)
    assert not teams.acts_for(MemberFactory(), billing.pk)
    assert not teams.acts_for(agent, None)


def test_unowned_things_belong_to_triage_and_a_new_triage_team_is_seen_at_once():
    assert teams.owner_or_triage_id(None) is None
    triage = triage_team()
    assert teams.owner_or_triage_id(None) == triage.pk
    assert teams.owner_or_triage_id(7) == 7
    triage.delete()
    assert teams.owner_or_triage_id(None) is None
