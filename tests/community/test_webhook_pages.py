"""The staff pages and API for webhooks: who may see and do what (by id), the delivery log's
queries, and bad input answered with a message, never a 500."""

import uuid
from unittest import mock

import pytest
from django.urls import reverse

from community.models import WebhookDelivery, WebhookEndpoint
from community.webhooks import addresses
from tests.factories import MemberFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db


_real_resolve = addresses.resolve


def public_dns(host, port):
    """Names under .example resolve to a public address (no network in tests); the rest as they are."""
    return ["93.184.216.34"] if host.endswith(".example") else _real_resolve(host, port)


@pytest.fixture(autouse=True)
def _dns():
    with mock.patch.object(addresses, "resolve", side_effect=public_dns):
        yield


@pytest.fixture
def team(db):
    return TeamFactory(name="Network", slug="network")


@pytest.fixture
def endpoint(team):
    return WebhookEndpoint.objects.create(team=team, url="https://hooks.example/in", events=["poll.closed"],
                                          secret="s" * 64)


def make_delivery(endpoint, **fields):
    fields.setdefault("event", "poll.closed")
    return WebhookDelivery.objects.create(endpoint=endpoint, team_id=endpoint.team_id, uuid=uuid.uuid4(), event_id=uuid.uuid4(),
                                          payload={"id": "x", "event": "poll.closed", "data": {}}, **fields)


PEOPLE = ["anonymous", "customer", "other_staff", "team_staff", "superuser"]


def person(who, team):
    if who == "anonymous":
        return None
    if who == "customer":
        return MemberFactory()
    if who == "other_staff":
        return StaffFactory(staff=[TeamFactory()])
    if who == "team_staff":
        return StaffFactory(staff=[team])
    superuser = StaffFactory()
    superuser.is_superuser = True
    superuser.save()
    return superuser


# (method, url name, what the id names, data) → expected status per person
PAGES = [
    ("get", "webhooks_team", "team", None, {"anonymous": 302, "customer": 403, "other_staff": 403}, 200),
    ("get", "webhook_new", "team", None, {"anonymous": 302, "customer": 403, "other_staff": 403}, 200),
    ("get", "webhook_endpoint", "endpoint", None, {"anonymous": 302, "customer": 404, "other_staff": 404}, 200),
    ("get", "webhook_edit", "endpoint", None, {"anonymous": 302, "customer": 404, "other_staff": 404}, 200),
    ("post", "webhook_rotate", "endpoint", {}, {"anonymous": 302, "customer": 404, "other_staff": 404}, 302),
    ("post", "webhook_toggle", "endpoint", {}, {"anonymous": 302, "customer": 404, "other_staff": 404}, 302),
    ("post", "webhook_resend", "delivery", {}, {"anonymous": 302, "customer": 404, "other_staff": 404}, 302),
    ("post", "webhook_delete", "endpoint", {}, {"anonymous": 302, "customer": 404, "other_staff": 404}, 302),
    ("get", "api_team_webhooks", "team", None, {"anonymous": 403, "customer": 403, "other_staff": 403}, 200),
    ("post", "api_team_webhooks", "team", {"url": "https://hooks.example/b", "events": ["poll.closed"]},
     {"anonymous": 403, "customer": 403, "other_staff": 403}, 201),
    ("get", "api_webhook", "endpoint", None, {"anonymous": 403, "customer": 404, "other_staff": 404}, 200),
    ("patch", "api_webhook", "endpoint", {"active": False}, {"anonymous": 403, "customer": 404, "other_staff": 404}, 200),
    ("get", "api_webhook_deliveries", "endpoint", None, {"anonymous": 403, "customer": 404, "other_staff": 404}, 200),
    ("post", "api_webhook_rotate", "endpoint", {}, {"anonymous": 403, "customer": 404, "other_staff": 404}, 200),
    ("post", "api_webhook_redeliver", "delivery", {}, {"anonymous": 403, "customer": 404, "other_staff": 404}, 201),
    ("delete", "api_webhook", "endpoint", None, {"anonymous": 403, "customer": 404, "other_staff": 404}, 204),
]


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("method,name,target,data,refused,allowed", PAGES,
                         ids=[f"{p[0]}-{p[1]}" for p in PAGES])
def test_who_may_manage_a_teams_webhooks(client, team, endpoint, who, method, name, target, data, refused, allowed):
    delivery = make_delivery(endpoint)
    ids = {"team": team.pk, "endpoint": endpoint.pk, "delivery": delivery.pk}
    user = person(who, team)
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=[ids[target]])
    if name.startswith("api_"):
        response = getattr(client, method)(url, data=data, content_type="application/json")
    else:
        response = getattr(client, method)(url, data=data or {})
    assert response.status_code == refused.get(who, allowed)
    if response.status_code == 403 and name.startswith("api_") and who != "anonymous":
        assert response.json()["detail"]
    if who in refused and method != "get":
        endpoint.refresh_from_db()
        assert endpoint.secret == "s" * 64 and endpoint.active, "a refused request changed nothing"
        assert WebhookEndpoint.objects.count() == 1 and WebhookDelivery.objects.count() == 1


def test_another_teams_endpoint_is_a_404_under_my_team_too(client, team, endpoint):
    mine = TeamFactory()
    client.force_login(StaffFactory(staff=[mine]))
    assert client.get(reverse("webhook_endpoint", args=[endpoint.pk])).status_code == 404
    assert client.get(f"/webhooks/{endpoint.pk + 1000}/").status_code == 404
    assert client.get("/webhooks/99999999999999999999/").status_code == 404
    assert client.get("/webhooks/²/").status_code == 404


def test_the_refusal_names_the_team(client, team):
    client.force_login(StaffFactory(staff=[TeamFactory()]))
    response = client.get(reverse("webhooks_team", args=[team.pk]))
    assert response.status_code == 403 and "Network" in response.content.decode()


@pytest.mark.parametrize("size", [3, 30])
def test_the_delivery_logs_take_a_fixed_number_of_queries(client, team, endpoint, size, django_assert_max_num_queries):
    client.force_login(StaffFactory(staff=[team]))
    other = WebhookEndpoint.objects.create(team=team, url="https://hooks.example/2", events=["poll.closed"], secret="t")
    for n in range(size):
        make_delivery(endpoint if n % 2 else other, status="succeeded", response_code=200, response_ms=12, attempts=1)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("webhooks_team", args=[team.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(12):
        response = client.get(reverse("webhook_endpoint", args=[endpoint.pk]))
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("api_webhook_deliveries", args=[endpoint.pk])).status_code == 200


def test_staff_register_an_endpoint_on_the_page_and_see_its_secret(client, team):
    staff = StaffFactory(staff=[team])
    client.force_login(staff)
    response = client.post(reverse("webhook_new", args=[team.pk]),
                           {"url": "https://hooks.example/cocreate", "events": ["poll.closed", "idea.status_changed"]})
    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and response["Location"] == endpoint.get_absolute_url()
    assert endpoint.created_by == staff and endpoint.events == ["idea.status_changed", "poll.closed"]
    page = client.get(endpoint.get_absolute_url()).content.decode()
    assert endpoint.secret in page
    old = endpoint.secret
    client.post(reverse("webhook_rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.secret != old and len(endpoint.secret) == 64


@pytest.mark.parametrize("url,message", [
    ("http://127.0.0.1:8000/", "private or loopback"),
    ("http://169.254.169.254/latest/meta-data/", "not a public address"),
    ("file:///etc/passwd", "https://"),
    ("http://[::ffff:127.0.0.1]/", "private or loopback"),
    ("http://exa\x00mple.com/", "Null characters"),
    ("http://exa\u202emple.com/", "control characters"),
    ("https://" + "a" * 600, "at most"),
])
def test_a_bad_url_on_the_form_is_a_message_with_the_text_kept(client, team, url, message):
    client.force_login(StaffFactory(staff=[team]))
    response = client.post(reverse("webhook_new", args=[team.pk]), {"url": url, "events": ["poll.closed"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "field-invalid" in page
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("data", [
    {"url": "http://127.0.0.1/", "events": ["poll.closed"]},
    {"url": "http://169.254.169.254/", "events": ["poll.closed"]},
    {"url": "https://hooks.example/", "events": ["poll.opened"]},
    {"url": "https://hooks.example/", "events": "poll.closed"},
    {"url": "https://hooks.example/", "events": [{"a": 1}]},
    {"url": 12, "events": ["poll.closed"]},
    {"url": ["https://hooks.example/"], "events": ["poll.closed"]},
    {"url": "https://hooks.example/\x00", "events": ["poll.closed"]},
    {"events": ["poll.closed"]},
    {},
    [],
    "junk",
])
def test_bad_api_input_is_a_400_and_nothing_is_stored(client, team, data):
    client.force_login(StaffFactory(staff=[team]))
    response = client.post(reverse("api_team_webhooks", args=[team.pk]), data=data, content_type="application/json")
    assert response.status_code == 400, response.content
    assert not WebhookEndpoint.objects.exists()


def test_deep_json_is_a_400(client, team):
    client.force_login(StaffFactory(staff=[team]))
    body = '{"url":' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(reverse("api_team_webhooks", args=[team.pk]), data=body, content_type="application/json")
    assert response.status_code == 400


def test_the_api_answers_a_clear_ssrf_error(client, team):
    client.force_login(StaffFactory(staff=[team]))
    response = client.post(reverse("api_team_webhooks", args=[team.pk]),
                           data={"url": "http://169.254.169.254/latest", "events": ["poll.closed"]},
                           content_type="application/json")
    assert response.status_code == 400
    assert "169.254.169.254" in response.json()["url"][0]


def test_patching_to_a_private_url_is_refused_and_keeps_the_old_one(client, team, endpoint):
    client.force_login(StaffFactory(staff=[team]))
    response = client.patch(reverse("api_webhook", args=[endpoint.pk]), data={"url": "http://10.0.0.1/"},
                            content_type="application/json")
    assert response.status_code == 400
    endpoint.refresh_from_db()
    assert endpoint.url == "https://hooks.example/in"


def test_resending_to_a_disabled_endpoint_explains_why_not(client, team, endpoint):
    client.force_login(StaffFactory(staff=[team]))
    delivery = make_delivery(endpoint)
    endpoint.active = False
    endpoint.save()
    response = client.post(reverse("api_webhook_redeliver", args=[delivery.pk]))
    assert response.status_code == 403 and "enable it" in response.json()["detail"]
    page = client.post(reverse("webhook_resend", args=[delivery.pk]))
    assert page.status_code == 403 and "enable it" in page.content.decode()


@pytest.mark.parametrize("data", [{"events": "poll.closed"}, {"events": ["nope"]}, {"active": "maybe"},
                                  {"url": None}, {"url": "ftp://hooks.example/"}, {"events": []}, [1, 2], "x"])
def test_bad_patches_are_a_400_and_change_nothing(client, team, endpoint, data):
    client.force_login(StaffFactory(staff=[team]))
    response = client.patch(reverse("api_webhook", args=[endpoint.pk]), data=data, content_type="application/json")
    assert response.status_code == 400
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events, endpoint.active) == ("https://hooks.example/in", ["poll.closed"], True)


@pytest.mark.parametrize("page", ["2", "0", "-1", "x", "99999999999999999999", "²", "\x00"])
def test_any_page_number_shows_a_page(client, team, endpoint, page):
    client.force_login(StaffFactory(staff=[team]))
    make_delivery(endpoint)
    for name, pk in (("webhooks_team", team.pk), ("webhook_endpoint", endpoint.pk), ("api_webhook_deliveries", endpoint.pk)):
        response = client.get(reverse(name, args=[pk]), {"page": page})
        assert response.status_code in (200, 404), (name, page)
        if not name.startswith("api_"):
            assert response.status_code == 200


@pytest.mark.parametrize("events", [["poll.closed", "nope"], [], ["\x00"]])
def test_bad_events_on_the_form_are_a_message(client, team, events):
    client.force_login(StaffFactory(staff=[team]))
    response = client.post(reverse("webhook_new", args=[team.pk]), {"url": "https://hooks.example/", "events": events})
    assert response.status_code == 200 and "field-invalid" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_staff_edit_the_url_and_events_and_the_form_keeps_bad_text(client, team, endpoint):
    client.force_login(StaffFactory(staff=[team]))
    url = reverse("webhook_edit", args=[endpoint.pk])
    response = client.post(url, {"url": "http://10.0.0.9/in", "events": ["idea.status_changed"]})
    assert response.status_code == 200 and "http://10.0.0.9/in" in response.content.decode()
    response = client.post(url, {"url": "https://hooks.example/v2", "events": ["idea.status_changed"]})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.events) == ("https://hooks.example/v2", ["idea.status_changed"])
