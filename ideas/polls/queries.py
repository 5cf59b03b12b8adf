"""Read paths for polls: results, the staff breakdown by bands, free-text answers, the export,
the index and the home page's activity. Each runs a fixed number of queries, aggregated in the
database, whatever the number of ballots."""

import logging
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import formats, timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

from community import audience as bands_of
from community.models import Member
from community.visibility import visible_page_ids
from ideas.polls.models import Answer, Ballot, Participation, PollOption, PollState, QuestionTally
from ideas.polls.pages import Phase, PollPage, PollQuestion


@dataclass
class OptionResult:
    id: int
    label: str
    idea: object
    count: int = 0
    percent: int = 0  # of the question's respondents (of the maximum points for a ranking)
    average_place: float | None = None
    points: int | None = None


@dataclass
class QuestionResult:
    id: int
    text: str
    kind: str
    kind_label: str
    respondents: int = 0
    options: list = field(default_factory=list)
    scale: list = field(default_factory=list)  # (value, count, percent)
    mean: float | None = None
    max_choices: int | None = None
    required: bool = True
    question: PollQuestion | None = None


@dataclass
class Results:
    poll_id: int
    version: int
    ballots: int
    questions: list

    def as_event(self) -> dict:
        """The whole visible state, for live.js (poll.<id>)."""
        return {
            "type": "poll",
            "id": self.poll_id,
            "version": self.version,
            "ballots": self.ballots,
            "questions": [
                {
                    "id": q.id,
                    "respondents": q.respondents,
                    "mean": q.mean,
                    "options": [
                        {"id": o.id, "count": o.count, "percent": o.percent, "average_place": o.average_place,
                         "points": o.points}
                        for o in q.options
                    ],
                    "scale": [{"value": v, "count": n, "percent": p} for v, n, p in q.scale],
                }
                for q in self.questions
            ],
        }


def questions_of(poll) -> list[PollQuestion]:
    """The questions with their options attached (.option_list): two queries."""
    questions = list(PollQuestion.objects.filter(poll_id=poll.pk).order_by("sort_order", "pk"))
    by_question = {q.pk: [] for q in questions}
    for option in PollOption.objects.filter(question_id__in=by_question).select_related("idea__status"):
        by_question[option.question_id].append(option)
    for question in questions:
        question.option_list = by_question[question.pk]
    return questions


def _percent(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


def results(poll, questions=None) -> Results:
    """Counts, percentages, means and rankings from the counters the services keep in the
    database (PollOption.count and .place_sum, QuestionTally.respondents): two queries, plus two
    for the questions and options when not given, the same for ten ballots or a million."""
    questions = questions if questions is not None else questions_of(poll)
    state = PollState.objects.filter(poll_id=poll.pk).values_list("version", "ballot_count").first() or (1, 0)
    respondents = dict(
        QuestionTally.objects.filter(question_id__in=[q.pk for q in questions]).values_list("question_id", "respondents")
    )
    out = []
    for q in questions:
        result = QuestionResult(
            id=q.pk, text=q.text, kind=q.kind, kind_label=q.get_kind_display(), respondents=respondents.get(q.pk, 0),
            max_choices=q.max_choices, required=q.required, question=q,
        )
        if q.scale:
            total = sum(o.count for o in q.option_list)
            result.scale = [(o.value, o.count, _percent(o.count, total)) for o in q.option_list]
            result.mean = round(sum(o.value * o.count for o in q.option_list) / total, 1) if total else None
            out.append(result)
            continue
        ranked = q.kind == PollQuestion.Kind.RANKING
        k = len(q.option_list)
        for option in q.option_list:
            item = OptionResult(id=option.pk, label=option.label, idea=option.idea, count=option.count)
            if ranked:
                # Borda count: first of k places earns k-1 points, last earns 0.
                item.average_place = round(option.place_sum / option.count, 2) if option.count else None
                item.points = option.count * k - option.place_sum
                item.percent = _percent(item.points, result.respondents * (k - 1))
            else:
                item.percent = _percent(item.count, result.respondents)
            result.options.append(item)
        if ranked:
            result.options.sort(key=lambda o: (-(o.points or 0), o.average_place or k))
        out.append(result)
    return Results(poll_id=poll.pk, version=state[0], ballots=state[1], questions=out)


# --- Staff: bands, representation, free text, export -------------------------------------------------

OVER_REPRESENTED_POINTS = 15  # percentage points above the membership's share
DIMENSION_FIELDS = {"plan": "plan", "region": "region", "years": "years_band"}
DIMENSION_LABELS = {"plan": _("Plan"), "region": _("Region"), "years": _("Years as a customer")}


@dataclass
class Band:
    label: str
    ballots: int | None
    share: int | None = None  # % of ballots
    members_share: int | None = None  # % of the poll's audience


def _band_key(dimension, value):
    return (value or "").casefold() if dimension == "region" else value


def _fold(rows, index: int, dimension: str) -> dict:
    """Sum grouped rows (plan, region, years band, ..., n) over one dimension's band."""
    found: dict = {}
    for row in rows:
        key = _band_key(dimension, row[index])
        found[key] = found.get(key, 0) + row[-1]
    return found


def breakdown(poll, results_: Results) -> dict:
    """Per dimension, the ballots in each band (bands under MIN_BAND are folded into “Other”
    and never show their answers), each band's share of the ballots against its share of the
    poll's audience, and each band's answers. Three grouped queries (ballots, answers and the
    audience, each grouped by plan, region and years band at once), folded per dimension here."""
    total = results_.ballots
    out = {"total": total, "audience": 0, "dimensions": [], "notes": []}
    audience_members = bands_of.audience_members(poll, Member.objects.filter(is_active=True, is_staff=False))
    audience = list(
        audience_members.annotate(band=bands_of.years_band_case()).values_list("plan", "region", "band")
        .annotate(n=Count("pk")).order_by()
    )
    audience_total = out["audience"] = sum(row[-1] for row in audience)
    if total < bands_of.MIN_BAND:
        return out
    ballots = list(
        Ballot.objects.filter(poll_id=poll.pk).values_list("plan", "region", "years_band").annotate(n=Count("pk")).order_by()
    )
    answers = list(
        Answer.objects.filter(question_id__in=[q.id for q in results_.questions], option__isnull=False)
        .values_list("ballot__plan", "ballot__region", "ballot__years_band", "option_id")
        .annotate(places=Sum("value"), n=Count("id")).order_by()
    )
    scale_values = {o.pk: o.value for q in results_.questions if q.scale for o in q.question.option_list}
    for index, dimension in enumerate(DIMENSION_FIELDS):
        counts, members = _fold(ballots, index, dimension), _fold(audience, index, dimension)
        tallies: dict = {}  # band -> option -> [answers, sum of places]
        for row in answers:
            cell = tallies.setdefault(_band_key(dimension, row[index]), {}).setdefault(row[3], [0, 0])
            cell[0] += row[5]
            cell[1] += row[4] or 0
        rows, other = [], 0
        crosstabs = [
            {"question": q, "columns": [str(_("Mean"))] if q.scale else [o.label for o in q.options], "rows": []}
            for q in results_.questions if q.kind != PollQuestion.Kind.TEXT
        ]
        for key, n in sorted(counts.items(), key=lambda item: -item[1]):
            if n < bands_of.MIN_BAND:
                other += n
                continue
            band = Band(
                # Regions are typed by staff: grouped without case, shown title-cased.
                label=str(bands_of.band_label(dimension, key.title() if dimension == "region" and key else key)),
                ballots=n, share=_percent(n, total), members_share=_percent(members.get(key, 0), audience_total),
            )
            mine = tallies.get(key, {})
            for table in crosstabs:
                q = table["question"]
                if q.scale:
                    cells = [(scale_values[pk], mine.get(pk, [0, 0])[0]) for pk in scale_values
                             if pk in {o.pk for o in q.question.option_list}]
                    answered = sum(c for _v, c in cells)
                    figures = [round(sum(v * c for v, c in cells) / answered, 1) if answered else None]
                elif q.kind == PollQuestion.Kind.RANKING:
                    figures = [round(mine[o.id][1] / mine[o.id][0], 1) if o.id in mine and mine[o.id][0] else None
                               for o in q.options]
                else:
                    figures = [f"{_percent(mine.get(o.id, [0, 0])[0], n)}%" for o in q.options]
                table["rows"].append((band.label, figures))
            rows.append(band)
            if band.share - band.members_share >= OVER_REPRESENTED_POINTS and audience_total >= bands_of.MIN_BAND:
                out["notes"].append(
                    _("%(band)s are %(share)s%% of the ballots but %(members)s%% of the customers this poll asks: "
                      "weigh the results with that in mind.")
                    % {"band": band.label, "share": band.share, "members": band.members_share}
                )
        if other:
            rows.append(Band(label=str(_("Other")), ballots=other if other >= bands_of.MIN_BAND else None))
        out["dimensions"].append(
            {"key": dimension, "label": DIMENSION_LABELS[dimension], "bands": rows, "crosstabs": crosstabs}
        )
    return out


BANDS_TTL = 300  # seconds


def cached_breakdown(poll, results_: Results) -> dict:
    """The breakdown for the staff's poll page, computed at most every BANDS_TTL seconds per poll
    and language: it groups every answer by band (seconds at 100,000 ballots), and staff read
    trends there, not the last ballot. The page says when it was computed."""
    from django.core.cache import cache
    from django.utils import translation

    key = f"poll-bands:{poll.pk}:{translation.get_language()}"
    try:
        found = cache.get(key)
    except Exception:  # an unreachable cache is a miss
        found = None
    if found is None:
        found = {**breakdown(poll, results_), "computed_at": timezone.now()}
        try:
            cache.set(key, found, BANDS_TTL)
        except Exception:
            logging.getLogger(__name__).warning("cache unavailable: poll bands not kept", exc_info=True)
    return found


MAX_TEXT_ANSWERS = 300


def text_answers(poll, *, limit: int = MAX_TEXT_ANSWERS) -> list[dict]:
    """Free-text answers for staff, masked like all member text. Ordered by their random id, not
    by time: the order says nothing about who wrote them. Named polls show the member. The text
    questions are looked up first, so the answers are read through their question's index (and a
    poll without text questions costs one small query)."""
    text_questions = list(
        PollQuestion.objects.filter(poll_id=poll.pk, kind=PollQuestion.Kind.TEXT)
        .order_by("sort_order", "pk").values_list("pk", flat=True)
    )
    if not text_questions:
        return []
    rows = Answer.objects.filter(question_id__in=text_questions).exclude(text_html="").order_by("question_id", "id")
    if poll.anonymous:
        rows = rows.values("question_id", "text_html", "language")
    else:
        rows = rows.values("question_id", "text_html", "language", "ballot__member__display_name", "ballot__member_id")
    found = []
    for row in rows[:limit]:
        name = None
        if not poll.anonymous and row.get("ballot__member_id"):
            name = row["ballot__member__display_name"] or str(_("Member %(number)s") % {"number": row["ballot__member_id"]})
        found.append({"question_id": row["question_id"], "html": row["text_html"], "language": row["language"], "name": name})
    return found


def export_rows(poll, results_: Results):
    """The rows of the staff CSV export: aggregated results, then free-text answers (masked;
    with the member's name only on named polls)."""
    yield [str(_("Question")), str(_("Answer")), str(_("Count")), str(_("Percent")), str(_("Average")), str(_("Member"))]
    for q in results_.questions:
        for o in q.options:
            yield [q.text, o.label, o.count, o.percent, o.average_place if o.average_place is not None else "", ""]
        for value, n, percent in q.scale:
            yield [q.text, value, n, percent, "", ""]
        if q.mean is not None:
            yield [q.text, str(_("Mean")), q.respondents, "", q.mean, ""]
    texts = {q.id: q.text for q in results_.questions}
    for row in text_answers(poll, limit=100_000):
        yield [texts.get(row["question_id"], ""), strip_tags(row["html"]).strip(), "", "", "", row["name"] or ""]


# --- Lists ---------------------------------------------------------------------------------------------


def visible_polls(viewer):
    """The polls this viewer may see: the one queryset every list and feed starts from. Polls for
    a private audience (a programme's exit survey: few) are asked one by one, by the same rule."""
    from community import audience
    from community.rules import is_staff
    from ideas.polls.rules import in_audience

    polls = PollPage.objects.live().filter(pk__in=visible_page_ids(viewer, PollPage))
    if is_staff(viewer):
        return polls
    private = polls.filter(audience__in=audience.private_kinds())
    hidden = [poll.pk for poll in private if not in_audience(viewer, poll)]
    return polls.exclude(pk__in=hidden) if hidden else polls


@dataclass
class PollListing:
    open: list
    upcoming: list
    closed: list


def poll_listing(index_page, *, viewer, closed_limit: int = 20) -> PollListing:
    now = timezone.now()
    polls = visible_polls(viewer).child_of(index_page).select_related("state", "owner_team", "segment")
    open_ = list(polls.filter(opens_at__lte=now, closes_at__gt=now).order_by("closes_at"))
    upcoming = list(polls.filter(opens_at__gt=now).order_by("opens_at")[:20])
    closed = list(polls.filter(closes_at__lte=now).order_by("-closes_at")[:closed_limit])
    answered = set()
    if viewer is not None and viewer.is_authenticated:
        answered = set(
            Participation.objects.filter(member_id=viewer.pk, poll_id__in=[p.pk for p in open_ + closed])
            .values_list("poll_id", flat=True)
        )
    for poll in open_ + upcoming + closed:
        poll.answered = poll.pk in answered
    return PollListing(open=open_, upcoming=upcoming, closed=closed)


def latest_polls(*, viewer, limit: int = 8) -> list:
    """Polls for the home page's latest activity: open ones and concluded ones, newest first."""
    from ideas.queries import Activity

    now = timezone.now()
    polls = (
        visible_polls(viewer).filter(opens_at__lte=now)
        .filter(Q(closes_at__gt=now) | Q(state__concluded_at__isnull=False))
        .select_related("state", "owner_team").order_by("-opens_at")[:limit]
    )
    items = []
    for poll in polls:
        state = getattr(poll, "state", None)
        concluded = state is not None and state.concluded_at is not None and poll.phase(now) == Phase.CLOSED
        summary = _("Poll · results and conclusion") if concluded else _("Poll · open until %(date)s") % {
            "date": formats.date_format(timezone.localtime(poll.closes_at), "SHORT_DATE_FORMAT")
        }
        items.append(Activity(title=poll.title, url=poll.get_url() or "", when=state.concluded_at if concluded else poll.opens_at,
                              summary=str(summary)))
    return items
