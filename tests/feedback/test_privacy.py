"""Everything inside a beta programme is private to its members and staff: every path answers a
404 to anyone else, exactly like a missing id, and internal notes never reach a customer."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from feedback import events, services
from feedback.models import FeedbackItem, Membership
from tests.factories import MemberFactory, StaffFactory, make_member_of, make_programme, make_thread

pytestmark = pytest.mark.django_db

NOTE = "Internal: customer 4471 is a known fraud case"


def png(size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("shot.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def world():
    programme = make_programme()
    author = make_member_of(programme)
    thread = make_thread(programme, author, kind="bug", device="Pixel 8", title="Guide crashes", screenshots=[png()])
    item = FeedbackItem.objects.get(thread=thread)
    staff = StaffFactory()
    services.reply(thread=thread, author=staff, body="Thanks, we are on it")
    services.add_internal_note(item=item, by=staff, body=NOTE)
    applicant = MemberFactory()
    Membership.objects.create(programme=programme, member=applicant, state=Membership.State.APPLIED)
    former = make_member_of(programme)
    Membership.objects.filter(member=former).update(state=Membership.State.LEFT)
    return {"programme": programme, "author": author, "thread": thread, "item": item, "staff": staff,
            "shot": thread.screenshots.get(), "applicant": applicant, "former": former}


def _paths(w):
    t, i, s, p = w["thread"], w["item"], w["shot"], w["programme"]
    return [
        ("get", reverse("feedback_thread", args=[t.pk])),
        ("get", reverse("feedback_posts_fragment", args=[t.pk])),
        ("get", reverse("feedback_screenshot", args=[s.pk])),
        ("get", reverse("feedback_item", args=[i.pk])),
        ("post", reverse("feedback_reply", args=[t.pk])),
        ("post", reverse("feedback_item_status", args=[i.pk])),
        ("post", reverse("feedback_item_tags", args=[i.pk])),
        ("post", reverse("feedback_item_note", args=[i.pk])),
        ("get", reverse("api_beta_thread", args=[t.pk])),
        ("get", reverse("api_beta_thread_posts", args=[t.pk])),
        ("post", reverse("api_beta_thread_posts", args=[t.pk])),
        ("get", reverse("api_beta_threads", args=[p.pk])),
        ("post", reverse("api_beta_threads", args=[p.pk])),
        ("get", reverse("api_feedback_item", args=[i.pk])),
    ]


@pytest.mark.parametrize("who", ["stranger", "applicant", "former"])
def test_outsiders_get_404_on_every_path_by_id(client, world, who):
    outsider = MemberFactory() if who == "stranger" else world[who]
    client.force_login(outsider)
    for method, url in _paths(world):
        data = {"body": "hi", "note-body": "hi", "status": "acknowledged"} if method == "post" else None
        response = getattr(client, method)(url, data, content_type="application/json") if "/api/" in url and data \
            else getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)


def test_visitors_get_404_or_login_on_every_path(client, world):
    for method, url in _paths(world):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404), (method, url)  # DRF: 403 "log in" before any lookup
        assert b"Guide crashes" not in response.content


def test_missing_and_huge_ids_are_404(client, world):
    client.force_login(world["author"])
    for url in ["/feedback/thread/999999/", "/feedback/thread/99999999999999999999/", "/feedback/screenshot/²/",
                "/api/v1/beta-threads/0/", "/feedback/item/9223372036854775807/"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who, status", [("author", 200), ("staff", 200)])
def test_members_and_staff_see_inside(client, world, who, status):
    client.force_login(world[who])
    for method, url in _paths(world):
        if method == "get":
            assert client.get(url).status_code in (status, 302), url


def test_programme_page_lists_threads_only_inside(client, world):
    url = world["programme"].url
    client.force_login(MemberFactory())
    page = client.get(url, {"q": "Guide"})
    assert page.status_code == 200 and b"Guide crashes" not in page.content
    client.force_login(world["author"])
    assert b"Guide crashes" in client.get(url, {"q": "Guide"}).content


def test_my_feedback_lists_only_mine(client, world):
    client.force_login(MemberFactory())
    assert b"Guide crashes" not in client.get(reverse("feedback_mine")).content
    client.force_login(world["author"])
    assert b"Guide crashes" in client.get(reverse("feedback_mine")).content


def test_notifications_reach_only_insiders(world):
    from community.models import Notification

    recipients = set(Notification.objects.filter(kind__startswith="beta_").values_list("recipient_id", flat=True))
    assert world["applicant"].pk not in recipients and world["former"].pk not in recipients
    assert world["author"].pk in recipients


def test_socket_topic_is_refused_to_outsiders(world):
    from community import live

    topic = f"beta-thread.{world['thread'].pk}"
    assert live.resolve(MemberFactory(), topic) is None
    assert live.resolve(world["former"], topic) is None
    assert live.resolve(world["author"], topic) is not None
    assert live.resolve(world["author"], "beta-thread.99999999") is None


# --- Internal notes ------------------------------------------------------------------------------


def test_notes_never_reach_customers(client, world, mailoutbox):
    client.force_login(world["author"])
    urls = [reverse("feedback_thread", args=[world["thread"].pk]), reverse("feedback_mine"),
            reverse("feedback_posts_fragment", args=[world["thread"].pk]), world["programme"].url,
            reverse("api_beta_thread", args=[world["thread"].pk]), reverse("api_my_feedback"),
            reverse("api_feedback_item", args=[world["item"].pk]),
            reverse("api_beta_threads", args=[world["programme"].pk]) + "?q=fraud",
            reverse("notifications")]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"fraud" not in response.content, url
    assert all("fraud" not in (m.body + m.subject) for m in mailoutbox)
    _group, snapshot = __import__("community.live", fromlist=["resolve"]).resolve(
        world["author"], f"beta-thread.{world['thread'].pk}")
    assert "fraud" not in str(snapshot)
    assert "fraud" not in str(events.thread_state(world["thread"]))


def test_staff_see_notes(client, world):
    client.force_login(world["staff"])
    assert b"fraud" in client.get(reverse("feedback_thread", args=[world["thread"].pk])).content
