"""The Wagtail admin's team form: response targets, working hours, time zone, lead and triage."""

import pytest
from django.urls import reverse

from community.models import Team
from tests.factories import StaffFactory, TeamFactory, triage_team

pytestmark = pytest.mark.django_db


def team_form(team, **changes):
    data = {"name": team.name, "slug": team.slug, "description": "", "members": [m.pk for m in team.members.all()],
            "lead": "", "time_zone": "Europe/Oslo", "working_days": "12345", "day_starts": "08:00",
            "day_ends": "16:00", "first_response_hours": "8", "resolution_hours": "40"}
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


def test_an_admin_sets_a_teams_targets_hours_and_lead(admin_client):
    team = TeamFactory(name="Billing", slug="billing")
    lead = StaffFactory(staff=[team])
    response = admin_client.post(reverse("team:edit", args=[team.pk]), team_form(
        team, lead=lead.pk, time_zone="Europe/Stockholm", working_days="123456", day_starts="07:30",
        day_ends="19:00", first_response_hours="4", resolution_hours="24"))
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.lead, team.time_zone, team.working_days, team.first_response_hours, team.resolution_hours) == (
        lead, "Europe/Stockholm", "123456", 4, 24)


@pytest.mark.parametrize(("changes", "message"), [
    ({"time_zone": "Mars/Olympus"}, "Unknown time zone"),
    ({"working_days": "12389"}, "Use the digits 1 to 7"),
    ({"day_starts": "17:00"}, "The working day must end after it starts."),
    ({"first_response_hours": "-3"}, "greater than or equal to 0"),
    ({"lead": "outsider"}, "The lead must be a member of the team."),
    ({"is_triage": "on"}, "Another team is the triage team already"),
])
def test_bad_team_settings_are_refused_in_the_admin(admin_client, changes, message):
    triage_team()
    team = TeamFactory(name="Network", slug="network")
    StaffFactory(staff=[team])
    if changes.get("lead") == "outsider":
        changes = {"lead": StaffFactory(staff=[TeamFactory()]).pk}
    response = admin_client.post(reverse("team:edit", args=[team.pk]), team_form(team, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Team.objects.get(pk=team.pk).first_response_hours == 8
