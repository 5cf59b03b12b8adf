"""Polls in the Wagtail admin: staff create them; once members have answered, the questions and
anonymity are locked; segments are staff's to manage. Ballots have no admin at all."""

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from ideas.polls import services
from ideas.polls.pages import PollPage
from tests.factories import MemberFactory, make_poll
from tests.polls.conftest import by_text, option

pytestmark = pytest.mark.django_db


def form(poll, q, *, question_text, anonymous=False):
    return nested_form_data({
        "title": poll.title, "slug": poll.slug, "intro": rich_text(""),
        "opens_at": poll.opens_at.strftime("%Y-%m-%d %H:%M"), "closes_at": poll.closes_at.strftime("%Y-%m-%d %H:%M"),
        "audience": "members", "results_visibility": "after_answer", "anonymous": anonymous, "allow_changes": True,
        "questions": inline_formset([
            {"id": q.pk, "text": question_text, "kind": "single", "options": q.options, "required": True},
        ], initial=1),
        "action-publish": "action-publish",
    })


def test_staff_edit_a_poll_until_members_answer(staff_client):
    poll = make_poll()
    url = f"/admin/pages/{poll.pk}/edit/"
    q = by_text(poll)["Which first?"]
    response = staff_client.post(url, form(poll, q, question_text="Which first, really?"))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    q = by_text(PollPage.objects.get(pk=poll.pk))["Which first, really?"]
    services.cast_ballot(member=MemberFactory(), poll=poll, answers={q.pk: [option(q, "A new app")]})
    response = staff_client.post(url, form(poll, q, question_text="Something else entirely?"))
    assert response.status_code == 200
    assert "can no longer change" in response.content.decode()
    response = staff_client.post(url, form(poll, q, question_text="Which first, really?", anonymous=True))
    assert "cannot change between named and anonymous" in response.content.decode()
    assert by_text(PollPage.objects.get(pk=poll.pk))["Which first, really?"]


def test_staff_create_a_poll_with_a_choice_question_that_needs_options(staff_client):
    from community.pages import HomePage

    parent = Page.get_first_root_node().add_child(instance=HomePage(title="Home", slug="home-admin-test"))
    url = f"/admin/pages/add/polls/pollpage/{parent.pk}/"
    data = nested_form_data({
        "title": "Invoice poll", "slug": "invoice-poll", "intro": rich_text(""),
        "opens_at": "2026-01-01 10:00", "closes_at": "2030-01-01 10:00", "audience": "members",
        "results_visibility": "always", "allow_changes": True,
        "questions": inline_formset([{"text": "Which?", "kind": "single", "options": "Only one", "required": True}]),
        "action-publish": "action-publish",
    })
    response = staff_client.post(url, data)
    assert response.status_code == 200 and "at least two options" in response.content.decode()
    data["questions-0-options"] = "One\nTwo"
    assert staff_client.post(url, data).status_code == 302
    poll = PollPage.objects.get(slug="invoice-poll")
    assert [o.label for o in by_text(poll)["Which?"].option_list] == ["One", "Two"]


def test_staff_manage_segments(staff_client):
    response = staff_client.post("/admin/segment/new/", {
        "name": "Fibre in Oslo", "plans": ["broadband"], "regions": "Oslo, Viken", "min_years": "3", "max_years": "",
    })
    assert response.status_code == 302, response.content[:3000]
    from community.models import Segment

    segment = Segment.objects.get(name="Fibre in Oslo")
    assert segment.regions == ["Oslo", "Viken"] and segment.plans == ["broadband"]
