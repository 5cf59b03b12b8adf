"""What the API's endpoints do beyond the lifecycles: screenshots, ballots, comments, staff
actions on ideas and items, enrolment, and retries that store nothing twice."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from community.models import Notification
from feedback.models import FeedbackItem, ItemTag, Screenshot, Tag, Thread
from feedback.pages import BetaProgramPage
from ideas import services as idea_services
from ideas.models import Comment, Follow, Idea, Vote
from tests.factories import (
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    idea_status,
    make_board,
    make_member_of,
    make_poll,
    make_programme,
    make_thread,
)

pytestmark = pytest.mark.django_db


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def png(name="shot.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# --- Threads with screenshots ----------------------------------------------------------------------


def test_a_thread_with_screenshots_as_multipart_and_who_may_download_them():
    programme = make_programme()
    member = make_member_of(programme)
    response = signed_in(member).post(reverse("api_beta_threads", args=[programme.pk]), {
        "kind": "bug", "title": "The guide freezes", "body": "Every evening.", "device": "Apple TV",
        "tags": ["tv"], "screenshots": [png("a.png"), png("b.png")],
    })
    assert response.status_code == 201, response.content
    detail = signed_in(member).get(reverse("api_beta_thread", args=[response.json()["id"]])).json()
    assert len(detail["screenshots"]) == 2 and detail["tags"] == [{"slug": "tv", "name": "TV"}]
    shot = detail["screenshots"][0]
    assert signed_in(member).get(shot).status_code == 200
    assert signed_in(MemberFactory()).get(shot).status_code == 404
    assert Client().get(shot).status_code == 404


@pytest.mark.parametrize("files, message", [
    ([SimpleUploadedFile("fake.png", b"not an image at all", content_type="image/png")], None),
    ([png(f"{n}.png") for n in range(5)], "Attach up to 4 screenshots."),
])
def test_a_bad_screenshot_refuses_the_whole_thread(files, message):
    programme = make_programme()
    member = make_member_of(programme)
    response = signed_in(member).post(reverse("api_beta_threads", args=[programme.pk]), {
        "kind": "idea", "title": "A sleep timer please", "screenshots": files,
    })
    assert response.status_code == 400, response.content
    assert "screenshots" in response.json()
    if message:
        assert response.json()["screenshots"] == [message]
    assert not Thread.objects.exists() and not Screenshot.objects.exists()


# --- Polls -------------------------------------------------------------------------------------------


def _first_option(client, poll):
    question = client.get(reverse("api_poll", args=[poll.pk])).json()["questions"][0]
    return str(question["id"]), [option["id"] for option in question["options"]]


def test_a_ballot_is_cast_read_back_and_changed_where_the_poll_allows():
    poll = make_poll(allow_changes=True)
    client = signed_in(MemberFactory())
    listed = client.get(reverse("api_polls")).json()["results"]
    assert [(p["id"], p["answered"]) for p in listed] == [(poll.pk, False)]
    question, options = _first_option(client, poll)
    url = reverse("api_poll_ballot", args=[poll.pk])
    assert client.get(url).json() == {"answered": False, "answers": None}
    cast = client.put(url, {"answers": {question: [options[0]]}}, content_type="application/json")
    assert cast.status_code == 200 and cast.json()["answered"] is True
    mine = client.get(url).json()
    assert mine == {"answered": True, "answers": {question: [options[0]]}}
    client.put(url, {"answers": {question: [options[1]]}}, content_type="application/json")
    assert client.get(url).json()["answers"] == {question: [options[1]]}
    assert client.get(reverse("api_polls")).json()["results"][0]["answered"] is True


def test_a_ballot_that_may_not_change_is_not_read_back():
    poll = make_poll(allow_changes=False)
    client = signed_in(MemberFactory())
    question, options = _first_option(client, poll)
    url = reverse("api_poll_ballot", args=[poll.pk])
    client.put(url, {"answers": {question: [options[0]]}}, content_type="application/json")
    assert client.get(url).json() == {"answered": True, "answers": None}
    again = client.put(url, {"answers": {question: [options[1]]}}, content_type="application/json")
    assert again.status_code == 403 and again.json()["detail"] == "You have already answered this poll."


# --- Ideas: follows, comments, staff ----------------------------------------------------------------


def test_following_is_a_set():
    idea = IdeaFactory()
    client = signed_in(MemberFactory())
    url = reverse("api_idea_follow", args=[idea.pk])
    assert client.put(url).json() == client.put(url).json() == {"following": True}
    assert client.delete(url).status_code == client.delete(url).status_code == 204
    assert not Follow.objects.filter(idea=idea).exclude(member=idea.author).exists()


def test_comments_are_edited_and_deleted_by_their_author_only():
    comment = idea_services.add_comment(idea=IdeaFactory(), author=MemberFactory(), body="First")
    url = reverse("api_comment", args=[comment.pk])
    other = signed_in(MemberFactory()).patch(url, {"body": "Hijacked"}, content_type="application/json")
    assert other.status_code == 403 and other.json()["detail"] == "You can only edit your own comments."
    author = signed_in(comment.author)
    edited = author.patch(url, {"body": "*Better*"}, content_type="application/json")
    assert edited.status_code == 200 and edited.json()["body"] == "<p><em>Better</em></p>"
    assert signed_in(MemberFactory()).delete(url).status_code == 403
    assert author.delete(url).status_code == 204
    again = author.delete(url)
    assert again.status_code == 403 and again.json()["detail"] == "This comment was deleted."
    assert Comment.objects.get(pk=comment.pk).body_source == ""


def test_staff_approve_reject_and_merge():
    board = make_board(requires_approval=True)
    staff = signed_in(StaffFactory())
    pending = IdeaFactory(board=board, status=idea_status("awaiting-approval"))
    author = signed_in(pending.author)
    refused = author.post(reverse("api_idea_approve", args=[pending.pk]))
    assert refused.status_code == 403 and refused.json()["detail"] == "Only staff can do this."
    approved = staff.post(reverse("api_idea_approve", args=[pending.pk]))
    assert approved.status_code == 200 and approved.json()["status"]["stage"] == "open"

    other = IdeaFactory(board=board, status=idea_status("awaiting-approval"))
    no_reason = staff.post(reverse("api_idea_reject", args=[other.pk]), {"response": ""},
                           content_type="application/json")
    assert no_reason.status_code == 400 and "response" in no_reason.json()
    rejected = staff.post(reverse("api_idea_reject", args=[other.pk]), {"response": "Not about our service."},
                          content_type="application/json")
    assert rejected.status_code == 200 and rejected.json()["status"]["stage"] == "rejected"

    duplicate = IdeaFactory(board=board)
    voter = MemberFactory()
    idea_services.cast_vote(member=voter, idea=duplicate)
    merged = staff.post(reverse("api_idea_merge", args=[duplicate.pk]), {"into": pending.pk},
                        content_type="application/json")
    assert merged.status_code == 200 and merged.json()["id"] == pending.pk and merged.json()["votes"] == 1
    assert Vote.objects.get(member=voter).idea_id == pending.pk
    missing = staff.post(reverse("api_idea_merge", args=[other.pk]), {"into": 99_999_999},
                         content_type="application/json")
    assert missing.status_code in (400, 403)


def test_posting_the_same_idea_twice_stores_it_once():
    """A client that retries after a timeout gets the idea it posted, not a second one."""
    board = make_board()
    client = signed_in(MemberFactory())
    url = reverse("api_board_ideas", args=[board.pk])
    first = client.post(url, {"title": "Free roaming in the Nordics"}, content_type="application/json")
    again = client.post(url, {"title": "Free roaming in the Nordics"}, content_type="application/json")
    assert first.json()["id"] == again.json()["id"] and Idea.objects.count() == 1


def test_a_board_offers_its_filters_and_says_why_one_may_not_post():
    board = make_board()
    data = Client().get(reverse("api_board", args=[board.pk])).json()
    assert [s["value"] for s in data["filters"]["sorts"]] == ["trending", "top", "new", "updated"]
    assert {"value": "all", "label": "All languages"} in data["filters"]["languages"]
    assert data["can_post"] is False and data["why_not_post"]


# --- Feedback: items, tags, enrolment -----------------------------------------------------------------


def test_staff_set_an_items_tags_and_customers_may_not():
    thread = make_thread()
    item = FeedbackItem.objects.get(thread=thread)
    url = reverse("api_feedback_item_tags", args=[item.pk])
    customer = signed_in(thread.author).put(url, {"tags": ["billing"]}, content_type="application/json")
    assert customer.status_code == 403 and customer.json()["detail"] == "Only staff can do this."
    staff = signed_in(StaffFactory())
    unknown = staff.put(url, {"tags": ["billing", "no-such-tag"]}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["tags"] == ["There is no tag “no-such-tag”."]
    done = staff.put(url, {"tags": ["billing", "tv"]}, content_type="application/json")
    assert done.status_code == 200 and [t["slug"] for t in done.json()["tags"]] == ["billing", "tv"]
    assert set(ItemTag.objects.filter(item=item).values_list("tag__slug", flat=True)) == {"billing", "tv"}
    topics = Client().get(reverse("api_tags")).json()
    assert {t["slug"] for t in topics} == set(Tag.objects.filter(offered=True).values_list("slug", flat=True))


def test_an_invitation_only_programme_takes_its_token():
    programme = make_programme(enrolment=BetaProgramPage.Enrolment.INVITE)
    client = signed_in(MemberFactory())
    detail = client.get(reverse("api_beta", args=[programme.pk])).json()
    assert detail["why_not_enrol"] == "This beta is by invitation only."
    url = reverse("api_beta_enrol", args=[programme.pk])
    refused = client.post(url, {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["detail"] == "This beta is by invitation only."
    joined = client.post(url, {"token": programme.invite_token}, content_type="application/json")
    assert joined.json() == {"state": "active"}
    assert client.get(reverse("api_beta", args=[programme.pk])).json()["inside"] is True


def test_only_staff_read_applications():
    programme = make_programme(enrolment=BetaProgramPage.Enrolment.APPLY)
    response = signed_in(MemberFactory()).get(reverse("api_beta_applications", args=[programme.pk]))
    assert response.status_code == 403 and response.json()["detail"] == "Only staff can do this."


def test_my_feedback_needs_a_sign_in():
    assert Client().get(reverse("api_my_feedback")).status_code in (401, 403)


def test_a_closing_status_needs_an_answer_and_tells_the_author(django_capture_on_commit_callbacks):
    thread = make_thread()
    item = FeedbackItem.objects.get(thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(StaffFactory()).post(
            reverse("api_feedback_item_status", args=[item.pk]),
            {"status": "wont_do", "response": "We keep the guide as it is."}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "wont_do"
    assert Notification.objects.filter(recipient=thread.author, kind="feedback_status").exists()


def test_a_status_change_on_an_item_someone_changed_meanwhile_is_refused():
    thread = make_thread()
    item = FeedbackItem.objects.get(thread=thread)
    staff = signed_in(StaffFactory())
    url = reverse("api_feedback_item_status", args=[item.pk])
    seen = staff.get(reverse("api_feedback_item", args=[item.pk])).json()["version"]
    assert staff.post(url, {"status": "acknowledged", "version": seen}, content_type="application/json").status_code == 200
    stale = staff.post(url, {"status": "in_progress", "version": seen}, content_type="application/json")
    assert stale.status_code == 409 and "changed while you were answering" in stale.json()["detail"]
    assert FeedbackItem.objects.get(pk=item.pk).status == "acknowledged"
