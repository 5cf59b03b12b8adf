"""The REST API for staff's routing rules: create, read, change, order and delete them, try one
without saving, re-apply them to open items; who may (the same refusals as the routing rules
page), bad input as a clear 400, and a list that costs the same for few or many rules."""

import html

import pytest
from django.test import Client
from django.urls import reverse

from community.tokens import create_token
from feedback import routing_services, services
from feedback.models import FeedbackItem, ItemTag, RoutingDecision, RoutingRule, Tag
from tests.factories import MemberFactory, TouchpointFactory, make_programme, triage_team
from tests.feedback.inbox_world import invoice_feedback, make_world

pytestmark = pytest.mark.django_db

EMPTY_RULE = (
    "Choose at least one thing this rule matches: a tag, a source, a beta programme, a touchpoint, a kind, "
    "a language or a keyword."
)
ONLY_STAFF = "Only staff can manage routing rules."


@pytest.fixture
def world():
    return make_world()


def session(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def token_client(person, scopes=("read", "write", "staff"), teams=()) -> Client:
    secret = create_token(by=person, name="routing", scopes=list(scopes), teams=list(teams))[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def send(client, method, url, data=None):
    if method == "get":
        return client.get(url)
    return getattr(client, method)(url, data if data is not None else {}, content_type="application/json")


def invoice_tag():
    return Tag.objects.get(slug="invoice")


def rule_body(team, changes=None, **more):
    body = {"name": "Invoices in Norwegian", "team": team.pk, "tags": [invoice_tag().pk], "language": "nb"}
    body.update(changes or {}, **more)
    return body


def the_rule(world) -> RoutingRule:
    return RoutingRule.objects.get(name="Invoice questions")  # make_world's rule, to Billing


LIST = reverse("api_routing_rules")
TRY = reverse("api_routing_rule_try")
REAPPLY = reverse("api_routing_reapply")


def detail(rule) -> str:
    return reverse("api_routing_rule", args=[rule.pk])


def move(rule) -> str:
    return reverse("api_routing_rule_move", args=[rule.pk])


# --- Happy paths ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["session", "token"])
def test_staff_create_read_change_and_delete_a_rule(world, how):
    client = session(world.admin) if how == "session" else token_client(world.admin)
    programme, touchpoint = make_programme(), world.touchpoint
    created = send(
        client,
        "post",
        LIST,
        rule_body(
            world.network,
            keywords=["faktura", " ", "regning"],
            programme=programme.pk,
            touchpoint=touchpoint.pk,
            kind="bug",
            source="beta",
            active=False,
        ),
    )
    assert created.status_code == 201, created.content
    rule = created.json()
    assert rule["name"] == "Invoices in Norwegian" and rule["active"] is False
    assert rule["team"] == {"id": world.network.pk, "name": "Network"}
    assert [t["slug"] for t in rule["tags"]] == ["invoice"] and rule["keywords"] == ["faktura", "regning"]
    assert rule["programme"] == {"id": programme.pk, "title": programme.title}
    assert rule["touchpoint"] == {"id": touchpoint.pk, "name": "Invoice"}
    assert (rule["kind"], rule["source"], rule["language"]) == ("bug", "beta", "nb")
    saved = RoutingRule.objects.get(pk=rule["id"])
    assert saved.created_by == world.admin and saved.position > the_rule(world).position  # last in the order

    listed = send(client, "get", LIST).json()
    assert [r["id"] for r in listed] == [the_rule(world).pk, saved.pk]
    assert listed[0]["team"] == {"id": world.billing.pk, "name": "Billing"}
    assert send(client, "get", detail(saved)).json() == rule

    changed = send(
        client, "patch", detail(saved), {"name": "Invoices", "active": True, "tags": [], "kind": ""}
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["name"], body["active"], body["tags"], body["kind"]) == ("Invoices", True, [], "")
    # What was not sent stays as it was.
    assert body["keywords"] == ["faktura", "regning"] and body["team"]["id"] == world.network.pk
    assert body["programme"]["id"] == programme.pk and body["language"] == "nb"

    assert send(client, "delete", detail(saved)).status_code == 204
    assert not RoutingRule.objects.filter(pk=saved.pk).exists()
    assert send(client, "get", detail(saved)).status_code == 404


def test_moving_a_rule_reorders_them_and_the_ends_are_no_error(world):
    client = session(world.ingrid)
    first = the_rule(world)
    second = routing_services.save_routing_rule(
        by=world.ingrid, name="Second", team=world.billing, keywords="b"
    )
    moved = send(client, "post", move(second), {"direction": "up"})
    assert moved.status_code == 200
    assert moved.json()["moved"] is True and [r["id"] for r in moved.json()["rules"]] == [second.pk, first.pk]
    assert list(RoutingRule.objects.values_list("pk", flat=True)) == [second.pk, first.pk]
    at_top = send(client, "post", move(second), {"direction": "up"})
    assert at_top.status_code == 200 and at_top.json()["moved"] is False
    sideways = send(client, "post", move(second), {"direction": "sideways"})
    assert sideways.status_code == 400 and "direction" in sideways.json()
    assert send(client, "post", move(first), {}).status_code == 400
    assert list(RoutingRule.objects.values_list("pk", flat=True)) == [second.pk, first.pk]


def _counts():
    return (
        RoutingRule.objects.count(),
        RoutingRule.tags.through.objects.count(),
        RoutingDecision.objects.count(),
        FeedbackItem.objects.count(),
        ItemTag.objects.count(),
        list(FeedbackItem.objects.order_by("pk").values_list("team_id", "version")),
    )


def test_trying_a_rule_says_what_it_would_match_and_writes_nothing(world):
    hit = invoice_feedback(world)  # routed to Billing by make_world's rule
    services.submit_answer(
        touchpoint=TouchpointFactory(), score=8, comment="Mobilnettet er raskt", language="nb"
    )
    before = _counts()
    response = send(session(world.admin), "post", TRY, rule_body(world.network))
    assert response.status_code == 200, response.content
    tried = response.json()
    assert (tried["checked"], tried["matched"]) == (2, 1)
    [item] = tried["items"]
    assert (item["id"], item["title"]) == (hit.pk, hit.title)
    assert item["team"] == {"id": world.billing.pk, "name": "Billing"}
    assert item["would_go_to"] == {"id": world.network.pk, "name": "Network"}
    assert item["matched"] == {"tag": "Invoice", "language": "nb"}
    assert item["because"].startswith("Rule “Invoices in Norwegian” matched tag Invoice")
    assert _counts() == before


def test_trying_an_empty_rule_is_the_same_refusal_and_writes_nothing(world):
    before = _counts()
    response = send(session(world.admin), "post", TRY, rule_body(world.network, tags=[], language=""))
    assert response.status_code == 400 and response.json()["detail"] == EMPTY_RULE
    assert _counts() == before


def test_reapplying_moves_items_by_todays_rules_and_keeps_manual_reroutes_unless_told(world):
    client = session(world.admin)
    plain = invoice_feedback(world)  # to Billing, by make_world's rule
    manual = invoice_feedback(world, comment="Fakturaen er feil igjen")
    services.reroute_item(item=manual, team=triage_team(), by=world.admin, note="Not sure")
    # From now on invoices go to Network, by a rule above the old one.
    network_rule = routing_services.save_routing_rule(
        by=world.admin, name="To network", team=world.network, tags=[invoice_tag()]
    )
    routing_services.move_routing_rule(rule=network_rule, by=world.admin, direction="up")

    done = send(client, "post", REAPPLY, {"override_manual": False})
    assert done.status_code == 200, done.content
    assert done.json() == {"checked": 2, "moved": 1, "kept_manual": 1}
    plain.refresh_from_db(), manual.refresh_from_db()
    assert (plain.team_id, manual.team_id) == (world.network.pk, triage_team().pk)
    assert RoutingDecision.objects.filter(item=plain).latest("pk").rule_name == "To network"

    again = send(client, "post", REAPPLY, {"override_manual": True}).json()
    manual.refresh_from_db()
    assert again == {"checked": 2, "moved": 1, "kept_manual": 0} and manual.team_id == world.network.pk


def test_reapplying_a_manual_choice_is_kept_then_overridden(world):
    client = session(world.admin)
    manual = invoice_feedback(world)  # Billing, by the rule
    services.reroute_item(item=manual, team=world.network, by=world.admin, note="Network knows")
    kept = send(client, "post", REAPPLY, {}).json()
    manual.refresh_from_db()
    assert kept == {"checked": 1, "moved": 0, "kept_manual": 1} and manual.team_id == world.network.pk
    overridden = send(client, "post", REAPPLY, {"override_manual": True}).json()
    manual.refresh_from_db()
    assert overridden == {"checked": 1, "moved": 1, "kept_manual": 0} and manual.team_id == world.billing.pk


def test_reapplying_many_items_runs_in_the_background(world, monkeypatch):
    calls = []
    monkeypatch.setattr(routing_services, "INLINE_LIMIT", 0)
    monkeypatch.setattr("feedback.api_routing.enqueue_on_commit", lambda *args: calls.append(args))
    invoice_feedback(world)
    response = send(session(world.admin), "post", REAPPLY, {"override_manual": True})
    assert response.status_code == 202
    assert response.json()["queued"] is True and response.json()["open_items"] == 1
    assert calls and calls[0][1:3] == (world.admin.pk, True)


# --- Who may: the page and the API refuse the same things ----------------------------------------------


def _api_calls(world):
    rule = the_rule(world)
    return [
        ("get", LIST, None),
        ("post", LIST, rule_body(world.billing)),
        ("get", detail(rule), None),
        ("patch", detail(rule), {"name": "Mine"}),
        ("delete", detail(rule), None),
        ("post", move(rule), {"direction": "down"}),
        ("post", TRY, rule_body(world.billing)),
        ("post", REAPPLY, {}),
    ]


def test_customers_read_the_same_refusal_on_the_page_and_in_the_api(world):
    client = session(world.customer)
    page = client.get(reverse("feedback_routing"))
    assert page.status_code == 403
    before = _counts()
    for method, url, body in _api_calls(world):
        response = send(client, method, url, body)
        assert response.status_code == 403, (method, url)
        # Kari reads Norwegian: the rule's words, in her language, on both.
        assert response.json()["detail"] != ONLY_STAFF, (method, url)
        assert response.json()["detail"] in html.unescape(page.content.decode()), (method, url)
    assert _counts() == before


def test_a_customer_asking_for_a_missing_rule_reads_the_refusal_not_a_404(world):
    response = session(MemberFactory()).get("/api/v1/routing-rules/123456/")
    assert response.status_code == 403 and response.json()["detail"] == ONLY_STAFF


def test_visitors_are_refused(world):
    client = Client()
    assert client.get(LIST).status_code == 403
    assert send(client, "post", LIST, rule_body(world.billing)).status_code == 403
    assert RoutingRule.objects.count() == 1


@pytest.mark.parametrize("who", ["customer", "staff_without_scope"])
def test_tokens_without_the_staff_scope_are_refused(world, who):
    client = (
        token_client(world.customer, scopes=["read", "write"])
        if who == "customer"
        else token_client(world.ingrid, scopes=["read", "write"])
    )
    before = _counts()
    for method, url, body in _api_calls(world):
        response = send(client, method, url, body)
        assert response.status_code == 403, (method, url)
        assert response.json()["code"] == "missing_scope"
    assert _counts() == before


def test_a_staff_token_acts_with_staff_powers(world):
    client = token_client(world.ingrid)
    assert send(client, "get", LIST).status_code == 200
    assert send(client, "post", LIST, rule_body(world.billing)).status_code == 201


def test_a_token_limited_to_billing_writes_only_rules_that_give_to_billing(world):
    client = token_client(world.ingrid, teams=[world.billing])
    network_rule = routing_services.save_routing_rule(
        by=world.admin, name="Mobile", team=world.network, keywords="dekning"
    )
    billing_rule = the_rule(world)

    assert send(client, "get", LIST).status_code == 200  # reading is not acting for a team
    refused = send(client, "post", LIST, rule_body(world.network))
    assert (
        refused.status_code == 403
        and refused.json()["detail"] == "This token may not act for the Network team."
    )
    assert send(client, "post", LIST, rule_body(world.billing)).status_code == 201
    assert send(client, "patch", detail(network_rule), {"name": "Mine now"}).status_code == 403
    assert send(client, "patch", detail(billing_rule), {"team": world.network.pk}).status_code == 403
    assert send(client, "delete", detail(network_rule)).status_code == 403
    assert send(client, "post", move(network_rule), {"direction": "up"}).status_code == 403
    assert send(client, "post", REAPPLY, {}).status_code == 403  # it moves any team's items
    network_rule.refresh_from_db(), billing_rule.refresh_from_db()
    assert network_rule.name == "Mobile" and billing_rule.team_id == world.billing.pk
    assert send(client, "patch", detail(billing_rule), {"name": "Invoices"}).status_code == 200


def test_an_empty_rule_is_refused_with_the_pages_words(world):
    client = session(world.admin)
    page = client.post(
        reverse("feedback_routing_new"),
        {
            "name": "Catch all",
            "team": world.billing.pk,
            "keywords": "",
            "source": "",
            "programme": "",
            "touchpoint": "",
            "kind": "",
            "language": "",
            "active": "on",
        },
    )
    assert page.status_code == 400 and EMPTY_RULE in html.unescape(page.content.decode())

    created = send(client, "post", LIST, {"name": "Catch all", "team": world.billing.pk})
    assert created.status_code == 400
    assert created.json()["detail"] == EMPTY_RULE and created.json()["non_field_errors"] == [EMPTY_RULE]

    rule = the_rule(world)  # its tag is all it matches on
    emptied = send(client, "patch", detail(rule), {"tags": []})
    assert emptied.status_code == 400 and emptied.json()["detail"] == EMPTY_RULE
    assert list(rule.tags.values_list("slug", flat=True)) == ["invoice"]
    assert RoutingRule.objects.count() == 1


def test_a_name_the_service_refuses_is_under_name(world):
    response = send(session(world.admin), "post", LIST, rule_body(world.billing, name="x" * 200))
    assert response.status_code == 400 and response.json()["name"] == ["Keep the name under 80 characters."]


# --- Bad input ---------------------------------------------------------------------------------------


BAD = [
    ({"colour": "red"}, "colour"),
    ({"name": {"not": "a string"}}, "name"),
    ({"name": ["a"]}, "name"),
    ({"name": "Invoice\x00 questions"}, "name"),
    ({"name": ""}, "name"),
    ({"team": "x"}, "team"),
    ({"team": [1]}, "team"),
    ({"team": True}, "team"),
    ({"team": None}, "team"),
    ({"team": "²"}, "team"),
    ({"team": 99999999999999999999}, "team"),
    ({"team": -1}, "team"),
    ({"team": 987654}, "team"),
    ({"tags": "1"}, "tags"),
    ({"tags": ["²"]}, "tags"),
    ({"tags": [99999999999999999999]}, "tags"),
    ({"tags": [987654]}, "tags"),
    ({"tags": [{"id": 1}]}, "tags"),
    ({"keywords": "faktura"}, "keywords"),
    ({"keywords": ["fak\x00tura"]}, "keywords"),
    ({"keywords": ["x"] * 51}, "keywords"),
    ({"keywords": ["x" * 2_100]}, "keywords"),
    ({"source": "satellite"}, "source"),
    ({"kind": "\x07"}, "kind"),
    ({"language": "xx"}, "language"),
    ({"programme": 987654}, "programme"),
    ({"programme": "9223372036854775808"}, "programme"),
    ({"programme": "²"}, "programme"),
    ({"touchpoint": 123456}, "touchpoint"),
    ({"touchpoint": 1.5}, "touchpoint"),
    ({"active": "maybe"}, "active"),
]


@pytest.mark.parametrize(("change", "field"), BAD, ids=lambda v: repr(v)[:40])
@pytest.mark.parametrize("where", ["create", "change", "try"])
def test_bad_input_is_a_400_under_its_field_and_writes_nothing(world, change, field, where):
    client = session(world.admin)
    rule = the_rule(world)
    before = _counts()
    if where == "create":
        response = send(client, "post", LIST, rule_body(world.billing, change))
    elif where == "try":
        response = send(client, "post", TRY, rule_body(world.billing, change))
    else:
        response = send(client, "patch", detail(rule), change)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body, body
    assert _counts() == before
    rule.refresh_from_db()
    assert rule.name == "Invoice questions"


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        "null",
        '"rule"',
        "{",
        '{"name": "x", "team": 1e999}',
        "[" * 50_000 + "]" * 50_000,
        '{"a":' * 50_000 + "1" + "}" * 50_000,
    ],
    ids=lambda v: v[:12],
)
def test_a_body_that_is_no_json_object_is_a_400(world, body):
    response = session(world.admin).generic("POST", LIST, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] in {"invalid", "parse_error"}
    assert RoutingRule.objects.count() == 1


def test_a_form_post_is_unsupported(world):
    response = session(world.admin).post(LIST, {"name": "x", "team": world.billing.pk})
    assert response.status_code == 415


@pytest.mark.parametrize("raw", ["99999999999999999999", "123456", "%C2%B2", "0x1"])
def test_rule_ids_in_urls_that_name_no_rule_are_404(world, raw):
    client = session(world.admin)
    for url in (f"/api/v1/routing-rules/{raw}/", f"/api/v1/routing-rules/{raw}/move/"):
        response = (
            client.patch(url, {"name": "x"}, content_type="application/json")
            if "move" not in url
            else client.post(url, {"direction": "up"}, content_type="application/json")
        )
        assert response.status_code == 404, url


def test_bad_reapply_and_move_input_is_a_400(world):
    client = session(world.admin)
    assert send(client, "post", REAPPLY, {"override_manual": "perhaps"}).status_code == 400
    assert send(client, "post", REAPPLY, {"everything": True}).status_code == 400
    assert send(client, "post", move(the_rule(world)), {"direction": "up", "by": 3}).status_code == 400
    assert send(client, "post", move(the_rule(world)), {"direction": ["up"]}).status_code == 400


# --- Cost ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [3, 30])
def test_the_list_costs_the_same_for_few_and_many_rules(world, size, django_assert_max_num_queries):
    programme, invoice, billing_tag = (
        make_programme(),
        invoice_tag(),
        Tag.objects.exclude(slug="invoice").first(),
    )
    for n in range(size):
        routing_services.save_routing_rule(
            by=world.admin,
            name=f"Rule {n}",
            team=world.network,
            tags=[invoice, billing_tag],
            keywords=f"ord{n}",
            programme=programme,
            touchpoint=world.touchpoint,
        )
    client = session(world.admin)
    client.get(LIST)  # the session and the site's settings, cached
    with django_assert_max_num_queries(8):
        response = client.get(LIST)
    assert len(response.json()) == size + 1
    assert response.json()[-1]["programme"]["title"] == programme.title


# --- Schema ------------------------------------------------------------------------------------------


def test_the_endpoints_are_documented(tmp_path):
    import yaml
    from django.core.management import call_command

    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    paths = yaml.safe_load(path.read_text())["paths"]
    expected = {
        "/api/v1/routing-rules/": {"get", "post"},
        "/api/v1/routing-rules/{id}/": {"get", "patch", "delete"},
        "/api/v1/routing-rules/{id}/move/": {"post"},
        "/api/v1/routing-rules/try/": {"post"},
        "/api/v1/routing-rules/reapply/": {"post"},
    }
    for url, methods in expected.items():
        assert set(paths[url]) == methods, url
        for method in methods:
            operation = paths[url][method]
            assert operation["tags"] == ["feedback: routing"] and "403" in operation["responses"]
            if "requestBody" in operation:
                assert any(
                    "examples" in c or "example" in c for c in operation["requestBody"]["content"].values()
                )
