"""Security headers, the admin logins, MFA for staff, and CSP per area."""

import pytest
from allauth.mfa.models import Authenticator

pytestmark = pytest.mark.django_db


def test_site_pages_get_a_strict_nonce_csp(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    assert "'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_only_the_admin_gets_the_relaxed_csp(staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in response["Content-Security-Policy"]


def test_the_nonce_in_the_page_matches_the_header(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    nonce = csp.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"'.encode() in response.content


@pytest.mark.parametrize("path", ["/admin/login/", "/django-admin/login/", "/admin/", "/django-admin/"])
def test_admin_logins_go_through_the_rate_limited_allauth_login(client, path):
    response = client.get(path, follow=True)
    assert response.redirect_chain, path
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")


def test_customers_cannot_enter_the_admins(member_client):
    assert member_client.get("/admin/").status_code in (302, 403)
    assert member_client.get("/django-admin/", follow=True).status_code == 403


def test_login_is_rate_limited(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    for _ in range(3):
        client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": member.email, "password": "a-Strong-passw0rd"})
    # Even the right password is refused while the limit holds.
    assert response.status_code in (200, 429)
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


@pytest.fixture
def mfa_required(settings):
    settings.STAFF_MFA_REQUIRED = True


def test_staff_without_totp_must_set_it_up(mfa_required, staff_client):
    response = staff_client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate")
    # Their account pages stay reachable so they can do it (after confirming their password).
    response = staff_client.get("/accounts/2fa/totp/activate/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith("/accounts/reauthenticate/")


def test_staff_with_totp_get_in(mfa_required, staff_client, staff):
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert staff_client.get("/admin/").status_code == 200


def test_customers_are_not_forced_to_use_mfa(mfa_required, member_client):
    assert member_client.get("/members/me/").status_code == 200
