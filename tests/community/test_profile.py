"""The member profile: what members may change, and what only staff may."""

import pytest
from django.core.exceptions import ValidationError

from community import services
from community.models import Member
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db


def test_member_updates_their_profile(member_client, member):
    response = member_client.post(
        "/members/me/",
        {"display_name": "Kari N.", "preferred_language": "nb", "email_delivery": "daily"},
        follow=True,
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert (member.display_name, member.preferred_language, member.email_delivery) == (
        "Kari N.",
        "nb",
        "daily",
    )
    # The page now speaks Norwegian.
    assert response.headers["Content-Language"] == "nb"


def test_member_cannot_set_their_own_customer_attributes(member_client, member):
    member_client.post(
        "/members/me/",
        {
            "display_name": "Sneaky",
            "preferred_language": "en",
            "email_delivery": "instant",
            "plan": "business",
            "region": "Oslo",
            "customer_since": "1990-01-01",
            "is_staff": "on",
        },
    )
    member.refresh_from_db()
    assert member.display_name == "Sneaky"
    assert (member.plan, member.region, member.customer_since, member.is_staff) == ("", "", None, False)


def test_bad_input_keeps_the_typed_text(member_client, member):
    response = member_client.post(
        "/members/me/",
        {"display_name": "x" * 200, "preferred_language": "klingon", "email_delivery": "instant"},
    )
    assert response.status_code == 200
    assert b"x" * 200 in response.content
    assert b"Select a valid choice" in response.content or b"valid choice" in response.content
    member.refresh_from_db()
    assert member.display_name != "x" * 200


def test_staff_see_their_teams(staff_client, staff):
    team = TeamFactory(name="Billing", slug="billing")
    team.members.add(staff)
    assert b"Billing" in staff_client.get("/members/me/").content


def test_staff_edit_customer_attributes_in_the_wagtail_admin(staff_client, member, staff):
    staff.is_superuser = True
    staff.save()
    response = staff_client.post(
        f"/admin/customers/edit/{member.pk}/",
        {
            "display_name": member.display_name,
            "plan": "tv",
            "customer_since": "2001-05-01",
            "region": "Bergen",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    member.refresh_from_db()
    assert (member.plan, member.region, str(member.customer_since)) == ("tv", "Bergen", "2001-05-01")


def test_customers_cannot_open_the_customer_admin(member_client, member):
    assert member_client.get(f"/admin/customers/edit/{member.pk}/").status_code in (302, 403)


def test_profile_needs_login(client):
    assert client.get("/members/me/").status_code == 302


def test_new_member_is_created_with_a_generated_username():
    m = Member.objects.create_user(email="new@example.com", password="x")
    assert m.username.startswith("m-")
    # Never derived from the e-mail address, which often holds a full name.
    assert m.public_name == f"Member {m.pk}"


BROKEN_NAMES = ["Kari\r\nBcc: all@example.com", "Kari\nN.", "Kari\x00", "Kari\x1b[31m"]


@pytest.mark.parametrize("name", BROKEN_NAMES)
def test_a_name_with_control_characters_is_refused_and_the_text_kept(member_client, member, name):
    response = member_client.post(
        "/members/me/", {"display_name": name, "preferred_language": "en", "email_delivery": "instant"}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["display_name"]  # NUL is already refused by Django's own validator
    if "\x00" not in name:
        assert "cannot contain line breaks or control characters" in response.content.decode()
    assert form["display_name"].value() == name
    member.refresh_from_db()
    assert member.display_name != name


@pytest.mark.parametrize("name", BROKEN_NAMES)
def test_the_profile_service_refuses_control_characters(member, name):
    with pytest.raises(ValidationError):
        services.update_profile(member, display_name=name)
    member.refresh_from_db()
    assert member.display_name != name


def test_the_profile_service_stores_a_clean_name(member):
    services.update_profile(member, display_name="  Kari \u202e N.  ")
    member.refresh_from_db()
    assert member.display_name == "Kari N."


def test_sign_up_refuses_a_name_with_a_line_break(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "astrid@example.com",
            "password1": "a-Strong-passw0rd-42",
            "password2": "a-Strong-passw0rd-42",
            "display_name": "Astrid\r\nBcc: all@example.com",
        },
    )
    assert response.status_code == 200
    assert "cannot contain line breaks or control characters" in response.content.decode()
    assert "Bcc: all@example.com" in response.content.decode()
    assert not Member.objects.filter(email="astrid@example.com").exists()


def test_staff_cannot_give_a_customer_a_name_with_a_line_break(staff_client, member, staff):
    staff.is_superuser = True
    staff.save()
    response = staff_client.post(
        f"/admin/customers/edit/{member.pk}/",
        {"display_name": "Kari\r\nN.", "plan": "tv", "region": "", "preferred_language": "en"},
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.display_name != "Kari\r\nN."


@pytest.mark.parametrize(("given", "kept"), [("Kari Nordmann", "Kari Nordmann"), ("Kari\r\nBcc: x", "")])
def test_a_name_from_single_sign_on_is_kept_only_if_it_is_one_line(given, kept):
    from types import SimpleNamespace

    from community.adapters import SocialAccountAdapter

    login = SimpleNamespace(user=Member())
    user = SocialAccountAdapter().populate_user(None, login, {"email": "k@example.com", "name": given})
    assert user.display_name == kept
