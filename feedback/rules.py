"""Who may do what in beta programmes and with feedback items. Views, the API, the live socket,
notifications and the admins all ask these.

Seeing: a programme's page follows community.visibility (live, Wagtail view restrictions); its
inside (threads, posts, screenshots, items) is for staff and its active members only, and is a
404 for anyone else. The querysets' visible_to(viewer) say the same in SQL.
"""

from django.utils.translation import gettext as _

from community import teams, visibility
from community.rules import is_member, is_staff, rule
from feedback.models import Membership, Thread


def _why_not_verified(user, log_in, confirm):
    if not is_member(user):
        return log_in
    if not user.is_verified:
        return confirm
    return None


def membership_of(user, programme) -> Membership | None:
    """The viewer's membership row (any state), cached on the user for this request."""
    if not is_member(user):
        return None
    cache = user.__dict__.setdefault("_beta_memberships", {})
    if programme.pk not in cache:
        cache[programme.pk] = Membership.objects.filter(programme_id=programme.pk, member_id=user.pk).first()
    return cache[programme.pk]


def forget_membership(user, programme) -> None:
    getattr(user, "_beta_memberships", {}).pop(programme.pk, None)


def is_active_member(user, programme) -> bool:
    membership = membership_of(user, programme)
    return membership is not None and membership.state == Membership.State.ACTIVE


# --- Seeing ------------------------------------------------------------------------------------


def can_view_programme_page(user, programme) -> bool:
    """The public page (what it is, who may join): the page's visibility alone."""
    return visibility.can_view_page(user, programme)


def can_view_programme(user, programme) -> bool:
    """The inside of a programme: staff, and its active members, where the page is visible."""
    if not can_view_programme_page(user, programme):
        return False
    return is_staff(user) or is_active_member(user, programme)


def can_view_thread(user, thread: Thread) -> bool:
    return can_view_programme(user, thread.programme)


OWNER, WATCHER = "owner", "watcher"


def staff_role(user, item) -> str | None:
    """How a staff member stands to an item: OWNER (on its owning team — triage's while it has
    none — or a site admin), WATCHER (on a team added as a watcher: reads, writes internal notes,
    never answers), or None. FeedbackItemQuerySet.visible_to says the same in SQL."""
    if not is_staff(user):
        return None
    if teams.acts_for(user, teams.owner_or_triage_id(item.team_id)):
        return OWNER
    mine = teams.team_ids(user)
    if mine and item.watchers.filter(pk__in=mine).exists():
        return WATCHER
    return None


def can_view_item(user, item) -> bool:
    """Staff: the owning and watching teams' items (a programme's only where its page is
    visible). Customers: a programme's items like its threads, a touchpoint item its author's."""
    if item.programme_id and not can_view_programme(user, item.programme):
        return False
    if is_staff(user):
        return staff_role(user, item) is not None
    return bool(item.programme_id) or (is_member(user) and item.author_id == user.pk)


def can_see_internal_notes(user, item=None) -> bool:
    """Internal notes are for the owning and watching teams; customers never see them, anywhere."""
    if item is None:
        return is_staff(user)
    return staff_role(user, item) is not None


# --- Joining -----------------------------------------------------------------------------------


def why_not_eligible(user, programme, device: str = ""):
    """The programme's customer criteria (plan, region, device)."""
    if is_staff(user):
        return None
    if programme.eligible_plans and user.plan not in programme.eligible_plans:
        return _("This beta is for customers with these plans: %(plans)s.") % {
            "plans": ", ".join(programme.plan_labels)
        }
    regions = [r.casefold() for r in programme.region_list]
    if regions and (user.region or "").casefold() not in regions:
        return _("This beta is open to customers in %(regions)s.") % {"regions": ", ".join(programme.region_list)}
    if programme.device_list and device not in programme.device_list:
        return _("Choose the device you will test on.")
    return None


def _why_not_enrol(user, programme, device):
    if reason := _why_not_verified(
        user, _("Log in to join this beta."), _("Confirm your e-mail address to join this beta.")
    ):
        return reason
    if not can_view_programme_page(user, programme):
        return _("There is no such beta programme.")
    if programme.has_ended:
        return _("This beta programme has ended.")
    membership = membership_of(user, programme)
    if membership is not None and membership.state == Membership.State.ACTIVE:
        return _("You are already a member of this beta.")
    if membership is not None and membership.state == Membership.State.APPLIED:
        return _("You have applied already: we will tell you when staff have decided.")
    if membership is not None and membership.state == Membership.State.DECLINED:
        return _("Your application was declined.")
    return why_not_eligible(user, programme, device)


def why_not_join(user, programme, device: str = "", token: str = ""):
    """Join at once: open programmes, or invite-only ones with the invitation link."""
    if reason := _why_not_enrol(user, programme, device):
        return reason
    if programme.enrolment == programme.Enrolment.APPLY:
        return _("Apply to join this beta: staff choose its members.")
    if programme.enrolment == programme.Enrolment.INVITE and token != programme.invite_token:
        return _("This beta is by invitation only.")
    return None


def why_not_apply(user, programme, device: str = ""):
    if reason := _why_not_enrol(user, programme, device):
        return reason
    if programme.enrolment != programme.Enrolment.APPLY:
        return _("This beta does not take applications.")
    return None


def why_not_leave(user, programme):
    if not is_active_member(user, programme):
        return _("You are not a member of this beta.")
    return None


def why_not_decide(user, membership):
    """Staff approve or decline an application (or admit it in a wave)."""
    if not is_staff(user):
        return _("Only staff can approve or decline applications.")
    if membership.state != Membership.State.APPLIED:
        return _("This application was already decided.")
    return None


def why_not_manage_programme(user, programme):
    if not is_staff(user) or not can_view_programme_page(user, programme):
        return _("Only staff can manage a beta's members.")
    return None


can_join, check_can_join = rule(why_not_join)
can_apply, check_can_apply = rule(why_not_apply)
can_leave, check_can_leave = rule(why_not_leave)
can_decide, check_can_decide = rule(why_not_decide)
can_manage_programme, check_can_manage_programme = rule(why_not_manage_programme)


# --- Writing -----------------------------------------------------------------------------------


def why_not_post_thread(user, programme):
    if reason := _why_not_verified(
        user, _("Log in to give feedback."), _("Confirm your e-mail address to give feedback.")
    ):
        return reason
    if not can_view_programme(user, programme):
        return _("Only members of this beta can give feedback here.")
    if programme.has_ended:
        return _("This beta programme has ended: it no longer takes feedback.")
    return None


def why_not_reply(user, thread):
    return why_not_post_thread(user, thread.programme)


def why_not_manage_item(user, item=None):
    """The owning team (and site admins) answer, change status, assign, tag and re-route."""
    if not is_staff(user):
        return _("Only staff can do this.")
    if item is not None:
        if not can_view_item(user, item):
            return _("There is no such feedback.")
        if staff_role(user, item) != OWNER:
            return _("Only the team that owns this feedback can answer it or change it.")
    return None


def why_not_add_note(user, item):
    """Internal notes: the owning team and the watching teams."""
    if not is_staff(user):
        return _("Only staff can do this.")
    if not can_view_item(user, item):
        return _("There is no such feedback.")
    return None


def why_not_change_item_status(user, item, to: str):
    if reason := why_not_manage_item(user, item):
        return reason
    if not item.can_move_to(to):
        from feedback.models import Status

        return _("Feedback cannot move from “%(from)s” to “%(to)s”.") % {
            "from": Status(item.status).label, "to": Status(to).label if to in Status.values else to,
        }
    return None


can_post_thread, check_can_post_thread = rule(why_not_post_thread)
can_reply, check_can_reply = rule(why_not_reply)
can_manage_item, check_can_manage_item = rule(why_not_manage_item)
can_reroute_item, check_can_reroute_item = can_manage_item, check_can_manage_item
can_add_note, check_can_add_note = rule(why_not_add_note)
can_change_item_status, check_can_change_item_status = rule(why_not_change_item_status)
