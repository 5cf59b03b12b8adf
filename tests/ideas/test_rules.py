"""Who may do what on idea boards: a permission matrix of who × action × idea state."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from ideas import rules
from tests.factories import IdeaFactory, MemberFactory, StaffFactory, idea_status, make_board

pytestmark = pytest.mark.django_db

# Who: "member" is a verified member who did not write the idea (the "other member");
# "inactive" is a verified member whose account was deactivated.
WHO = ("anonymous", "unverified", "inactive", "member", "author", "staff")

# What each may do, one letter per person in WHO order (Y allowed, . refused), per idea state.
# "stale" is an open idea created three hours ago (outside the author's edit window).
# Actions that do not depend on an idea (post, moderate, audience) use the state "-".
MATRIX = {
    # action            state                 anon unv inact memb auth staff
    ("view", "new"): "YYYYYY",
    ("view", "planned"): "YYYYYY",
    ("view", "shipped"): "YYYYYY",
    ("view", "declined"): "YYYYYY",
    ("view", "merged"): "YYYYYY",
    ("view", "withdrawn"): "YYYYYY",
    ("view", "awaiting-approval"): "....YY",  # hidden: author and staff only
    ("view", "rejected"): "....YY",
    ("post", "members-board"): "...YYY",
    ("post", "staff-board"): ".....Y",
    ("vote", "new"): "...YYY",
    ("vote", "under-review"): "...YYY",
    ("vote", "planned"): "...YYY",
    ("vote", "in-progress"): "...YYY",
    ("vote", "shipped"): "......",
    ("vote", "declined"): "......",
    ("vote", "merged"): "......",
    ("vote", "withdrawn"): "......",
    ("vote", "awaiting-approval"): "......",
    ("vote", "rejected"): "......",
    ("comment", "new"): "...YYY",
    ("comment", "planned"): "...YYY",
    ("comment", "shipped"): "...YYY",
    ("comment", "declined"): "...YYY",
    ("comment", "withdrawn"): "......",  # withdrawn ideas are closed for comments
    ("comment", "merged"): "......",
    ("comment", "awaiting-approval"): "......",
    ("comment", "rejected"): "......",
    ("follow", "new"): "...YYY",
    ("follow", "awaiting-approval"): "....YY",
    ("edit", "new"): "....YY",
    ("edit", "stale"): ".....Y",
    ("edit", "awaiting-approval"): "....YY",
    ("edit", "planned"): ".....Y",
    ("edit", "shipped"): ".....Y",
    ("edit", "merged"): ".....Y",
    # Authors withdraw their open idea; staff withdraw (unlist) any published or pending one.
    ("withdraw", "new"): "....YY",
    ("withdraw", "stale"): "....YY",
    ("withdraw", "awaiting-approval"): "....YY",
    ("withdraw", "planned"): ".....Y",
    ("withdraw", "shipped"): ".....Y",
    ("withdraw", "withdrawn"): "......",
    ("withdraw", "merged"): "......",
    ("moderate", "-"): ".....Y",
    ("see audience", "-"): ".....Y",
}

CASES = [
    pytest.param(who, action, state, flags[i] == "Y", id=f"{who}-{action}-{state}")
    for (action, state), flags in MATRIX.items()
    for i, who in enumerate(WHO)
]


def make_person(who):
    if who == "anonymous":
        return AnonymousUser()
    if who == "unverified":
        return MemberFactory(verified=False)
    if who == "inactive":
        return MemberFactory(is_active=False)
    if who == "staff":
        return StaffFactory()
    return MemberFactory()  # member and author (the author is set on the idea below)


def make_idea(state, author):
    fields = {"author": author} if author is not None else {}
    if state == "stale":
        return IdeaFactory(created_at=timezone.now() - timedelta(hours=3), **fields)
    merged_into = IdeaFactory() if state == "merged" else None
    return IdeaFactory(status=idea_status(state), merged_into=merged_into, **fields)


def decide(action, person, state, author=None):
    if action == "post":
        board = make_board(who_may_post="staff" if state == "staff-board" else "members")
        return rules.can_post(person, board)
    if action == "moderate":
        return rules.can_moderate(person)
    if action == "see audience":
        return rules.can_see_audience(person)
    idea = make_idea(state, author)
    check = {
        "view": rules.can_view_idea,
        "vote": rules.can_vote,
        "comment": rules.can_comment,
        "follow": rules.can_follow,
        "edit": rules.can_edit_idea,
        "withdraw": rules.can_withdraw,
    }[action]
    return check(person, idea)


@pytest.mark.parametrize(("who", "action", "state", "allowed"), CASES)
def test_permission_matrix(who, action, state, allowed):
    person = make_person(who)
    author = person if who == "author" else None
    assert decide(action, person, state, author=author) is allowed


def test_ideas_on_an_unpublished_board_are_seen_by_nobody():
    board = make_board()
    board.unpublish()
    idea = IdeaFactory(board=board)
    for person in (AnonymousUser(), idea.author, StaffFactory()):
        assert rules.can_view_idea(person, idea) is False
        assert rules.can_vote(person, idea) is False
        assert rules.can_post(person, board) is False


def test_a_pending_idea_is_seen_by_its_author_but_not_by_other_members():
    idea = IdeaFactory(status=idea_status("awaiting-approval"))
    assert rules.can_view_idea(MemberFactory(), idea) is False
    assert rules.can_view_idea(idea.author, idea) is True


def test_comment_edit_and_delete_rules(db):
    from ideas.models import Comment

    author, other, staff = MemberFactory(), MemberFactory(), StaffFactory()
    comment = Comment.objects.create(idea=IdeaFactory(), author=author, body_source="x", body_html="x")
    assert rules.can_edit_comment(author, comment) and rules.can_delete_comment(author, comment)
    assert not rules.can_edit_comment(other, comment) and not rules.can_delete_comment(other, comment)
    assert rules.can_edit_comment(staff, comment) and rules.can_delete_comment(staff, comment)
    assert not rules.can_edit_comment(AnonymousUser(), comment)
    comment.created_at = timezone.now() - timedelta(hours=3)
    assert not rules.can_edit_comment(author, comment) and rules.can_delete_comment(author, comment)
    comment.deleted_at = timezone.now()
    for person in (author, staff):
        assert not rules.can_edit_comment(person, comment) and not rules.can_delete_comment(person, comment)
