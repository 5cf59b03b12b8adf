"""The customer panel's entries from idea boards: the member's ideas (with their status and the
official answer), votes and comments. Three sources of two queries or fewer each."""

from community.timeline import Entry
from community.visibility import visible_page_ids
from ideas.models import Comment, Idea, IdeaBoardPage, StatusChange, Vote


def _older(rows, field: str, before):
    return rows.filter(**{f"{field}__lt": before}) if before else rows


def ideas_of(member, *, viewer, limit, before):
    boards = visible_page_ids(viewer, IdeaBoardPage)
    rows = Idea.objects.filter(author=member, board_id__in=boards).select_related("status", "board")
    ideas = list(_older(rows, "created_at", before).order_by("-created_at", "-pk")[:limit])
    # The latest answer per idea: its most recent status change (they carry the public response).
    answers = {}
    changes = (StatusChange.objects.filter(idea__in=ideas).exclude(response_source="").select_related("team", "changed_by", "to_status")
               .order_by("idea_id", "-created_at", "-pk"))
    for change in changes if ideas else ():
        answers.setdefault(change.idea_id, change)
    return [
        Entry("idea", idea.created_at, idea.title, idea.get_absolute_url(), {
            "status": idea.status, "board": idea.board.title, "votes": idea.vote_count,
            "comments": idea.comment_count, "answer": answers.get(idea.pk), "language": idea.language,
        }, "ideas/timeline/idea.html")
        for idea in ideas
    ]


def votes_of(member, *, viewer, limit, before):
    boards = visible_page_ids(viewer, IdeaBoardPage)
    rows = Vote.objects.filter(member=member, idea__board_id__in=boards).select_related("idea__status", "recorded_by")
    votes = _older(rows, "created_at", before).order_by("-created_at", "-pk")[:limit]
    return [
        Entry("vote", vote.created_at, vote.idea.title, vote.idea.get_absolute_url(), {
            "status": vote.idea.status, "recorded_via": vote.recorded_via,
            "recorded_by": vote.recorded_by.public_name if vote.recorded_by else "",
        }, "ideas/timeline/vote.html")
        for vote in votes
    ]


def comments_of(member, *, viewer, limit, before):
    boards = visible_page_ids(viewer, IdeaBoardPage)
    rows = Comment.objects.filter(author=member, idea__board_id__in=boards, deleted_at__isnull=True).select_related("idea")
    comments = _older(rows, "created_at", before).order_by("-created_at", "-pk")[:limit]
    return [
        Entry("comment", comment.created_at, comment.idea.title, comment.idea.get_absolute_url(), {
            "html": comment.body_html, "language": comment.language,
            "is_reply": comment.parent_id is not None,
        }, "ideas/timeline/comment.html")
        for comment in comments
    ]


def register() -> None:
    from community.timeline import register_timeline_source

    for source in (ideas_of, votes_of, comments_of):
        register_timeline_source(source)

