"""Notifications: once per key, in the member's language, by their e-mail preference."""

import pytest
from django.core import mail
from django.utils.translation import gettext_lazy as _

from community import services
from community.models import Member, Notification
from community.queries import notification_state
from community.tasks import send_daily_digests
from tests.factories import MemberFactory, NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_recipient_is_notified_once_per_key():
    a, b = MemberFactory(), MemberFactory()
    services.notify([a, b], kind="test", key="idea:1:planned", title="Planned", url="/x/")
    services.notify([a, b], kind="test", key="idea:1:planned", title="Planned", url="/x/")
    assert Notification.objects.filter(recipient=a).count() == 1
    assert Notification.objects.filter(recipient=b).count() == 1
    assert len(mail.outbox) == 2


def test_the_actor_is_not_notified_about_their_own_action():
    actor, other = MemberFactory(), MemberFactory()
    services.notify([actor, other], kind="test", key="k", title="T", exclude=actor)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [other.pk]


def test_email_preference_is_respected():
    instant = MemberFactory(email_delivery=Member.Delivery.INSTANT)
    daily = MemberFactory(email_delivery=Member.Delivery.DAILY)
    off = MemberFactory(email_delivery=Member.Delivery.OFF)
    services.notify([instant, daily, off], kind="test", key="k", title="Shipped!", url="/ideas/1/")
    assert [m.to for m in mail.outbox] == [[instant.email]]
    assert "http://127.0.0.1:8000/ideas/1/" in mail.outbox[0].body
    # Everyone sees it in the bell.
    assert Notification.objects.count() == 3

    mail.outbox.clear()
    assert send_daily_digests() == 1
    assert [m.to for m in mail.outbox] == [[daily.email]]
    assert "Shipped!" in mail.outbox[0].body
    # A digest is sent once.
    mail.outbox.clear()
    send_daily_digests()
    assert mail.outbox == []


def test_titles_are_translated_into_each_members_language():
    norwegian = MemberFactory(preferred_language="nb")
    english = MemberFactory(preferred_language="en")
    services.notify([norwegian, english], kind="test", key="k", title=_("Log in"))
    titles = dict(Notification.objects.values_list("recipient_id", "title"))
    assert titles[english.pk] == "Log in"
    # Django's own catalogue has "Log in" in Norwegian; ours will take the same path.
    assert titles[norwegian.pk] == "Logg inn"


def test_unread_count_and_version_move_together():
    member = MemberFactory()
    assert notification_state(member.pk) == (0, 0)
    services.notify([member], kind="t", key="a", title="A")
    services.notify([member], kind="t", key="b", title="B")
    unread, version = notification_state(member.pk)
    assert unread == 2 and version == 2
    services.mark_notifications_read(member)
    assert notification_state(member.pk) == (0, 3)


def test_members_can_only_mark_their_own_notifications_read(client):
    owner, intruder = MemberFactory(), MemberFactory()
    n = NotificationFactory(recipient=owner)
    client.force_login(intruder)
    client.post("/notifications/read/", {"id": n.pk})
    n.refresh_from_db()
    assert n.read_at is None
    client.force_login(owner)
    response = client.post("/notifications/read/", {"id": n.pk}, HTTP_ACCEPT="application/json")
    assert response.json()["unread"] == 0
    n.refresh_from_db()
    assert n.read_at is not None


def test_notifications_page_lists_only_mine_in_constant_queries(client, django_assert_max_num_queries):
    me, other = MemberFactory(), MemberFactory()
    NotificationFactory.create_batch(40, recipient=me)
    NotificationFactory(recipient=other, title="Not yours")
    client.force_login(me)
    with django_assert_max_num_queries(12):
        response = client.get("/notifications/")
    assert response.status_code == 200
    assert b"Not yours" not in response.content
    assert response.content.count(b'<li class="notification') == 30


def test_notifications_need_login(client):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/api/v1/notifications/").status_code == 403


def test_notifications_api_lists_mine(client):
    me = MemberFactory()
    NotificationFactory.create_batch(3, recipient=me)
    NotificationFactory()
    client.force_login(me)
    data = client.get("/api/v1/notifications/").json()
    assert data["count"] == 3
    assert (
        client.post(
            "/api/v1/notifications/read/", {"ids": ["x"]}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        client.post("/api/v1/notifications/read/", {}, content_type="application/json").json()["unread"] == 0
    )


def test_a_digest_is_written_in_the_members_language_with_its_dates():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    dutch = MemberFactory(email_delivery=Member.Delivery.DAILY, preferred_language="nl", display_name="Daan")
    services.notify([dutch], kind="test", key="a", title="One")
    services.notify([dutch], kind="test", key="b", title="Two")
    Notification.objects.update(created_at=datetime(2026, 3, 9, 14, 5, tzinfo=ZoneInfo("Europe/Oslo")))
    mail.outbox.clear()
    send_daily_digests()
    [message] = mail.outbox
    assert message.subject == "Je Cocreate-overzicht: 2 meldingen"
    assert message.body.startswith("Hallo Daan,")
    assert "One (9-3-2026 14:05)" in message.body  # Dutch date format, not 03/09/2026
