"""REST API for the team dashboard (staff): its figures as numbers, from the same
feedback.dashboard functions and ideas.queries.answers_by_board as the page's charts.

The team is chosen as on the page (feedback.dashboard.scope: one of the viewer's teams, or all of
them). A token limited to some teams sees only those: a chosen team it may not act for is a 403
(check_token_team), and "all" covers the token's teams among the member's."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.response import Response

from community.api_auth import token_grant
from community.api_common import TeamRefSerializer, check_token_team, errors, refusals
from feedback import dashboard as figures
from feedback import rules
from ideas.queries import answers_by_board


class AgeBucketSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="As the page names the bucket: “1–3 days”.")
    min_days = serializers.IntegerField(help_text="Arrived at least this many days ago…")
    max_days = serializers.IntegerField(
        allow_null=True, help_text="…and less than this many (null: no limit)."
    )
    open_items = serializers.IntegerField()


class WeekTimesSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday the week starts (the site's time zone).")
    count = serializers.IntegerField(help_text="Items first answered (or resolved) that week.")
    median_hours = serializers.FloatField(
        allow_null=True, help_text="Calendar hours from arrival; null: none."
    )
    p90_hours = serializers.FloatField(allow_null=True)
    on_target = serializers.IntegerField(help_text="How many by their due moment (the team's working hours).")


class NpsMonthSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="The month's first day.")
    nps = serializers.IntegerField(allow_null=True, help_text="Promoters minus detractors, in % of answers.")
    answers = serializers.IntegerField()


class TouchpointNpsSerializer(serializers.Serializer):
    touchpoint_id = serializers.IntegerField()
    touchpoint = serializers.CharField()
    months = NpsMonthSerializer(many=True, help_text="The last 12 months, oldest first.")


class FollowupSerializer(serializers.Serializer):
    touchpoint_id = serializers.IntegerField()
    touchpoint = serializers.CharField()
    detractors = serializers.IntegerField(help_text="Answers 0–6 naming a customer, in the last 12 months.")
    answered = serializers.IntegerField(help_text="Of those, how many had their item answered.")
    answered_percent = serializers.IntegerField(allow_null=True)
    answered_change = serializers.FloatField(
        allow_null=True, help_text="Mean change of the customer's next score there, when answered."
    )
    answered_followed = serializers.IntegerField(help_text="Answered detractors who scored again.")
    unanswered_change = serializers.FloatField(allow_null=True)
    unanswered_followed = serializers.IntegerField()


class BoardAnswersSerializer(serializers.Serializer):
    board = serializers.CharField(help_text="The board's title.")
    answered = serializers.IntegerField(help_text="Listed ideas with a public answer.")
    waiting = serializers.IntegerField(help_text="Listed ideas waiting for their first answer.")


class TagCountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    items = serializers.IntegerField(help_text="Feedback items with the tag since the first of the month.")


class DashboardSerializer(serializers.Serializer):
    team = TeamRefSerializer(
        allow_null=True, help_text="The chosen team; null when the figures cover several."
    )
    team_ids = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="The teams the figures cover; null for every team (site admins).",
    )
    open_total = serializers.IntegerField()
    open_by_age = AgeBucketSerializer(many=True)
    response_times = WeekTimesSerializer(
        many=True, help_text="First responses, the last 12 weeks, oldest first."
    )
    resolution_times = WeekTimesSerializer(
        many=True, help_text="Items resolved or declined, the last 12 weeks."
    )
    nps_by_month = TouchpointNpsSerializer(many=True)
    detractor_followups = FollowupSerializer(many=True)
    ideas_by_board = BoardAnswersSerializer(many=True, help_text="Most waiting first.")
    top_tags = TagCountSerializer(many=True, help_text="This month's most used tags, most items first.")


def _week(row) -> dict:
    return {
        "week": row.week.date(),
        "count": row.count,
        "median_hours": row.median_hours,
        "p90_hours": row.p90_hours,
        "on_target": row.on_target,
    }


def figures_data(team_ids) -> dict:
    """Every figure of the dashboard as numbers (the page draws the same ones as charts)."""
    age = figures.open_by_age(team_ids)
    return {
        "open_total": sum(n for _label, n in age),
        "open_by_age": [
            {"label": label, "min_days": low, "max_days": high, "open_items": n}
            for (label, n), (_label, low, high) in zip(age, figures.AGE_BUCKETS, strict=True)
        ],
        "response_times": [_week(w) for w in figures.response_times(team_ids)],
        "resolution_times": [_week(w) for w in figures.resolution_times(team_ids)],
        "nps_by_month": [
            {
                "touchpoint_id": t.touchpoint_id,
                "touchpoint": t.name,
                "months": [{"month": first, "nps": value, "answers": n} for first, value, n in t.by_month],
            }
            for t in figures.nps_by_month(team_ids)
        ],
        "detractor_followups": [
            {
                "touchpoint_id": f.touchpoint_id,
                "touchpoint": f.name,
                "detractors": f.detractors,
                "answered": f.answered,
                "answered_percent": f.answered_percent,
                "answered_change": f.answered_change,
                "answered_followed": f.answered_followed,
                "unanswered_change": f.unanswered_change,
                "unanswered_followed": f.unanswered_followed,
            }
            for f in figures.detractor_followups(team_ids)
        ],
        "ideas_by_board": [
            {"board": b["title"], "answered": b["answered"], "waiting": b["waiting"]}
            for b in answers_by_board(team_ids)
        ],
        "top_tags": [
            {"slug": tag.slug, "name": tag.name, "items": tag.n} for tag in figures.top_tags(team_ids)
        ],
    }


def _allowed(request):
    """The teams the caller may see figures of: the member's (None: every team, site admins),
    narrowed to the token's teams when the token is limited to some."""
    allowed = rules.dashboard_team_ids(request.user)
    grant = token_grant(request)
    if grant is None or grant.team_ids is None:
        return allowed
    limited = frozenset(grant.team_ids)
    return limited if allowed is None else allowed & limited


DASHBOARD_EXAMPLE = {
    "team": {"id": 3, "name": "Billing"},
    "team_ids": [3],
    "open_total": 12,
    "open_by_age": [
        {"label": "Under a day", "min_days": 0, "max_days": 1, "open_items": 5},
        {"label": "Over 4 weeks", "min_days": 28, "max_days": None, "open_items": 1},
    ],
    "response_times": [
        {"week": "2026-11-23", "count": 40, "median_hours": 3.5, "p90_hours": 20.1, "on_target": 36}
    ],
    "resolution_times": [
        {"week": "2026-11-23", "count": 31, "median_hours": 26.0, "p90_hours": 90.4, "on_target": 25}
    ],
    "nps_by_month": [
        {
            "touchpoint_id": 2,
            "touchpoint": "Invoice",
            "months": [{"month": "2026-11-01", "nps": 18, "answers": 211}],
        }
    ],
    "detractor_followups": [
        {
            "touchpoint_id": 2,
            "touchpoint": "Invoice",
            "detractors": 40,
            "answered": 30,
            "answered_percent": 75,
            "answered_change": 2.5,
            "answered_followed": 12,
            "unanswered_change": 0.4,
            "unanswered_followed": 5,
        }
    ],
    "ideas_by_board": [{"board": "Mobile", "answered": 14, "waiting": 3}],
    "top_tags": [{"slug": "invoice", "name": "Invoice", "items": 17}],
}


@extend_schema(tags=["feedback: staff"])
class Dashboard(generics.GenericAPIView):
    serializer_class = DashboardSerializer
    pagination_class = None
    required_scopes = ["staff"]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "team",
                OpenApiTypes.STR,
                description="A team's id, or “all” (the default) for every team the caller may see.",
            )
        ],
        responses={200: DashboardSerializer, **errors(401, 403, 404, 429)},
        examples=[OpenApiExample("One team", value=DASHBOARD_EXAMPLE, response_only=True)],
    )
    def get(self, request):
        """Staff only: the team dashboard's figures as numbers, for one of the caller's teams or all
        of them (site admins: every team): open items by age, first-response and resolution hours
        per week (median, p90), NPS per touchpoint per month, detractors' follow-up, ideas answered
        and waiting per board, and this month's top tags."""
        if not request.user.is_authenticated:
            raise NotAuthenticated()  # the page asks to log in
        with refusals():
            rules.check_can_view_dashboard(request.user)
        raw = request.query_params.get("team", "")
        allowed = rules.dashboard_team_ids(request.user)
        if raw in ("", "all"):
            allowed = _allowed(request)
        try:
            _teams, chosen, team_ids = figures.scope(raw, allowed)
        except figures.NoSuchTeam:
            raise NotFound(_("There is no such team.")) from None
        check_token_team(request, chosen)
        return Response(
            DashboardSerializer(
                {
                    "team": {"id": chosen.pk, "name": chosen.name} if chosen is not None else None,
                    "team_ids": sorted(team_ids) if team_ids is not None else None,
                    **figures_data(team_ids),
                }
            ).data
        )
