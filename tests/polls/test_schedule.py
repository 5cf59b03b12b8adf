"""Opening and closing at set times: invitations once, the team asked once, the result and the
conclusion told once to everyone who answered, in their language, however often the scheduler runs."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from community.models import Member, Notification
from ideas.polls import services
from ideas.polls.models import PollState
from ideas.polls.pages import PollPage
from tests.factories import MemberFactory, StaffFactory, TeamFactory, make_poll, make_segment
from tests.polls.conftest import by_text, option

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what the services register for after the commit (tasks, e-mail)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def answer(poll, member, label="Better coverage"):
    q = by_text(poll)["Which first?"]
    services.cast_ballot(member=member, poll=poll, answers={q.pk: [option(q, label)]})


def test_an_open_poll_invites_its_audience_once_respecting_email_preferences(committed):
    instant = MemberFactory(plan="broadband")
    quiet = MemberFactory(plan="broadband", email_delivery=Member.Delivery.OFF)
    outsider = MemberFactory(plan="mobile")
    with committed():
        poll = make_poll(audience="segment", segment=make_segment(plans=["broadband"]))
    invited = set(Notification.objects.filter(kind="poll_invite").values_list("recipient_id", flat=True))
    assert invited == {instant.pk, quiet.pk}
    assert outsider.pk not in invited
    assert [m.to for m in mail.outbox] == [[instant.email]]
    with committed():
        poll.save_revision().publish()
        call_command("run_poll_schedule")
        call_command("run_poll_schedule")
    assert Notification.objects.filter(kind="poll_invite").count() == 2
    assert len(mail.outbox) == 1


def test_an_upcoming_poll_invites_when_it_opens(committed):
    member = MemberFactory()
    with committed():
        poll = make_poll(opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=3))
    assert not Notification.objects.filter(kind="poll_invite").exists()
    assert services.run_schedule()["invited"] == 0
    PollPage.objects.filter(pk=poll.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    with committed():
        assert services.run_schedule()["invited"] == 1
        assert services.run_schedule()["invited"] == 0
    assert Notification.objects.filter(kind="poll_invite", recipient=member).count() == 1


def test_closing_asks_the_team_once_and_the_conclusion_reaches_participants_in_their_language(committed):
    team_member = StaffFactory()
    team = TeamFactory()
    team.members.add(team_member)
    poll = make_poll(owner_team=team, title="Roaming or coverage?")
    norwegian = MemberFactory(preferred_language="nb")
    english = MemberFactory(preferred_language="en")
    bystander = MemberFactory()
    answer(poll, norwegian)
    answer(poll, english, "Cheaper roaming")
    # A conclusion written early waits for the close.
    PollPage.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    poll.refresh_from_db()
    with committed():
        done = services.run_schedule()
    assert done["closed"] == 1
    assert Notification.objects.filter(kind="poll_closed", recipient=team_member).count() == 1
    assert services.run_schedule() == {"invited": 0, "closed": 0, "results": 0}

    with committed():
        services.conclude_poll(poll=poll, by=team_member, text="We improve **coverage** first, because you asked.")
    results = Notification.objects.filter(kind="poll_result")
    assert set(results.values_list("recipient_id", flat=True)) == {norwegian.pk, english.pk}
    assert bystander.pk not in set(results.values_list("recipient_id", flat=True))
    assert results.get(recipient=english).title == "Results of “Roaming or coverage?”"
    assert results.get(recipient=norwegian).title.startswith("Resultat")
    assert "coverage first" in results.get(recipient=english).body
    assert "50%" in results.get(recipient=english).body
    assert PollState.objects.get(poll=poll).result_sent_at is not None
    # Again, and again: nobody is told twice.
    with committed():
        services.conclude_poll(poll=poll, by=team_member, text="We improve coverage first. Updated.")
        call_command("run_poll_schedule")
    assert Notification.objects.filter(kind="poll_result").count() == 2
