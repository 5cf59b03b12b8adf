"""Background work for ideas: telling people about status changes, comments and pending ideas."""

from django.db.models import Q
from django.utils.functional import lazy
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _

from community.background import retrying_task
from community.content import plain_text
from ideas.queries import members_who_may_see


@retrying_task()
def notify_status_change(change_id: int, extra_recipient_ids: list | None = None) -> int:
    """Everyone who voted for, followed or wrote the idea hears the new status and the response.
    Notifications are keyed by the change, so a retry never tells anyone twice."""
    from community.models import Member
    from community.services import notify_all
    from ideas.models import StatusChange

    change = StatusChange.objects.select_related("idea__board", "idea__status", "to_status", "changed_by").get(
        pk=change_id
    )
    idea = change.idea
    recipients = Member.objects.filter(
        Q(idea_votes__idea=idea) | Q(idea_follows__idea=idea) | Q(pk=idea.author_id)
        | Q(pk__in=extra_recipient_ids or [])
    )
    recipients = members_who_may_see(idea, recipients).distinct()
    status_label = lazy(lambda: change.to_status.label, str)()
    title = format_lazy(_("“{title}” is now {status}"), title=idea.title, status=status_label)
    return notify_all(
        recipients, kind="idea_status", key=f"idea-status:{change.pk}", title=title,
        body=Truncator(plain_text(change.response_source)).chars(600), url=idea.get_absolute_url(),
        exclude=change.changed_by,
    )


@retrying_task()
def notify_new_comment(comment_id: int) -> int:
    from community.models import Member
    from community.services import notify_all
    from ideas.models import Comment

    comment = Comment.objects.select_related("idea__board", "idea__status", "author").get(pk=comment_id)
    if comment.deleted_at:
        return 0
    idea = comment.idea
    recipients = members_who_may_see(idea, Member.objects.filter(idea_follows__idea=idea)).distinct()
    # Lazy: "Member 12" (an author without a display name) is said in each recipient's language too.
    name = lazy(lambda: comment.author.public_name, str)()
    title = format_lazy(_("{name} commented on “{title}”"), name=name, title=idea.title)
    return notify_all(
        recipients, kind="idea_comment", key=f"idea-comment:{comment.pk}", title=title,
        body=Truncator(plain_text(comment.body_source)).chars(300), url=f"{idea.get_absolute_url()}#comment-{comment.pk}",
        exclude=comment.author,
    )


@retrying_task()
def notify_moderators(idea_id: int) -> int:
    """A new idea awaits approval: tell the board's team (or all staff when it has none)."""
    from community.models import Member
    from community.services import notify
    from ideas.models import Idea

    idea = Idea.objects.select_related("board__owner_team", "status").get(pk=idea_id)
    team = idea.board.owner_team
    staff = team.members.filter(is_active=True) if team else Member.objects.filter(is_staff=True, is_active=True)
    staff = members_who_may_see(idea, staff).distinct()
    title = format_lazy(_("New idea awaiting approval: “{title}”"), title=idea.title)
    return len(notify(list(staff), kind="idea_pending", key=f"idea-pending:{idea.pk}", title=title,
                      url=idea.get_absolute_url()))
