"""Webhooks: signed deliveries to a real receiver on 127.0.0.1, retries with backoff, disabling
a failing endpoint, re-sending by hand, the SSRF guard, timeouts, and who may manage them."""

import importlib.util
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from community.models import Notification, WebhookDelivery, WebhookEndpoint
from community.rules import NotAllowed
from community.webhooks import addresses, delivery, events, services
from tests.factories import IdeaFactory, MemberFactory, StaffFactory, TeamFactory, idea_status, make_board

pytestmark = pytest.mark.django_db

RECEIVER = Path(__file__).resolve().parents[2] / "docs" / "examples" / "webhook_receiver.py"


def load_receiver():
    spec = importlib.util.spec_from_file_location("webhook_receiver", RECEIVER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def serve(server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_address[1]}/hooks"


class Scripted(BaseHTTPRequestHandler):
    """Answers each POST with the server's `status` after `delay` seconds, and records it."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.server.requests.append((dict(self.headers), body))
        time.sleep(self.server.delay)
        try:
            self.send_response(self.server.status)
            self.send_header("Content-Length", "3")
            self.end_headers()
            self.wfile.write(b"no!")
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    server.requests, server.status, server.delay = [], 500, 0
    server.url = serve(server)
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    return settings


@pytest.fixture
def team(db):
    return TeamFactory(name="Billing", slug="billing")


@pytest.fixture
def team_staff(team):
    return StaffFactory(staff=[team], preferred_language="nb")


def change_an_idea(team, staff, capture):
    board = make_board(owner_team=team)
    idea = IdeaFactory(board=board, title="Cheaper roaming")
    with capture(execute=True):
        from ideas import services as idea_services

        return idea_services.change_status(idea=idea, to=idea_status("planned"), response="We plan it for spring.",
                                           by=staff)


# --- Delivery -----------------------------------------------------------------------------------


def test_a_status_change_reaches_the_example_receiver_correctly_signed(
    loopback, team, team_staff, django_capture_on_commit_callbacks
):
    receiver = load_receiver()
    heard = []
    server = receiver.make_server("not-yet", port=0, on_event=heard.append)
    url = serve(server)
    try:
        endpoint = services.create_endpoint(team=team, by=team_staff, url=url, events=[events.IDEA_STATUS_CHANGED])
        server.secret = endpoint.secret
        change = change_an_idea(team, team_staff, django_capture_on_commit_callbacks)
    finally:
        server.shutdown()
        server.server_close()
    assert len(heard) == 1, "the receiver verified the signature and handled the event"
    event = heard[0]
    assert event["event"] == "idea.status_changed"
    assert event["team"] == {"id": team.pk, "slug": "billing", "name": "Billing"}
    assert event["data"]["idea"]["title"] == "Cheaper roaming"
    assert event["data"]["change"] == {"id": change.pk, "from": "new", "to": "planned", "to_name": "Planned"}
    assert "@" not in json.dumps(event), "no e-mail address in a payload"
    row = WebhookDelivery.objects.get()
    assert (row.status, row.response_code, row.attempts) == ("succeeded", 204, 1)
    assert row.response_ms is not None and row.response_ms < 5000
    assert str(row.event_id) == event["id"]


def test_signature_headers_are_hmac_of_timestamp_dot_body(loopback, scripted, team, team_staff,
                                                           django_capture_on_commit_callbacks):
    import hashlib
    import hmac

    scripted.status = 200
    endpoint = services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.IDEA_STATUS_CHANGED])
    change_an_idea(team, team_staff, django_capture_on_commit_callbacks)
    headers, body = scripted.requests[0]
    timestamp = headers["Cocreate-Timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert headers["Cocreate-Signature"] == f"v1={expected}"
    assert headers["Cocreate-Event"] == "idea.status_changed"
    assert headers["Cocreate-Delivery"] == str(WebhookDelivery.objects.get().uuid)
    assert headers["Content-Type"].startswith("application/json")
    receiver = load_receiver()
    assert receiver.verify(endpoint.secret, timestamp, headers["Cocreate-Signature"], body)
    assert not receiver.verify(endpoint.secret, timestamp, headers["Cocreate-Signature"], body + b" ")
    assert not receiver.verify("another-secret", timestamp, headers["Cocreate-Signature"], body)
    assert not receiver.verify(endpoint.secret, timestamp, headers["Cocreate-Signature"], body,
                               now=int(timestamp) + 301), "an old delivery is refused (replay)"


def test_an_endpoint_hears_only_its_events_and_only_its_teams(loopback, scripted, team, team_staff,
                                                               django_capture_on_commit_callbacks):
    scripted.status = 200
    services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.POLL_CLOSED])
    other = TeamFactory()
    services.create_endpoint(team=other, by=StaffFactory(staff=[other]), url=scripted.url,
                             events=[events.IDEA_STATUS_CHANGED])
    change_an_idea(team, team_staff, django_capture_on_commit_callbacks)
    assert scripted.requests == []
    assert not WebhookDelivery.objects.exists()


def test_emit_is_idempotent_by_event_key_and_rolls_back_with_the_write(loopback, scripted, team, team_staff):
    from django.db import transaction

    scripted.status = 200
    services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.POLL_CLOSED])
    with transaction.atomic():
        first = events.emit(events.POLL_CLOSED, team=team, data={}, key="poll-1")
        again = events.emit(events.POLL_CLOSED, team=team, data={}, key="poll-1")
    assert len(first) == 1 and again == []
    with pytest.raises(RuntimeError), transaction.atomic():
        events.emit(events.POLL_CLOSED, team=team, data={}, key="poll-2")
        raise RuntimeError("the write failed")
    assert WebhookDelivery.objects.count() == 1
    assert events.emit(events.POLL_CLOSED, team=None, data={}) == []


def test_feedback_status_application_and_poll_events_are_emitted(
    loopback, scripted, team, team_staff, django_capture_on_commit_callbacks
):
    from feedback import services as feedback_services
    from ideas.polls import services as poll_services
    from tests.factories import make_poll, make_programme, make_thread

    scripted.status = 200
    services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=list(events.EVENTS))
    programme = make_programme(owner_team=team, enrolment="apply")
    customer = MemberFactory()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.apply_to_programme(member=customer, programme=programme, reason="I watch a lot of TV")
    thread = make_thread(programme=programme)
    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.change_item_status(item=thread.item, to="acknowledged", by=team_staff)
    poll = make_poll(owner_team=team, closes_at=timezone.now() - timedelta(minutes=1),
                     opens_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        poll_services.close_poll(poll)
    sent = {json.loads(body)["event"]: json.loads(body) for _headers, body in scripted.requests}
    assert set(sent) == {"programme.application", "feedback.status_changed", "poll.closed"}
    application = sent["programme.application"]["data"]
    assert application["programme"]["id"] == programme.pk and "TV" not in json.dumps(application)
    status = sent["feedback.status_changed"]["data"]
    assert status["change"]["to"] == "acknowledged" and status["item"]["id"] == thread.item.pk
    assert sent["poll.closed"]["data"]["poll"]["id"] == poll.pk
    for payload in sent.values():
        assert customer.email not in json.dumps(payload)


def test_feedback_routed_is_provided_for_the_routing_service(loopback, scripted, team, team_staff,
                                                             django_capture_on_commit_callbacks):
    from tests.factories import make_programme, make_thread

    scripted.status = 200
    services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.FEEDBACK_ROUTED])
    thread = make_thread(programme=make_programme())
    with django_capture_on_commit_callbacks(execute=True):
        events.feedback_routed(thread.item, team)
        events.feedback_routed(thread.item, team)
    assert len(scripted.requests) == 1
    assert json.loads(scripted.requests[0][1])["data"]["item"]["id"] == thread.item.pk


# --- Retries, disabling, re-sending --------------------------------------------------------------


def test_backoff_schedule_grows_and_stops(settings):
    settings.WEBHOOKS_MAX_ATTEMPTS = 8
    delays = [delivery.retry_delay(n) for n in range(1, 9)]
    assert delays[:6] == [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2),
                          timedelta(hours=12), timedelta(days=1)]
    assert delays[6] == timedelta(days=1) and delays[7] is None


def test_a_failing_receiver_is_retried_then_disabled_and_the_team_told(
    loopback, scripted, team, team_staff, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_DISABLE_AFTER = 4
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    outsider = StaffFactory()
    team.lead = StaffFactory(preferred_language="da")  # leads the team without being in it
    team.save()
    endpoint = services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.POLL_CLOSED])
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.POLL_CLOSED, team=team, data={}, key="a")
    first = WebhookDelivery.objects.get()
    assert (first.status, first.attempts, first.response_code) == ("pending", 1, 500)
    assert first.response_excerpt == "no!" and first.error == "HTTP 500"
    assert timedelta(seconds=55) < first.next_attempt_at - timezone.now() <= timedelta(minutes=1)
    assert delivery.deliver_due() == 0, "not due yet: nothing is sent early"
    later = timezone.now()
    for step in (timedelta(minutes=2), timedelta(minutes=5)):
        later += step
        assert delivery.deliver_due(now=later) == 1
    first.refresh_from_db()
    assert (first.status, first.attempts, first.next_attempt_at) == ("failed", 3, None)
    endpoint.refresh_from_db()
    assert endpoint.active and endpoint.consecutive_failures == 3
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.POLL_CLOSED, team=team, data={}, key="b")
    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.consecutive_failures == 4
    assert "4" in endpoint.disabled_reason
    assert len(scripted.requests) == 4
    told = Notification.objects.get(kind="webhook_disabled", recipient=team_staff)
    assert told.url == endpoint.get_absolute_url()
    assert "deaktivert" in told.title, "in the recipient's language (nb)"
    assert "deaktiveret" in Notification.objects.get(kind="webhook_disabled", recipient=team.lead).title
    assert not Notification.objects.filter(recipient=outsider).exists()
    # Disabled: nothing more is sent, not even what is due.
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.POLL_CLOSED, team=team, data={}, key="c")
    assert delivery.deliver_due(now=later + timedelta(days=2)) == 0
    assert len(scripted.requests) == 4


def test_a_success_resets_the_failure_streak(loopback, scripted, team, team_staff, django_capture_on_commit_callbacks):
    endpoint = services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.POLL_CLOSED])
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.POLL_CLOSED, team=team, data={}, key="a")
    scripted.status = 202
    assert delivery.deliver_due(now=timezone.now() + timedelta(minutes=2)) == 1
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_staff_resend_a_delivery_by_hand_with_the_same_event_id(
    loopback, scripted, team, team_staff, django_capture_on_commit_callbacks
):
    scripted.status = 200
    services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.POLL_CLOSED])
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.POLL_CLOSED, team=team, data={"poll": {"id": 1}}, key="a")
    original = WebhookDelivery.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        copy = services.redeliver(original=original, by=team_staff)
    copy.refresh_from_db()
    assert copy.manual and copy.status == "succeeded" and copy.event_id == original.event_id
    (h1, b1), (h2, b2) = scripted.requests
    assert b1 == b2 and h1["Cocreate-Delivery"] != h2["Cocreate-Delivery"]
    with pytest.raises(NotAllowed):
        services.redeliver(original=original, by=StaffFactory())


def test_enabling_again_sends_what_waited(loopback, scripted, team, team_staff, django_capture_on_commit_callbacks):
    endpoint = services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.POLL_CLOSED])
    services.disable_endpoint(endpoint=endpoint, by=team_staff)
    assert events.emit(events.POLL_CLOSED, team=team, data={}, key="x") == [], "a disabled endpoint hears nothing"
    endpoint.refresh_from_db()
    endpoint.active = True
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.POLL_CLOSED, team=team, data={}, key="y")
    services.disable_endpoint(endpoint=endpoint, by=team_staff)
    scripted.status = 200
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())
    assert delivery.deliver_due() == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.enable_endpoint(endpoint=endpoint, by=team_staff)
    assert WebhookDelivery.objects.get().status == "succeeded"


def test_a_slow_receiver_times_out_quickly(loopback, scripted, team, team_staff, settings,
                                           django_capture_on_commit_callbacks):
    settings.WEBHOOKS_TIMEOUT = 1
    scripted.delay, scripted.status = 3, 200
    services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.POLL_CLOSED])
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.POLL_CLOSED, team=team, data={}, key="slow")
    assert time.monotonic() - started < 2.5
    row = WebhookDelivery.objects.get()
    assert row.status == "pending" and row.response_code is None and "Timed out" in row.error


def test_a_trickling_receiver_cannot_hold_the_worker(loopback, settings):
    """Headers one byte at a time: each read is quick, the whole must still stop at the timeout."""
    settings.WEBHOOKS_TIMEOUT = 1

    class Trickle(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                for char in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                    self.wfile.write(bytes([char]))
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    url = serve(server)
    try:
        started = time.monotonic()
        outcome = delivery.post(url, b"{}", {})
        assert time.monotonic() - started < 2
    finally:
        server.shutdown()
        server.server_close()
    assert not outcome.ok and "Timed out" in outcome.error


def test_redirects_are_not_followed(loopback, scripted):
    scripted.status = 302
    outcome = delivery.post(scripted.url, b"{}", {})
    assert outcome.code == 302 and not outcome.ok and len(scripted.requests) == 1


def test_delivery_checks_the_address_again(settings, scripted, team, team_staff):
    """Registered while allowed (or while DNS said public); refused at delivery now."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.POLL_CLOSED])
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    outcome = delivery.post(endpoint.url, b"{}", {})
    assert not outcome.ok and "127.0.0.1" in outcome.error and scripted.requests == []


def test_delivery_connects_to_the_checked_address_with_the_host_header(loopback, scripted):
    with mock.patch.object(addresses, "resolve", return_value=["127.0.0.1"]):
        port = scripted.url.split(":")[2].split("/")[0]
        outcome = delivery.post(f"http://hooks.billing.example:{port}/in", b"{}", {})
    assert outcome.code == 500
    headers, _body = scripted.requests[0]
    assert headers["Host"] == f"hooks.billing.example:{port}"


# --- SSRF ------------------------------------------------------------------------------------------

REFUSED = [
    "http://127.0.0.1/hook",
    "http://localhost:8000/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://172.16.5.5/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fe80::1]/hook",
    "http://[2002:7f00:1::]/hook",  # 6to4 of 127.0.0.1
    "http://[64:ff9b::a9fe:a9fe]/hook",  # NAT64 of 169.254.169.254
    "http://[fc00::5]/hook",
    "http://2130706433/hook",  # 127.0.0.1 as one number
    "http://127.1/hook",
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",
    "file:///etc/passwd",
    "ftp://example.com/hook",
    "gopher://example.com/",
    "http://user:pass@example.com/hook",
    "http://exa mple.com/",
    "http://example.com:99999/",
    "http://",
    "not a url",
    "",
    "http://\x00evil/",
    "https://" + "a" * 600 + ".example.com/",
]


_real_resolve = addresses.resolve


def public_dns(host, port):
    """Names under .example as a DNS server might answer them; addresses and localhost as they are."""
    if not host.endswith(".example"):
        return _real_resolve(host, port)
    return {"internal.example": ["10.0.0.7"], "metadata.example": ["169.254.169.254"],
            "mixed.example": ["93.184.216.34", "127.0.0.1"]}.get(host, ["93.184.216.34"])


@pytest.mark.parametrize("url", REFUSED + ["https://internal.example/hook", "https://metadata.example/",
                                           "https://mixed.example/"])
def test_private_and_odd_urls_are_refused_and_nothing_is_stored(team, team_staff, url):
    with mock.patch.object(addresses, "resolve", side_effect=public_dns):
        with pytest.raises(ValidationError) as refused:
            services.create_endpoint(team=team, by=team_staff, url=url, events=[events.POLL_CLOSED])
    assert refused.value.code == "url" and refused.value.messages[0]
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("url", ["http://169.254.169.254/", "http://[fe80::1]/", "http://0.0.0.0/"])
def test_metadata_and_unspecified_addresses_stay_refused_when_private_ones_are_allowed(loopback, url):
    with pytest.raises(ValidationError):
        addresses.check_url(url)


def test_a_public_host_is_accepted(team, team_staff):
    with mock.patch.object(addresses, "resolve", side_effect=public_dns):
        endpoint = services.create_endpoint(team=team, by=team_staff, url=" https://hooks.example/in?x=1 ",
                                            events=[events.POLL_CLOSED, events.IDEA_STATUS_CHANGED])
    assert endpoint.url == "https://hooks.example/in?x=1"
    assert endpoint.events == [events.IDEA_STATUS_CHANGED, events.POLL_CLOSED]
    assert len(endpoint.secret) == 64


def test_a_host_that_does_not_resolve_is_refused(team, team_staff):
    with mock.patch.object(addresses, "resolve", side_effect=OSError("no such host")):
        with pytest.raises(ValidationError, match="does not resolve"):
            services.create_endpoint(team=team, by=team_staff, url="https://nowhere.example/", events=["poll.closed"])


@pytest.mark.parametrize("chosen", [[], ["poll.opened"], "poll.closed", [1], None])
def test_events_must_be_known(team, team_staff, chosen):
    with mock.patch.object(addresses, "resolve", side_effect=public_dns):
        with pytest.raises(ValidationError):
            services.create_endpoint(team=team, by=team_staff, url="https://hooks.example/", events=chosen)


def test_where_the_queue_can_defer_a_retry_is_a_task_at_its_time(loopback, scripted, team, team_staff,
                                                                  django_capture_on_commit_callbacks):
    from django_tasks.backends.immediate import ImmediateBackend

    services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.POLL_CLOSED])
    with django_capture_on_commit_callbacks(execute=True):
        events.emit(events.POLL_CLOSED, team=team, data={}, key="a")
    row = WebhookDelivery.objects.get()
    row_due = timezone.now()
    WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=row_due)
    with mock.patch.object(ImmediateBackend, "supports_defer", True), \
            mock.patch.object(delivery, "enqueue_on_commit") as enqueue:
        delivery.attempt(row.pk, now=row_due)
    (task, pk), _kwargs = enqueue.call_args
    row.refresh_from_db()
    assert pk == row.pk and row.attempts == 2
    assert task.run_after == row.next_attempt_at == row_due + timedelta(minutes=5)


def self_signed(tmp_path, host):
    """A certificate for `host` (and its key) made for this test, as PEM files."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


@pytest.mark.parametrize("url_host, accepted", [("hooks.billing.example", True), ("other.billing.example", False)])
def test_https_goes_to_the_checked_address_and_verifies_the_urls_host(loopback, tmp_path, url_host, accepted):
    import ssl

    cert_file, key_file = self_signed(tmp_path, "hooks.billing.example")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    server.requests, server.status, server.delay = [], 200, 0
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    server.socket = server_context.wrap_socket(server.socket, server_side=True)
    serve(server)
    trusting = ssl.create_default_context(cafile=str(cert_file))
    try:
        with mock.patch.object(addresses, "resolve", return_value=["127.0.0.1"]), \
                mock.patch.object(delivery, "_tls_context", return_value=trusting):
            outcome = delivery.post(f"https://{url_host}:{server.server_address[1]}/in", b"{}", {})
    finally:
        server.shutdown()
        server.server_close()
    if accepted:
        assert outcome.ok, outcome.error
        assert server.requests[0][0]["Host"].startswith("hooks.billing.example")
    else:
        assert not outcome.ok and "certificate" in outcome.error.lower() and server.requests == []


def test_routing_feedback_to_a_team_tells_its_endpoints(loopback, scripted, team, team_staff,
                                                        django_capture_on_commit_callbacks):
    from feedback import services as feedback_services
    from tests.factories import make_programme, make_thread

    scripted.status = 200
    services.create_endpoint(team=team, by=team_staff, url=scripted.url, events=[events.FEEDBACK_ROUTED])
    programme = make_programme(owner_team=team)
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(programme=programme)
    routed = json.loads(scripted.requests[0][1])
    assert routed["event"] == "feedback.routed" and routed["team"]["id"] == team.pk
    assert routed["data"]["item"]["id"] == thread.item.pk
    assert routed["data"]["routing"]["reason"] in {"owner", "rule", "triage"}
    other = TeamFactory()
    with django_capture_on_commit_callbacks(execute=True):
        feedback_services.reroute_item(item=thread.item, team=other, by=team_staff, note="Theirs")
    assert len(scripted.requests) == 1, "the new team's endpoints hear it, not ours"
