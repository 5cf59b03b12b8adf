"""Which language a page speaks: the member's preference, else the menu's cookie, the browser, the site default."""

import pytest
from django.conf import settings

from community import languages
from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def spoken(response) -> str:
    return response.headers["Content-Language"]


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("sv-SE,sv;q=0.9,en;q=0.5", "sv"),
        ("de-DE,de;q=0.9,nl;q=0.8", "nl"),  # the first of ours in the browser's list
        ("nb-NO", "nb"),
        ("da", "da"),
        ("de-DE,fr;q=0.9", "en"),  # none of ours: the site default
        ("", "en"),
        ("x" * 500, "en"),
        (";;;q=abc,,*-*", "en"),
        ("ñ\u202e;q=1", "en"),
    ],
)
def test_visitors_get_their_browsers_language_among_ours(client, header, expected):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert spoken(response) == expected


def test_the_site_default_is_a_setting(client, settings):
    settings.LANGUAGE_CODE = "da"
    assert spoken(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")) == "da"


def test_visitors_choice_in_the_menu_is_remembered_without_javascript(client):
    response = client.post("/i18n/setlang/", {"language": "nl", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert response.cookies[COOKIE].value == "nl"
    assert spoken(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="sv")) == "nl"


@pytest.mark.parametrize("code", ["de", "klingon", "", "../../etc", "nb" * 100, "sv\x00"])
def test_unknown_language_in_the_menu_changes_nothing(client, code):
    response = client.post("/i18n/setlang/", {"language": code, "next": "/accounts/login/"})
    assert response.status_code == 302
    assert client.get("/i18n/setlang/", {"language": code, "next": "/"}).status_code == 302
    assert COOKIE not in response.cookies
    assert spoken(client.get("/accounts/login/")) == "en"


@pytest.mark.parametrize("cookie", ["de", "zz", "", "nb;", "%00"])
def test_unknown_language_in_the_cookie_falls_back_quietly(client, cookie):
    client.cookies[COOKIE] = cookie
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert spoken(response) == "sv"


def test_a_members_preferred_language_wins_over_cookie_and_browser(client):
    member = MemberFactory(preferred_language="da")
    client.force_login(member)
    client.cookies[COOKIE] = "sv"
    assert spoken(client.get("/members/me/", HTTP_ACCEPT_LANGUAGE="nl")) == "da"


def test_choosing_from_the_menu_saves_a_members_preferred_language(client):
    member = MemberFactory(preferred_language="en")
    client.force_login(member)
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/members/me/"}, follow=True)
    assert spoken(response) == "sv"
    member.refresh_from_db()
    assert member.preferred_language == "sv"


def test_a_stored_language_that_is_none_of_ours_falls_back_quietly(client):
    member = MemberFactory()
    type(member).objects.filter(pk=member.pk).update(preferred_language="de")
    client.force_login(member)
    response = client.get("/members/me/", HTTP_ACCEPT_LANGUAGE="nb")
    assert response.status_code == 200
    assert spoken(response) == "nb"


def test_saving_the_profile_remembers_the_language_after_logging_out(client):
    member = MemberFactory(preferred_language="en")
    client.force_login(member)
    response = client.post(
        "/members/me/", {"display_name": "Kari", "preferred_language": "nb", "email_delivery": "instant"}
    )
    assert response.cookies[COOKIE].value == "nb"
    client.post("/accounts/logout/")  # the real log-out: the test client's logout() drops every cookie
    assert spoken(client.get("/accounts/login/")) == "nb"


def test_the_javascript_catalogue_speaks_the_pages_language(client):
    response = client.get("/jsi18n/", HTTP_ACCEPT_LANGUAGE="sv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "Liknande id\\u00e9er" in response.content.decode()  # JSON inside, non-ASCII escaped


def test_the_wagtail_admin_follows_the_staff_members_language(client):
    staff = StaffFactory(preferred_language="nl", is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="nl"' in response.content.decode()


def test_a_wagtail_admin_language_chosen_in_the_admin_still_wins_there(client):
    from wagtail.users.models import UserProfile

    staff = StaffFactory(preferred_language="nl", is_superuser=True)
    UserProfile.get_for_user(staff).__class__.objects.filter(user=staff).update(preferred_language="sv")
    client.force_login(staff)
    assert '<html lang="sv"' in client.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("nb", "nb"), ("NB-no", "nb"), ("no", "nb"), ("sv_SE", "sv"), ("de", None), (None, None), (42, None), ("", None)],
)
def test_language_codes_from_outside_are_ours_or_none(raw, expected):
    assert languages.supported(raw) == expected
