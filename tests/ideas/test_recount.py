"""`manage.py recount`: stored counts against rows, checked and repaired in a fixed number of queries."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ideas import services
from ideas.models import Comment, Idea, Vote, trending_score
from tests.factories import CommentFactory, IdeaFactory, MemberFactory, VoteFactory, make_board

pytestmark = pytest.mark.django_db


def recount(*args) -> str:
    out = StringIO()
    call_command("recount", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def consistent_ideas(db):
    board = make_board()
    ideas = [IdeaFactory(board=board) for _ in range(3)]
    voters = [MemberFactory() for _ in range(3)]
    for n, idea in enumerate(ideas):
        for voter in voters[:n]:
            services.cast_vote(member=voter, idea=idea)
        comment = services.add_comment(idea=idea, author=voters[0], body=f"Comment on {n}")
        if n == 2:
            services.delete_comment(comment=comment, by=voters[0])
    return ideas


def test_check_passes_on_consistent_counts(consistent_ideas):
    assert "All 3 ideas' counts equal their rows." in recount("--check")


def test_check_fails_and_names_each_mismatch_after_a_corruption(consistent_ideas):
    Idea.objects.update(vote_count=99)
    with pytest.raises(CommandError, match="3 of 3 ideas have counts that differ"):
        out = StringIO()
        try:
            call_command("recount", "--check", stdout=out)
        finally:
            lines = out.getvalue().splitlines()
    assert len(lines) == 3
    assert "99 votes stored, 0 counted" in lines[0]
    # --check changes nothing.
    assert set(Idea.objects.values_list("vote_count", flat=True)) == {99}


def test_check_exits_non_zero_from_the_command_line(consistent_ideas):
    Idea.objects.filter(pk=consistent_ideas[0].pk).update(comment_count=5)
    with pytest.raises(SystemExit) as exit_info:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "recount", "--check"]).execute()
    assert exit_info.value.code == 1


def test_recount_repairs_counts_and_trending(consistent_ideas):
    Idea.objects.update(vote_count=99, comment_count=7, trending=0.0)
    versions = dict(Idea.objects.values_list("pk", "version"))
    assert "Fixed 3 of 3 ideas." in recount()
    for idea in Idea.objects.all():
        assert idea.vote_count == Vote.objects.filter(idea=idea).count()
        assert idea.comment_count == Comment.objects.filter(idea=idea, deleted_at=None).count()
        assert idea.trending == trending_score(idea.vote_count, idea.created_at)
        assert idea.version == versions[idea.pk] + 1
    assert [i.comment_count for i in sorted(Idea.objects.all(), key=lambda i: i.pk)] == [1, 1, 0]
    assert "All 3 ideas' counts equal their rows." in recount("--check")
    assert "Fixed 0 of 3 ideas." in recount()


def test_rows_written_behind_the_services_back_are_found(consistent_ideas):
    VoteFactory(idea=consistent_ideas[0])
    CommentFactory(idea=consistent_ideas[1])
    with pytest.raises(CommandError, match="2 of 3"):
        recount("--check")


def test_no_ideas_is_fine(db):
    assert "All 0 ideas' counts equal their rows." in recount("--check")


def _queries(*args) -> int:
    with CaptureQueriesContext(connection) as ctx:
        try:
            recount(*args)
        except CommandError:
            pass
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_votes_comments_or_ideas_within_a_batch(consistent_ideas):
    few = _queries("--check")
    for idea in consistent_ideas:
        for _ in range(5):
            VoteFactory(idea=idea)
            CommentFactory(idea=idea)
    board = consistent_ideas[0].board
    for _ in range(20):
        IdeaFactory(board=board, vote_count=3)
    assert _queries("--check") == few
    # Repairing is a fixed number of queries per batch too (lock, recount, update), not per idea.
    Idea.objects.filter(pk=consistent_ideas[0].pk).update(vote_count=50)
    one = _queries()
    Idea.objects.update(vote_count=50)
    assert _queries() == one
    assert not Idea.objects.filter(vote_count=50).exists()


def test_batches_cover_every_idea(consistent_ideas):
    Idea.objects.update(vote_count=42)
    out = recount("--batch-size", "1")
    assert "Fixed 3 of 3 ideas." in out
    assert not Idea.objects.filter(vote_count=42).exists()
