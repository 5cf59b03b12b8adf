"""HTML views for idea boards, split by what people do: boards, one idea, staff actions.

Views are thin: they parse input, call a service or a query, and render. Services raise
NotAllowed (worded for the member) and ValidationError; views turn the first into a message or a
rendered 403 and the second into form errors, keeping what the member typed.
"""

from ideas.views.boards import board, boards, post_idea, roadmap, serve_page, shipped, similar
from ideas.views.idea import (
    comment,
    comments_fragment,
    delete_comment,
    edit_comment,
    edit_idea,
    follow,
    idea_detail,
    vote,
    withdraw,
)
from ideas.views.staff import approve, change_status, merge, reject, vote_for

__all__ = [
    "approve",
    "board",
    "boards",
    "change_status",
    "comment",
    "comments_fragment",
    "delete_comment",
    "edit_comment",
    "edit_idea",
    "follow",
    "idea_detail",
    "merge",
    "post_idea",
    "reject",
    "roadmap",
    "serve_page",
    "shipped",
    "similar",
    "vote",
    "vote_for",
    "withdraw",
]
