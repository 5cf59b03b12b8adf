"""The admins are for staff: customers get a clear page, never a redirect loop."""

import pytest

pytestmark = pytest.mark.django_db

ADMINS = ["/admin/", "/django-admin/", "/admin/pages/", "/django-admin/community/member/"]


@pytest.mark.parametrize("path", ADMINS)
def test_a_signed_in_customer_is_told_the_admin_is_for_staff(member_client, path):
    response = member_client.get(path)
    assert response.status_code == 403
    assert "The admin is for staff" in response.content.decode()
    assert "site-header" in response.content.decode()  # our site's look, not a bare error


@pytest.mark.parametrize("path", ["/admin/", "/django-admin/"])
def test_staff_still_get_in(staff_client, path):
    assert staff_client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/admin/", "/django-admin/"])
def test_anonymous_visitors_still_go_to_the_login(client, path):
    response = client.get(path, follow=True)
    assert response.redirect_chain
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert response.status_code == 200
