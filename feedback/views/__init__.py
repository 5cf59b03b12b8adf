"""HTML views for beta programmes, feedback threads and items, and touchpoints.

Views are thin: they parse input, call a service or a query, and render. Anything inside a
programme the viewer may not see is a 404, exactly like a missing id.
"""

from feedback.views.items import item_detail, item_note, item_status, item_tags, my_feedback, staff_feedback
from feedback.views.programmes import (
    admit_wave,
    decide,
    enrol,
    invite,
    leave,
    programme,
    programme_members,
    programmes,
)
from feedback.views.threads import new_thread, screenshot, thread_detail, thread_posts_fragment, thread_reply
from feedback.views.touchpoints import revoke, touchpoint_demo, touchpoints

__all__ = [
    "admit_wave", "decide", "enrol", "invite", "item_detail", "item_note", "item_status", "item_tags", "leave",
    "my_feedback", "new_thread", "programme", "programme_members", "programmes", "revoke", "screenshot", "staff_feedback",
    "thread_detail", "thread_posts_fragment", "thread_reply", "touchpoint_demo", "touchpoints",
]
