"""Fixtures for poll tests: a poll of every question kind and helpers to answer it."""

import pytest

from ideas.polls.queries import questions_of
from tests.factories import make_poll

EVERY_KIND = [
    ("single", "Which first?", "Roaming\nCoverage\nApp", {}),
    ("multiple", "Which also?", "Invoice\nChat\nShops\nApp", {"max_choices": 2}),
    ("scale5", "How happy are you?", "", {}),
    ("scale10", "Would you recommend us?", "", {}),
    ("ranking", "Rank these", "Alpha\nBeta\nGamma", {}),
    ("text", "Anything else?", "", {"required": False}),
]


@pytest.fixture
def poll(db):
    return make_poll(questions=EVERY_KIND, title="What next?")


def by_text(poll):
    """{question text: question with .option_list} for readable tests."""
    return {q.text: q for q in questions_of(poll)}


def option(question, label):
    return next(o.pk for o in question.option_list if o.label == label)


def full_answers(poll, *, single="Roaming", multiple=("Invoice",), scale5=4, scale10=9, ranking=("Alpha", "Beta", "Gamma"), text=""):
    q = by_text(poll)
    return {
        q["Which first?"].pk: [option(q["Which first?"], single)],
        q["Which also?"].pk: [option(q["Which also?"], label) for label in multiple],
        q["How happy are you?"].pk: scale5,
        q["Would you recommend us?"].pk: scale10,
        q["Rank these"].pk: [option(q["Rank these"], label) for label in ranking],
        q["Anything else?"].pk: text,
    }
