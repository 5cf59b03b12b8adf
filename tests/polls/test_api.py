"""The polls API: the same rules and services as the pages; bad input is a 400, never a 500."""

import pytest

from ideas.polls.models import Ballot
from tests.factories import MemberFactory, make_poll
from tests.polls.conftest import by_text, full_answers, option

pytestmark = pytest.mark.django_db


def test_a_member_reads_the_poll_and_casts_a_ballot(poll, client):
    member = MemberFactory()
    client.force_login(member)
    data = client.get(f"/api/v1/polls/{poll.pk}/").json()
    assert data["can_answer"] is True and data["results"] is None and data["why_no_results"]
    assert [q["kind"] for q in data["questions"]] == ["single", "multiple", "scale5", "scale10", "ranking", "text"]
    answers = {str(k): v for k, v in full_answers(poll).items()}
    response = client.post(f"/api/v1/polls/{poll.pk}/ballot/", {"answers": answers}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["answered"] is True
    assert response.json()["results"]["ballots"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {"answers": {"abc": 1}},
        {"answers": {"99999999999999999999999": 1}},
        {"answers": []},
        {"answers": {str(i): 1 for i in range(1, 60)}},
        {"nothing": 1},
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
    ],
)
def test_bad_bodies_are_400(poll, member_client, body):
    import json

    raw = body if isinstance(body, str) else json.dumps(body)
    response = member_client.post(f"/api/v1/polls/{poll.pk}/ballot/", raw, content_type="application/json")
    assert response.status_code == 400
    assert not Ballot.objects.exists()


def test_an_option_of_another_poll_is_a_400_with_the_question(poll, member_client):
    other = by_text(make_poll())["Which first?"]
    answers = {str(k): v for k, v in full_answers(poll).items()}
    question = by_text(poll)["Which first?"]
    answers[str(question.pk)] = [other.option_list[0].pk]
    response = member_client.post(f"/api/v1/polls/{poll.pk}/ballot/", {"answers": answers}, content_type="application/json")
    assert response.status_code == 400
    assert "not part of this question" in json_text(response)


def json_text(response):
    import json

    return json.dumps(response.json())


def test_visitors_and_outsiders_are_refused(poll, client):
    q = by_text(poll)["Which first?"]
    body = {"answers": {str(q.pk): [option(q, "Roaming")]}}
    assert client.post(f"/api/v1/polls/{poll.pk}/ballot/", body, content_type="application/json").status_code == 403
    closed = make_poll(closes_at=poll.opens_at.replace(year=poll.opens_at.year + 1), opens_at=poll.opens_at.replace(year=poll.opens_at.year + 1) .replace(month=1, day=1))
    client.force_login(MemberFactory())
    response = client.post(f"/api/v1/polls/{closed.pk}/ballot/", body, content_type="application/json")
    assert response.status_code == 403 and "opens on" in response.json()["detail"]
