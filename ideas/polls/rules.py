"""Who may do what with polls. Views, the API, the live socket and the admins all ask these.

Each rule is one `why_not_*` function returning the member's reason (translated) or None;
`community.rules.rule` makes the predicate (`can_answer`) and the check (`check_can_answer`).
"""

from django.utils import formats
from django.utils.translation import gettext as _

from community import audience, visibility
from community.rules import is_member, is_staff, rule
from ideas.polls.pages import Phase, PollPage


def can_view_poll(user, poll) -> bool:
    """The poll's page and its ancestors are live and their privacy settings let the viewer in;
    a poll for a private audience (a beta programme's members) is seen by them and staff only."""
    if not visibility.can_view_page(user, poll):
        return False
    if getattr(poll, "audience", None) in audience.private_kinds():  # the index page has none
        return is_staff(user) or in_audience(user, poll)
    return True


def in_audience(user, poll) -> bool:
    return is_member(user) and audience.in_audience(user, poll)


def has_answered(user, poll) -> bool:
    from ideas.polls.models import Participation

    if not is_member(user):
        return False
    cached = getattr(user, "_answered_polls", None)
    if cached is None:
        cached = user._answered_polls = {}
    if poll.pk not in cached:
        cached[poll.pk] = Participation.objects.filter(poll_id=poll.pk, member_id=user.pk).exists()
    return cached[poll.pk]


def _when(moment) -> str:
    return formats.date_format(moment, "DATETIME_FORMAT")


def why_not_answer(user, poll):
    if not is_member(user):
        return _("Log in to answer this poll.")
    if not user.is_verified:
        return _("Confirm your e-mail address to answer polls.")
    if not can_view_poll(user, poll):
        return _("You cannot answer this poll.")
    phase = poll.phase()
    if phase == Phase.UPCOMING:
        return _("This poll opens on %(date)s.") % {"date": _when(poll.opens_at)}
    if phase == Phase.CLOSED:
        return _("This poll is closed.")
    if not in_audience(user, poll):
        return _("This poll asks a group of customers you are not part of. Thank you for your interest!")
    if has_answered(user, poll) and not poll.allow_changes:
        return _("You have already answered this poll.")
    return None


def why_not_see_results(user, poll):
    """The results page, the results API and the live results topic all ask this."""
    if not can_view_poll(user, poll):
        return _("There is no such poll.")
    if is_staff(user):
        return None
    shown = poll.results_visibility
    if shown == PollPage.Results.ALWAYS:
        return None
    if shown == PollPage.Results.AFTER_ANSWER:
        if has_answered(user, poll) or poll.is_closed:
            return None
        if is_member(user) and not in_audience(user, poll):
            return _("The results are shown to the customers this poll asks, and to everyone once it closes.")
        return _("Answer the poll to see its results.")
    if shown == PollPage.Results.AFTER_CLOSE:
        if poll.is_closed:
            return None
        return _("The results are shown when the poll closes on %(date)s.") % {"date": _when(poll.closes_at)}
    return _("The team reads the results of this poll; everyone who answered hears its conclusion.")


def why_not_read_breakdown(user, poll=None):
    """Bands, free-text answers and the CSV export: staff only."""
    if not is_staff(user):
        return _("Only staff can read the breakdown and export the results.")
    return None


def why_not_conclude(user, poll):
    if not is_staff(user):
        return _("Only staff can write the conclusion of a poll.")
    if not poll.is_closed:
        return _("Write the conclusion once the poll has closed.")
    return None


can_answer, check_can_answer = rule(why_not_answer)
can_see_results, check_can_see_results = rule(why_not_see_results)
can_read_breakdown, check_can_read_breakdown = rule(why_not_read_breakdown)
can_conclude, check_can_conclude = rule(why_not_conclude)
