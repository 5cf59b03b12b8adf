"""The home page: hero, introduction and the latest activity across apps."""

import pytest

from tests.factories import IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(db):
    from community.management.commands.seed_demo import Command

    Command().home_page()


def test_home_page_shows_the_hero_and_sign_up_for_visitors(client, home):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Shape the services you use every day" in response.content
    assert b'href="/accounts/signup/"' in response.content


def test_home_page_lists_the_latest_ideas(client, home):
    IdeaFactory(title="Cheaper roaming in the EU")
    response = client.get("/")
    assert b"Cheaper roaming in the EU" in response.content


def test_home_page_runs_a_constant_number_of_queries(client, home, django_assert_max_num_queries):
    IdeaFactory.create_batch(12)
    with django_assert_max_num_queries(10):
        client.get("/")
