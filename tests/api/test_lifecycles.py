"""Whole lifecycles through the API alone, once signed in with a session and once with each
person's own API token (scripts and integrations): an idea from posting to withdrawal, and a beta
thread from applying to the programme to the staff's answer. Each step is what a client sends;
the database and the notifications are only read to check the outcome."""

import pytest
from django.test import Client
from django.urls import reverse

from community.models import Notification
from community.tokens import create_token
from feedback.pages import BetaProgramPage
from tests.factories import MemberFactory, StaffFactory, TagFactory, make_board, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["session", "token"])
def call(request, django_capture_on_commit_callbacks):
    """call(person, method, url, data) → response; the after-commit work (tasks, events) runs.
    With "token", each person sends a token of their own (staff's with the staff scope) and no
    session or CSRF cookie at all."""
    secrets = {}

    def client_for(person) -> Client:
        if request.param == "session":
            client = Client()
            client.force_login(person)
            return client
        if person.pk not in secrets:
            scopes = ["read", "write", "staff"] if person.is_staff else ["read", "write"]
            secrets[person.pk] = create_token(by=person, name="lifecycle", scopes=scopes)[1]
        return Client(HTTP_AUTHORIZATION=f"Bearer {secrets[person.pk]}")

    def send(person, method, url, data=None):
        client = client_for(person)
        with django_capture_on_commit_callbacks(execute=True):
            if method == "get":
                return client.get(url, data or {})
            return getattr(client, method)(url, data, content_type="application/json")

    return send


def notified(person, kind) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind=kind))


def test_an_idea_from_posting_to_withdrawal(call):
    author, voter, staff = MemberFactory(), MemberFactory(), StaffFactory()
    board = make_board()
    board.offered_tags.add(TagFactory(slug="roaming", name="Roaming"))
    board.save()

    boards = call(voter, "get", reverse("api_boards")).json()
    assert board.pk in [b["id"] for b in boards]
    assert call(author, "get", reverse("api_board", args=[board.pk])).json()["can_post"] is True

    posted = call(author, "post", reverse("api_board_ideas", args=[board.pk]),
                  {"title": "Free roaming in the Nordics", "body": "Like in the EU.", "tags": ["roaming"]})
    assert posted.status_code == 201, posted.content
    idea = posted.json()
    assert idea["status"]["slug"] == "new" and idea["tags"] == [{"slug": "roaming", "name": "Roaming"}]

    listed = call(voter, "get", reverse("api_board_ideas", args=[board.pk]), {"lang": "all"}).json()
    assert [i["id"] for i in listed["results"]] == [idea["id"]]

    # A vote is a set: PUT twice keeps one.
    vote_url = reverse("api_idea_vote", args=[idea["id"]])
    first, again = call(voter, "put", vote_url), call(voter, "put", vote_url)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["votes"] == 1 and again.json()["voted"] is True

    assert call(voter, "put", reverse("api_idea_follow", args=[idea["id"]])).json() == {"following": True}
    comment = call(voter, "post", reverse("api_idea_comments", args=[idea["id"]]), {"body": "Yes, please!"})
    assert comment.status_code == 201
    assert notified(author, "idea_comment")  # the author follows their own idea

    edited = call(author, "patch", reverse("api_idea", args=[idea["id"]]), {"body": "Like in the EU, for all plans."})
    assert edited.status_code == 200 and "for all plans" in edited.json()["body"]

    answered = call(staff, "post", reverse("api_idea_status", args=[idea["id"]]),
                    {"status": "planned", "response": "On our plan for the autumn."})
    assert answered.status_code == 200 and answered.json()["status"]["slug"] == "planned"
    assert notified(author, "idea_status") and notified(voter, "idea_status")

    # A planned idea is no longer the author's to take back; staff may, with a reason.
    refused = call(author, "post", reverse("api_idea_withdraw", args=[idea["id"]]), {})
    assert refused.status_code == 403 and refused.json()["detail"] == "Only open ideas can be withdrawn."
    withdrawn = call(staff, "post", reverse("api_idea_withdraw", args=[idea["id"]]),
                     {"reason": "A duplicate of the roaming idea on the Mobile board."})
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["status"]["stage"] == "withdrawn"
    assert len(notified(voter, "idea_status")) == 2

    detail = call(voter, "get", reverse("api_idea", args=[idea["id"]])).json()
    assert detail["votes"] == 1 and detail["comments"] == 1 and detail["source"] is None
    closed = call(voter, "put", vote_url)
    assert closed.status_code == 403 and closed.json()["detail"] == "This idea is not open for votes."


def test_a_beta_thread_from_applying_to_the_staffs_answer(call):
    member, staff = MemberFactory(), StaffFactory()
    programme = make_programme(enrolment=BetaProgramPage.Enrolment.APPLY)

    seen = call(member, "get", reverse("api_beta", args=[programme.pk])).json()
    assert seen["inside"] is False and seen["membership"] is None
    applied = call(member, "post", reverse("api_beta_enrol", args=[programme.pk]),
                   {"reason": "I watch TV every evening."})
    assert applied.status_code == 200 and applied.json() == {"state": "applied"}
    assert call(member, "get", reverse("api_beta_threads", args=[programme.pk])).status_code == 404

    waiting = call(staff, "get", reverse("api_beta_applications", args=[programme.pk])).json()
    assert [a["reason"] for a in waiting] == ["I watch TV every evening."]
    decided = call(staff, "post", reverse("api_beta_application_decision", args=[waiting[0]["id"]]),
                   {"decision": "approve"})
    assert decided.json() == {"state": "active"}
    assert notified(member, "beta_decision")

    posted = call(member, "post", reverse("api_beta_threads", args=[programme.pk]),
                  {"kind": "bug", "title": "The guide freezes", "body": "After ten minutes.", "device": "Apple TV"})
    assert posted.status_code == 201, posted.content
    thread = posted.json()
    reply = call(staff, "post", reverse("api_beta_thread_posts", args=[thread["id"]]),
                 {"body": "Thanks: which channel?"})
    assert reply.status_code == 201 and reply.json()["by_staff"] is True
    assert notified(member, "beta_reply")
    again = call(member, "post", reverse("api_beta_thread_posts", args=[thread["id"]]), {"body": "Channel 4."})
    assert again.status_code == 201

    item_status = reverse("api_feedback_item_status", args=[thread["item"]])
    started = call(staff, "post", item_status, {"status": "in_progress"})
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    unanswered = call(staff, "post", item_status, {"status": "resolved", "response": ""})
    assert unanswered.status_code == 400 and "response" in unanswered.json()
    resolved = call(staff, "post", item_status, {"status": "resolved", "response": "Fixed in version 5.3."})
    assert resolved.status_code == 200
    assert len(notified(member, "feedback_status")) == 2

    mine = call(member, "get", reverse("api_my_feedback")).json()["results"]
    assert [(i["id"], i["status"]) for i in mine] == [(thread["item"], "resolved")]
    assert mine[0]["answers"][-1]["answer"] == "<p>Fixed in version 5.3.</p>"
    assert mine[0]["answers"][-1]["by"] == "Triage team"  # the team answers, not the person
    detail = call(member, "get", reverse("api_beta_thread", args=[thread["id"]])).json()
    assert [p["body"] for p in detail["replies"]] == ["<p>Thanks: which channel?</p>", "<p>Channel 4.</p>"]
    assert call(member, "post", reverse("api_beta_leave", args=[programme.pk])).status_code == 204
    assert call(member, "get", reverse("api_beta_thread", args=[thread["id"]])).status_code == 404
