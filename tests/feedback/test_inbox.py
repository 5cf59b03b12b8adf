"""The team inbox: lists, filters, bulk actions, the item view, receipts, conflicts and who may
do what (a matrix by id)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import Notification
from feedback import queries, services
from feedback.models import FeedbackItem, InternalNote, ItemStatusChange, Status, Tag
from tests.factories import MemberFactory, StaffFactory, TeamFactory
from tests.feedback.inbox_world import invoice_feedback, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def item(world):
    return invoice_feedback(world)


def inbox_url(team):
    return reverse("feedback_inbox", args=[team.slug])


def item_url(item, action=""):
    name = f"feedback_inbox_item_{action}" if action else "feedback_inbox_item"
    return reverse(name, args=[item.pk])


def test_invoice_feedback_lands_in_the_billing_inbox(client, world, item):
    assert item.team == world.billing and {t.slug for t in item.tags.all()} == {"invoice"}
    client.force_login(world.ingrid)
    page = client.get(inbox_url(world.billing))
    assert page.status_code == 200
    assert f'data-item="{item.pk}"'.encode() in page.content
    assert b"Fakturaen min er feil" in page.content
    client.force_login(world.nils)
    assert client.get(reverse("feedback_inbox", args=[world.billing.pk])).status_code == 404
    mine = client.get(inbox_url(world.network))
    assert mine.status_code == 200 and f'data-item="{item.pk}"'.encode() not in mine.content


def test_inbox_index_lists_my_teams_and_admins_see_all(client, world, item):
    client.force_login(world.ingrid)
    assert client.get(reverse("feedback_inbox_index")).url == inbox_url(world.billing)
    client.force_login(world.admin)
    page = client.get(reverse("feedback_inbox_index"))
    assert page.status_code == 200 and b"Billing" in page.content and b"Network" in page.content


@pytest.mark.parametrize("params, shown", [
    ({}, True), ({"status": "resolved"}, False), ({"status": "all"}, True), ({"tag": "invoice"}, True),
    ({"tag": "tv"}, False), ({"source": "touchpoint"}, True), ({"source": "beta"}, False),
    ({"language": "nb"}, True), ({"language": "sv"}, False), ({"age": "1d"}, False), ({"assignee": "none"}, True),
    ({"assignee": "me"}, False), ({"overdue": "1"}, False), ({"sort": "due"}, True), ({"sort": "oldest"}, True),
    ({"sort": "updated"}, True), ({"status": "²", "assignee": "99999999999999999999", "age": "\x00", "sort": "x"}, True),
])
def test_filters(client, world, item, params, shown):
    client.force_login(world.ingrid)
    page = client.get(inbox_url(world.billing), params)
    assert page.status_code == 200
    assert (f'data-item="{item.pk}"'.encode() in page.content) is shown


def test_age_and_overdue_filters(world, item):
    old = timezone.now() - timedelta(days=10)
    FeedbackItem.objects.filter(pk=item.pk).update(created_at=old, response_due_at=old + timedelta(hours=8))
    for params in ({"age": "1w"}, {"overdue": "1"}):
        box = queries.inbox(world.ingrid, world.billing, queries.InboxFilters.parse(params))
        assert [i.pk for i in box.items] == [item.pk]
        assert box.items[0].is_overdue and box.counts["overdue"] == 1
    services.change_item_status(item=item, to=Status.IN_PROGRESS, by=world.ingrid, response="We are on it")
    box = queries.inbox(world.ingrid, world.billing, queries.InboxFilters.parse({"overdue": "1"}))
    assert box.items == []  # answered: the first-response clock stopped, the resolution is not due yet


@pytest.mark.parametrize("count", [3, 60])
def test_inbox_page_queries_do_not_grow(client, world, django_assert_max_num_queries, count):
    for n in range(count):
        invoice_feedback(world, comment=f"Faktura nummer {n} er feil")
    FeedbackItem.objects.update(assignee=world.bo)
    client.force_login(world.ingrid)
    with django_assert_max_num_queries(25):
        page = client.get(inbox_url(world.billing), {"sort": "due"})
    assert page.status_code == 200


def test_ideas_awaiting_an_answer(client, world):
    from tests.factories import IdeaFactory, idea_status

    waiting = IdeaFactory(board=world.billing_board, title="Pay by the month")
    IdeaFactory(board=world.mobile, title="Better coverage in the mountains")
    answered = IdeaFactory(board=world.billing_board, title="Invoices as PDF")
    from ideas import services as idea_services

    idea_services.change_status(idea=answered, to=idea_status("planned"), response="Coming in May", by=world.ingrid)
    client.force_login(world.ingrid)
    page = client.get(inbox_url(world.billing)).content.decode()
    assert waiting.title in page and "Invoices as PDF" not in page and "mountains" not in page


# --- Bulk actions ------------------------------------------------------------------------------


def pick(*items):
    return [f"{i.pk}.{i.version}" for i in items]


def test_bulk_assign_acknowledge_and_tag_report_what_was_refused(client, world):
    a, b, c = (invoice_feedback(world, comment=f"Faktura {n} feil") for n in range(3))
    stale = pick(c)
    services.assign_item(item=c, assignee=world.ingrid, by=world.ingrid)  # c changes meanwhile
    client.force_login(world.ingrid)
    response = client.post(inbox_url(world.billing), {"action": "assign", "assignee": world.bo.pk,
                                                     "item": [*pick(a, b), *stale]}, follow=True)
    assert "2 updated, 1 changed meanwhile" in response.content.decode()
    assert set(FeedbackItem.objects.filter(assignee=world.bo).values_list("pk", flat=True)) == {a.pk, b.pk}
    a.refresh_from_db()
    b.refresh_from_db()
    response = client.post(inbox_url(world.billing), {"action": "acknowledge", "item": pick(a, b)}, follow=True)
    assert "2 updated" in response.content.decode()
    assert set(FeedbackItem.objects.filter(status="acknowledged").values_list("pk", flat=True)) == {a.pk, b.pk}
    a.refresh_from_db()
    response = client.post(inbox_url(world.billing), {"action": "acknowledge", "item": pick(a)}, follow=True)
    assert "1 not allowed" in response.content.decode() and "cannot move" in response.content.decode()
    client.post(inbox_url(world.billing), {"action": "tag", "tag": "support", "item": pick(a, b, c)})
    assert Tag.objects.get(slug="support").items.count() == 3


def test_bulk_ignores_other_teams_items_and_bad_values(client, world, item):
    client.force_login(world.nils)
    response = client.post(inbox_url(world.network), {"action": "assign", "assignee": "",
                                                     "item": [*pick(item), "²", "1.²", "x", "\x00"]}, follow=True)
    assert response.status_code == 200 and "0 updated" in response.content.decode()
    assert client.post(inbox_url(world.network), {"action": "assign"}).status_code == 400
    assert client.post(inbox_url(world.network), {"action": "nope", "item": pick(item)}).status_code == 400


def test_a_team_member_is_the_only_assignee(world, item):
    from community.rules import NotAllowed

    with pytest.raises(NotAllowed, match="someone on the team"):
        services.assign_item(item=item, assignee=world.nils, by=world.ingrid)


# --- The item view -----------------------------------------------------------------------------


def test_item_view_shows_conversation_notes_tags_and_routing(client, world, item):
    services.add_internal_note(item=item, by=world.bo, body="Called the customer")
    client.force_login(world.ingrid)
    page = client.get(item_url(item)).content.decode()
    assert "Fakturaen min er feil" in page and "Called the customer" in page and "#invoice" in page.lower()
    assert "Invoice questions" in page  # routing.explain of the rule decision
    assert f"/staff/customers/{world.customer.pk}/" in page
    assert 'name="version"' in page and 'name="show_name"' in page


def test_the_first_open_by_the_owning_team_stamps_the_receipt(client, world, item):
    for who in (world.admin, world.nils):  # an admin not on Billing, a Network agent
        client.force_login(who)
        client.get(item_url(item))
    item.refresh_from_db()
    assert item.read_at is None
    client.force_login(world.ingrid)
    client.get(item_url(item))
    item.refresh_from_db()
    first = item.read_at
    assert first is not None and item.read_by_team == world.billing
    client.force_login(world.bo)
    client.get(item_url(item))
    item.refresh_from_db()
    assert item.read_at == first


def test_watchers_read_and_note_but_do_not_answer(client, world, item):
    services.set_watchers(item=item, watchers=[world.network], by=world.ingrid)
    client.force_login(world.nils)
    page = client.get(item_url(item)).content.decode()
    assert "Your team watches this feedback" in page and 'name="version"' not in page
    refused = client.post(item_url(item, "status"), {"status": "resolved", "response": "Fixed it", "version": 1})
    assert refused.status_code == 403 and "Only the team that owns this feedback" in refused.content.decode()
    assert client.post(item_url(item, "note"), {"note-body": "Network sees nothing wrong"}).status_code == 302
    assert InternalNote.objects.filter(item=item, author=world.nils).exists()
    item.refresh_from_db()
    assert item.read_at is None and item.status == "new"


def test_both_item_pages_take_notes_by_the_same_rule(client, world, item):
    """The inbox's item view and the older item page add notes through one helper and one rule:
    the watching team may, a team neither owning nor watching gets a 404, nothing is written."""
    services.set_watchers(item=item, watchers=[world.network], by=world.ingrid)
    outsider = StaffFactory(staff=[TeamFactory(name="TV", slug="tv")])
    for name in ("feedback_inbox_item_note", "feedback_item_note"):
        url = reverse(name, args=[item.pk])
        client.force_login(world.nils)
        assert client.post(url, {"note-body": f"Seen via {name}"}).status_code == 302
        client.force_login(outsider)
        assert client.post(url, {"note-body": "Not mine"}).status_code == 404
        client.force_login(world.nils)
        assert client.post(url, {"note-body": ""}).status_code == 400
    assert sorted(InternalNote.objects.filter(item=item).values_list("body_source", flat=True)) == [
        "Seen via feedback_inbox_item_note", "Seen via feedback_item_note"]


def test_a_note_is_markdown_cleaned_before_the_pages_show_it_unescaped(client, world, item):
    """_internal_notes.html prints note.body_html with |safe: only what bleach kept may reach it."""
    client.force_login(world.ingrid)
    body = "**Refund** <script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    client.post(reverse("feedback_inbox_item_note", args=[item.pk]), {"note-body": body})
    html = InternalNote.objects.get(item=item).body_html
    assert "<strong>Refund</strong>" in html
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    for page in (reverse("feedback_inbox_item", args=[item.pk]), reverse("feedback_item", args=[item.pk])):
        shown = client.get(page).content.decode()
        assert html in shown  # as cleaned: the tags the member typed show as text
        assert "<script>alert(1)" not in shown and "<img src=x" not in shown


def test_resolving_needs_a_reply_and_keeps_the_text(client, world, item):
    client.force_login(world.ingrid)
    response = client.post(item_url(item, "status"), {"status": "resolved", "response": "  ", "version": item.version})
    assert response.status_code == 400 and "Please write something here" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "new"


def test_a_stale_version_names_the_conflict_and_keeps_the_reply(client, world, item):
    seen = item.version
    services.assign_item(item=item, assignee=world.bo, by=world.bo)
    client.force_login(world.ingrid)
    response = client.post(item_url(item, "status"), {"status": "resolved", "response": "We refunded the charge",
                                                      "version": seen})
    body = response.content.decode()
    assert response.status_code == 409 and "changed while you were answering" in body
    assert "We refunded the charge" in body
    item.refresh_from_db()
    assert item.status == "new" and not ItemStatusChange.objects.exists()


def test_resolving_tells_the_customer_in_their_language_signed_by_the_team(client, world, item):
    client.force_login(world.ingrid)
    client.get(item_url(item))
    response = client.post(item_url(item, "status"), {"status": "resolved", "response": "Vi har refundert beløpet",
                                                      "version": item.version, "show_name": "on"})
    assert response.status_code == 302
    note = Notification.objects.get(recipient=world.customer)
    assert "Ingrid, Billing" in note.title or "Ingrid, Billing" in note.body
    assert "Vi har refundert beløpet" in note.body
    client.force_login(world.customer)
    page = client.get(reverse("feedback_item", args=[item.pk])).content.decode()
    assert "Vi har refundert beløpet" in page and "Ingrid, Billing" in page
    assert "Lest av Billing" in page  # the receipt, in Norwegian


def test_customer_pages_show_the_receipt(client, world, item):
    services.mark_read(item=item, by=world.ingrid)
    client.force_login(world.customer)
    mine = client.get(reverse("feedback_mine"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Read by the Billing team" in mine or "Lest av Billing" in mine


# --- Who may do what ---------------------------------------------------------------------------

WHO = ["customer", "billing", "network", "watcher", "admin"]
EXPECTED = {  # (inbox of Billing, item view, status, assign, note, watcher)
    "customer": (403, 403, 403, 403, 403, 403),
    "billing": (200, 200, 302, 302, 302, 302),
    "network": (404, 404, 404, 404, 404, 404),
    "watcher": (404, 200, 403, 403, 302, 403),
    "admin": (200, 200, 302, 302, 302, 302),
}
ACTIONS = ["inbox", "view", "status", "assign", "note", "watchers"]


def _request(client, world, item, action, pk=None):
    pk = pk or item.pk
    if action == "inbox":
        return client.get(reverse("feedback_inbox", args=[world.billing.pk]))
    if action == "view":
        return client.get(reverse("feedback_inbox_item", args=[pk]))
    data = {
        "status": {"status": "acknowledged", "response": "", "version": item.version},
        "assign": {"assignee": "", "version": item.version},
        "note": {"note-body": "A note"},
        "watchers": {"watchers": []},
    }[action]
    return client.post(reverse(f"feedback_inbox_item_{action}", args=[pk]), data)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("action", ACTIONS)
def test_permission_matrix(client, world, item, who, action):
    if who == "watcher":
        services.set_watchers(item=item, watchers=[world.network], by=world.ingrid)
    user = {"customer": world.customer, "billing": world.ingrid, "network": world.nils, "watcher": world.nils,
            "admin": world.admin}[who]
    client.force_login(user)
    expected = EXPECTED[who][ACTIONS.index(action)]
    assert _request(client, world, item, action).status_code == expected


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("ref", ["999999999999999999", "99999999999999999999", "²", "%C2%B2", "0"])
def test_bad_ids_are_404_for_staff_and_403_for_customers(client, world, who, ref):
    user = {"customer": world.customer, "billing": world.ingrid, "network": world.nils, "watcher": world.nils,
            "admin": world.admin}[who]
    client.force_login(user)
    expected = 403 if who == "customer" else 404
    for url in (f"/staff/inbox/{ref}/", f"/staff/inbox/item/{ref}/", f"/staff/inbox/item/{ref}/status/"):
        response = client.get(url) if "status" not in url else client.post(url, {"status": "resolved"})
        assert response.status_code in ({expected} if ref.isascii() and ref.isdigit() and len(ref) < 19
                                        else {expected, 404}), url


def test_visitors_log_in(client, world, item):
    assert client.get(inbox_url(world.billing)).status_code == 302


def test_unknown_member_assignee_is_refused_in_the_form(client, world, item):
    client.force_login(world.ingrid)
    response = client.post(item_url(item, "assign"), {"assignee": MemberFactory().pk, "version": item.version})
    assert response.status_code == 400


def test_bad_input_is_never_a_500(client, world, item):
    client.force_login(world.ingrid)
    for params in ({"page": "²"}, {"page": "99999999999999999999"}, {"tag": "\x00"}, {"assignee": "-1"},
                   {"language": ["nb", "da"]}, {"q": "x" * 5000}):
        assert client.get(inbox_url(world.billing), params).status_code == 200
    assert client.post(item_url(item, "note"), {"note-body": "\x00\x01"}).status_code == 400
    stale = client.post(item_url(item, "status"), {"status": "resolved", "response": "Fixed\x00 it", "version": "²"})
    assert stale.status_code == 409 and "Fixed" in stale.content.decode()
    for value in ("²", "99999999999999999999", "\x00"):
        assert client.post(item_url(item, "watchers"), {"watchers": [value]}).status_code == 400
        assert client.post(item_url(item, "tags"), {"tags": [value]}).status_code == 400
        assert client.post(item_url(item, "assign"), {"assignee": value, "version": item.version}).status_code == 400


def test_triage_items_are_assigned_among_triage(world):
    from feedback.models import FeedbackItem
    from tests.factories import StaffFactory

    triager = StaffFactory(display_name="Tove")
    answer = services.submit_answer(touchpoint=world.touchpoint, score=8, comment="Great service", language="en")
    item = FeedbackItem.objects.get(answer=answer)
    assert item.team.is_triage
    services.assign_item(item=item, assignee=triager, by=triager)
    assert FeedbackItem.objects.get(pk=item.pk).assignee == triager
