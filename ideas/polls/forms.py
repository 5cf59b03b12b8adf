"""HTML forms for polls: the ballot read from a POST (its questions are the poll's, not a fixed
form) and the staff's conclusion. The services check everything again when they write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ideas.polls.pages import PollQuestion

MARKDOWN_HINT = _("Markdown works: **bold**, *italic*, - lists, > quotes and [links](https://…).")


def field_name(question) -> str:
    return f"q{question.pk}"


def answers_from_post(questions, data) -> dict:
    """{question id: raw answer} from the ballot form, in the shape services.cast_ballot takes:
    option ids (a list), {option id: place} for a ranking, a scale value or a text. Fields of
    other polls' questions are never read: only this poll's questions are looked up."""
    answers = {}
    for question in questions:
        name = field_name(question)
        if question.kind == PollQuestion.Kind.RANKING:
            places = {}
            for option in question.option_list:
                place = data.get(f"{name}-{option.pk}", "")
                if place:
                    places[option.pk] = place
            answers[question.pk] = places
        elif question.kind == PollQuestion.Kind.MULTIPLE:
            answers[question.pk] = data.getlist(name)[:50]
        else:
            answers[question.pk] = data.get(name, "")
    return answers


def kept_values(questions, answers: dict) -> None:
    """Attach what the member chose or typed to each question (.chosen, .ranks, .value), so a
    refused ballot comes back as they left it, and a ballot being changed shows the last one."""
    for question in questions:
        raw = answers.get(question.pk)
        question.chosen = {str(v) for v in (raw if isinstance(raw, (list, tuple)) else [raw]) if v not in (None, "")}
        question.ranks = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
        question.value = raw if isinstance(raw, str) else ("" if raw is None else str(raw) if not isinstance(raw, (list, dict)) else "")
        question.scale_values = [str(v) for v in range(question.scale[0], question.scale[1] + 1)] if question.scale else []
        question.places = [str(n) for n in range(1, len(getattr(question, "option_list", ())) + 1)]
        for option in getattr(question, "option_list", ()):
            option.rank = question.ranks.get(str(option.pk), "")
            option.checked = str(option.pk) in question.chosen


def answers_of_ballot(ballot) -> dict:
    """A stored ballot as the form's raw answers (to prefill it when a member changes it)."""
    answers: dict = {}
    if ballot is None:
        return answers
    for answer in ballot.answers.select_related("question"):
        kind = answer.question.kind
        if kind == PollQuestion.Kind.RANKING:
            answers.setdefault(answer.question_id, {})[answer.option_id] = answer.value
        elif answer.question.scale:
            answers[answer.question_id] = str(answer.value)
        elif answer.option_id:
            answers.setdefault(answer.question_id, []).append(answer.option_id)
        else:
            answers[answer.question_id] = answer.text_source
    return answers


class ConclusionForm(forms.Form):
    text = forms.CharField(
        label=_("Conclusion"),
        help_text=MARKDOWN_HINT,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": _("We build X first, because…")}),
        strip=False,
    )
