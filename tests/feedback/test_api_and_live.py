"""The feedback API and live events: members post and reply through the same services, bad input
is a 400 with words, events carry no text (so no internal note can travel in one)."""

import json

import pytest
from django.urls import reverse

from feedback import services
from feedback.models import FeedbackItem, Thread
from tests.factories import StaffFactory, make_member_of, make_programme, make_thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return make_programme()


def api_post(client, url, data):
    return client.post(url, json.dumps(data) if not isinstance(data, (str, bytes)) else data,
                       content_type="application/json")


def test_member_posts_and_replies_through_the_api(client, programme):
    member = make_member_of(programme)
    client.force_login(member)
    url = reverse("api_beta_threads", args=[programme.pk])
    response = api_post(client, url, {"kind": "question", "title": "Is there a sleep timer?", "tags": ["tv", "nope"]})
    assert response.status_code == 201, response.content
    thread = Thread.objects.get()
    assert response.json()["tags"] == [{"slug": "tv", "name": "TV"}]
    reply = api_post(client, reverse("api_beta_thread_posts", args=[thread.pk]), {"body": "Also on Android?"})
    assert reply.status_code == 201
    listing = client.get(url).json()
    assert listing["results"][0]["posts"] == 1 and listing["next"] is None


@pytest.mark.parametrize("data, field", [
    ({"kind": "bug", "title": "Crash on start"}, "body"),
    ({"kind": "bug", "title": "Crash on start", "body": "It crashes"}, "device"),
    ({"kind": "idea", "title": "\x00\u200b\u202e"}, "title"),
    ({"kind": "idea", "title": "x" * 500}, "title"),
    ({"kind": "nonsense", "title": "Hello there"}, "kind"),
    ({"kind": "idea", "title": "Hello there", "body": "y" * 30_000}, "body"),
    ({"kind": "idea"}, "title"),
])
def test_bad_input_is_a_400_with_words(client, programme, data, field):
    client.force_login(make_member_of(programme))
    response = api_post(client, reverse("api_beta_threads", args=[programme.pk]), data)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Thread.objects.exists()


def test_deep_json_and_junk_are_400(client, programme):
    client.force_login(make_member_of(programme))
    url = reverse("api_beta_threads", args=[programme.pk])
    assert api_post(client, url, "[" * 100_000 + "]" * 100_000).status_code == 400
    assert api_post(client, url, "not json").status_code == 400
    assert api_post(client, url, "[]").status_code == 400


def test_reply_to_an_ended_programme_is_refused(client, programme):
    import datetime

    from django.utils import timezone

    member = make_member_of(programme)
    thread = make_thread(programme, member)
    programme.ends_on = timezone.localdate() - datetime.timedelta(days=2)
    programme.save()
    client.force_login(member)
    response = api_post(client, reverse("api_beta_thread_posts", args=[thread.pk]), {"body": "late"})
    assert response.status_code == 403 and "ended" in response.json()["detail"]


def test_events_carry_counts_and_labels_never_text(programme, monkeypatch):
    sent = []
    monkeypatch.setattr("feedback.events.publish", lambda group, message: sent.append((group, message)))
    member = make_member_of(programme)
    thread = make_thread(programme, member)
    staff = StaffFactory()
    item = FeedbackItem.objects.get(thread=thread)
    services.reply(thread=thread, author=staff, body="We fixed it")
    services.add_internal_note(item=item, by=staff, body="SECRET NOTE")
    services.change_item_status(item=item, to="acknowledged", by=staff)
    assert [group for group, _ in sent] == [f"beta-thread.{thread.pk}"] * 2  # the note published nothing
    last = sent[-1][1]
    assert last["posts"] == 1 and last["status"]["code"] == "acknowledged"
    assert "SECRET" not in json.dumps([m for _, m in sent]) and "We fixed it" not in json.dumps(sent)
    assert last["version"] > sent[0][1]["version"]
