"""Many members voting at once: the shown count always equals the vote rows, none lost or doubled."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count

from ideas import services
from ideas.models import Idea, Vote, trending_score
from tests.factories import IdeaFactory, MemberFactory
from tests.postgres import require_postgresql

# Transactional: each thread works on its own connection and must see the others' commits.
# tests/conftest.py restores the rows migrations create (statuses, the Staff group) after each flush.
pytestmark = pytest.mark.django_db(transaction=True)


def run_together(jobs):
    """Start one thread per job, release them at the same moment, and collect what they raised."""
    barrier = threading.Barrier(len(jobs))
    errors, results = [], []

    def worker(job):
        try:
            barrier.wait(timeout=30)
            results.append(job())
        except Exception as exc:  # collected and asserted on in the test thread
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection: give it back

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a voter thread hung"
    return errors, results


def assert_count_equals_rows(idea):
    idea = Idea.objects.get(pk=idea.pk)
    rows = Vote.objects.filter(idea=idea)
    assert idea.vote_count == rows.count()
    duplicates = rows.values("member").annotate(n=Count("id")).filter(n__gt=1)
    assert not duplicates.exists(), f"duplicate vote rows: {list(duplicates)}"
    assert idea.trending == pytest.approx(trending_score(idea.vote_count, idea.created_at), abs=1e-6)
    return idea


def vote(member, idea):
    return lambda: services.cast_vote(member=member, idea=idea)


def toggle(member, idea):
    return lambda: services.toggle_vote(member=member, idea=idea)


@pytest.mark.postgres
def test_thirty_six_members_voting_at_once_lose_and_double_no_vote():
    require_postgresql()
    idea = IdeaFactory()
    distinct = MemberFactory.create_batch(20)  # one vote each
    eager = MemberFactory.create_batch(4)  # each submits twice at the same moment
    retracting = MemberFactory.create_batch(4)  # had voted; toggle takes it back
    joining = MemberFactory.create_batch(4)  # had not voted; toggle adds it
    for member in retracting:
        services.cast_vote(member=member, idea=idea)

    jobs = [vote(m, idea) for m in distinct]
    jobs += [vote(m, idea) for m in eager for _ in range(2)]
    jobs += [toggle(m, idea) for m in retracting + joining]
    assert 20 <= len(jobs) <= 40
    errors, results = run_together(jobs)

    assert errors == []
    # Each eager member's two submits added exactly one vote between them.
    assert Counter(results)[True] == 20 + 4 + 4 and Counter(results)[False] == 4 + 4
    idea = assert_count_equals_rows(idea)
    voters = set(Vote.objects.filter(idea=idea).values_list("member_id", flat=True))
    assert voters == {m.pk for m in distinct + eager + joining}
    assert idea.vote_count == 28


@pytest.mark.postgres
def test_votes_and_retractions_racing_on_two_ideas_keep_both_counts_exact():
    require_postgresql()
    first, second = IdeaFactory(), IdeaFactory()
    members = MemberFactory.create_batch(15)
    for member in members[:5]:
        services.cast_vote(member=member, idea=first)
    jobs = [toggle(m, first) for m in members] + [vote(m, second) for m in members[::2]]
    jobs += [lambda m=m: services.retract_vote(member=m, idea=second) for m in members[1::2]]
    errors, _ = run_together(jobs)
    assert errors == []
    assert assert_count_equals_rows(first).vote_count == 10
    assert assert_count_equals_rows(second).vote_count == 8


def test_concurrent_votes_never_hit_database_is_locked():
    """Runs on SQLite too: WAL and IMMEDIATE transactions make writers queue, not fail."""
    idea = IdeaFactory()
    members = MemberFactory.create_batch(8)
    services.cast_vote(member=members[0], idea=idea)
    jobs = [vote(m, idea) for m in members[1:6]] + [
        toggle(m, idea) for m in (members[0], members[6], members[7])
    ]
    jobs += [lambda: services.add_comment(idea=idea, author=members[1], body="Racing comment")]
    errors, _ = run_together(jobs)
    assert [str(e) for e in errors] == []  # e.g. "database is locked" would show here
    idea = assert_count_equals_rows(idea)
    assert idea.vote_count == 7 and idea.comment_count == 1
