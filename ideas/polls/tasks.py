"""Background work for polls: invitations when a poll opens, the owning team's reminder when it
closes, and the result with the conclusion for everyone who answered. Each is keyed so that a
retry, a second scheduler run or a second worker never tells anyone twice."""

from django.utils import timezone
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _

from community.background import enqueue_on_commit, retrying_task
from community.content import plain_text


def _poll(poll_id):
    from ideas.polls.pages import PollPage

    return PollPage.objects.select_related("owner_team", "segment").filter(pk=poll_id).first()


@retrying_task()
def invite_audience(poll_id: int) -> int:
    """Everyone in the poll's audience who may see it gets one invitation (bell, and e-mail by
    their preference): the key is the poll, so nobody is invited twice."""
    from community import audience
    from community.models import Member
    from community.services import notify_all
    from community.visibility import members_who_may_see

    poll = _poll(poll_id)
    if poll is None or not poll.live or not poll.is_open:
        return 0
    members = audience.audience_members(poll, Member.objects.filter(is_active=True))
    members = members_who_may_see(poll, members)
    title = format_lazy(_("New poll: “{title}”"), title=poll.title)
    body = Truncator(plain_text(_html_text(poll.intro))).chars(300)
    return notify_all(members, kind="poll_invite", key=f"poll-invite:{poll.pk}", title=title, body=body,
                      url=poll.get_url() or "")


def _html_text(html: str) -> str:
    from django.utils.html import strip_tags

    return strip_tags(html or "")


@retrying_task()
def ask_for_conclusion(poll_id: int) -> int:
    """The poll has closed: its team (all staff when it has none) is asked to write the conclusion."""
    from community.models import Member
    from community.services import notify

    poll = _poll(poll_id)
    if poll is None:
        return 0
    team = poll.owner_team
    staff = team.members.filter(is_active=True) if team else Member.objects.filter(is_staff=True, is_active=True)
    title = format_lazy(_("“{title}” has closed: write its conclusion"), title=poll.title)
    body = _("Everyone who answered hears the result and your conclusion.")
    return len(notify(list(staff), kind="poll_closed", key=f"poll-closed:{poll.pk}", title=title, body=body,
                      url=f"{poll.get_url() or ''}#conclusion"))


def send_result(poll_id: int) -> int:
    """Tell everyone who answered the result and the conclusion, in their language, once. Only
    for a poll that is closed (by its time) and concluded; marks the poll so later runs skip it."""
    from community.models import Member
    from community.services import notify_all
    from community.visibility import members_who_may_see
    from ideas.polls.models import PollState
    from ideas.polls.queries import results

    poll = _poll(poll_id)
    state = PollState.objects.filter(poll_id=poll_id).first()
    if poll is None or state is None or not poll.is_closed or state.concluded_at is None:
        return 0
    members = Member.objects.filter(poll_participations__poll=poll, is_active=True)
    members = members_who_may_see(poll, members)
    summary = _summary(results(poll))
    conclusion = Truncator(plain_text(state.conclusion_source)).chars(600)
    body = format_lazy("{summary}\n\n{conclusion}", summary=summary, conclusion=conclusion) if summary else conclusion
    title = format_lazy(_("Results of “{title}”"), title=poll.title)
    sent = notify_all(members, kind="poll_result", key=f"poll-result:{poll.pk}", title=title, body=body,
                      url=poll.get_url() or "")
    PollState.objects.filter(poll_id=poll_id, result_sent_at__isnull=True).update(result_sent_at=timezone.now())
    return sent


def _summary(found):
    """“Most chosen: X (54%)” for the first question with options, or its top ranked option."""
    for question in found.questions:
        if question.options and question.respondents:
            best = max(question.options, key=lambda o: (o.points or 0) if o.points is not None else o.count)
            return format_lazy(_("Most chosen: {option} ({percent}%)"), option=best.label, percent=best.percent)
    return ""


@retrying_task()
def notify_result(poll_id: int) -> int:
    return send_result(poll_id)


@retrying_task()
def run_schedule() -> dict:
    """The scheduler's work (see services.run_schedule), deferred to a poll's times."""
    from ideas.polls import services

    return services.run_schedule()


def defer_schedule(moment) -> bool:
    """Run the scheduler at `moment` where the task backend can defer (the database queue);
    elsewhere the `run_poll_schedule` command, run by cron, does the same a little later."""
    if not run_schedule.get_backend().supports_defer:
        return False
    enqueue_on_commit(run_schedule.using(run_after=moment))
    return True


@retrying_task()
def publish_results(poll_id: int) -> None:
    from ideas.polls import events

    events.publish_results(poll_id)


def publish_results_later(poll_id: int, seconds: int) -> bool:
    """A catch-up live publish of a poll's results in `seconds`, where the backend can defer."""
    from datetime import timedelta

    if not publish_results.get_backend().supports_defer:
        return False
    publish_results.using(run_after=timezone.now() + timedelta(seconds=seconds)).enqueue(poll_id)
    return True
