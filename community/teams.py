"""Teams own what customers send: who is on which team, which team catches what nothing else
claims (triage), and the clock response targets run on (working hours in the team's own day and
time zone). Every app asks these; the rules that use them live in each app's rules.py.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache

from community.rules import is_staff


def team_ids(user) -> frozenset[int]:
    """The teams a staff member is on, read once per request (cached on the user object)."""
    if not is_staff(user):
        return frozenset()
    if "_team_ids" not in user.__dict__:
        user.__dict__["_team_ids"] = frozenset(user.teams.values_list("pk", flat=True))
    return user.__dict__["_team_ids"]


def forget_teams(user) -> None:
    user.__dict__.pop("_team_ids", None)


def is_site_admin(user) -> bool:
    """Superusers act for every team."""
    return is_staff(user) and user.is_superuser


def acts_for(user, team_id: int | None) -> bool:
    """May answer, change status and resolve as this team: its members and site admins."""
    if is_site_admin(user):
        return True
    return team_id is not None and team_id in team_ids(user)


_TRIAGE_KEY = "teams:triage-id"


def triage_team():
    from community.models import Team

    return Team.objects.filter(is_triage=True).first()


def triage_team_id() -> int | None:
    """Asked for every unowned row of a list: kept in the shared cache (whose outages are misses,
    community.cache), forgotten on a team save."""
    cached = cache.get(_TRIAGE_KEY)
    if cached is None:
        team = triage_team()
        cached = team.pk if team else 0
        cache.set(_TRIAGE_KEY, cached, 300)
    return cached or None


def teams_changed(**kwargs) -> None:
    cache.delete(_TRIAGE_KEY)


def owner_or_triage_id(team_id: int | None) -> int | None:
    """Something without an owner belongs to triage until staff give it one."""
    return team_id if team_id is not None else triage_team_id()


# --- Working hours ------------------------------------------------------------------------------


def _day_window(team, day, zone):
    start = datetime.combine(day, team.day_starts, zone)
    end = datetime.combine(day, team.day_ends, zone)
    return start, end


def _working_days(team) -> set[int]:
    return {int(d) for d in team.working_days if d in "1234567"} or {1, 2, 3, 4, 5}


def add_working_hours(team, start: datetime, hours: float) -> datetime:
    """The moment `hours` of the team's working time have passed after `start`: 8 hours asked on
    Friday at 15:00 in an 08–16 team are due Monday at 15:00. At most a year of days is walked."""
    zone = ZoneInfo(team.time_zone)
    days = _working_days(team)
    left = timedelta(hours=hours)
    moment = start.astimezone(zone)
    for _step in range(400):
        if moment.isoweekday() in days:
            opens, closes = _day_window(team, moment.date(), zone)
            begin = max(moment, opens)
            if begin < closes:
                if begin + left <= closes:
                    return (begin + left).astimezone(UTC)
                left -= closes - begin
        moment = datetime.combine(moment.date() + timedelta(days=1), team.day_starts, zone)
    return moment.astimezone(UTC)


def working_hours_between(team, start: datetime, end: datetime) -> float:
    """Working hours of the team between two moments (0 when end is before start)."""
    if end <= start:
        return 0.0
    zone = ZoneInfo(team.time_zone)
    days = _working_days(team)
    total = timedelta()
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        if day.isoweekday() in days:
            opens, closes = _day_window(team, day, zone)
            begin, finish = max(opens, start), min(closes, end)
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total.total_seconds() / 3600


# --- Who answered -------------------------------------------------------------------------------


class AnsweredByTeam:
    """For a status change with `team`, `show_name` and `changed_by`: how customers see who
    answered. The team speaks ("Network team"); the person's name shows only when staff chose so."""

    @property
    def responder(self) -> str:
        from django.utils.translation import gettext as _

        if self.team_id is None:
            return self.changed_by.public_name
        if self.show_name:
            return _("%(name)s, %(team)s") % {"name": self.changed_by.public_name, "team": self.team.public_name}
        return self.team.public_name
