"""The customer panel's entries from polls. Ballots carry no time (see models.py), so an entry
sits at the poll's opening. For an anonymous poll the panel says only that the member took part:
it reads their Participation and never a Ballot or an Answer, so nothing pairs them. A named
poll shows the member's answers, as its staff breakdown and export already do."""

from django.db.models import Prefetch

from community.timeline import Entry
from community.visibility import visible_page_ids
from ideas.polls import rules
from ideas.polls.models import Answer, Ballot, Participation
from ideas.polls.pages import PollPage


def ballots_of(member, *, viewer, limit, before):
    polls = visible_page_ids(viewer, PollPage)
    rows = Participation.objects.filter(member=member, poll_id__in=polls).select_related("poll")
    if before:
        rows = rows.filter(poll__opens_at__lt=before)
    taken = list(rows.order_by("-poll__opens_at", "-poll_id")[:limit])
    named = [p.poll_id for p in taken if not p.poll.anonymous]
    answers = {}
    if named and rules.can_read_breakdown(viewer):
        ballots = Ballot.objects.filter(member=member, poll_id__in=named).prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("question", "option")
                     .order_by("question__sort_order", "option__position", "value"))
        )
        for ballot in ballots:
            answers[ballot.poll_id] = _answer_lines(ballot.answers.all())
    return [
        Entry("ballot", p.poll.opens_at, p.poll.title, p.poll.url or "", {
            "anonymous": p.poll.anonymous, "answers": answers.get(p.poll_id, []),
            "closes_at": p.poll.closes_at,
        }, "polls/timeline/ballot.html")
        for p in taken
    ]


def _answer_lines(answers) -> list[dict]:
    """[{"question": text, "answers": [label, ...], "html": masked text}] in the poll's order."""
    lines: dict = {}
    for answer in answers:
        line = lines.setdefault(answer.question_id, {"question": answer.question.text, "answers": [], "html": ""})
        if answer.option_id:
            label = answer.option.label
            if answer.question.kind == answer.question.Kind.RANKING and answer.value:
                label = f"{answer.value}. {label}"
            line["answers"].append(label)
        elif answer.value is not None:
            line["answers"].append(str(answer.value))
        if answer.text_html:
            line["html"] = answer.text_html
    return list(lines.values())


def register() -> None:
    from community.timeline import register_timeline_source

    register_timeline_source(ballots_of)
