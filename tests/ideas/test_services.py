"""Every write on idea boards, through ideas.services: posting, editing, votes, comments, statuses."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.models import Notification
from community.services import NotAllowed
from ideas import queries, services
from ideas.models import Comment, Follow, Idea, Stage, StatusChange, Vote, trending_score
from tests.factories import (
    CommentFactory,
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    TagFactory,
    TeamFactory,
    idea_status,
    make_board,
)

pytestmark = pytest.mark.django_db


def fresh(idea) -> Idea:
    return Idea.objects.select_related("status").get(pk=idea.pk)


def assert_counts_equal_rows(*ideas):
    for idea in ideas:
        idea = fresh(idea)
        assert idea.vote_count == Vote.objects.filter(idea=idea).count()
        assert idea.comment_count == Comment.objects.filter(idea=idea, deleted_at__isnull=True).count()


def with_status(slug, **fields):
    return IdeaFactory(status=idea_status(slug), **fields)


def board_offering(*tags):
    """A board as a view loads it: offered_tags saved (ParentalManyToMany defers until save)."""
    from ideas.pages import IdeaBoardPage

    board = make_board()
    board.offered_tags.set(tags)
    board.save()
    return IdeaBoardPage.objects.get(pk=board.pk)


# --- Posting ----------------------------------------------------------------------------------


def test_member_posts_an_open_idea_and_follows_it(member):
    board = make_board()
    idea = services.post_idea(author=member, board=board, title="Cheaper roaming in Europe", body="*Please*")
    assert idea.masked == ()
    idea = fresh(idea)
    assert idea.status.stage == Stage.OPEN
    assert idea.body_html == "<p><em>Please</em></p>"
    assert Follow.objects.filter(idea=idea, member=member).exists()
    assert idea.trending == trending_score(0, idea.created_at)


def test_tags_are_limited_to_the_ones_the_board_offers(member):
    offered, other = TagFactory(name="Roaming", slug="roaming"), TagFactory(name="TV", slug="tv")
    board = board_offering(offered)
    idea = services.post_idea(author=member, board=board, title="Roaming in Norway", tags=[offered, other])
    assert list(idea.tags.values_list("slug", flat=True)) == ["roaming"]


def test_approval_board_creates_a_pending_idea_and_notifies_its_team(
    member, django_capture_on_commit_callbacks
):
    team = TeamFactory()
    answering, other_staff = StaffFactory(staff=[team]), StaffFactory()
    board = make_board(requires_approval=True, owner_team=team)
    with django_capture_on_commit_callbacks(execute=True):
        idea = services.post_idea(author=member, board=board, title="A pending idea")
    assert fresh(idea).status.stage == Stage.PENDING
    notes = Notification.objects.filter(kind="idea_pending")
    assert [n.recipient for n in notes] == [answering]
    assert notes.get().url == idea.get_absolute_url()
    assert not Notification.objects.filter(recipient=other_staff).exists()
    assert idea not in queries.board_listing(board, viewer=None).ideas


def test_approval_board_without_a_team_notifies_all_staff(member, django_capture_on_commit_callbacks):
    first, second = StaffFactory(), StaffFactory()
    board = make_board(requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.post_idea(author=member, board=board, title="Another pending idea")
    assert set(Notification.objects.filter(kind="idea_pending").values_list("recipient", flat=True)) == {
        first.pk,
        second.pk,
    }


def test_personal_data_is_masked_and_reported_to_the_author(member):
    board = make_board()
    idea = services.post_idea(
        author=member,
        board=board,
        title="Call me on +47 912 34 567",
        body="Write to ola.nordmann@example.com about it.",
    )
    assert "912" not in idea.title and "ola.nordmann" not in idea.body_html
    assert {str(kind) for kind in idea.masked} == {"phone number", "e-mail address"}
    stored = fresh(idea)
    assert "912 34 567" not in stored.title
    assert "ola.nordmann@example.com" not in stored.body_html


def test_double_submit_returns_the_same_idea(member):
    board = make_board()
    first = services.post_idea(author=member, board=board, title="Same title twice")
    second = services.post_idea(author=member, board=board, title="  Same   title twice ")
    assert second.pk == first.pk
    assert Idea.objects.count() == 1


@pytest.mark.parametrize("title", ["", "   ", "abc", "x" * 300])
def test_bad_titles_are_refused_with_a_message(member, title):
    with pytest.raises(ValidationError) as error:
        services.post_idea(author=member, board=make_board(), title=title)
    assert error.value.messages[0]
    assert not Idea.objects.exists()


def test_a_one_megabyte_body_is_refused(member):
    with pytest.raises(ValidationError, match="too long"):
        services.post_idea(author=member, board=make_board(), title="A huge idea", body="x" * 1_000_000)
    assert not Idea.objects.exists()


def test_unverified_members_and_members_on_staff_boards_cannot_post(member, unverified_member, staff):
    board = make_board()
    with pytest.raises(NotAllowed):
        services.post_idea(author=unverified_member, board=board, title="Not confirmed yet")
    staff_board = make_board(who_may_post="staff")
    with pytest.raises(NotAllowed):
        services.post_idea(author=member, board=staff_board, title="Not staff")
    assert services.post_idea(author=staff, board=staff_board, title="From the team").pk


# --- Editing and withdrawing ------------------------------------------------------------------


def test_author_edits_within_the_window_and_the_version_moves(member):
    idea = IdeaFactory(author=member)
    before = fresh(idea).version
    services.edit_idea(idea=idea, by=member, title="A better title", body="More **detail**")
    idea = fresh(idea)
    assert (idea.title, idea.body_html) == ("A better title", "<p>More <strong>detail</strong></p>")
    assert idea.edited_at is not None
    assert idea.version > before


def test_author_cannot_edit_after_the_window(member):
    idea = IdeaFactory(author=member, created_at=timezone.now() - timedelta(hours=3))
    with pytest.raises(NotAllowed):
        services.edit_idea(idea=idea, by=member, title="Too late now", body="")
    assert fresh(idea).title == idea.title


def test_member_cannot_edit_someone_elses_idea(member):
    idea = IdeaFactory()
    with pytest.raises(NotAllowed):
        services.edit_idea(idea=idea, by=member, title="Hijacked title", body="")
    assert fresh(idea).title == idea.title


def test_staff_edit_any_idea_at_any_time(staff):
    idea = with_status("planned", created_at=timezone.now() - timedelta(days=300))
    edited = services.edit_idea(idea=idea, by=staff, title="Clearer title", body="Mail a@b.no")
    assert fresh(idea).title == "Clearer title"
    assert [str(k) for k in edited.masked] == ["e-mail address"]


def test_edit_keeps_only_offered_tags(member):
    offered, other = TagFactory(), TagFactory()
    board = board_offering(offered)
    idea = IdeaFactory(author=member, board=board)
    services.edit_idea(idea=idea, by=member, title="Now with tags", body="", tags=[offered, other])
    assert list(idea.tags.all()) == [offered]


def test_author_withdraws_an_open_idea(member):
    idea = IdeaFactory(author=member)
    change = services.withdraw_idea(idea=idea, by=member)
    assert fresh(idea).status.stage == Stage.WITHDRAWN
    assert change.response_source
    assert idea not in queries.board_listing(idea.board, viewer=None).ideas


def test_only_the_author_withdraws_and_only_while_open(member):
    others = IdeaFactory()
    with pytest.raises(NotAllowed, match="Only the author or staff"):
        services.withdraw_idea(idea=others, by=member)
    planned = with_status("planned", author=member)
    with pytest.raises(NotAllowed, match="Only open ideas"):
        services.withdraw_idea(idea=planned, by=member)
    assert fresh(others).status.slug == "new" and fresh(planned).status.slug == "planned"


def test_staff_withdraw_a_published_idea_with_a_reason_the_author_and_voters_are_told(
    staff, django_capture_on_commit_callbacks
):
    idea = with_status("planned")
    voter = MemberFactory()
    services.cast_vote(member=voter, idea=idea)
    with pytest.raises(ValidationError):
        services.withdraw_idea(idea=idea, by=staff, reason="  ")  # staff must say why
    assert fresh(idea).status.slug == "planned"
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_idea(idea=idea, by=staff, reason="A duplicate of the roaming idea on the Mobile board.")
    assert fresh(idea).status.slug == "withdrawn"
    told = set(Notification.objects.filter(key__startswith="idea-status:").values_list("recipient_id", flat=True))
    assert told == {idea.author_id, voter.pk}
    assert "duplicate of the roaming idea" in Notification.objects.filter(recipient=voter).get().body
    with pytest.raises(NotAllowed, match="cannot be withdrawn"):
        services.withdraw_idea(idea=fresh(idea), by=staff, reason="Again, please.")


def test_a_withdrawn_idea_is_closed_for_comments(member):
    idea = IdeaFactory(author=member)
    services.withdraw_idea(idea=idea, by=member)
    with pytest.raises(NotAllowed, match="Comments are closed"):
        services.add_comment(idea=fresh(idea), author=MemberFactory(), body="Still here?")


# --- Votes ------------------------------------------------------------------------------------


def test_vote_cast_retract_and_toggle_keep_count_equal_to_rows(member):
    idea = IdeaFactory()
    assert services.cast_vote(member=member, idea=idea) is True
    assert services.cast_vote(member=member, idea=idea) is False  # double click
    assert fresh(idea).vote_count == 1
    assert_counts_equal_rows(idea)
    assert services.retract_vote(member=member, idea=idea) is True
    assert services.retract_vote(member=member, idea=idea) is False
    assert fresh(idea).vote_count == 0
    assert services.toggle_vote(member=member, idea=idea) is True
    assert fresh(idea).vote_count == 1
    assert services.toggle_vote(member=member, idea=idea) is False
    assert fresh(idea).vote_count == 0
    assert_counts_equal_rows(idea)


def test_votes_from_many_members_are_counted_and_trending_follows(db):
    idea = IdeaFactory()
    for voter in MemberFactory.create_batch(12):
        services.cast_vote(member=voter, idea=idea)
    idea = fresh(idea)
    assert idea.vote_count == 12 == idea.votes.count()
    assert idea.trending == pytest.approx(trending_score(12, idea.created_at), abs=1e-6)


def test_voting_follows_the_idea(member):
    idea = IdeaFactory()
    services.cast_vote(member=member, idea=idea)
    assert Follow.objects.filter(idea=idea, member=member).exists()


@pytest.mark.parametrize(
    "slug", ["withdrawn", "merged", "declined", "shipped", "awaiting-approval", "rejected"]
)
def test_voting_on_a_closed_idea_is_refused(member, slug):
    idea = with_status(slug)
    with pytest.raises(NotAllowed):
        services.cast_vote(member=member, idea=idea)
    with pytest.raises(NotAllowed):
        services.toggle_vote(member=member, idea=idea)
    assert fresh(idea).vote_count == 0 and not Vote.objects.exists()


def test_voting_on_a_merged_idea_says_where_to_vote(member):
    target = IdeaFactory()
    merged = with_status("merged", merged_into=target)
    with pytest.raises(NotAllowed, match="merged"):
        services.cast_vote(member=member, idea=merged)


@pytest.mark.parametrize("slug", ["new", "under-review", "planned", "in-progress"])
def test_open_planned_and_in_progress_ideas_take_votes(member, slug):
    idea = with_status(slug)
    assert services.cast_vote(member=member, idea=idea)


def test_unverified_and_anonymous_visitors_cannot_vote(unverified_member):
    from django.contrib.auth.models import AnonymousUser

    idea = IdeaFactory()
    with pytest.raises(NotAllowed, match="Confirm your e-mail"):
        services.cast_vote(member=unverified_member, idea=idea)
    with pytest.raises(NotAllowed, match="Log in"):
        services.cast_vote(member=AnonymousUser(), idea=idea)
    assert not Vote.objects.exists()


def test_staff_record_a_vote_on_a_customers_behalf(staff):
    customer, idea = MemberFactory(verified=False), IdeaFactory()  # a caller need not have confirmed
    assert services.cast_vote(member=customer, idea=idea, recorded_by=staff, via="phone call")
    vote = Vote.objects.get()
    assert (vote.member, vote.recorded_by, vote.recorded_via) == (customer, staff, "phone call")
    assert fresh(idea).vote_count == 1


def test_members_cannot_record_votes_for_others(member):
    with pytest.raises(NotAllowed):
        services.cast_vote(member=MemberFactory(), idea=IdeaFactory(), recorded_by=member, via="shop")
    assert not Vote.objects.exists()


def test_staff_cannot_record_a_vote_on_a_closed_idea(staff):
    with pytest.raises(NotAllowed):
        services.cast_vote(member=MemberFactory(), idea=with_status("shipped"), recorded_by=staff, via="shop")


def test_follow_and_unfollow(member):
    idea = IdeaFactory()
    services.set_following(member=member, idea=idea, follow=True)
    services.set_following(member=member, idea=idea, follow=True)
    assert Follow.objects.filter(idea=idea, member=member).count() == 1
    services.set_following(member=member, idea=idea, follow=False)
    assert not Follow.objects.filter(idea=idea, member=member).exists()


def test_pending_ideas_cannot_be_followed_by_other_members(member):
    with pytest.raises(NotAllowed):
        services.set_following(member=member, idea=with_status("awaiting-approval"), follow=True)


# --- Comments ---------------------------------------------------------------------------------


def test_comment_counts_renders_and_follows(member):
    idea = IdeaFactory()
    comment = services.add_comment(idea=idea, author=member, body="I **agree**")
    assert comment.body_html == "<p>I <strong>agree</strong></p>"
    assert comment.by_staff is False
    assert fresh(idea).comment_count == 1
    assert Follow.objects.filter(idea=idea, member=member).exists()


def test_a_reply_to_a_reply_attaches_to_the_top_level_comment(member):
    idea = IdeaFactory()
    top = services.add_comment(idea=idea, author=member, body="Top level")
    reply = services.add_comment(idea=idea, author=MemberFactory(), body="A reply", parent=top)
    deeper = services.add_comment(idea=idea, author=member, body="Reply to the reply", parent=reply)
    assert reply.parent_id == top.pk and deeper.parent_id == top.pk
    page = queries.idea_page(fresh(idea), viewer=member)
    assert [c.pk for c in page.comments] == [top.pk]
    assert [c.pk for c in page.comments[0].reply_list] == [reply.pk, deeper.pk]


def test_reply_to_a_comment_on_another_idea_is_refused(member):
    elsewhere = CommentFactory()
    with pytest.raises(NotAllowed):
        services.add_comment(idea=IdeaFactory(), author=member, body="Wrong place", parent=elsewhere)


def test_staff_comments_are_marked_as_staff(staff):
    comment = services.add_comment(idea=IdeaFactory(), author=staff, body="We are looking at it")
    assert comment.by_staff is True


def test_double_submitted_comment_is_stored_once(member):
    idea = IdeaFactory()
    first = services.add_comment(idea=idea, author=member, body="Twice")
    assert services.add_comment(idea=idea, author=member, body="Twice").pk == first.pk
    assert fresh(idea).comment_count == 1


def test_comment_masks_personal_data(member):
    comment = services.add_comment(idea=IdeaFactory(), author=member, body="My number is +47 912 34 567")
    assert "912 34 567" not in comment.body_html
    assert [str(k) for k in comment.masked] == ["phone number"]


@pytest.mark.parametrize("body", ["", "   ", "x" * 10_001])
def test_empty_or_huge_comments_are_refused(member, body):
    with pytest.raises(ValidationError):
        services.add_comment(idea=IdeaFactory(), author=member, body=body)
    assert not Comment.objects.exists()


@pytest.mark.parametrize("slug", ["merged", "awaiting-approval", "rejected"])
def test_comments_on_merged_or_hidden_ideas_are_refused(member, slug):
    idea = with_status(slug, merged_into=IdeaFactory() if slug == "merged" else None)
    with pytest.raises(NotAllowed):
        services.add_comment(idea=idea, author=member, body="Hello")


def test_soft_delete_hides_text_keeps_replies_and_decrements_once(member):
    idea = IdeaFactory()
    top = services.add_comment(idea=idea, author=member, body="Top")
    services.add_comment(idea=idea, author=MemberFactory(), body="Reply", parent=top)
    services.delete_comment(comment=top, by=member)
    top.refresh_from_db()
    assert top.deleted_at is not None and top.body_html == "" and top.body_source == ""
    assert Comment.objects.filter(parent=top).count() == 1
    assert fresh(idea).comment_count == 1
    stale = Comment.objects.get(pk=top.pk)
    with pytest.raises(NotAllowed):
        services.delete_comment(comment=stale, by=member)
    stale.deleted_at = None  # a stale object from before the delete must not decrement again
    services.delete_comment(comment=stale, by=member)
    assert fresh(idea).comment_count == 1
    assert_counts_equal_rows(idea)


def test_only_author_or_staff_delete_a_comment(member, staff):
    comment = services.add_comment(idea=IdeaFactory(), author=MemberFactory(), body="Mine")
    with pytest.raises(NotAllowed):
        services.delete_comment(comment=comment, by=member)
    services.delete_comment(comment=comment, by=staff)
    assert Comment.objects.get(pk=comment.pk).deleted_at is not None


def test_comment_edit_window_for_authors_staff_any_time(member, staff):
    comment = services.add_comment(idea=IdeaFactory(), author=member, body="Frist")
    services.edit_comment(comment=comment, by=member, body="First")
    assert Comment.objects.get(pk=comment.pk).body_html == "<p>First</p>"
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=3))
    comment = Comment.objects.get(pk=comment.pk)
    with pytest.raises(NotAllowed):
        services.edit_comment(comment=comment, by=member, body="Too late")
    with pytest.raises(NotAllowed):
        services.edit_comment(comment=comment, by=MemberFactory(), body="Not mine")
    services.edit_comment(comment=comment, by=staff, body="Moderated")
    assert Comment.objects.get(pk=comment.pk).body_source == "Moderated"


# --- Statuses ---------------------------------------------------------------------------------


def test_staff_change_status_with_a_response_kept_in_history(staff):
    idea = IdeaFactory()
    before = fresh(idea).version
    change = services.change_status(
        idea=idea, to=idea_status("planned"), response="Coming in **May**", by=staff
    )
    idea = fresh(idea)
    assert idea.status.slug == "planned" and idea.version > before
    assert (change.from_status.slug, change.to_status.slug, change.changed_by) == ("new", "planned", staff)
    assert change.response_html == "<p>Coming in <strong>May</strong></p>"
    page = queries.idea_page(idea, viewer=None)
    assert page.official == change and page.history == [change]


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("new", "under-review", True),
        ("new", "planned", True),
        ("new", "shipped", True),
        ("new", "declined", True),
        ("planned", "in-progress", True),
        ("in-progress", "shipped", True),
        ("shipped", "in-progress", True),
        ("declined", "new", True),
        ("shipped", "new", False),
        ("shipped", "declined", False),
        ("declined", "shipped", False),
        ("new", "new", False),
        ("new", "merged", False),
        ("new", "withdrawn", False),
        ("new", "awaiting-approval", False),
        ("merged", "new", False),
        ("withdrawn", "new", False),
        ("awaiting-approval", "new", False),
        ("rejected", "new", False),
    ],
)
def test_status_changes_follow_the_transitions(staff, start, to, allowed):
    idea = with_status(start)
    if allowed:
        services.change_status(idea=idea, to=idea_status(to), response="Our answer", by=staff)
        assert fresh(idea).status.slug == to
    else:
        with pytest.raises(NotAllowed):
            services.change_status(idea=idea, to=idea_status(to), response="Our answer", by=staff)
        assert fresh(idea).status.slug == start
        assert not StatusChange.objects.exists()


@pytest.mark.parametrize("response", ["", "  ", "ok", "x" * 5001])
def test_a_status_change_needs_a_short_response(staff, response):
    idea = IdeaFactory()
    with pytest.raises(ValidationError):
        services.change_status(idea=idea, to=idea_status("planned"), response=response, by=staff)
    assert fresh(idea).status.slug == "new"


def test_members_cannot_change_status(member):
    idea = IdeaFactory(author=member)
    with pytest.raises(NotAllowed):
        services.change_status(idea=idea, to=idea_status("planned"), response="I plan it", by=member)


def test_a_concurrent_answer_is_refused_when_the_status_changed_meanwhile(staff):
    idea = IdeaFactory()
    stale = Idea.objects.select_related("status").get(pk=idea.pk)
    services.change_status(
        idea=idea, to=idea_status("planned"), response="Planned for May", by=StaffFactory()
    )
    with pytest.raises(NotAllowed, match="changed while you were answering"):
        services.change_status(idea=stale, to=idea_status("declined"), response="Not for us", by=staff)
    assert fresh(idea).status.slug == "planned"
    assert StatusChange.objects.count() == 1


# --- Merging ----------------------------------------------------------------------------------


def test_merge_moves_votes_without_double_counting(staff):
    source, target = IdeaFactory(title="Roaming in Sweden"), IdeaFactory(title="Roaming in the Nordics")
    only_source, both, only_target = MemberFactory(), MemberFactory(), MemberFactory()
    for voter in (only_source, both):
        services.cast_vote(member=voter, idea=source)
    for voter in (both, only_target):
        services.cast_vote(member=voter, idea=target)

    services.merge_ideas(source=source, target=target, by=staff)

    assert set(Vote.objects.filter(idea=target).values_list("member", flat=True)) == {
        only_source.pk,
        both.pk,
        only_target.pk,
    }
    assert not Vote.objects.filter(idea=source).exists()
    assert fresh(target).vote_count == 3 and fresh(source).vote_count == 0
    assert fresh(target).trending == pytest.approx(trending_score(3, target.created_at), abs=1e-6)
    assert_counts_equal_rows(source, target)
    assert Follow.objects.filter(idea=target, member=only_source).exists()


def test_merged_idea_points_to_its_target_and_its_comments_stay_readable(staff, member):
    source, target = IdeaFactory(), IdeaFactory()
    comment = services.add_comment(idea=source, author=member, body="Said on the duplicate")
    services.merge_ideas(source=source, target=target, by=staff)

    source = fresh(source)
    assert source.merged_into_id == target.pk and source.status.stage == Stage.MERGED
    assert source.comment_count == 1  # the comments stay where they were written
    page = queries.idea_page(fresh(target), viewer=member)
    assert [m.pk for m in page.merged_from] == [source.pk]
    assert [c.pk for c in page.merged_from[0].comment_list] == [comment.pk]
    assert page.comments == []  # not mixed into the target's own thread
    assert queries.idea_page(source, viewer=member).idea.merged_into == target


def test_merge_into_itself_is_refused(staff):
    idea = IdeaFactory()
    with pytest.raises(NotAllowed):
        services.merge_ideas(source=idea, target=idea, by=staff)


@pytest.mark.parametrize("slug", ["awaiting-approval", "rejected", "withdrawn", "merged"])
def test_merge_into_a_hidden_or_closed_idea_is_refused(staff, slug):
    source, target = IdeaFactory(), with_status(slug)
    with pytest.raises(NotAllowed):
        services.merge_ideas(source=source, target=target, by=staff)
    assert fresh(source).status.slug == "new"


def test_an_idea_cannot_be_merged_twice(staff):
    source, first, second = IdeaFactory(), IdeaFactory(), IdeaFactory()
    services.merge_ideas(source=source, target=first, by=staff)
    with pytest.raises(NotAllowed):
        services.merge_ideas(source=fresh(source), target=second, by=staff)


def test_members_cannot_merge(member):
    with pytest.raises(NotAllowed):
        services.merge_ideas(source=IdeaFactory(author=member), target=IdeaFactory(), by=member)


# --- Approval ---------------------------------------------------------------------------------


def test_staff_approve_a_pending_idea_and_it_is_listed(staff):
    idea = with_status("awaiting-approval")
    services.approve_idea(idea=idea, by=staff)
    assert fresh(idea).status.stage == Stage.OPEN
    assert idea in queries.board_listing(idea.board, viewer=None).ideas


def test_staff_reject_a_pending_idea_with_a_reason(staff):
    idea = with_status("awaiting-approval")
    with pytest.raises(ValidationError):
        services.reject_idea(idea=idea, by=staff, response="")
    services.reject_idea(idea=idea, by=staff, response="This is a support question")
    assert fresh(idea).status.slug == "rejected"
    assert idea not in queries.board_listing(idea.board, viewer=None).ideas


def test_approval_is_for_staff_and_pending_ideas_only(member, staff):
    pending = with_status("awaiting-approval")
    with pytest.raises(NotAllowed):
        services.approve_idea(idea=pending, by=member)
    with pytest.raises(NotAllowed):
        services.reject_idea(idea=pending, by=member, response="Nope nope")
    for action in (
        lambda: services.approve_idea(idea=IdeaFactory(), by=staff),
        lambda: services.reject_idea(idea=IdeaFactory(), by=staff, response="Not pending"),
    ):
        with pytest.raises(NotAllowed):
            action()
