"""Casting ballots: every refusal says why and stores nothing; a member has one ballot per poll."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.services import NotAllowed
from ideas.polls import services
from ideas.polls.models import Answer, Ballot, Participation, PollState
from tests.factories import MemberFactory, StaffFactory, make_poll, make_segment
from tests.polls.conftest import by_text, full_answers, option

pytestmark = pytest.mark.django_db


def nothing_stored(poll):
    return not Participation.objects.filter(poll=poll).exists() and not Ballot.objects.filter(poll=poll).exists() \
        and not Answer.objects.filter(question__poll=poll).exists()


def test_a_ballot_records_every_kind_of_answer(poll):
    member = MemberFactory()
    services.cast_ballot(member=member, poll=poll, answers=full_answers(poll, text="Call me on 98765432, please"))
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.member == member and ballot.token is None
    assert Participation.objects.filter(poll=poll, member=member).count() == 1
    assert Answer.objects.filter(ballot=ballot).count() == 1 + 1 + 1 + 1 + 3 + 1
    text = Answer.objects.get(ballot=ballot, question__kind="text")
    assert "98765432" not in text.text_html and "hidden" in text.text_html
    assert PollState.objects.get(poll=poll).ballot_count == 1


def test_changing_a_ballot_replaces_it_and_counts_one_member_once(poll):
    member = MemberFactory()
    services.cast_ballot(member=member, poll=poll, answers=full_answers(poll, single="Roaming"))
    services.cast_ballot(member=member, poll=poll, answers=full_answers(poll, single="App"))
    q = by_text(poll)["Which first?"]
    assert list(Answer.objects.filter(question=q).values_list("option__label", flat=True)) == ["App"]
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert PollState.objects.get(poll=poll).ballot_count == 1


def test_a_poll_without_changes_refuses_a_second_ballot(db):
    poll = make_poll(allow_changes=False)
    member = MemberFactory()
    q = by_text(poll)["Which first?"]
    services.cast_ballot(member=member, poll=poll, answers={q.pk: [option(q, "Cheaper roaming")]})
    with pytest.raises(NotAllowed, match="already answered"):
        services.cast_ballot(member=member, poll=poll, answers={q.pk: [option(q, "A new app")]})
    assert list(Answer.objects.values_list("option__label", flat=True)) == ["Cheaper roaming"]


@pytest.mark.parametrize(
    ("times", "message"),
    [
        ({"opens_at": timezone.now() + timedelta(days=1), "closes_at": timezone.now() + timedelta(days=2)}, "opens on"),
        ({"opens_at": timezone.now() - timedelta(days=2), "closes_at": timezone.now() - timedelta(seconds=1)}, "closed"),
    ],
)
def test_answering_before_open_or_after_close_is_refused(db, times, message):
    poll = make_poll(**times)
    q = by_text(poll)["Which first?"]
    with pytest.raises(NotAllowed, match=message):
        services.cast_ballot(member=MemberFactory(), poll=poll, answers={q.pk: [option(q, "Better coverage")]})
    assert nothing_stored(poll)


def test_members_outside_the_segment_are_refused_and_inside_may_answer(db):
    segment = make_segment(plans=["broadband"], min_years=3)
    poll = make_poll(audience="segment", segment=segment)
    q = by_text(poll)["Which first?"]
    answers = {q.pk: [option(q, "Better coverage")]}
    outsider = MemberFactory(plan="mobile", customer_since=timezone.localdate() - timedelta(days=3650))
    newcomer = MemberFactory(plan="broadband", customer_since=timezone.localdate() - timedelta(days=100))
    with pytest.raises(NotAllowed, match="not part of"):
        services.cast_ballot(member=outsider, poll=poll, answers=answers)
    with pytest.raises(NotAllowed, match="not part of"):
        services.cast_ballot(member=newcomer, poll=poll, answers=answers)
    assert nothing_stored(poll)
    insider = MemberFactory(plan="broadband", customer_since=timezone.localdate() - timedelta(days=5 * 365))
    services.cast_ballot(member=insider, poll=poll, answers=answers)
    assert Ballot.objects.get(poll=poll).plan == "broadband"


def test_visitors_and_unverified_members_are_refused(poll):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed, match="Log in"):
        services.cast_ballot(member=AnonymousUser(), poll=poll, answers=full_answers(poll))
    with pytest.raises(NotAllowed, match="Confirm"):
        services.cast_ballot(member=MemberFactory(verified=False), poll=poll, answers=full_answers(poll))
    assert nothing_stored(poll)


def bad(poll, question_text, raw):
    answers = full_answers(poll)
    answers[by_text(poll)[question_text].pk] = raw
    return answers


@pytest.mark.parametrize(
    ("question", "raw", "message"),
    [
        ("Which first?", ["999999"], "not part of this question"),
        ("Which first?", ["²"], "not part of this question"),
        ("Which first?", [str(2**64)], "not part of this question"),
        ("Which first?", [], "answer this question"),
        ("Which first?", {"x": 1}, "not part of this question"),
        ("Which also?", "too-many", "at most 2"),
        ("Which also?", "duplicate", "only once"),
        ("How happy are you?", 6, "from 1 to 5"),
        ("How happy are you?", "0", "from 1 to 5"),
        ("How happy are you?", "4\x00", "from 1 to 5"),
        ("How happy are you?", True, "from 1 to 5"),
        ("Would you recommend us?", 11, "from 0 to 10"),
        ("Would you recommend us?", "-1", "from 0 to 10"),
        ("Rank these", "repeat", "its own place"),
        ("Rank these", "partial", "Rank every option"),
        ("Rank these", {"1": "1"}, "not part of this question"),
        ("Anything else?", "x" * 2001, "too long"),
    ],
)
def test_bad_answers_are_refused_with_a_message_and_nothing_is_stored(poll, question, raw, message):
    q = by_text(poll)
    ids = {label: option(q[question], label) for label in [o.label for o in q[question].option_list]}
    values = list(ids.values())
    crafted = {
        "too-many": lambda: values[:3],
        "duplicate": lambda: values[:1] * 2,
        "repeat": lambda: [values[0], values[0], values[1]],
        "partial": lambda: values[:2],
    }
    if isinstance(raw, str) and raw in crafted:
        raw = crafted[raw]()
    with pytest.raises(ValidationError) as error:
        services.cast_ballot(member=MemberFactory(), poll=poll, answers=bad(poll, question, raw))
    assert message in " ".join(error.value.message_dict[q[question].pk])
    assert nothing_stored(poll)


def test_an_option_of_another_poll_is_refused(poll):
    other = make_poll()
    foreign = by_text(other)["Which first?"].option_list[0].pk
    with pytest.raises(ValidationError, match="not part of this question"):
        services.cast_ballot(member=MemberFactory(), poll=poll, answers=bad(poll, "Which first?", [foreign]))
    assert nothing_stored(poll)


def test_a_question_of_another_poll_is_refused(poll):
    other_question = by_text(make_poll())["Which first?"]
    answers = {**full_answers(poll), other_question.pk: [other_question.option_list[0].pk]}
    with pytest.raises(ValidationError, match="not in this poll"):
        services.cast_ballot(member=MemberFactory(), poll=poll, answers=answers)
    assert nothing_stored(poll)


def test_ranking_by_places_and_text_with_control_characters(poll):
    q = by_text(poll)["Rank these"]
    answers = full_answers(poll, text="Fine\x00 \u202eand good")
    answers[q.pk] = {option(q, "Gamma"): "1", option(q, "Alpha"): "2", option(q, "Beta"): "3"}
    services.cast_ballot(member=MemberFactory(), poll=poll, answers=answers)
    places = dict(Answer.objects.filter(question=q).values_list("option__label", "value"))
    assert places == {"Gamma": 1, "Alpha": 2, "Beta": 3}
    text = Answer.objects.get(question__kind="text").text_source
    assert "\x00" not in text and "\u202e" not in text


def test_the_conclusion_needs_a_closed_poll_and_staff(poll):
    staff = StaffFactory()
    with pytest.raises(NotAllowed, match="once the poll has closed"):
        services.conclude_poll(poll=poll, by=staff, text="We build roaming first.")
    poll.closes_at = timezone.now() - timedelta(minutes=1)
    with pytest.raises(NotAllowed, match="Only staff"):
        services.conclude_poll(poll=poll, by=MemberFactory(), text="We build roaming first.")
    with pytest.raises(ValidationError):
        services.conclude_poll(poll=poll, by=staff, text=" \u200b ")
    state = services.conclude_poll(poll=poll, by=staff, text="We build **roaming** first.")
    assert "<strong>roaming</strong>" in state.conclusion_html


def test_options_follow_the_published_lines_and_link_ideas(db):
    from tests.factories import IdeaFactory

    idea = IdeaFactory(title="Dark mode in the app")
    poll = make_poll(questions=[("single", "Which?", f"#{idea.pk}\n#{idea.pk} Night theme\nSomething else", {})])
    options = by_text(poll)["Which?"].option_list
    assert [(o.label, o.idea_id) for o in options] == [
        ("Dark mode in the app", idea.pk), ("Night theme", idea.pk), ("Something else", None)
    ]
