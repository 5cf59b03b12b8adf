"""Who may do what on idea boards. Views, the API and the live socket all ask these."""

from datetime import timedelta

from django.utils import timezone

from community.rules import is_staff, is_verified_member

# Authors may fix their idea for a while; after that it belongs to its voters too.
EDIT_WINDOW = timedelta(hours=2)
COMMENT_EDIT_WINDOW = timedelta(hours=2)


def can_view_board(user, board) -> bool:
    return board.live


def can_view_idea(user, idea) -> bool:
    """Ideas awaiting approval or rejected are seen only by their author and staff."""
    if not can_view_board(user, idea.board):
        return False
    if idea.status.is_hidden:
        return is_staff(user) or (user is not None and user.is_authenticated and idea.author_id == user.pk)
    return True


def can_post(user, board) -> bool:
    if not is_verified_member(user) or not board.live:
        return False
    if board.who_may_post == board.Posting.STAFF:
        return is_staff(user)
    return True


def can_vote(user, idea) -> bool:
    return is_verified_member(user) and idea.status.allows_votes and can_view_idea(user, idea)


def can_comment(user, idea) -> bool:
    return (
        is_verified_member(user)
        and can_view_idea(user, idea)
        and idea.merged_into_id is None
        and not idea.status.is_hidden
    )


def can_follow(user, idea) -> bool:
    return is_verified_member(user) and can_view_idea(user, idea)


def can_moderate(user) -> bool:
    """Staff manage ideas: status, merge, approval, edits, votes on a customer's behalf."""
    return is_staff(user)


def can_edit_idea(user, idea) -> bool:
    if can_moderate(user):
        return True
    return (
        is_verified_member(user)
        and idea.author_id == user.pk
        and idea.status.stage in {"pending", "open"}
        and timezone.now() - idea.created_at <= EDIT_WINDOW
    )


def can_withdraw(user, idea) -> bool:
    return (
        is_verified_member(user)
        and idea.author_id == user.pk
        and idea.status.stage in {"pending", "open"}
    )


def can_edit_comment(user, comment) -> bool:
    if comment.deleted_at is not None:
        return False
    if can_moderate(user):
        return True
    return (
        is_verified_member(user)
        and comment.author_id == user.pk
        and timezone.now() - comment.created_at <= COMMENT_EDIT_WINDOW
    )


def can_delete_comment(user, comment) -> bool:
    return comment.deleted_at is None and (
        can_moderate(user) or (is_verified_member(user) and comment.author_id == user.pk)
    )


def can_see_audience(user) -> bool:
    """'Who wants this' uses customer attributes: staff only."""
    return is_staff(user)
