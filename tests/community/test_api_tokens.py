"""API tokens: their lifecycle, the pages that manage them, scopes, and what authenticating costs."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from community.api_auth import TokenAuthentication, token_allows_team
from community.tokens import ApiToken, Kind, create_token, hash_secret
from ideas.models import Idea
from tests.factories import IdeaFactory, MemberFactory, StaffFactory, TeamFactory, make_board

pytestmark = pytest.mark.django_db

READ_URL = "/api/v1/notifications/"
WRITE_URL = "/api/v1/notifications/read/"


def bearer(secret, keyword="Bearer"):
    client = Client()
    client.defaults["HTTP_AUTHORIZATION"] = f"{keyword} {secret}"
    return client


def authenticate(secret):
    """TokenAuthentication alone, on a bare request: (member, grant)."""
    return TokenAuthentication().authenticate(RequestFactory().get("/", HTTP_AUTHORIZATION=f"Bearer {secret}"))


def token_for(member, scopes=("read", "write"), **kwargs):
    return create_token(by=member, name="Script", scopes=list(scopes), **kwargs)


# --- Lifecycle -----------------------------------------------------------------------------------


def test_created_token_is_shown_once_and_stored_hashed(member_client, member):
    response = member_client.post(reverse("api_tokens"), {"name": "Dashboard", "scopes": ["read"], "expires": "30"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("cc_") and len(secret) > 40
    assert secret in response.content.decode()
    token = ApiToken.objects.get()
    assert token.key_hash == hash_secret(secret) and secret not in (token.prefix, token.key_hash)
    assert token.prefix == secret[:11] and token.scopes == ["read"] and token.user == member
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    # The list shows the prefix, never the secret again.
    listing = member_client.get(reverse("api_tokens"))
    assert token.prefix in listing.content.decode() and secret not in listing.content.decode()
    assert "no-store" in listing["Cache-Control"] or "max-age=0" in listing["Cache-Control"]


def test_a_token_authenticates_with_bearer_or_token_keyword(member):
    _token, secret = token_for(member)
    assert bearer(secret).get(READ_URL).status_code == 200
    assert bearer(secret, "Token").get(READ_URL).status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer cc_unknown", "Bearer", "Bearer a b", "Token " + "x" * 300, "Bearer caf\u00e9"],
)
def test_unknown_or_malformed_tokens_are_401_json(header):
    client = Client()
    response = client.get(READ_URL, HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"] and response.json()["code"].startswith("token_")


def test_revoked_token_is_401_at_once_even_when_cached(member_client, member):
    token, secret = token_for(member)
    assert bearer(secret).get(READ_URL).status_code == 200  # now cached
    response = member_client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    answer = bearer(secret).get(READ_URL)
    assert answer.status_code == 401 and "revoked" in answer.json()["detail"]
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_expired_token_is_401(member):
    token, secret = token_for(member, expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = bearer(secret).get(READ_URL)
    assert response.status_code == 401 and response.json()["code"] == "token_expired"


def test_deactivated_member_token_is_401_at_once(member):
    _token, secret = token_for(member)
    assert bearer(secret).get(READ_URL).status_code == 200
    member.is_active = False
    member.save()
    assert bearer(secret).get(READ_URL).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(member):
    token, secret = token_for(member)
    client = bearer(secret)
    client.get(READ_URL)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    client.get(READ_URL)
    token.refresh_from_db()
    assert token.last_used_at == first
    # A minute later (the cached entry says so), the next request records it again.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    cache.clear()
    client.get(READ_URL)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)


def test_token_lookup_costs_one_query_then_none(member, django_assert_num_queries):
    _token, secret = token_for(member)
    client = bearer(secret)
    client.get(READ_URL)  # records last use
    cache.clear()
    with django_assert_num_queries(1):
        authenticate(secret)
    with django_assert_num_queries(0):
        authenticate(secret)


def test_token_requests_cost_no_more_queries_than_session_requests(member, django_assert_num_queries):
    """The whole request: a token (cached) costs what a session costs minus the session lookup."""
    _token, secret = token_for(member)
    client = bearer(secret)
    client.get(READ_URL)
    session = Client()
    session.force_login(member)
    session.get(READ_URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as by_session:
        session.get(READ_URL)
    with CaptureQueriesContext(connection) as by_token:
        client.get(READ_URL)
    assert len(by_token) < len(by_session)


# --- Pages ---------------------------------------------------------------------------------------


def test_another_members_token_is_404_on_revoke(member_client):
    other_token, other_secret = token_for(MemberFactory())
    response = member_client.post(reverse("api_token_revoke", args=[other_token.pk]))
    assert response.status_code == 404
    assert bearer(other_secret).get(READ_URL).status_code == 200


@pytest.mark.parametrize("pk", ["0", "99999999999999999999", "%C2%B2", "abc"])
def test_odd_ids_are_404_not_500(member_client, pk):
    response = member_client.post(f"/members/me/api-tokens/{pk}/revoke/")
    assert response.status_code == 404


def test_list_shows_only_my_tokens(member_client, member):
    token_for(member)
    create_token(by=MemberFactory(), name="Someone else's", scopes=["read"])
    page = member_client.get(reverse("api_tokens")).content.decode()
    assert "Script" in page and "Someone else" not in page


def test_member_cannot_ask_for_the_staff_scope_on_the_page(member_client):
    response = member_client.post(reverse("api_tokens"), {"name": "x", "scopes": ["read", "staff"], "expires": ""})
    assert response.status_code == 400 and not ApiToken.objects.exists()


@pytest.mark.parametrize("name", ["\x00", "a\x07b", "x" * 500, ""])
def test_odd_names_are_refused_or_cleaned_never_500(member_client, name):
    response = member_client.post(reverse("api_tokens"), {"name": name, "scopes": ["read"], "expires": "30"})
    assert response.status_code in {200, 400}
    for token in ApiToken.objects.all():
        assert "\x00" not in token.name and "\x07" not in token.name


def test_anonymous_is_sent_to_log_in():
    response = Client().get(reverse("api_tokens"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_staff_page_is_for_staff_only(member_client):
    assert member_client.get(reverse("staff_api_tokens")).status_code == 403


def test_staff_create_and_revoke_integration_tokens(client):
    first, second = StaffFactory(), StaffFactory()
    team = TeamFactory()
    client.force_login(first)
    response = client.post(
        reverse("staff_api_tokens"),
        {"name": "CRM", "scopes": ["read", "staff"], "teams": [team.pk], "expires": "365"},
    )
    assert response.status_code == 200 and response.context["secret"]
    token = ApiToken.objects.get()
    assert token.kind == Kind.INTEGRATION and list(token.teams.all()) == [team] and token.limited_to_teams
    # Another staff member sees it and may revoke it; it is not on anyone's personal page.
    client.force_login(second)
    assert "CRM" in client.get(reverse("staff_api_tokens")).content.decode()
    assert "CRM" not in client.get(reverse("api_tokens")).content.decode()
    assert client.post(reverse("staff_api_token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_personal_token_cannot_be_revoked_on_the_staff_page(staff_client):
    token, _secret = token_for(MemberFactory())
    assert staff_client.post(reverse("staff_api_token_revoke", args=[token.pk])).status_code == 404


# --- Scopes --------------------------------------------------------------------------------------


def _status_change(client, idea):
    return client.post(
        f"/api/v1/ideas/{idea.pk}/status/", {"status": "planned", "response": "We are on it now."},
        content_type="application/json",
    )


# who × token scopes × request → status
SCOPE_MATRIX = [
    ("member", ("read",), "read", 200),
    ("member", ("read",), "write", 403),
    ("member", ("write",), "read", 403),
    ("member", ("write",), "write", 200),
    ("member", ("read", "write"), "status", 403),
    ("staff", ("read", "write"), "status", 403),
    ("staff", ("read", "write", "staff"), "status", 200),
    ("staff", ("read", "staff"), "status", 403),
]


@pytest.mark.parametrize(("who", "scopes", "action", "expected"), SCOPE_MATRIX)
def test_scope_matrix(who, scopes, action, expected):
    person = StaffFactory() if who == "staff" else MemberFactory()
    _token, secret = create_token(by=person, name="t", scopes=list(scopes))
    client = bearer(secret)
    idea = IdeaFactory()
    response = {
        "read": lambda: client.get(READ_URL),
        "write": lambda: client.post(WRITE_URL, {}, content_type="application/json"),
        "status": lambda: _status_change(client, idea),
    }[action]()
    assert response.status_code == expected, response.content
    if expected == 403:
        body = response.json()
        assert body["code"] in {"missing_scope", "permission_denied", "not_staff"}


def test_missing_scope_is_named():
    _token, secret = token_for(MemberFactory(), scopes=["read"])
    response = bearer(secret).post(WRITE_URL, {}, content_type="application/json")
    assert response.json() == {"detail": "This token lacks the “write” scope.", "code": "missing_scope"}


def test_scopes_hold_on_views_that_replace_the_permission_classes():
    """feedback/api.py's views use [IsAuthenticated]: the authenticator checks scopes there."""
    _token, secret = token_for(MemberFactory(), scopes=["write"])
    response = bearer(secret).get("/api/v1/feedback/mine/")
    assert response.status_code == 403 and response.json()["code"] == "missing_scope"


def test_member_cannot_create_a_staff_token():
    from community.rules import NotAllowed

    with pytest.raises(NotAllowed):
        create_token(by=MemberFactory(), name="t", scopes=["read", "staff"])


def test_staff_scope_stops_working_when_staff_is_taken_away():
    person = StaffFactory()
    _token, secret = create_token(by=person, name="t", scopes=["read", "write", "staff"])
    idea = IdeaFactory()
    person.is_staff = False
    person.save()
    response = _status_change(bearer(secret), idea)
    assert response.status_code == 403 and response.json()["code"] == "not_staff"


def test_token_without_staff_scope_has_no_staff_powers_anywhere():
    """Even on an endpoint that does not declare the staff scope (editing someone's idea is a
    staff power), the staff member's read/write token acts as a member."""
    person = StaffFactory()
    _token, secret = create_token(by=person, name="t", scopes=["read", "write"])
    idea = IdeaFactory()
    response = bearer(secret).patch(f"/api/v1/ideas/{idea.pk}/", {"title": "Changed by staff"},
                                    content_type="application/json")
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.is_staff  # the demoted copy never reaches the database


def test_token_writes_act_as_the_member():
    person = MemberFactory()
    _token, secret = token_for(person)
    board = make_board()
    response = bearer(secret).post(
        f"/api/v1/boards/{board.pk}/ideas/", {"title": "Posted from a script"}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Idea.objects.get(title="Posted from a script").author == person


def test_token_writes_need_no_csrf_but_sessions_do(member):
    _token, secret = token_for(member)
    client = Client(enforce_csrf_checks=True)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    assert client.post(WRITE_URL, {}, content_type="application/json").status_code == 200
    session = Client(enforce_csrf_checks=True)
    session.force_login(member)
    assert session.post(WRITE_URL, {}, content_type="application/json").status_code == 403


# --- Teams ---------------------------------------------------------------------------------------


class _Request:
    def __init__(self, auth):
        self.auth = auth


def test_token_allows_team():
    billing, network = TeamFactory(), TeamFactory()
    person = StaffFactory(staff=[billing, network])

    def grant_of(secret):
        return authenticate(secret)[1]

    _t, limited = create_token(by=person, name="t", scopes=["read"], teams=[billing])
    _t, unlimited = create_token(by=person, name="u", scopes=["read"])
    assert token_allows_team(_Request(grant_of(limited)), billing)
    assert not token_allows_team(_Request(grant_of(limited)), network)
    assert token_allows_team(_Request(grant_of(unlimited)), network)
    assert token_allows_team(_Request(None), network)  # a session


def test_personal_token_may_only_be_limited_to_own_teams():
    from community.rules import NotAllowed

    mine, other = TeamFactory(), TeamFactory()
    person = StaffFactory(staff=[mine])
    with pytest.raises(NotAllowed):
        create_token(by=person, name="t", scopes=["read"], teams=[other])


# --- The command ---------------------------------------------------------------------------------


def test_create_token_command_prints_a_working_token(capsys):
    person = MemberFactory()
    call_command("create_token", person.email, "--scopes", "read,write")
    secret = capsys.readouterr().out.strip()
    assert bearer(secret).get(READ_URL).status_code == 200
    assert ApiToken.objects.get().scopes == ["read", "write"]


def test_create_token_command_refuses_staff_scope_for_members():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="staff"):
        call_command("create_token", MemberFactory().email, "--scopes", "staff")


@pytest.mark.parametrize("count", [1, 8])
def test_token_pages_cost_the_same_queries_for_few_or_many_tokens(client, count, django_assert_max_num_queries):
    billing = TeamFactory()
    person = StaffFactory(staff=[billing])
    for n in range(count):
        create_token(by=person, name=f"t{n}", scopes=["read"], teams=[billing])
        create_token(by=person, name=f"i{n}", scopes=["read"], kind=Kind.INTEGRATION, teams=[billing])
    client.force_login(person)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("api_tokens")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("staff_api_tokens")).status_code == 200


def test_staff_scope_needs_two_factor_where_staff_must_have_it(settings):
    """Staff who must still set up TOTP have no staff powers on the site; their tokens neither."""
    person = StaffFactory()
    _token, secret = create_token(by=person, name="t", scopes=["read", "write", "staff"])
    idea = IdeaFactory()
    settings.STAFF_MFA_REQUIRED = True
    response = _status_change(bearer(secret), idea)
    assert response.status_code == 403 and response.json()["code"] == "not_staff"
