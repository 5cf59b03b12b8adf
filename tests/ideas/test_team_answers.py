"""Only the board's team answers its ideas: Ingrid (Billing) cannot answer an idea on the Mobile
board (Network's) on the site, in the Wagtail admin or through the API; nothing is stored."""

import pytest
from django.urls import reverse

from ideas.models import StatusChange
from tests.factories import IdeaFactory, idea_status
from tests.feedback.inbox_world import make_world

pytestmark = pytest.mark.django_db

RULE = "Only the team that owns this board can answer its ideas."


@pytest.fixture
def world():
    return make_world()


def test_the_site_refuses_and_hides_the_form(client, world):
    idea = IdeaFactory(board=world.mobile)
    client.force_login(world.ingrid)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert reverse("idea_status", args=[idea.pk]) not in page and RULE in page
    response = client.post(reverse("idea_status", args=[idea.pk]),
                           {"status-status": "planned", "status-response": "We will build it"})
    assert response.status_code == 403 and RULE in response.content.decode()
    assert not StatusChange.objects.filter(idea=idea).exists()


def test_the_wagtail_admin_refuses(client, world):
    idea = IdeaFactory(board=world.mobile)
    client.force_login(world.ingrid)
    url = reverse("ideas:change_status", args=[idea.pk])
    get = client.get(url)
    post = client.post(url, {"status": "planned", "response": "We will build it"})
    assert get.status_code == 403 and post.status_code == 403 and RULE in post.content.decode()
    assert not StatusChange.objects.filter(idea=idea).exists()


def test_the_api_refuses(client, world):
    idea = IdeaFactory(board=world.mobile)
    client.force_login(world.ingrid)
    response = client.post(reverse("api_idea_status", args=[idea.pk]),
                           {"status": "planned", "response": "We will build it"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["detail"] == RULE
    assert not StatusChange.objects.filter(idea=idea).exists()


def test_the_owning_team_answers_signed_by_the_team_with_the_name_if_chosen(client, world):
    idea = IdeaFactory(board=world.mobile)
    client.force_login(world.nils)
    response = client.post(reverse("idea_status", args=[idea.pk]),
                           {"status-status": "planned", "status-response": "Coming this spring",
                            "status-show_name": "on"})
    assert response.status_code == 302
    change = StatusChange.objects.get(idea=idea, to_status=idea_status("planned"))
    assert change.team == world.network and change.responder == "Nils, Network team"
    client.logout()
    assert "Nils, Network team" in client.get(idea.get_absolute_url()).content.decode()
