"""The team dashboard: how fast each team answers, what waits, how customers score us. Staff see
their teams (one at a time, or all of theirs together); site admins every team."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.translation import gettext as _

from community.charts import bar_chart, line_chart
from feedback import dashboard as figures
from feedback import rules
from feedback.views._common import forbidden, login_url
from ideas.queries import answers_by_board


def dashboard(request):
    if not request.user.is_authenticated:
        return redirect(login_url(request.get_full_path()))
    reason = rules.why_not_view_dashboard(request.user)
    if reason:
        return forbidden(request, reason)
    try:
        teams, chosen, team_ids = figures.scope(request.GET.get("team", ""), rules.dashboard_team_ids(request.user))
    except figures.NoSuchTeam:
        raise Http404(_("There is no such team.")) from None
    return render(request, "feedback/dashboard.html", {
        "teams": teams, "chosen": chosen, "all_teams": chosen is None,
        **charts(team_ids),
    })


def _week_label(start) -> str:
    return formats.date_format(start, "j M")


def charts(team_ids) -> dict:
    """Every figure of the dashboard, as charts with their tables (a fixed number of queries)."""
    age = figures.open_by_age(team_ids)
    response = figures.response_times(team_ids)
    resolution = figures.resolution_times(team_ids)
    weeks = [_week_label(w.week) for w in response]
    nps = figures.nps_by_month(team_ids)
    month_labels = [formats.date_format(first, "M Y") for first in figures.months()]
    boards = answers_by_board(team_ids)
    tags = figures.top_tags(team_ids)
    open_total = sum(n for _label, n in age)
    hours = " " + _("h")  # hours, after a number: "12 h"

    def times_chart(id, title, rows, what):
        answered = sum(w.count for w in rows)
        on_target = sum(w.on_target for w in rows)
        chart = line_chart(
            id=id, title=title, unit=hours, label_header=_("Week of"), labels=weeks,
            summary=_("%(what)s in the last 12 weeks: %(n)s, of which %(ok)s within the target.")
            % {"what": what, "n": answered, "ok": on_target},
            series=[(_("Median"), [w.median_hours for w in rows]), (_("90th percentile"), [w.p90_hours for w in rows])],
        )
        chart.columns.append(_("Count"))
        chart.columns.append(_("Within target"))
        for row, week in zip(chart.rows, rows, strict=True):
            row.extend([week.count, week.on_target])
        chart.total, chart.on_target = answered, on_target
        chart.on_target_percent = round(100 * on_target / answered) if answered else None
        return chart

    return {
        "open_total": open_total,
        "age_chart": bar_chart(
            id="chart-age", title=_("Open feedback by age"), label_header=_("Age"), series=[_("Open items")],
            summary=_("%(n)s open items, by how long ago they arrived.") % {"n": open_total},
            rows=[(label, [n]) for label, n in age],
        ),
        "response_chart": times_chart("chart-response", _("First response time (calendar hours)"), response,
                                      _("First responses")),
        "resolution_chart": times_chart("chart-resolution", _("Resolution time (calendar hours)"), resolution,
                                        _("Items closed")),
        "nps_chart": line_chart(
            id="chart-nps", title=_("NPS per touchpoint, by month"), label_header=_("Month"), labels=month_labels,
            low=-100, high=100,
            summary=_("Promoters minus detractors, in percent of each month's answers, for %(n)s touchpoints.")
            % {"n": len(nps)},
            series=[(t.name, [value for _first, value, _n in t.by_month]) for t in nps],
        ) if nps else None,
        "followups": figures.detractor_followups(team_ids),
        "boards_chart": bar_chart(
            id="chart-boards", title=_("Ideas answered and waiting, per board"), label_header=_("Board"),
            series=[_("Answered"), _("Waiting")],
            summary=_("%(waiting)s ideas wait for a first answer on %(n)s boards.")
            % {"waiting": sum(b["waiting"] for b in boards), "n": len(boards)},
            rows=[(b["title"], [b["answered"], b["waiting"]]) for b in boards],
        ) if boards else None,
        "tags_chart": bar_chart(
            id="chart-tags", title=_("Top tags this month"), label_header=_("Tag"), series=[_("Items")],
            summary=_("The tags on most feedback items since the first of the month."),
            rows=[(f"#{tag.name}", [tag.n]) for tag in tags],
        ) if tags else None,
    }
