"""HTML views for polls: the poll page (ballot, results, staff tools), answering, the conclusion
and the staff's CSV export. Thin: parse input, call a service or a query, render."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from community.rules import is_staff
from community.services import NotAllowed
from ideas.models import Idea
from ideas.polls import forms, queries, rules, services
from ideas.polls.models import PollState
from ideas.polls.pages import PollIndexPage, PollPage
from ideas.views._common import _forbidden, _login_url


def _visible_poll(request, pk) -> PollPage:
    """The poll if this viewer may see it; others are a 404, like a poll that does not exist."""
    poll = PollPage.objects.live().select_related("owner_team", "segment").filter(pk=pk).first()
    if poll is None or not rules.can_view_poll(request.user, poll):
        raise Http404(_("There is no such poll."))
    return poll


def _idea_cards(viewer, questions) -> None:
    """Options that offer an idea show its card, if the viewer may see the idea (one query)."""
    ids = {o.idea_id for q in questions for o in q.option_list if o.idea_id}
    visible = set(Idea.objects.visible_to(viewer).filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
    for question in questions:
        for option in question.option_list:
            option.card = option.idea if option.idea_id in visible else None


def _context(request, poll, *, answers=None, errors=None, conclusion_form=None) -> dict:
    user = request.user
    questions = queries.questions_of(poll)
    _idea_cards(user, questions)
    answered = rules.has_answered(user, poll)
    if answers is None and answered and rules.can_answer(user, poll):
        answers = forms.answers_of_ballot(services.ballot_of(user, poll))
    forms.kept_values(questions, answers or {})
    errors = errors or {}
    for question in questions:
        question.error = errors.get(question.pk)
        question.field = forms.field_name(question)
    can_results = rules.can_see_results(user, poll)
    context = {
        "page": poll,
        "poll": poll,
        "questions": questions,
        "form_error": errors.get("__all__"),
        "answered": answered,
        "can_answer": rules.can_answer(user, poll),
        "answer_refusal": rules.why_not_answer(user, poll),
        "can_see_results": can_results,
        "results_refusal": None if can_results else rules.why_not_see_results(user, poll),
        "results": queries.results(poll, questions) if can_results else None,
        "state": PollState.objects.filter(poll_id=poll.pk).select_related("concluded_by").first(),
        "phase": poll.phase(),
    }
    if rules.can_read_breakdown(user, poll):
        results = context["results"]
        context.update(
            breakdown=queries.cached_breakdown(poll, results),
            text_answers=queries.text_answers(poll),
            can_conclude=rules.can_conclude(user, poll),
            conclusion_form=conclusion_form or forms.ConclusionForm(
                prefix="conclusion",
                initial={"text": context["state"].conclusion_source if context["state"] else ""},
            ),
        )
    return context


def poll_page(request, poll, *, status=200, **extra):
    """A poll (called by PollPage.serve and on a refused ballot)."""
    return TemplateResponse(request, "polls/poll_page.html", _context(request, poll, **extra), status=status)


@require_POST
def answer(request, pk):
    poll = _visible_poll(request, pk)
    if not request.user.is_authenticated:
        return redirect(_login_url(poll.url))
    questions = queries.questions_of(poll)
    answers = forms.answers_from_post(questions, request.POST)
    changing = rules.has_answered(request.user, poll)
    try:
        services.cast_ballot(member=request.user, poll=poll, answers=answers)
    except NotAllowed as refusal:
        return _forbidden(request, str(refusal))
    except ValidationError as error:
        errors = {key: messages_[0] for key, messages_ in error.message_dict.items()}
        return poll_page(request, poll, status=400, answers=answers, errors=errors)
    messages.success(request, _("Your ballot is changed.") if changing else _("Thank you! Your ballot is counted."))
    return redirect(f"{poll.url}#results")


@require_POST
def conclude(request, pk):
    poll = _visible_poll(request, pk)
    if not request.user.is_authenticated:
        return redirect(_login_url(poll.url))
    form = forms.ConclusionForm(request.POST, prefix="conclusion")
    try:
        rules.check_can_conclude(request.user, poll)
        if form.is_valid():
            services.conclude_poll(poll=poll, by=request.user, text=form.cleaned_data["text"])
            messages.success(request, _("The conclusion is published. Everyone who answered is told."))
            return redirect(f"{poll.url}#conclusion")
    except NotAllowed as refusal:
        return _forbidden(request, str(refusal))
    except ValidationError as error:
        form.add_error("text", error)
    return poll_page(request, poll, status=400, conclusion_form=form)


class _Echo:
    def write(self, value):
        return value


@require_GET
def export(request, pk):
    poll = _visible_poll(request, pk)
    if not is_staff(request.user):
        return _forbidden(request, rules.why_not_read_breakdown(request.user, poll))
    results = queries.results(poll)
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in queries.export_rows(poll, results)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}-{slugify(poll.slug)[:40]}.csv"'
    return response


@require_GET
def polls(request):
    """/go/polls/: the polls index, wherever editors put it."""
    index = PollIndexPage.objects.live().order_by("path").first()
    if index is None or not rules.can_view_poll(request.user, index):
        raise Http404(_("There are no polls yet."))
    return redirect(index.url)
