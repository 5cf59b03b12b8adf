"""The inbox's live topic: one per team, authorised like the inbox page; events name the item and
its state (never text) and reach only the owning team's inbox (and the one an item left)."""

import json

import pytest

from community import live
from community.models import Team
from feedback import services
from tests.feedback.inbox_world import invoice_feedback, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    messages = []
    monkeypatch.setattr("feedback.events.publish_many", lambda pairs: messages.extend(pairs))
    return messages


def test_every_change_reaches_the_owning_inbox_without_text(sent):
    world = make_world()
    item = invoice_feedback(world, comment="Fakturaen er feil SECRET-COMMENT")
    services.assign_item(item=item, assignee=world.bo, by=world.ingrid)
    services.set_tags(item=item, tags=[], by=world.ingrid)
    services.add_internal_note(item=item, by=world.bo, body="SECRET NOTE")
    services.change_item_status(item=item, to="resolved", by=world.ingrid, response="SECRET REPLY")
    services.mark_read(item=item, by=world.bo)
    groups = {group for group, _ in sent}
    assert groups == {f"inbox.{world.billing.pk}"}
    assert len(sent) >= 5
    text = json.dumps([m for _, m in sent])
    assert "SECRET" not in text
    last = sent[-1][1]
    assert last["item"] == {"id": item.pk, "version": last["item"]["version"], "status": "resolved",
                            "assignee": world.bo.pk, "read": True}


def test_a_reroute_tells_both_inboxes(sent):
    world = make_world()
    item = invoice_feedback(world)
    sent.clear()
    services.reroute_item(item=item, team=world.network, by=world.ingrid, note="Coverage, not billing")
    assert {group for group, _ in sent} == {f"inbox.{world.billing.pk}", f"inbox.{world.network.pk}"}
    assert all(message["team"] == world.network.pk for _, message in sent)


@pytest.mark.parametrize("who, team, allowed", [
    ("ingrid", "billing", True), ("nils", "billing", False), ("admin", "billing", True), ("customer", "billing", False),
    ("nils", "network", True),
])
def test_the_topic_is_authorised_like_the_page(who, team, allowed):
    world = make_world()
    invoice_feedback(world)
    user = getattr(world, who)
    resolved = live.resolve(user, f"inbox.{getattr(world, team).pk}")
    assert (resolved is not None) is allowed
    if allowed:
        group, snapshot = resolved
        assert group == f"inbox.{getattr(world, team).pk}" and snapshot[0]["item"] is None


@pytest.mark.parametrize("topic", ["inbox.²", "inbox.99999999999999999999", "inbox.0", "inbox.", "inbox.-1"])
def test_malformed_topics_are_refused(topic):
    world = make_world()
    assert live.resolve(world.admin, topic) is None
    assert Team.objects.exists()
