"""Who may manage a team's webhooks: staff in that team, and superusers."""

from django.utils.translation import gettext as _

from community import teams
from community.rules import is_member, is_staff, rule


def why_not_manage_webhooks(user, team):
    if not is_member(user):
        return _("Log in as staff to manage webhooks.")
    if not is_staff(user):
        return _("Only staff manage webhooks.")
    if teams.acts_for(user, team.pk):  # its members and site admins (a token: within its teams)
        return None
    return _("Only the staff of %(team)s manage its webhooks.") % {"team": team.name}


can_manage_webhooks, check_can_manage_webhooks = rule(why_not_manage_webhooks)
