"""Background work for feedback: telling applicants, members, staff and authors what happened.

Every recipient list goes through queries.members_inside (the programme's visibility plus
membership), and every notification is keyed by its event, so a retry never tells anyone twice.
Internal notes never reach any of these.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from community.background import retrying_task
from community.content import plain_text


def _staff_of(programme_or_touchpoint):
    from community.models import Member

    team = programme_or_touchpoint.owner_team
    staff = team.members.all() if team else Member.objects.filter(is_staff=True)
    return staff.filter(is_active=True, is_staff=True)


@retrying_task()
def notify_new_application(membership_id: int) -> int:
    from community.services import notify
    from feedback.models import Membership

    membership = Membership.objects.select_related("programme__owner_team", "member").get(pk=membership_id)
    programme = membership.programme
    from feedback.queries import members_inside

    staff = members_inside(programme, _staff_of(programme))
    title = format_lazy(_("New application to the beta “{title}”"), title=programme.title)
    return len(notify(list(staff), kind="beta_application", key=f"beta-application:{membership.pk}", title=title,
                      body=Truncator(membership.reason).chars(300),
                      url=reverse("feedback_programme_members", args=[programme.pk])))


@retrying_task()
def notify_decision(membership_id: int) -> int:
    """The applicant hears whether they are in."""
    from community.services import notify
    from feedback.models import Membership

    membership = Membership.objects.select_related("programme", "member").get(pk=membership_id)
    programme = membership.programme
    if membership.state == Membership.State.ACTIVE:
        title = format_lazy(_("Welcome to the beta “{title}”"), title=programme.title)
        body = _("You are in! Try it out and tell the team what works and what breaks.")
    elif membership.state == Membership.State.DECLINED:
        title = format_lazy(_("Your application to the beta “{title}”"), title=programme.title)
        body = _("Thank you for applying. We could not include you this time.")
    else:
        return 0
    return len(notify([membership.member], kind="beta_decision", key=f"beta-decision:{membership.pk}:{membership.state}",
                      title=title, body=body, url=programme.url or ""))


@retrying_task()
def notify_new_thread(thread_id: int) -> int:
    """The programme's team hears of new feedback."""
    from community.services import notify
    from feedback.models import Thread
    from feedback.queries import members_inside

    thread = Thread.objects.select_related("programme__owner_team", "author").get(pk=thread_id)
    staff = members_inside(thread.programme, _staff_of(thread.programme))
    kind = lazy(lambda: thread.get_kind_display(), str)()
    title = format_lazy(_("{kind} in “{programme}”: {title}"), kind=kind, programme=thread.programme.title,
                        title=thread.title)
    return len(notify(list(staff), kind="beta_thread", key=f"beta-thread:{thread.pk}", title=title,
                      body=Truncator(plain_text(thread.body_source)).chars(300), url=thread.get_absolute_url(),
                      exclude=thread.author))


@retrying_task()
def notify_reply(post_id: int) -> int:
    """Everyone in the conversation (the author and those who replied) who still may see it."""
    from community.models import Member
    from community.services import notify
    from feedback.models import Post
    from feedback.queries import members_inside

    post = Post.objects.select_related("thread__programme", "author").get(pk=post_id)
    thread = post.thread
    people = Member.objects.filter(Q(pk=thread.author_id) | Q(beta_posts__thread=thread)).distinct()
    people = members_inside(thread.programme, people)
    name = lazy(lambda: post.author.public_name, str)()
    title = format_lazy(_("{name} replied to “{title}”"), name=name, title=thread.title)
    return len(notify(list(people), kind="beta_reply", key=f"beta-reply:{post.pk}", title=title,
                      body=Truncator(plain_text(post.body_source)).chars(300),
                      url=f"{thread.get_absolute_url()}#post-{post.pk}", exclude=post.author))


@retrying_task()
def notify_item_status(change_id: int) -> int:
    """The author of the feedback hears its new status with the staff's answer."""
    from community.services import notify
    from feedback.models import ItemStatusChange, Status
    from feedback.rules import can_view_item

    change = (ItemStatusChange.objects.select_related("item__author", "item__programme", "team", "changed_by")
              .get(pk=change_id))
    item = change.item
    if item.author is None or not can_view_item(item.author, item):
        return 0
    status = lazy(lambda: str(Status(change.to_status).label), str)()
    # Who answered, as the customer sees it ("Billing team", "Ingrid, Billing team"), in their language.
    responder = lazy(lambda: change.responder, str)()
    title = format_lazy(_("{responder} answered your feedback “{title}”: {status}"), responder=responder,
                        title=item.title, status=status)
    return len(notify([item.author], kind="feedback_status", key=f"feedback-status:{change.pk}", title=title,
                      body=Truncator(plain_text(change.response_source)).chars(600), url=item.get_absolute_url(),
                      exclude=change.changed_by))


def exit_survey(programme):
    """The open poll placed under the programme for its members, if staff made one."""
    from community import audience
    from ideas.polls.pages import PollPage

    polls = PollPage.objects.child_of(programme).live().filter(audience=audience.PROGRAMME).order_by("-closes_at")
    return next((poll for poll in polls if poll.is_open), None)


@retrying_task()
def thank_members(programme_id: int) -> int:
    """At a programme's end, each member is thanked with what their own feedback changed."""
    from community.models import Member
    from community.services import notify
    from feedback.models import FeedbackItem, Membership, Status
    from feedback.pages import BetaProgramPage
    from feedback.queries import members_inside

    programme = BetaProgramPage.objects.get(pk=programme_id)
    survey = exit_survey(programme)
    members = members_inside(programme, Member.objects.filter(
        beta_memberships__programme=programme, beta_memberships__state=Membership.State.ACTIVE))
    sent = 0
    for member in members.order_by("pk"):
        items = FeedbackItem.objects.filter(programme=programme, author=member)
        resolved = list(items.filter(status=Status.RESOLVED).values_list("title", flat=True)[:5])
        total = items.count()
        if resolved:
            body = format_lazy(
                ngettext_lazy("You sent {count} piece of feedback. This changed because of it: {changes}.",
                              "You sent {count} pieces of feedback. These changed because of them: {changes}.",
                              total),
                count=total, changes="; ".join(f"“{title}”" for title in resolved),
            )
        elif total:
            body = format_lazy(
                ngettext_lazy("You sent {count} piece of feedback: the team reads every one, and is still working on it.",
                              "You sent {count} pieces of feedback: the team reads every one, and is still working on them.",
                              total),
                count=total,
            )
        else:
            body = _("Thank you for taking part.")
        title = format_lazy(_("The beta “{title}” has ended: thank you!"), title=programme.title)
        url = programme.url or ""
        if survey is not None:
            body = format_lazy("{thanks} {survey}", thanks=body, survey=_("Tell us how it went in a short survey."))
            url = survey.url or url
        sent += len(notify([member], kind="beta_ended", key=f"beta-ended:{programme.pk}", title=title, body=body,
                           url=url))
    return sent


@retrying_task()
def reapply_routing(by_id: int, override_manual: bool = False, request_key: str = "") -> int:
    """Re-apply the routing rules to many open items, then tell the person who asked how many
    moved. Safe to retry: re-applying again moves nothing more, and the notice is keyed."""
    from community.models import Member
    from community.services import notify
    from feedback.routing_services import reapply_rules

    by = Member.objects.get(pk=by_id)
    done = reapply_rules(by=by, override_manual=override_manual)
    title = format_lazy(
        ngettext_lazy("Routing rules re-applied: {moved} item moved to another team.",
                      "Routing rules re-applied: {moved} items moved to another team.", done.moved),
        moved=done.moved,
    )
    notify([by], kind="routing_reapplied", key=f"routing-reapplied:{request_key}",
           title=title, url=reverse("feedback_routing"))
    return done.moved


@retrying_task()
def escalate_overdue() -> int:
    """The scheduler's escalation (feedback.routing_services.escalate_overdue) as a task."""
    from feedback.routing_services import escalate_overdue as escalate

    return escalate()
