"""Live results: the poll topic is authorised by the results rule and carries the whole state."""

import pytest
from django.contrib.auth.models import AnonymousUser

from community import live
from ideas.polls import services
from tests.factories import MemberFactory, StaffFactory, make_poll
from tests.polls.conftest import by_text, option

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("results", "who", "allowed"),
    [
        ("always", "visitor", True),
        ("after_answer", "visitor", False),
        ("after_answer", "member", False),
        ("after_answer", "answered", True),
        ("staff", "answered", False),
        ("staff", "staff", True),
    ],
)
def test_the_poll_topic_follows_the_results_rule(results, who, allowed):
    poll = make_poll(results_visibility=results)
    viewer = {"visitor": AnonymousUser(), "member": MemberFactory(), "answered": MemberFactory(),
              "staff": StaffFactory()}[who]
    if who == "answered":
        q = by_text(poll)["Which first?"]
        services.cast_ballot(member=viewer, poll=poll, answers={q.pk: [option(q, "A new app")]})
    resolved = live.resolve(viewer, f"poll.{poll.pk}")
    assert (resolved is not None) is allowed
    if allowed:
        group, snapshot = resolved
        assert group == f"poll.{poll.pk}" and snapshot[0]["type"] == "poll" and snapshot[0]["phase"] == "open"


def test_unknown_unpublished_and_junk_topics_are_refused(db):
    poll = make_poll(results_visibility="always")
    poll.unpublish()
    for topic in (f"poll.{poll.pk}", "poll.999999", "poll.²", "poll." + "9" * 30, "poll"):
        assert live.resolve(StaffFactory(), topic) is None


def test_a_ballot_publishes_the_new_state_with_a_higher_version(db, monkeypatch, django_capture_on_commit_callbacks):
    poll = make_poll(results_visibility="always")
    sent = []
    monkeypatch.setattr("ideas.polls.events.publish", lambda group, message: sent.append((group, message)))
    q = by_text(poll)["Which first?"]
    with django_capture_on_commit_callbacks(execute=True):
        services.cast_ballot(member=MemberFactory(), poll=poll, answers={q.pk: [option(q, "A new app")]})
    with django_capture_on_commit_callbacks(execute=True):
        services.cast_ballot(member=MemberFactory(), poll=poll, answers={q.pk: [option(q, "Better coverage")]})
    (g1, first), (g2, second) = sent
    assert g1 == g2 == f"poll.{poll.pk}"
    assert second["version"] > first["version"] and second["ballots"] == 2
    percents = {o["id"]: o["percent"] for o in second["questions"][0]["options"]}
    assert sorted(percents.values()) == [0, 50, 50]


def test_a_burst_of_ballots_publishes_once_now_and_once_after_the_interval(db, monkeypatch, django_capture_on_commit_callbacks):
    poll = make_poll(results_visibility="always")
    sent, later = [], []
    monkeypatch.setattr("ideas.polls.events.publish", lambda group, message: sent.append(message["version"]))
    monkeypatch.setattr("ideas.polls.tasks.publish_results_later", lambda poll_id, seconds: later.append(poll_id) or True)
    q = by_text(poll)["Which first?"]
    for _ in range(4):
        with django_capture_on_commit_callbacks(execute=True):
            services.cast_ballot(member=MemberFactory(), poll=poll, answers={q.pk: [option(q, "A new app")]})
    assert len(sent) == 1  # the first ballot, at once
    assert later == [poll.pk]  # one catch-up for the rest of the burst, whatever its size
