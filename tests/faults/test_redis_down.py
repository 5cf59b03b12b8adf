"""Redis unreachable: every page renders, writes are stored, log-in works with a per-process rate
limit, live updates pause, and /healthz says what is down. Nothing waits on Redis for long."""

import logging
import time

import pytest
from django.urls import reverse

from ideas import services
from ideas.models import Comment, Idea, Vote
from tests.factories import PASSWORD, MemberFactory, make_board

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board(home_page):
    return make_board(home_page, title="Mobile")


@pytest.fixture
def idea(board):
    return services.post_idea(author=MemberFactory(), board=board, title="Free roaming in the Nordics", body="")


def timed(fn, *args, **kwargs):
    start = time.monotonic()
    response = fn(*args, **kwargs)
    return response, time.monotonic() - start


def test_the_idea_board_journeys_pass_with_redis_down(dead_redis, client, board, idea):
    member = MemberFactory()
    # Log in through allauth's rate-limited form (its limit lives in the cache).
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(member.pk)

    response, board_seconds = timed(client.get, board.url)
    assert response.status_code == 200 and "Free roaming in the Nordics" in response.content.decode()
    response = client.get(idea.get_absolute_url())
    assert response.status_code == 200 and f'data-live-topic="idea.{idea.pk}"' in response.content.decode()

    response, vote_seconds = timed(client.post, reverse("idea_vote", args=[idea.pk]), {"action": "vote"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert Vote.objects.filter(idea=idea).count() == idea.vote_count == 1

    response = client.post(reverse("idea_comment", args=[idea.pk]), {"comment-body": "Me too, every summer"})
    assert response.status_code == 302
    assert Comment.objects.filter(idea=idea, author=member).count() == 1
    assert "Me too, every summer" in client.get(idea.get_absolute_url()).content.decode()

    response = client.post(reverse("idea_new", args=[board.pk]), {"title": "eSIM for smartwatches", "body": "Please"})
    posted = Idea.objects.get(title="eSIM for smartwatches")
    assert response.status_code == 302 and response["Location"] == posted.get_absolute_url()
    assert client.get(posted.get_absolute_url()).status_code == 200

    # The API too, with its throttles.
    response = client.get(reverse("api_board_ideas", args=[board.pk]))
    assert response.status_code == 200 and len(response.json()["results"]) == 2
    response = client.put(reverse("api_idea_vote", args=[posted.pk]), content_type="application/json")
    assert response.status_code in (200, 201)
    assert Vote.objects.filter(idea=posted, member=member).count() == 1

    # An unreachable Redis costs milliseconds: connections are refused at once, then skipped.
    assert board_seconds < 2 and vote_seconds < 2


def test_healthz_names_the_cache_and_the_channel_layer(dead_redis, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": True, "cache": False, "channel_layer": False},
    }


def test_a_cache_outage_is_logged_once_not_once_a_request(dead_redis, client, board, idea, caplog):
    with caplog.at_level(logging.WARNING, logger="cocreate.outages"):
        for _ in range(5):
            assert client.get(board.url).status_code == 200
            time.sleep(0.5)  # past the pause after a failure: Redis is tried (and fails) again
    said = [
        r.getMessage()
        for when in ("setup", "call")  # the fixtures' writes met the outage first
        for r in caplog.get_records(when)
        if "cache (Redis) is unavailable" in r.getMessage()
    ]
    assert len(said) == 1, said


def test_log_in_keeps_a_per_process_rate_limit_when_redis_is_down(dead_redis, client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    member = MemberFactory()
    for _ in range(3):
        response = client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_api_throttles_keep_a_per_process_limit_when_redis_is_down(dead_redis, client, board, settings):
    settings.API_THROTTLE_RATES = {"ip": "3/min", "user": "3/min", "token": "3/min"}
    url = reverse("api_board_ideas", args=[board.pk])
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_a_silent_redis_holds_a_write_up_for_a_bounded_time(silent_redis, client, idea):
    """Redis accepts connections and never answers: the cache's read timeout and the bounded
    publish make the first write wait a little; the next ones skip Redis while it is down."""
    member = MemberFactory()
    client.force_login(member)
    url = reverse("idea_vote", args=[idea.pk])
    first, first_seconds = timed(client.post, url, {"action": "vote"})
    second, second_seconds = timed(client.post, url, {"action": "unvote"})
    third, third_seconds = timed(client.post, url, {"action": "vote"})
    assert first.status_code == second.status_code == third.status_code == 302
    idea.refresh_from_db()
    assert Vote.objects.filter(idea=idea).count() == idea.vote_count == 1
    assert first_seconds < 4, first_seconds
    assert second_seconds < 1 and third_seconds < 1, (second_seconds, third_seconds)
