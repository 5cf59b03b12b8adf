"""Who may do what on idea boards. Views, the API, the live socket and the admins all ask these.

Each rule is one `why_not_*` function returning the member's reason (translated) or None; `rule`
makes from it the predicate for templates and lists (`can_vote`) and the check services call
(`check_can_vote`, raising NotAllowed with that reason). Nothing else words a refusal.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from community import teams, visibility
from community.rules import is_member, is_staff, rule
from ideas.models import LISTED_STAGES, Stage

# Authors may fix their idea for a while; after that it belongs to its voters too.
EDIT_WINDOW = timedelta(hours=2)
COMMENT_EDIT_WINDOW = timedelta(hours=2)


def _is_author(user, thing) -> bool:
    return is_member(user) and thing.author_id == user.pk


def _why_not_verified(user, log_in, confirm):
    """A visitor is asked to log in, a member who has not confirmed their address to confirm it."""
    if not is_member(user):
        return log_in
    if not user.is_verified:
        return confirm
    return None


# --- Seeing ------------------------------------------------------------------------------------


def can_view_board(user, board) -> bool:
    """The board's page and its ancestors are live and their privacy settings let the viewer in."""
    return visibility.can_view_page(user, board)


def can_view_idea(user, idea) -> bool:
    """The board is visible; ideas awaiting approval or rejected only to their author and staff.
    Lists use Idea.objects.visible_to(user), which says the same in SQL."""
    if not can_view_board(user, idea.board):
        return False
    if idea.status.is_hidden:
        return is_staff(user) or _is_author(user, idea)
    return True


def can_see_audience(user) -> bool:
    """'Who wants this' uses customer attributes: staff only."""
    return is_staff(user)


# --- Members -----------------------------------------------------------------------------------


def why_not_post(user, board):
    if reason := _why_not_verified(
        user, _("Log in to post ideas."), _("Confirm your e-mail address to post ideas.")
    ):
        return reason
    if not can_view_board(user, board):
        return _("You cannot post ideas on this board.")
    if board.who_may_post == board.Posting.STAFF and not is_staff(user):
        return _("Only staff post ideas on this board.")
    return None


def why_not_vote(user, idea):
    if reason := _why_not_verified(user, _("Log in to vote."), _("Confirm your e-mail address to vote.")):
        return reason
    if idea.merged_into_id:
        return _("This idea was merged: vote for the idea it was merged into.")
    if not (idea.status.allows_votes and can_view_idea(user, idea)):
        return _("This idea is not open for votes.")
    return None


def why_not_record_vote(staff, member, idea):
    """Staff record a vote for a customer who asked by phone, in a shop or a chat."""
    if not is_staff(staff):
        return _("Only staff can record a vote for a customer.")
    if not (member.is_active and idea.status.allows_votes and can_view_idea(member, idea)):
        return _("This idea is not open for votes.")
    return None


def why_not_follow(user, idea):
    if reason := _why_not_verified(
        user, _("Log in to follow ideas."), _("Confirm your e-mail address to follow ideas.")
    ):
        return reason
    if not can_view_idea(user, idea):
        return _("You cannot follow this idea.")
    return None


def why_not_comment(user, idea):
    if reason := _why_not_verified(user, _("Log in to comment."), _("Confirm your e-mail address to comment.")):
        return reason
    if not can_view_idea(user, idea):
        return _("You cannot comment on this idea.")
    if idea.merged_into_id or idea.status.stage not in LISTED_STAGES:
        # Merged, withdrawn, awaiting approval or rejected: the conversation is elsewhere or over.
        return _("Comments are closed on this idea.")
    return None


def why_not_edit_idea(user, idea):
    if is_staff(user):
        return None
    if not _is_author(user, idea):
        return _("You can only edit your own ideas.")
    if idea.status.stage not in {Stage.PENDING, Stage.OPEN} or timezone.now() - idea.created_at > EDIT_WINDOW:
        return _("You can no longer edit this idea.")
    return _why_not_verified(
        user, _("Log in to edit your idea."), _("Confirm your e-mail address to edit your idea.")
    )


def why_not_withdraw(user, idea):
    """Authors withdraw their own open or pending idea; staff withdraw (unlist) any published one."""
    if is_staff(user):
        if idea.merged_into_id or idea.status.stage not in LISTED_STAGES | {Stage.PENDING}:
            return _("This idea cannot be withdrawn in its current status.")
        return None
    if not _is_author(user, idea):
        return _("Only the author or staff can withdraw an idea.")
    if idea.status.stage not in {Stage.PENDING, Stage.OPEN}:
        return _("Only open ideas can be withdrawn.")
    return _why_not_verified(
        user, _("Log in to withdraw your idea."), _("Confirm your e-mail address to withdraw your idea.")
    )


def why_not_edit_comment(user, comment):
    if comment.deleted_at is not None:
        return _("This comment was deleted.")
    if is_staff(user):
        return None
    if not _is_author(user, comment) or not user.is_verified:
        return _("You can only edit your own comments.")
    if timezone.now() - comment.created_at > COMMENT_EDIT_WINDOW:
        return _("You can no longer edit this comment.")
    return None


def why_not_delete_comment(user, comment):
    if comment.deleted_at is not None:
        return _("This comment was deleted.")
    if is_staff(user) or (_is_author(user, comment) and user.is_verified):
        return None
    return _("You can only delete your own comments.")


can_post, check_can_post = rule(why_not_post)
can_vote, check_can_vote = rule(why_not_vote)
can_record_vote, check_can_record_vote = rule(why_not_record_vote)
can_follow, check_can_follow = rule(why_not_follow)
can_comment, check_can_comment = rule(why_not_comment)
can_edit_idea, check_can_edit_idea = rule(why_not_edit_idea)
can_withdraw, check_can_withdraw = rule(why_not_withdraw)
can_edit_comment, check_can_edit_comment = rule(why_not_edit_comment)
can_delete_comment, check_can_delete_comment = rule(why_not_delete_comment)


# --- Staff -------------------------------------------------------------------------------------


def why_not_moderate(user):
    """Staff manage ideas: status, merge, approval, edits, votes on a customer's behalf."""
    if not is_staff(user):
        return _("Only staff can do this.")
    return None


def why_not_answer_for_board(user, board):
    """The board's owning team answers its ideas (triage's while it has none), and site admins."""
    if not is_staff(user):
        return _("Only staff can change the status of an idea.")
    if not teams.acts_for(user, teams.owner_or_triage_id(board.owner_team_id)):
        return _("Only the team that owns this board can answer its ideas.")
    return None


def why_not_change_status(user, idea, to=None):
    if reason := why_not_answer_for_board(user, idea.board):
        return reason
    if to is None:
        if not idea.status.has_moves:
            return _("The status of this idea cannot be changed.")
    elif not idea.status.can_move_to(to):
        return _("An idea cannot move from “%(from)s” to “%(to)s”.") % {"from": idea.status.label, "to": to.label}
    return None


def why_not_merge(user, source, target=None):
    if not is_staff(user):
        return _("Only staff can merge ideas.")
    if source.merged_into_id or source.status.stage == Stage.MERGED:
        return _("This idea is already merged.")
    if source.status.stage not in LISTED_STAGES:
        return _("Only published ideas can be merged: approve or reject this one first.")
    if target is not None:
        if target.pk == source.pk:
            return _("An idea cannot be merged into itself.")
        if target.merged_into_id or target.status.stage not in LISTED_STAGES:
            return _("Merge into an idea that is open, planned, in progress, shipped or declined.")
        if target.board_id != source.board_id and not can_view_board(user, target.board):
            return _("There is no such idea.")
    return None


def why_not_approve(user, idea):
    if not is_staff(user):
        return _("Only staff can approve or reject ideas.")
    if idea.status.stage != Stage.PENDING:
        return _("Only ideas awaiting approval can be approved or rejected.")
    return None


can_moderate, check_can_moderate = rule(why_not_moderate)
can_answer_for_board, check_can_answer_for_board = rule(why_not_answer_for_board)
can_change_status, check_can_change_status = rule(why_not_change_status)
can_merge, check_can_merge = rule(why_not_merge)
# Approving and rejecting are the two answers to the same question.
can_approve, check_can_approve = rule(why_not_approve)
can_reject, check_can_reject = can_approve, check_can_approve
