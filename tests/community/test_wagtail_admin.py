"""The Wagtail admin shows people by their public name, with Wagtail's own avatar."""

import pytest
from wagtail.admin.utils import get_user_display_name

from tests.factories import MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_people_are_named_by_their_public_name_not_the_generated_username():
    named = MemberFactory(display_name="Kari N.", username="m-70bf2c874aa1b2c3")
    unnamed = MemberFactory(display_name="", username="m-0123456789abcdef")
    assert get_user_display_name(named) == "Kari N."
    assert (named.get_full_name(), named.get_short_name()) == ("Kari N.", "Kari N.")
    assert get_user_display_name(unnamed) == f"Member {unnamed.pk}"


def test_the_admin_shows_the_staff_members_name_and_no_gravatar(client):
    staff = StaffFactory(display_name="Ingrid Staff", username="m-70bf2c874aa1b2c3")
    client.force_login(staff)
    page = client.get("/admin/").content.decode()
    assert "Ingrid Staff" in page
    assert "m-70bf2c874aa1b2c3" not in page
    assert "gravatar.com" not in page
    assert "default-user-avatar" in page


def test_a_renamed_staff_member_is_shown_by_the_new_name(client):
    from community import services

    staff = StaffFactory(display_name="Ingrid")
    services.update_profile(staff, display_name="Ingrid Berg")  # saves with update_fields
    client.force_login(staff)
    assert '"name": "Ingrid Berg"' in client.get("/admin/").content.decode()
