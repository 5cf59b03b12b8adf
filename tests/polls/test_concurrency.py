"""Two ballots of one member at the same moment: one is stored, the other refused, never a 500."""

import pytest

from ideas.polls import services
from ideas.polls.models import Answer, Ballot, Participation, PollState
from tests.factories import MemberFactory, make_poll
from tests.ideas.test_concurrency import require_postgresql, run_together
from tests.polls.conftest import by_text, option

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


@pytest.mark.parametrize("anonymous", [False, True])
@pytest.mark.parametrize("allow_changes", [False, True])
def test_a_member_racing_two_ballots_gets_one(anonymous, allow_changes):
    require_postgresql()
    poll = make_poll(anonymous=anonymous, allow_changes=allow_changes)
    member = MemberFactory()
    q = by_text(poll)["Which first?"]
    labels = ["Cheaper roaming", "Better coverage", "A new app", "Cheaper roaming"]

    def ballot(label):
        return lambda: services.cast_ballot(member=member, poll=poll, answers={q.pk: [option(q, label)]})

    errors, _results = run_together([ballot(label) for label in labels])
    assert all("already answered" in str(error) for error in errors), errors
    assert Participation.objects.filter(poll=poll, member=member).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert Answer.objects.filter(question=q).count() == 1
    assert PollState.objects.get(poll=poll).ballot_count == 1


def test_many_members_at_once_are_all_counted():
    require_postgresql()
    poll = make_poll()
    q = by_text(poll)["Which first?"]
    members = MemberFactory.create_batch(8)
    jobs = [lambda m=m: services.cast_ballot(member=m, poll=poll, answers={q.pk: [option(q, "A new app")]})
            for m in members]
    errors, _results = run_together(jobs)
    assert not errors
    assert PollState.objects.get(poll=poll).ballot_count == 8 == Ballot.objects.filter(poll=poll).count()
    assert services.recount(poll, repair=False) is False  # the counters equal the answers


def test_members_changing_ballots_at_once_keep_the_counters_equal_to_the_answers():
    require_postgresql()
    poll = make_poll(questions=[("multiple", "Which?", "A\nB\nC\nD", {}), ("ranking", "Rank", "X\nY\nZ", {})])
    questions = by_text(poll)
    which, rank = questions["Which?"], questions["Rank"]
    members = MemberFactory.create_batch(6)

    def ballot(member, chosen, order):
        return lambda: services.cast_ballot(member=member, poll=poll, answers={
            which.pk: [option(which, label) for label in chosen], rank.pk: [option(rank, label) for label in order],
        })

    errors, _ = run_together([ballot(m, "AB", "XYZ") for m in members])
    assert not errors
    errors, _ = run_together([ballot(m, "CD" if i % 2 else "BC", "ZYX" if i % 2 else "YXZ") for i, m in enumerate(members)])
    assert not errors, errors
    assert services.recount(poll, repair=False) is False
