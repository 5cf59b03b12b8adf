"""Every write on polls, one verb per use case: options from the page, ballots, the conclusion,
and what happens when a poll opens and closes. Views, the API, the admin, the scheduler command
and tasks call these."""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, IntegerField, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from community import audience, languages
from community.background import enqueue_on_commit
from community.content import render_user_text
from community.inputs import clean_line, clean_text, has_visible_character, parse_id
from community.live import after_commit
from community.services import NotAllowed
from community.webhooks import events as webhooks
from ideas.polls import events, rules, tasks
from ideas.polls.models import (
    Answer,
    Ballot,
    Participation,
    PollOption,
    PollState,
    QuestionTally,
    ballot_token,
)
from ideas.polls.pages import PollPage, PollQuestion

TEXT_MAX = 2_000
CONCLUSION_MIN, CONCLUSION_MAX = 3, 5_000
_IDEA_LINE = re.compile(r"^#(\d{1,18})(?:\s+(.*))?$")


def state_of(poll) -> PollState:
    state, _created = PollState.objects.get_or_create(poll_id=poll.pk)
    return state


# --- Options from the page --------------------------------------------------------------------------


def parse_option_line(line: str) -> tuple[str, int | None]:
    """("Label", idea id or None) from one line of a question's options."""
    line = clean_line(line)[:300]
    found = _IDEA_LINE.match(line)
    if found:
        return (found.group(2) or "").strip(), parse_id(found.group(1))
    return line, None


def sync_options(poll: PollPage) -> None:
    """Make the PollOption rows match the published questions' lines (called on publish). Rows
    keep their ids where the position is unchanged, so ballots keep pointing at them; the page
    form refuses changes to questions once ballots exist (wagtail_hooks)."""
    from ideas.models import Idea

    with transaction.atomic():
        questions = list(PollQuestion.objects.filter(poll=poll))
        parsed = {}
        for q in questions:
            if q.scale:
                parsed[q.pk] = [(str(v), None, v) for v in range(q.scale[0], q.scale[1] + 1)]
            else:
                parsed[q.pk] = [(*parse_option_line(line), None) for line in q.option_lines()] if q.has_options else []
        QuestionTally.objects.bulk_create([QuestionTally(question=q) for q in questions], ignore_conflicts=True)
        idea_ids = {idea_id for lines in parsed.values() for _label, idea_id, _value in lines if idea_id}
        ideas = Idea.objects.in_bulk(idea_ids)
        existing = {(o.question_id, o.position): o for o in PollOption.objects.filter(question__poll=poll)}
        keep = set()
        for question in questions:
            for position, (label, idea_id, value) in enumerate(parsed[question.pk], start=1):
                idea = ideas.get(idea_id) if idea_id else None
                label = label or (idea.title if idea else f"#{idea_id}")
                option = existing.get((question.pk, position))
                if option is None:
                    option = PollOption.objects.create(
                        question=question, position=position, label=label, idea=idea, value=value
                    )
                elif (option.label, option.idea_id, option.value) != (label, idea.pk if idea else None, value):
                    option.label, option.idea, option.value = label, idea, value
                    option.save(update_fields=["label", "idea", "value"])
                keep.add(option.pk)
        PollOption.objects.filter(question__poll=poll).exclude(pk__in=keep).delete()
        state_of(poll)
        PollState.objects.filter(poll_id=poll.pk).update(version=F("version") + 1)
    after_commit(events.poll_changed, poll.pk)


# --- Ballots ---------------------------------------------------------------------------------------


def _choice_ids(raw) -> list:
    items = raw if isinstance(raw, (list, tuple)) else [raw]
    return [item for item in items if item not in (None, "")]


def _ranked(places: dict, size: int) -> list:
    """Option ids in ranked order from {option id: place}; places run from 1 to `size`."""
    order = []
    for option_id, place in list(places.items())[:50]:
        number = parse_id(place)
        if number is None or number > size:
            raise ValidationError(_("Give each option a place from 1 to %(n)s.") % {"n": size})
        order.append((number, option_id))
    if len({number for number, _id in order}) != len(order):
        raise ValidationError(_("Give each option its own place in the ranking."))
    return [option_id for _number, option_id in sorted(order)]


def _check_answer(question: PollQuestion, raw, options: dict) -> list[Answer]:
    """The Answer rows for one question from what arrived, or ValidationError worded for the member.
    `options` maps this question's option ids to options: an id from anywhere else is refused."""
    kind = question.Kind
    if question.kind == kind.TEXT:
        text = clean_text(raw if isinstance(raw, str) else "").strip()
        if not has_visible_character(text):
            text = ""
        if len(text) > TEXT_MAX:
            raise ValidationError(
                _("This is too long: %(len)s characters, the limit is %(n)s.") % {"len": len(text), "n": TEXT_MAX}
            )
        if not text:
            return []
        rendered = render_user_text(text)
        return [Answer(question=question, text_source=text, text_html=rendered.html)]
    if question.scale:
        low, high = question.scale
        if raw in (None, "", []):
            return []
        value = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if value is None and isinstance(raw, str) and raw.strip().isascii() and raw.strip().lstrip("-").isdigit():
            value = int(raw.strip()) if len(raw.strip()) < 6 else None
        by_value = {option.value: option for option in options.values()}
        if value is None or not low <= value <= high or value not in by_value:
            raise ValidationError(_("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high})
        return [Answer(question=question, option=by_value[value], value=value)]
    if question.kind == kind.RANKING and isinstance(raw, dict):
        raw = _ranked(raw, len(options))
    ids = [parse_id(item) for item in _choice_ids(raw)[:50]]
    if not ids:
        return []
    if None in ids or any(i not in options for i in ids):
        raise ValidationError(_("That option is not part of this question."))
    if len(set(ids)) != len(ids):
        if question.kind == kind.RANKING:
            raise ValidationError(_("Give each option its own place in the ranking."))
        raise ValidationError(_("Choose each option only once."))
    if question.kind == kind.SINGLE and len(ids) > 1:
        raise ValidationError(_("Choose one option."))
    if question.kind == kind.MULTIPLE and question.max_choices and len(ids) > question.max_choices:
        raise ValidationError(_("Choose at most %(n)s options.") % {"n": question.max_choices})
    if question.kind == kind.RANKING:
        if len(ids) != len(options):
            raise ValidationError(_("Rank every option, from first to last."))
        return [Answer(question=question, option=options[i], value=place) for place, i in enumerate(ids, start=1)]
    return [Answer(question=question, option=options[i]) for i in ids]


def check_answers(poll: PollPage, answers: dict) -> list[Answer]:
    """Every answer checked against this poll's own questions and options. `answers` maps
    question ids to: option ids (a list, in ranked order for a ranking), a scale value, or a
    text. Errors come back together, keyed by question id, so a form can show each in place."""
    questions = list(PollQuestion.objects.filter(poll=poll).order_by("sort_order", "pk"))
    by_id = {q.pk: q for q in questions}
    unknown = [key for key in answers if parse_id(key) not in by_id]
    if unknown:
        raise ValidationError({"__all__": _("This ballot answers a question that is not in this poll.")})
    raw_by_id = {parse_id(key): value for key, value in answers.items()}
    options: dict[int, dict] = {q.pk: {} for q in questions}
    for option in PollOption.objects.filter(question__poll=poll):
        options[option.question_id][option.pk] = option
    rows, errors = [], {}
    for question in questions:
        try:
            found = _check_answer(question, raw_by_id.get(question.pk), options[question.pk])
        except ValidationError as error:
            errors[question.pk] = error.messages[0]
            continue
        if not found and question.required:
            errors[question.pk] = _("Please answer this question.")
        rows.extend(found)
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError({"__all__": _("Answer at least one question.")})
    return rows


def cast_ballot(*, member, poll: PollPage, answers: dict) -> Ballot:
    """Record or replace the member's ballot. One per member and poll, by a constraint on
    Participation, so two requests at the same moment store one ballot and refuse the other."""
    rules.check_can_answer(member, poll)
    rows = check_answers(poll, answers)
    token = ballot_token(poll.pk, member.pk) if poll.anonymous else None
    owner = {"token": token} if poll.anonymous else {"member": member}
    try:
        with transaction.atomic():
            # Ballots of one poll take turns: each moves several option and question counters,
            # and two moving overlapping counters in different orders would deadlock.
            PollState.objects.select_for_update().get_or_create(poll_id=poll.pk)
            _created_participation = not Participation.objects.filter(poll=poll, member=member).exists()
            if _created_participation:
                Participation.objects.create(poll=poll, member=member)
            elif not poll.allow_changes:
                raise NotAllowed(_("You have already answered this poll."))
            ballot = Ballot.objects.select_for_update().filter(poll=poll, **owner).first()
            before = []
            if ballot is None:
                ballot = Ballot.objects.create(
                    poll=poll, **owner, plan=member.plan, region=member.region,
                    years_band=audience.years_band_of(member),
                )
            else:
                before = list(ballot.answers.values_list("question_id", "option_id", "value", "question__kind"))
                ballot.answers.all().delete()
            for row in rows:
                row.ballot = ballot
                if row.text_source:
                    row.language = languages.choose(row.text_source, author=member)
            Answer.objects.bulk_create(rows)
            _count(before, [(r.question_id, r.option_id, r.value, r.question.kind) for r in rows])
            PollState.objects.filter(poll_id=poll.pk).update(
                version=F("version") + 1,
                ballot_count=F("ballot_count") + (1 if _created_participation else 0),
            )
    except IntegrityError:
        # The same member's other request won the race for the Participation row.
        raise NotAllowed(_("You have already answered this poll.")) from None
    if hasattr(member, "_answered_polls"):
        member._answered_polls[poll.pk] = True
    after_commit(events.poll_changed, poll.pk)
    return ballot


def _count(before: list, after: list) -> None:
    """Move the counters from a ballot's old answers to its new ones: one UPDATE for the options
    and one for the questions, whatever the number of answers (rows: question, option, value, kind)."""
    options: dict[int, list] = {}
    questions: dict[int, int] = {}
    for sign, rows in ((-1, before), (1, after)):
        for question_id in {row[0] for row in rows}:
            questions[question_id] = questions.get(question_id, 0) + sign
        for _question_id, option_id, value, kind in rows:
            if option_id is None:
                continue
            delta = options.setdefault(option_id, [0, 0])
            delta[0] += sign
            if kind == PollQuestion.Kind.RANKING:
                delta[1] += sign * value
    options = {pk: d for pk, d in options.items() if d != [0, 0]}
    questions = {pk: d for pk, d in questions.items() if d}
    if options:
        PollOption.objects.filter(pk__in=options).update(
            count=F("count") + _by_pk(options, 0), place_sum=F("place_sum") + _by_pk(options, 1)
        )
    if questions:
        QuestionTally.objects.filter(question_id__in=questions).update(
            respondents=F("respondents") + _by_pk({pk: [d] for pk, d in questions.items()}, 0, field="question_id")
        )


def _by_pk(deltas: dict, index: int, field: str = "pk"):
    return Case(*(When(**{field: pk}, then=Value(d[index])) for pk, d in deltas.items()),
                default=Value(0), output_field=IntegerField())


def recount(poll: PollPage, *, repair: bool = True) -> bool:
    """Set every counter of the poll from its answers (grouped queries). Returns whether anything
    was off; with repair=False nothing is written (`recount_polls --check`)."""
    questions = list(PollQuestion.objects.filter(poll=poll).values_list("pk", flat=True))
    answers = Answer.objects.filter(question_id__in=questions)
    tallies = {
        row["option_id"]: (row["n"], row["places"] or 0)
        for row in answers.filter(option__isnull=False, question__kind=PollQuestion.Kind.RANKING)
        .values("option_id").annotate(n=Count("id"), places=Sum("value"))
    }
    for row in answers.filter(option__isnull=False).exclude(question__kind=PollQuestion.Kind.RANKING).values("option_id").annotate(n=Count("id")):
        tallies[row["option_id"]] = (row["n"], 0)
    respondents = dict(answers.values("question_id").annotate(n=Count("ballot_id", distinct=True)).values_list("question_id", "n"))
    off = False
    with transaction.atomic():
        for option in PollOption.objects.filter(question_id__in=questions).select_for_update():
            wanted = tallies.get(option.pk, (0, 0))
            if (option.count, option.place_sum) != wanted:
                off = True
                PollOption.objects.filter(pk=option.pk).update(count=wanted[0], place_sum=wanted[1])
        QuestionTally.objects.bulk_create([QuestionTally(question_id=q) for q in questions], ignore_conflicts=True)
        for tally in QuestionTally.objects.filter(question_id__in=questions).select_for_update():
            if tally.respondents != respondents.get(tally.question_id, 0):
                off = True
                QuestionTally.objects.filter(pk=tally.pk).update(respondents=respondents.get(tally.question_id, 0))
        ballots = Participation.objects.filter(poll=poll).count()
        if PollState.objects.filter(poll_id=poll.pk).exclude(ballot_count=ballots).update(ballot_count=ballots):
            off = True
        if not repair:
            transaction.set_rollback(True)
    return off


def ballot_of(member, poll: PollPage) -> Ballot | None:
    """The member's own ballot while they may still change it (anonymous: by token, until close)."""
    if poll.anonymous:
        return Ballot.objects.filter(poll=poll, token=ballot_token(poll.pk, member.pk)).first()
    return Ballot.objects.filter(poll=poll, member=member).first()


# --- Closing the loop --------------------------------------------------------------------------------


def conclude_poll(*, poll: PollPage, by, text: str) -> PollState:
    """Staff write what they take from the poll; everyone who answered hears it with the result."""
    rules.check_can_conclude(by, poll)
    text = clean_text(text).strip()
    if len(text) < CONCLUSION_MIN or not has_visible_character(text):
        raise ValidationError(_("Write the conclusion: what you take from the poll and what happens next."))
    if len(text) > CONCLUSION_MAX:
        raise ValidationError(
            _("This is too long: %(len)s characters, the limit is %(n)s.") % {"len": len(text), "n": CONCLUSION_MAX}
        )
    rendered = render_user_text(text)
    with transaction.atomic():
        state_of(poll)
        PollState.objects.filter(poll_id=poll.pk).update(
            conclusion_source=text, conclusion_html=rendered.html,
            conclusion_language=languages.choose(text, author=by), concluded_by=by, concluded_at=timezone.now(),
            version=F("version") + 1,
        )
        enqueue_on_commit(tasks.notify_result, poll.pk)
    after_commit(events.poll_changed, poll.pk)
    return PollState.objects.get(poll_id=poll.pk)


def close_poll(poll: PollPage) -> bool:
    """What happens once when a poll's closing time has passed: anonymous tokens are erased (no
    ballot can be paired with a member any more), browsers hear it, the owning team is asked
    for the conclusion. Safe to call again: it does nothing the second time."""
    if not poll.is_closed:
        return False
    with transaction.atomic():
        state_of(poll)
        claimed = PollState.objects.filter(poll_id=poll.pk, closed_at__isnull=True).update(
            closed_at=timezone.now(), version=F("version") + 1
        )
        if not claimed:
            return False
        if poll.anonymous:
            Ballot.objects.filter(poll=poll).update(token=None)
        enqueue_on_commit(tasks.ask_for_conclusion, poll.pk)
        webhooks.poll_closed(poll, state_of(poll))
    after_commit(events.poll_changed, poll.pk)
    return True


def open_poll(poll: PollPage) -> bool:
    """Invite the poll's audience, once, when it is open (the invitations are keyed by poll)."""
    if not poll.is_open or not poll.live:
        return False
    with transaction.atomic():
        state_of(poll)
        claimed = PollState.objects.filter(poll_id=poll.pk, invited_at__isnull=True).update(invited_at=timezone.now())
        if claimed:
            enqueue_on_commit(tasks.invite_audience, poll.pk)
    return bool(claimed)


def run_schedule(now=None) -> dict:
    """Invite the audiences of polls that have opened and close the polls whose time is up;
    then tell participants of concluded, closed polls. Idempotent: the scheduler may run it as
    often as it likes, and several at once (each step claims its row with a conditional update)."""
    now = now or timezone.now()
    done = {"invited": 0, "closed": 0, "results": 0}
    live = PollPage.objects.live()
    for poll in live.filter(opens_at__lte=now, closes_at__gt=now).exclude(state__invited_at__isnull=False):
        done["invited"] += open_poll(poll)
    for poll in PollPage.objects.filter(closes_at__lte=now).exclude(state__closed_at__isnull=False):
        done["closed"] += close_poll(poll)
    pending = PollState.objects.filter(
        poll__closes_at__lte=now, concluded_at__isnull=False, result_sent_at__isnull=True
    ).values_list("poll_id", flat=True)
    for poll_id in pending:
        done["results"] += tasks.send_result(poll_id)
    return done


def schedule(poll: PollPage) -> None:
    """On publish: invite the audience now if the poll is open, and have the scheduler run again
    when it opens and closes (deferred tasks where the backend can; the command otherwise)."""
    if poll.is_open:
        open_poll(poll)
    now = timezone.now()
    for moment in (poll.opens_at, poll.closes_at):
        if moment > now:
            tasks.defer_schedule(moment)
