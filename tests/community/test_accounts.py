"""Accounts: sign-up with mandatory verification, no enumeration, rate limits behind a proxy,
password reset and e-mail change."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from community.models import Member

pytestmark = pytest.mark.django_db

PASSWORD = "a-Strong-passw0rd-42"


def sign_up(client, email, **extra):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}, **extra
    )


def test_sign_up_requires_verification_before_login(client):
    response = sign_up(client, "new@example.com")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    member = Member.objects.get(email="new@example.com")
    assert not member.is_verified
    assert "_auth_user_id" not in client.session
    # Logging in before verifying only resends the link.
    response = client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group()
    path = link.split("testserver", 1)[-1] if "testserver" in link else "/" + link.split("/", 3)[3]
    client.post(path)
    assert EmailAddress.objects.get(email="new@example.com").verified
    response = client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_sign_up_with_a_taken_address_does_not_reveal_it(client, member):
    fresh = sign_up(client, "someone-new@example.com")
    taken = sign_up(client, member.email)
    assert taken.status_code == fresh.status_code == 302
    assert taken["Location"] == fresh["Location"]
    # The owner is told by e-mail instead.
    assert any(member.email in m.to for m in mail.outbox)
    assert Member.objects.filter(email=member.email).count() == 1


def test_sign_up_is_rate_limited_per_client_ip(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "2/m/ip"}
    codes = [sign_up(client, f"spam{i}@example.com").status_code for i in range(3)]
    assert codes[:2] == [302, 302]
    assert codes[2] == 429


def test_behind_a_proxy_the_forwarded_client_ip_is_used(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "1/m/ip"}
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert sign_up(client, "a@example.com", HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 302
    # Same proxy address, another customer: a separate limit.
    assert sign_up(client, "b@example.com", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 302
    assert sign_up(client, "c@example.com", HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


def test_password_reset_sends_a_link(client, member):
    response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert mail.outbox and member.email in mail.outbox[0].to
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_member_adds_an_email_address_that_must_be_verified(member_client, member):
    response = member_client.post("/accounts/email/", {"action_add": "", "email": "kari.new@example.com"})
    assert response.status_code == 302
    address = EmailAddress.objects.get(email="kari.new@example.com")
    assert address.user == member and not address.verified
    assert any("kari.new@example.com" in m.to for m in mail.outbox)


def test_new_members_start_in_the_language_they_browsed_in(client):
    sign_up(client, "dutch@example.com", HTTP_ACCEPT_LANGUAGE="nl")
    assert Member.objects.get(email="dutch@example.com").preferred_language == "nl"


def test_sign_up_can_set_a_display_name(client):
    client.post(
        "/accounts/signup/",
        {"email": "astrid@example.com", "password1": PASSWORD, "password2": PASSWORD, "display_name": "Astrid"},
    )
    assert Member.objects.get(email="astrid@example.com").display_name == "Astrid"
