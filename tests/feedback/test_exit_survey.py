"""A programme's exit survey: a poll placed under the programme, asked of its members only, and
linked from the thank-you every member gets when the programme ends."""

import pytest
from django.contrib.auth.models import AnonymousUser

from community import audience
from community.models import Member, Notification
from feedback.tasks import thank_members
from ideas.polls import queries, rules
from tests.factories import MemberFactory, StaffFactory, make_member_of, make_poll, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return make_programme(title="New TV app")


@pytest.fixture
def survey(programme):
    return make_poll(parent=programme, title="How was the New TV app beta?", audience=audience.PROGRAMME)


def test_the_exit_survey_asks_the_programmes_members_and_nobody_else(programme, survey):
    member = make_member_of(programme)
    outsider, staff = MemberFactory(), StaffFactory()
    assert rules.in_audience(member, survey) and not rules.in_audience(outsider, survey)
    assert set(audience.audience_members(survey, Member.objects.all())) == {member}
    assert rules.can_answer(member, survey)
    assert not rules.can_answer(outsider, survey) and not rules.can_answer(staff, survey)


@pytest.mark.parametrize("who", ["visitor", "outsider", "member", "staff"])
def test_the_exit_survey_is_private_to_the_programme_on_its_page_and_in_lists(client, programme, survey, who):
    person = {
        "visitor": AnonymousUser(),
        "outsider": MemberFactory(),
        "member": make_member_of(programme),
        "staff": StaffFactory(),
    }[who]
    sees = who in ("member", "staff")
    assert rules.can_view_poll(person, survey) is sees
    assert (survey.pk in {p.pk for p in queries.visible_polls(person)}) is sees
    if person.is_authenticated:
        client.force_login(person)
    assert client.get(survey.url).status_code == (200 if sees else 404)


def test_the_thank_you_at_the_end_links_the_open_exit_survey(programme, survey):
    member = make_member_of(programme)
    assert thank_members.call(programme.pk) == 1
    note = Notification.objects.get(recipient=member, kind="beta_ended")
    assert note.url == survey.url
    assert "short survey" in note.body


def test_without_a_survey_the_thank_you_links_the_programme(programme):
    member = make_member_of(programme)
    thank_members.call(programme.pk)
    assert Notification.objects.get(recipient=member, kind="beta_ended").url == programme.url
