"""The team dashboard's figures, each one aggregate query in the database whatever the number of
items: open items by age, first-response and resolution times (median, p90) by week, NPS per
touchpoint by month, detractors' follow-up, top tags this month. Ideas answered per board come
from ideas.queries.

Times are calendar hours from the item's arrival. They are simple to read and to check, and
computed in SQL; the working-hours clock is already in each item's due moments (set by routing in
the team's working hours), so "on target" counts answers given by response_due_at, which is the
team's real promise. Medians and p90 are PostgreSQL's percentile_cont; on SQLite (development)
the durations of the period are fetched in one bounded query and interpolated the same way.

`team_ids` is the set of teams shown, or None for every team (site admins); `scope` picks them
from what the page or the API was asked for."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from community.inputs import parse_id
from community.models import Team
from feedback.models import CLOSED, FeedbackItem, Tag, Touchpoint, TouchpointAnswer
from feedback.queries import DETRACTOR_MAX, nps

WEEKS = 12
MONTHS = 12
# The most durations the SQLite fallback reads for one figure (12 weeks of a large team's items).
MAX_SAMPLE = 50_000

# Open items by age: (label, from days, to days or None).
AGE_BUCKETS = [
    (_("Under a day"), 0, 1),
    (_("1–3 days"), 1, 3),
    (_("3–7 days"), 3, 7),
    (_("1–4 weeks"), 7, 28),
    (_("Over 4 weeks"), 28, None),
]


def _items(team_ids):
    """The items the teams own; triage also owns those with no team yet (as in feedback.rules)."""
    from community.teams import triage_team_id

    items = FeedbackItem.objects.all()
    if team_ids is None:
        return items
    owned = Q(team_id__in=team_ids)
    if triage_team_id() in team_ids:
        owned |= Q(team__isnull=True)
    return items.filter(owned)


class NoSuchTeam(LookupError):
    """The team asked for does not exist or is not among those the viewer may see (the page and
    the API answer both with their 404)."""


def scope(raw_team, allowed) -> tuple[list, Team | None, frozenset | None]:
    """(the teams offered, the chosen team or None for all of them, the team ids the figures
    cover) for the `team` asked for: an id, or "" / "all". `allowed` is the team ids the viewer
    may see (rules.dashboard_team_ids: None for every team). A viewer with one team has it chosen."""
    teams = list(Team.objects.all() if allowed is None else Team.objects.filter(pk__in=allowed))
    raw = str(raw_team or "")
    if raw in ("", "all"):
        chosen = teams[0] if len(teams) == 1 and allowed is not None else None
    else:
        chosen = next((t for t in teams if t.pk == parse_id(raw)), None)
        if chosen is None:
            raise NoSuchTeam(raw[:40])
    if chosen is not None:
        return teams, chosen, frozenset([chosen.pk])
    return teams, None, allowed


# --- Open items by age -----------------------------------------------------------------------------


def open_by_age(team_ids, *, now=None) -> list[tuple[str, int]]:
    """[(bucket label, open items that old)], one query."""
    now = now or timezone.now()
    counts = {}
    for i, (_label, low, high) in enumerate(AGE_BUCKETS):
        age = Q(created_at__lte=now - timedelta(days=low))
        if high is not None:
            age &= Q(created_at__gt=now - timedelta(days=high))
        counts[f"b{i}"] = Count("pk", filter=age)
    row = _items(team_ids).exclude(status__in=CLOSED).aggregate(**counts)
    return [(str(label), row[f"b{i}"] or 0) for i, (label, _low, _high) in enumerate(AGE_BUCKETS)]


# --- Response and resolution times ---------------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the continuous percentile (linear interpolation)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile(values: list[float], fraction: float) -> float | None:
    """percentile_cont in Python, for the SQLite fallback and for tests: sorted values, the
    position fraction × (n − 1), interpolated between its neighbours."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class WeekTimes:
    week: datetime  # the Monday the week starts
    count: int
    median_hours: float | None
    p90_hours: float | None
    on_target: int  # answered (or resolved) by the due moment, in the team's working hours


def weeks(now=None) -> list[datetime]:
    """The Mondays of the last WEEKS weeks, oldest first, in the site's time zone."""
    today = timezone.localtime(now or timezone.now()).date()
    monday = today - timedelta(days=today.weekday())
    zone = timezone.get_current_timezone()
    return [datetime.combine(monday - timedelta(weeks=n), datetime.min.time(), zone) for n in range(WEEKS - 1, -1, -1)]


def response_times(team_ids, *, now=None) -> list[WeekTimes]:
    """First responses given each week: how long after arrival (median, p90), and how many in time."""
    return _times(team_ids, "first_response_at", "response_due_at", now)


def resolution_times(team_ids, *, now=None) -> list[WeekTimes]:
    """Items resolved or declined each week: how long after arrival, and how many by their due moment."""
    return _times(team_ids, "resolved_at", "resolution_due_at", now)


def _times(team_ids, done: str, due: str, now) -> list[WeekTimes]:
    starts = weeks(now)
    rows = _items(team_ids).filter(**{f"{done}__gte": starts[0], f"{done}__isnull": False})
    in_time = Q(**{f"{done}__lte": F(due)})
    if connection.vendor == "postgresql":
        duration = ExpressionWrapper(F(done) - F("created_at"), output_field=DurationField())
        found = {
            timezone.localtime(r["week"]).date(): r for r in rows.annotate(week=TruncWeek(done)).values("week").annotate(
                n=Count("pk"), on_target=Count("pk", filter=in_time),
                median=Percentile(duration, 0.5, output_field=DurationField()),
                p90=Percentile(duration, 0.9, output_field=DurationField()),
            )
        }
        return [_week(start, found.get(start.date())) for start in starts]
    # SQLite: one bounded query for the durations, grouped and interpolated here.
    samples: dict = {}
    for created, finished, due_at in rows.order_by(f"-{done}").values_list("created_at", done, due)[:MAX_SAMPLE]:
        local = timezone.localtime(finished).date()
        bucket = samples.setdefault(local - timedelta(days=local.weekday()), [[], 0])
        bucket[0].append(finished - created)
        bucket[1] += bool(due_at and finished <= due_at)
    result = []
    for start in starts:
        durations, on_target = samples.get(start.date(), [[], 0])
        seconds = [d.total_seconds() for d in durations]
        row = None
        if seconds:
            row = {"n": len(seconds), "on_target": on_target,
                   "median": timedelta(seconds=percentile(seconds, 0.5)), "p90": timedelta(seconds=percentile(seconds, 0.9))}
        result.append(_week(start, row))
    return result


def _hours(delta) -> float | None:
    return round(delta.total_seconds() / 3600, 1) if delta is not None else None


def _week(start, row) -> WeekTimes:
    if row is None:
        return WeekTimes(start, 0, None, None, 0)
    return WeekTimes(start, row["n"], _hours(row["median"]), _hours(row["p90"]), row["on_target"])


# --- NPS per touchpoint -----------------------------------------------------------------------------


def months(now=None) -> list:
    """The first days of the last MONTHS months, oldest first."""
    today = timezone.localdate(now or timezone.now())
    year, month = today.year, today.month
    found = []
    for _step in range(MONTHS):
        found.append(today.replace(year=year, month=month, day=1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def _touchpoints(team_ids):
    """The touchpoints a team cares about: those it owns and those whose feedback it was given."""
    if team_ids is None:
        return Touchpoint.objects.all()
    return Touchpoint.objects.filter(Q(owner_team_id__in=team_ids) | Q(items__team_id__in=team_ids)).distinct()


@dataclass
class TouchpointNps:
    touchpoint_id: int
    name: str
    by_month: list  # [(first day of month, NPS or None, answers)] oldest first


def nps_by_month(team_ids, *, now=None) -> list[TouchpointNps]:
    """NPS (promoters − detractors, in % of answers) per touchpoint and month, one query."""
    firsts = months(now)
    zone = timezone.get_current_timezone()
    since = datetime.combine(firsts[0], datetime.min.time(), zone)
    rows = (TouchpointAnswer.objects.filter(created_at__gte=since, touchpoint__in=_touchpoints(team_ids).values("pk"))
            .annotate(month=TruncMonth("created_at")).values("touchpoint_id", "touchpoint__name", "month")
            .annotate(total=Count("pk"), promoters=Count("pk", filter=Q(score__gte=9)),
                      detractors=Count("pk", filter=Q(score__lte=DETRACTOR_MAX))))
    found: dict = {}
    for row in rows:
        month = timezone.localtime(row["month"]).date() if isinstance(row["month"], datetime) else row["month"]
        entry = found.setdefault(row["touchpoint_id"], (row["touchpoint__name"], {}))
        entry[1][month] = (nps(row["promoters"], row["detractors"], row["total"]), row["total"])
    return [
        TouchpointNps(pk, name, [(first, *by_month.get(first, (None, 0))) for first in firsts])
        for pk, (name, by_month) in sorted(found.items(), key=lambda kv: kv[1][0].lower())
    ]


# --- Detractors' follow-up -------------------------------------------------------------------------


@dataclass
class Followup:
    touchpoint_id: int
    name: str
    detractors: int
    answered: int
    answered_change: float | None  # mean change of the next score after an answered detractor
    answered_followed: int  # how many answered detractors scored again
    unanswered_change: float | None
    unanswered_followed: int

    @property
    def answered_percent(self) -> int | None:
        return round(100 * self.answered / self.detractors) if self.detractors else None


def detractor_followups(team_ids, *, now=None) -> list[Followup]:
    """Per touchpoint, the detractor answers (0–6) of the last MONTHS months that name a customer:
    how many of their items were answered (first_response_at), and how the same customer's next
    score at the same touchpoint moved, for answered and unanswered ones.

    The next score is LEAD() over each customer's answers at a touchpoint: one sort of the period's
    answers, where a correlated subquery per detractor took seconds at 50,000 items (bench/dashboard.py).
    Two queries: the touchpoints in scope, then the aggregate (window functions: PostgreSQL, SQLite 3.25+)."""
    zone = timezone.get_current_timezone()
    since = datetime.combine(months(now)[0], datetime.min.time(), zone)
    touchpoints = dict(_touchpoints(team_ids).values_list("pk", "name"))
    if not touchpoints:
        return []
    answers, items = TouchpointAnswer._meta.db_table, FeedbackItem._meta.db_table
    marks = ", ".join(["%s"] * len(touchpoints))
    sql = f"""
        SELECT touchpoint_id, COUNT(*),
               SUM(CASE WHEN answered = 1 THEN 1 ELSE 0 END),
               AVG(CASE WHEN answered = 1 THEN next_score - score END),
               COUNT(CASE WHEN answered = 1 THEN next_score END),
               AVG(CASE WHEN answered = 0 THEN next_score - score END),
               COUNT(CASE WHEN answered = 0 THEN next_score END)
        FROM (
            SELECT a.touchpoint_id, a.score,
                   LEAD(a.score) OVER (PARTITION BY a.member_id, a.touchpoint_id ORDER BY a.created_at, a.id) AS next_score,
                   CASE WHEN i.first_response_at IS NULL THEN 0 ELSE 1 END AS answered
            FROM {answers} a LEFT JOIN {items} i ON i.answer_id = a.id
            WHERE a.member_id IS NOT NULL AND a.created_at >= %s AND a.touchpoint_id IN ({marks})
        ) scored
        WHERE score <= %s
        GROUP BY touchpoint_id
    """  # noqa: S608  (table names from the models, values as parameters)
    with connection.cursor() as cursor:
        cursor.execute(sql, [since, *touchpoints, DETRACTOR_MAX])
        rows = cursor.fetchall()
    found = [
        Followup(pk, touchpoints[pk], n, int(answered or 0), _rounded(a_change), a_followed, _rounded(u_change),
                 u_followed)
        for pk, n, answered, a_change, a_followed, u_change, u_followed in rows
    ]
    return sorted(found, key=lambda f: f.name.lower())


def _rounded(value):
    return round(value, 1) if value is not None else None


# --- Tags ---------------------------------------------------------------------------------------------


def top_tags(team_ids, *, now=None, limit: int = 8) -> list:
    """The tags on most of this month's items, with their counts (Tag objects with .n), one query."""
    today = timezone.localdate(now or timezone.now())
    since = datetime.combine(today.replace(day=1), datetime.min.time(), timezone.get_current_timezone())
    this_month = Q(items__created_at__gte=since)
    if team_ids is not None:
        this_month &= Q(items__team_id__in=team_ids)
    return list(Tag.objects.annotate(n=Count("items", filter=this_month)).filter(n__gt=0).order_by("-n", "slug")[:limit])
