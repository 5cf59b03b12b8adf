"""The Django admin writes through the services or not at all: notifications are read-only, and
staff is granted and revoked by actions, never by ticking is_staff."""

import pytest
from django.contrib.auth.models import Group

from community import services
from community.models import Member
from tests.factories import NotificationFactory, StaffFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    staff = StaffFactory()
    staff.is_superuser = True
    staff.save()
    return staff


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def is_full_staff(member):
    member.refresh_from_db()
    return member.is_staff, member.groups.filter(name=services.STAFF_GROUP).exists()


def test_notifications_can_be_read_but_not_changed_added_or_deleted(admin_client):
    n = NotificationFactory(title="Your idea is planned")
    base = "/django-admin/community/notification/"
    assert admin_client.get(base).status_code == 200
    assert admin_client.get(f"{base}{n.pk}/change/").status_code == 200  # the view page
    response = admin_client.post(f"{base}{n.pk}/change/", {"title": "Edited", "kind": "x", "key": "k"})
    assert response.status_code == 403
    assert admin_client.get(f"{base}add/").status_code == 403
    assert admin_client.post(f"{base}{n.pk}/delete/", {"post": "yes"}).status_code == 403
    n.refresh_from_db()
    assert n.title == "Your idea is planned"


def test_staff_cannot_be_set_by_ticking_the_flag(admin_client, member):
    page = admin_client.get(f"/django-admin/community/member/{member.pk}/change/")
    form = page.context["adminform"].form
    assert not {"is_staff", "is_superuser", "groups"} & set(form.fields)
    data = {k: v for k, v in form.initial.items() if k in form.fields and v is not None}
    data.update(
        {
            "date_joined_0": member.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": member.date_joined.strftime("%H:%M:%S"),
            "is_staff": "on",
            "is_superuser": "on",
            "groups": [Group.objects.get(name=services.STAFF_GROUP).pk],
            "display_name": "Kari",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("user_permissions", None)
    response = admin_client.post(f"/django-admin/community/member/{member.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.display_name == "Kari"
    assert (member.is_staff, member.is_superuser, member.groups.count()) == (False, False, 0)


def run_action(client, action, *members):
    return client.post(
        "/django-admin/community/member/",
        {"action": action, "_selected_action": [m.pk for m in members]},
    )


def test_the_grant_staff_action_makes_whole_staff(admin_client, member):
    response = run_action(admin_client, "grant_staff", member)
    assert response.status_code == 302
    assert is_full_staff(member) == (True, True)


def test_the_revoke_staff_action_removes_flag_group_and_teams(admin_client):
    staff = StaffFactory()
    TeamFactory().members.add(staff)
    response = run_action(admin_client, "revoke_staff", staff)
    assert response.status_code == 302
    assert is_full_staff(staff) == (False, False)
    assert not staff.teams.exists()


def test_a_superuser_cannot_revoke_their_own_staff_access(admin_client, superuser):
    run_action(admin_client, "revoke_staff", superuser)
    assert is_full_staff(superuser) == (True, True)


def test_revoke_staff_also_takes_superuser():
    boss = StaffFactory()
    Member.objects.filter(pk=boss.pk).update(is_superuser=True)
    boss.refresh_from_db()
    services.revoke_staff(boss)
    boss.refresh_from_db()
    assert (boss.is_staff, boss.is_superuser) == (False, False)
