"""The team inbox through the API (feedback/api_inbox.py): a feedback item's whole life with
tokens alone, who may see and do what (another team's item by id, a watcher, a customer, a token
without the staff scope or limited to another team), the same words as the pages, bad input,
conflicts, cursor pages and a constant number of queries."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from community.models import Notification
from community.tokens import create_token
from feedback import api_inbox, services
from feedback.models import FeedbackItem, InternalNote, RoutingDecision
from tests.feedback.inbox_world import invoice_feedback, make_world

pytestmark = pytest.mark.django_db


def token_client(person, scopes=None, teams=()) -> Client:
    scopes = scopes or (("read", "write", "staff") if person.is_staff else ("read", "write"))
    secret = create_token(by=person, name="inbox", scopes=list(scopes), teams=list(teams),
                          kind="integration" if teams else "personal")[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def session(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def put(client, url, data):
    return client.put(url, data, content_type="application/json")


def item_url(name, item):
    return reverse(name, args=[item.pk])


def test_a_touchpoint_answer_from_the_inbox_to_the_customers_answer_with_tokens_alone(
        django_capture_on_commit_callbacks):
    world = make_world()
    ingrid, nils, customer = token_client(world.ingrid), token_client(world.nils), token_client(world.customer)
    with django_capture_on_commit_callbacks(execute=True):
        item = invoice_feedback(world)

    inboxes = ingrid.get(reverse("api_inboxes")).json()
    assert [box["name"] for box in inboxes] == ["Billing"]
    page = ingrid.get(reverse("api_inbox", args=[world.billing.pk])).json()
    assert [row["id"] for row in page["results"]] == [item.pk]
    row = page["results"][0]
    assert row["kind"] == "touchpoint" and row["score"] == 3 and row["read_at"] is None
    assert [tag["slug"] for tag in row["tags"]] == ["invoice"]
    assert page["counts"] == {"open": 1, "overdue": 0, "unassigned": 1, "unread": 1}

    detail = ingrid.get(reverse("api_inbox_item", args=[item.pk])).json()
    assert detail["role"] == "owner" and detail["team"]["name"] == "Billing"
    assert "Invoice questions" in detail["routing"][0]["explanation"]
    assert detail["customer"] == world.customer.pk

    with django_capture_on_commit_callbacks(execute=True):
        read = post(ingrid, item_url("api_feedback_item_read", item)).json()
        assert read["read_at"] is not None
        assigned = post(ingrid, item_url("api_feedback_item_assign", item),
                        {"assignee": world.bo.pk, "version": read["version"]}).json()
        assert assigned["assignee"] == {"id": world.bo.pk, "name": "Bo"}
        note = post(ingrid, item_url("api_feedback_item_notes", item), {"body": "Refund **twice**?"})
        assert note.status_code == 201 and "<strong>twice</strong>" in note.json()["body"]
        watched = put(ingrid, item_url("api_feedback_item_watchers", item), {"teams": [world.network.pk]}).json()
        assert [team["name"] for team in watched["watchers"]] == ["Network"]
        # Network now watches: Nils reads it and its notes, and adds one; he does not answer.
        assert nils.get(reverse("api_inbox_item", args=[item.pk])).json()["role"] == "watcher"
        assert post(nils, item_url("api_feedback_item_notes", item), {"body": "Seen on our side too"}).status_code == 201
        refused = post(nils, item_url("api_feedback_item_status", item), {"status": "resolved", "response": "Done"})
        assert refused.status_code == 403
        resolved = post(ingrid, item_url("api_feedback_item_status", item),
                        {"status": "resolved", "response": "Refunded: it shows on the next invoice."})
        assert resolved.status_code == 200, resolved.content

    mine = customer.get(reverse("api_my_feedback")).json()["results"][0]
    assert mine["status"] == "resolved" and "Refunded" in mine["answers"][-1]["answer"]
    assert re.search("Billing", mine["answers"][-1]["by"])
    assert "Refund **twice**" not in str(mine) and "Seen on our side" not in str(mine)
    assert Notification.objects.filter(recipient=world.customer).exists()
    # The customer has no way in to the staff side.
    assert customer.get(reverse("api_inbox_item", args=[item.pk])).status_code == 403


@pytest.fixture
def world_and_item():
    world = make_world()
    return world, invoice_feedback(world)


STAFF_ENDPOINTS = [
    ("get", "api_inbox_item", None),
    ("post", "api_feedback_item_read", None),
    ("post", "api_feedback_item_assign", {"assignee": None}),
    ("post", "api_feedback_item_reroute", {"team": 1}),
    ("get", "api_feedback_item_notes", None),
    ("post", "api_feedback_item_notes", {"body": "A note"}),
    ("put", "api_feedback_item_watchers", {"teams": []}),
]


def _call(client, method, name, item, data):
    url = item_url(name, item)
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data or {}, content_type="application/json")


@pytest.mark.parametrize("method, name, data", STAFF_ENDPOINTS)
def test_another_teams_item_is_a_404_on_every_endpoint_and_nothing_changes(world_and_item, method, name, data):
    world, item = world_and_item
    before = (item.version, InternalNote.objects.count(), RoutingDecision.objects.count())
    for client in (session(world.nils), token_client(world.nils)):
        response = _call(client, method, name, item, data)
        assert response.status_code == 404, (name, response.content)
        assert response.json()["detail"] == "There is no such feedback."
    item.refresh_from_db()
    assert (item.version, InternalNote.objects.count(), RoutingDecision.objects.count()) == before


@pytest.mark.parametrize("method, name, data", STAFF_ENDPOINTS)
def test_customers_and_tokens_without_the_staff_scope_are_refused(world_and_item, method, name, data):
    world, item = world_and_item
    assert _call(session(world.customer), method, name, item, data).status_code == 403
    lacking = _call(token_client(world.ingrid, scopes=("read", "write")), method, name, item, data)
    assert lacking.status_code == 403 and "staff" in lacking.json()["detail"]
    # A token limited to Network acts only within Network, even a site admin's: Billing's item
    # is out of its reach, like one that does not exist.
    limited = _call(token_client(world.admin, teams=[world.network]), method, name, item, data)
    assert limited.status_code == 404 and limited.json()["detail"] == "There is no such feedback."
    assert _call(Client(), method, name, item, data).status_code in (401, 403, 404)


def test_inboxes_refuse_like_the_pages(world_and_item):
    world, _item = world_and_item
    billing = reverse("api_inbox", args=[world.billing.pk])
    assert session(world.nils).get(billing).status_code == 404
    assert session(world.nils).get(reverse("feedback_inbox", args=["billing"])).status_code == 404
    customer = session(world.customer)
    api = customer.get(billing)
    assert api.status_code == 403
    assert api.json()["detail"] in customer.get(reverse("feedback_inbox", args=["billing"])).content.decode()
    assert Client().get(reverse("api_inboxes")).status_code in (401, 403)
    assert session(world.customer).get(reverse("api_inboxes")).status_code == 403
    for junk in ("99999999999999999999", "²", "1%00", str(10**15)):
        assert session(world.ingrid).get(f"/api/v1/inboxes/{junk}/").status_code == 404
    # A site admin sees every inbox; with a token limited to Network, only Network's.
    assert len(session(world.admin).get(reverse("api_inboxes")).json()) == 3
    limited = token_client(world.admin, teams=[world.network])
    assert [box["name"] for box in limited.get(reverse("api_inboxes")).json()] == ["Network"]
    assert limited.get(billing).status_code == 404  # out of the token's reach: like no such inbox


def test_a_token_limited_to_one_team_reaches_only_that_teams_work(world_and_item):
    world, item = world_and_item
    world.nils.teams.add(world.billing)  # Nils works for Network and Billing
    billing_only, network_only = token_client(world.nils, teams=[world.billing]), token_client(
        world.nils, teams=[world.network])
    assert billing_only.get(reverse("api_inbox_item", args=[item.pk])).status_code == 200
    assert network_only.get(reverse("api_inbox_item", args=[item.pk])).status_code == 404
    assert [box["name"] for box in network_only.get(reverse("api_inboxes")).json()] == ["Network"]
    # The customer panel shows Billing's feedback without its text through the Network token.
    timeline = network_only.get(reverse("api_customer_timeline", args=[world.customer.pk])).json()
    assert "Fakturaen" not in str(timeline) and "Fakturaen" in str(
        billing_only.get(reverse("api_customer_timeline", args=[world.customer.pk])).json())
    # Billing's webhooks too.
    assert billing_only.get(reverse("api_team_webhooks", args=[world.billing.pk])).status_code == 200
    assert network_only.get(reverse("api_team_webhooks", args=[world.billing.pk])).status_code == 403
    # The member themselves, with a session, still works for both.
    assert session(world.nils).get(reverse("api_inbox_item", args=[item.pk])).status_code == 200


def test_a_watcher_is_refused_what_only_the_owners_do_with_the_pages_words(world_and_item):
    world, item = world_and_item
    services.set_watchers(item=item, watchers=[world.network], by=world.ingrid)
    nils = session(world.nils)
    api = post(nils, item_url("api_feedback_item_assign", item), {"assignee": None})
    page = nils.post(reverse("feedback_inbox_item_assign", args=[item.pk]), {"assignee": "", "version": item.version})
    assert api.status_code == 403 and page.status_code == 403
    assert api.json()["detail"] in page.content.decode()
    assert post(nils, item_url("api_feedback_item_reroute", item), {"team": world.network.pk}).status_code == 403
    assert put(nils, item_url("api_feedback_item_watchers", item), {"teams": []}).status_code == 403
    assert post(nils, item_url("api_feedback_item_notes", item), {"body": "Noted"}).status_code == 201


@pytest.mark.parametrize("name, data, field", [
    ("api_feedback_item_assign", {"assignee": "²"}, "assignee"),
    ("api_feedback_item_assign", {"assignee": 99999999999999999999}, "assignee"),
    ("api_feedback_item_assign", {"assignee": 10**15}, "assignee"),
    ("api_feedback_item_assign", {"assignee": None, "colour": "red"}, "colour"),
    ("api_feedback_item_reroute", {"team": "billing"}, "team"),
    ("api_feedback_item_reroute", {"team": 10**15}, "team"),
    ("api_feedback_item_reroute", {"team": "network", "note": "x" * 501}, "note"),
    ("api_feedback_item_notes", {"body": ""}, "body"),
    ("api_feedback_item_notes", {"body": "\x00\x01"}, "body"),
    ("api_feedback_item_notes", {"body": ["a"]}, "body"),
])
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_stored(world_and_item, name, data, field):
    world, item = world_and_item
    before = (item.version, InternalNote.objects.count())
    data = {**data, "team": world.network.pk} if data.get("team") == "network" else data
    response = post(session(world.ingrid), item_url(name, item), data)
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    item.refresh_from_db()
    assert (item.version, InternalNote.objects.count()) == before


def test_watchers_and_assignee_outside_the_team_are_refused(world_and_item):
    world, item = world_and_item
    ingrid = session(world.ingrid)
    outsider = post(ingrid, item_url("api_feedback_item_assign", item), {"assignee": world.nils.pk})
    assert outsider.status_code == 403
    assert outsider.json()["detail"] == "Assign it to someone on the team that owns it."
    unknown = put(ingrid, item_url("api_feedback_item_watchers", item), {"teams": [10**12]})
    assert unknown.status_code == 400 and unknown.json()["teams"] == ["There is no such team."]
    assert put(ingrid, item_url("api_feedback_item_watchers", item), {"teams": ["²"]}).status_code == 400
    same = post(ingrid, item_url("api_feedback_item_reroute", item), {"team": world.billing.pk})
    assert same.status_code == 400 and "already with" in same.json()["team"][0]


def test_a_save_that_came_second_is_a_409_and_changes_nothing(world_and_item):
    world, item = world_and_item
    ingrid, bo = session(world.ingrid), session(world.bo)
    seen = ingrid.get(reverse("api_inbox_item", args=[item.pk])).json()["version"]
    assert post(bo, item_url("api_feedback_item_assign", item), {"assignee": world.bo.pk, "version": seen}).status_code == 200
    late = post(ingrid, item_url("api_feedback_item_assign", item), {"assignee": world.ingrid.pk, "version": seen})
    assert late.status_code == 409 and "changed while you were answering" in late.json()["detail"]
    rerouted = post(ingrid, item_url("api_feedback_item_reroute", item), {"team": world.network.pk, "version": seen})
    assert rerouted.status_code == 409
    item.refresh_from_db()
    assert item.assignee_id == world.bo.pk and item.team_id == world.billing.pk


def test_rerouting_away_answers_204_and_the_item_leaves_the_inbox(world_and_item):
    world, item = world_and_item
    ingrid = session(world.ingrid)
    response = post(ingrid, item_url("api_feedback_item_reroute", item),
                    {"team": world.network.pk, "note": "Coverage, not billing"})
    assert response.status_code == 204
    assert ingrid.get(reverse("api_inbox", args=[world.billing.pk])).json()["results"] == []
    nils_view = session(world.nils).get(reverse("api_inbox_item", args=[item.pk])).json()
    assert nils_view["routing"][-1]["reason"] == "manual"
    assert "Coverage, not billing" in nils_view["routing"][-1]["explanation"]


def _many(world, n):
    for i in range(n):
        services.submit_answer(touchpoint=world.touchpoint, score=i % 11, comment=f"Faktura {i}", language="nb")


@pytest.mark.parametrize("sort", ["newest", "oldest", "updated", "due"])
def test_cursor_pages_cover_the_inbox_once_in_the_pages_order(world_and_item, monkeypatch, sort):
    world, _item = world_and_item
    _many(world, 11)
    monkeypatch.setattr(api_inbox, "API_PAGE_SIZE", 4)
    client, url = session(world.ingrid), reverse("api_inbox", args=[world.billing.pk])
    seen, cursor = [], ""
    for _ in range(10):
        page = client.get(url, {"sort": sort, "cursor": cursor}).json()
        seen += [row["id"] for row in page["results"]]
        cursor = page["next"]
        if cursor is None:
            break
    html = client.get(reverse("feedback_inbox", args=["billing"]), {"sort": sort})
    on_page = [int(pk) for pk in re.findall(r'data-item="(\d+)"', html.content.decode())]
    assert seen == on_page and len(seen) == 12


@pytest.mark.parametrize("query", [
    {"status": "all"}, {"assignee": "none"}, {"overdue": "true", "sort": "due"}, {"language": "nb"},
    {"source": "touchpoint", "sort": "oldest"}, {"tag": "invoice"},
])
def test_filters_mean_what_they_mean_on_the_page(world_and_item, query):
    world, item = world_and_item
    _many(world, 3)
    services.change_item_status(item=item, to="resolved", by=world.ingrid, response="Refunded, sorry!")
    client = session(world.ingrid)
    api = [row["id"] for row in client.get(reverse("api_inbox", args=[world.billing.pk]), query).json()["results"]]
    page_query = {**query, "overdue": "1"} if "overdue" in query else query
    html = client.get(reverse("feedback_inbox", args=["billing"]), page_query).content.decode()
    assert api == [int(pk) for pk in re.findall(r'data-item="(\d+)"', html)]


@pytest.mark.parametrize("query", [
    {"status": "gone"}, {"sort": "random"}, {"cursor": "not-a-cursor"}, {"cursor": "o99999999"},
    {"overdue": "maybe"}, {"assignee": "x" * 40}, {"assignee": "ingrid"}, {"language": "fr"}, {"colour": "red"}, {"tag": "\x00"},
])
def test_bad_filters_are_a_400(world_and_item, query):
    world, _item = world_and_item
    response = session(world.ingrid).get(reverse("api_inbox", args=[world.billing.pk]), query)
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


def test_the_inbox_costs_the_same_queries_however_many_items(world_and_item, django_assert_max_num_queries):
    world, _item = world_and_item
    client = token_client(world.ingrid)
    url = reverse("api_inbox", args=[world.billing.pk])
    client.get(url)  # the token's cache entry
    with django_assert_max_num_queries(9) as few:
        assert len(client.get(url).json()["results"]) == 1
    _many(world, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["results"]) == 31
    services.assign_item(item=FeedbackItem.objects.filter(team=world.billing).first(), assignee=world.bo, by=world.ingrid)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"sort": "due"})


def test_bulk_actions_go_item_by_item_and_report_each(world_and_item):
    world, item = world_and_item
    _many(world, 2)
    second, third = FeedbackItem.objects.filter(team=world.billing).exclude(pk=item.pk).order_by("pk")
    services.assign_item(item=third, assignee=world.bo, by=world.bo)  # moved on since it was seen
    network_item = invoice_feedback(world)
    services.reroute_item(item=network_item, team=world.network, by=world.admin)
    url = reverse("api_inbox_bulk", args=[world.billing.pk])
    picked = [{"id": item.pk, "version": item.version}, {"id": second.pk, "version": second.version},
              {"id": third.pk, "version": 1}, {"id": network_item.pk, "version": 9}, {"id": 10**12, "version": 1}]
    result = post(session(world.ingrid), url, {"action": "acknowledge", "items": picked}).json()
    assert sorted(result["updated"]) == sorted([item.pk, second.pk])
    assert result["changed"] == [third.pk]
    assert sorted(result["missing"]) == sorted([network_item.pk, 10**12])
    assert result["summary"] == "2 updated, 1 changed meanwhile"
    assert set(FeedbackItem.objects.filter(pk__in=[item.pk, second.pk]).values_list("status", flat=True)) == {"acknowledged"}
    assert FeedbackItem.objects.get(pk=network_item.pk).status == "new"

    item.refresh_from_db()
    tagged = post(session(world.ingrid), url, {"action": "tag", "tag": "app", "items": [{"id": item.pk, "version": 1}]})
    assert tagged.json()["updated"] == [item.pk] and "app" in item.tags.values_list("slug", flat=True)
    outsider = post(session(world.ingrid), url, {"action": "assign", "assignee": world.nils.pk,
                                                 "items": [{"id": item.pk, "version": item.version}]}).json()
    assert outsider["refused"] == [{"id": item.pk, "reason": "Assign it to someone on the team that owns it."}]
    # Nils (Network) cannot act on Billing's inbox at all, by session or token.
    assert post(session(world.nils), url, {"action": "acknowledge", "items": picked}).status_code == 404
    assert post(token_client(world.nils), url, {"action": "acknowledge", "items": picked}).status_code == 404


@pytest.mark.parametrize("data, field", [
    ({"action": "acknowledge", "items": []}, "items"),
    ({"action": "acknowledge", "items": [{"id": "²", "version": 1}]}, "items"),
    ({"action": "acknowledge", "items": [{"id": 1}]}, "items"),
    ({"action": "acknowledge", "items": [{"id": 1, "version": 1}] * 201}, "items"),
    ({"action": "delete", "items": [{"id": 1, "version": 1}]}, "action"),
    ({"action": "tag", "items": [{"id": 1, "version": 1}]}, "tag"),
    ({"action": "tag", "tag": "no-such-tag", "items": [{"id": 1, "version": 1}]}, "tag"),
    ({"action": "assign", "assignee": 10**15, "items": [{"id": 1, "version": 1}]}, "assignee"),
    ({"action": "acknowledge", "items": [{"id": 1, "version": 1}], "also": 1}, "also"),
])
def test_bad_bulk_input_is_a_400_and_changes_nothing(world_and_item, data, field):
    world, item = world_and_item
    response = post(session(world.ingrid), reverse("api_inbox_bulk", args=[world.billing.pk]), data)
    assert response.status_code == 400 and field in response.json(), response.content
    item.refresh_from_db()
    assert item.status == "new" and item.version == 1
