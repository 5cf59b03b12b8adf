"""The poll pages: who sees what, answering through the form, bad input, staff tools."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ideas.polls.models import Answer, Ballot, PollState
from ideas.polls.pages import PollPage
from tests.factories import MemberFactory, make_poll
from tests.polls.conftest import by_text, option

pytestmark = pytest.mark.django_db


def post_data(poll, **overrides):
    q = by_text(poll)
    data = {
        f"q{q['Which first?'].pk}": str(option(q["Which first?"], "Roaming")),
        f"q{q['Which also?'].pk}": [str(option(q["Which also?"], "Chat"))],
        f"q{q['How happy are you?'].pk}": "4",
        f"q{q['Would you recommend us?'].pk}": "10",
        f"q{q['Anything else?'].pk}": "More shops please",
    }
    for label, place in (("Alpha", "2"), ("Beta", "1"), ("Gamma", "3")):
        data[f"q{q['Rank these'].pk}-{option(q['Rank these'], label)}"] = place
    data.update(overrides)
    return data


def test_a_member_answers_through_the_form_and_sees_the_results(poll, member_client):
    page = member_client.get(poll.url)
    assert page.status_code == 200
    assert b"Send my ballot" in page.content
    response = member_client.post(f"/polls/{poll.pk}/answer/", post_data(poll))
    assert response.status_code == 302 and response["Location"].endswith("#results")
    assert Ballot.objects.count() == 1
    page = member_client.get(poll.url).content.decode()
    assert "Your ballot is counted" in page
    assert "Change your ballot" in page and 'value="4" checked' in page  # prefilled to change
    assert 'data-live-topic="poll.' in page


def test_bad_input_comes_back_with_messages_and_what_was_typed(poll, member_client):
    q = by_text(poll)
    data = post_data(poll, **{f"q{q['How happy are you?'].pk}": "9", f"q{q['Which first?'].pk}": "²"})
    response = member_client.post(f"/polls/{poll.pk}/answer/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a number from 1 to 5." in html and "That option is not part of this question." in html
    assert "More shops please" in html
    assert not Answer.objects.exists()


def test_refusals_are_pages_not_errors(poll, client):
    closed = make_poll(opens_at=timezone.now() - timedelta(days=2), closes_at=timezone.now() - timedelta(days=1))
    client.force_login(MemberFactory())
    response = client.post(f"/polls/{closed.pk}/answer/", {})
    assert response.status_code == 403 and b"This poll is closed." in response.content
    assert client.get(closed.url).status_code == 200
    anonymous = client.__class__()
    response = anonymous.post(f"/polls/{poll.pk}/answer/", post_data(poll))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", ["/polls/999999/answer/", "/polls/99999999999999999999/answer/", "/polls/²/answer/"])
def test_unknown_ids_are_404(member_client, path):
    assert member_client.post(path, {}).status_code == 404


def test_an_unpublished_poll_is_404_everywhere(poll, staff_client):
    poll.unpublish()
    assert staff_client.post(f"/polls/{poll.pk}/answer/", {}).status_code == 404
    assert staff_client.get(f"/polls/{poll.pk}/results.csv").status_code == 404
    assert staff_client.get(f"/api/v1/polls/{poll.pk}/").status_code == 404


def test_customers_cannot_export_or_conclude(poll, member_client):
    assert member_client.get(f"/polls/{poll.pk}/results.csv").status_code == 403
    response = member_client.post(f"/polls/{poll.pk}/conclude/", {"conclusion-text": "Mine"})
    assert response.status_code == 403
    assert not PollState.objects.filter(concluded_at__isnull=False).exists()


def test_staff_conclude_a_closed_poll_from_its_page(poll, staff_client):
    PollPage.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=5))
    empty = staff_client.post(f"/polls/{poll.pk}/conclude/", {"conclusion-text": "  "})
    assert empty.status_code == 400
    response = staff_client.post(f"/polls/{poll.pk}/conclude/", {"conclusion-text": "We build **roaming** first."})
    assert response.status_code == 302
    page = staff_client.get(poll.url).content.decode()
    assert "<strong>roaming</strong>" in page and "Our conclusion" in page


def test_the_index_lists_polls_and_the_nav_finds_it(client):
    from wagtail.models import Page

    from ideas.polls.pages import PollIndexPage

    root = Page.get_first_root_node()
    index = (root.get_children().first() or root).add_child(instance=PollIndexPage(title="Polls", slug="polls-index"))
    make_poll(parent=index, title="An open question")
    make_poll(parent=index, title="An old question", opens_at=timezone.now() - timedelta(days=9),
              closes_at=timezone.now() - timedelta(days=2))
    html = client.get(index.url).content.decode()
    assert "An open question" in html and "An old question" in html
    assert client.get("/go/polls/")["Location"] == index.url


def test_the_home_page_shows_open_and_concluded_polls(client):
    from community.pages import HomePage

    home = HomePage.objects.first()
    if home is None:
        from wagtail.models import Page, Site

        home = Page.get_first_root_node().add_child(instance=HomePage(title="Home", slug="home-polls"))
        Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "testserver", "root_page": home})
    make_poll(parent=home, title="Tell us about roaming")
    make_poll(parent=home, title="An upcoming question", opens_at=timezone.now() + timedelta(days=2),
              closes_at=timezone.now() + timedelta(days=9))
    html = client.get("/").content.decode()
    assert "Tell us about roaming" in html and "An upcoming question" not in html
