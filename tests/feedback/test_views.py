"""Programme pages: joining, applying, invitations, leaving; staff pages for staff only."""

import pytest
from django.urls import reverse

from feedback.models import Membership
from tests.factories import MemberFactory, StaffFactory, TouchpointFactory, make_member_of, make_programme

pytestmark = pytest.mark.django_db


def test_open_programme_join_by_form(client):
    programme = make_programme(consent_text="Keep it secret")
    member = MemberFactory()
    client.force_login(member)
    page = client.get(programme.url)
    assert b"Keep it secret" in page.content and b"Join the beta" in page.content
    refused = client.post(reverse("feedback_enrol", args=[programme.pk]), {})
    assert refused.status_code == 400 and b"accept the terms" in refused.content
    assert client.post(reverse("feedback_enrol", args=[programme.pk]), {"consent": "on"}).status_code == 302
    assert Membership.objects.get(member=member).state == "active"
    assert b"Give feedback" in client.get(programme.url).content


def test_apply_keeps_the_reason_when_the_device_is_missing(client):
    programme = make_programme(enrolment="apply", devices="Apple TV\nAndroid TV")
    client.force_login(MemberFactory())
    response = client.post(reverse("feedback_enrol", args=[programme.pk]), {"reason": "I love TV"})
    assert response.status_code == 400 and b"I love TV" in response.content
    assert not Membership.objects.exists()


def test_invite_link(client):
    programme = make_programme(enrolment="invite")
    member = MemberFactory()
    client.force_login(member)
    assert b"by invitation only" in client.get(programme.url).content
    assert client.get(reverse("feedback_invite", args=[programme.pk, "wrong"])).status_code == 404
    page = client.get(reverse("feedback_invite", args=[programme.pk, programme.invite_token]))
    assert page.status_code == 200 and b'name="token"' in page.content
    client.post(reverse("feedback_enrol", args=[programme.pk]), {"token": programme.invite_token})
    assert Membership.objects.get(member=member).state == "active"


def test_leave(client):
    programme = make_programme()
    member = make_member_of(programme)
    client.force_login(member)
    assert client.post(reverse("feedback_leave", args=[programme.pk])).status_code == 302
    assert Membership.objects.get(member=member).state == "left"


@pytest.mark.parametrize("who, expected", [("visitor", 302), ("customer", 403), ("staff", 200)])
def test_staff_pages(client, who, expected):
    programme = make_programme()
    touchpoint = TouchpointFactory()
    if who != "visitor":
        client.force_login(StaffFactory() if who == "staff" else MemberFactory())
    for url in [reverse("feedback_programme_members", args=[programme.pk]), reverse("feedback_staff"),
                reverse("feedback_touchpoints"), reverse("feedback_touchpoint_demo", args=[touchpoint.pk])]:
        assert client.get(url).status_code == expected, url


def test_customers_cannot_decide_or_revoke(client):
    programme = make_programme(enrolment="apply")
    applicant = MemberFactory()
    membership = Membership.objects.create(programme=programme, member=applicant, state="applied")
    touchpoint = TouchpointFactory()
    client.force_login(MemberFactory())
    assert client.post(reverse("feedback_decide", args=[membership.pk]), {"decision": "approve"}).status_code == 403
    assert client.post(reverse("feedback_touchpoint_revoke", args=[touchpoint.pk])).status_code == 403
    assert Membership.objects.get(pk=membership.pk).state == "applied"
    touchpoint.refresh_from_db()
    assert touchpoint.revoked_at is None


def test_staff_approve_and_admit_a_wave(client):
    programme = make_programme(enrolment="apply")
    first, second = [Membership.objects.create(programme=programme, member=MemberFactory(), state="applied")
                     for _ in range(2)]
    client.force_login(StaffFactory())
    client.post(reverse("feedback_decide", args=[first.pk]), {"decision": "approve"})
    assert Membership.objects.get(pk=first.pk).state == "active"
    twice = client.post(reverse("feedback_decide", args=[first.pk]), {"decision": "decline"})
    assert twice.status_code == 403
    client.post(reverse("feedback_admit_wave", args=[programme.pk]), {"size": "5"})
    assert Membership.objects.get(pk=second.pk).state == "active"
    bad = client.post(reverse("feedback_admit_wave", args=[programme.pk]), {"size": "²"})
    assert bad.status_code == 400 and b"Admit a wave" in bad.content  # the page again, with the error


def test_the_programme_index_lists_visible_programmes(client):
    from wagtail.models import Page, PageViewRestriction

    from feedback.pages import BetaProgramIndexPage, BetaProgramPage

    root = Page.get_first_root_node()
    index = (root.get_children().first() or root).add_child(instance=BetaProgramIndexPage(title="Betas", slug="betas-test"))
    index.add_child(instance=BetaProgramPage(title="Public beta", slug="public"))
    hidden = index.add_child(instance=BetaProgramPage(title="Staff beta", slug="staff-only"))
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="x")
    response = client.get(index.url)
    assert b"Public beta" in response.content and b"Staff beta" not in response.content
    assert client.get(reverse("feedback_programmes")).status_code == 302


def test_a_restricted_programme_hides_its_inside_even_from_members(client):
    from wagtail.models import PageViewRestriction

    from feedback.models import FeedbackItem
    from tests.factories import make_thread

    programme = make_programme()
    member = make_member_of(programme)
    thread = make_thread(programme, member)
    PageViewRestriction.objects.create(page=programme, restriction_type=PageViewRestriction.PASSWORD, password="x")
    client.force_login(member)
    assert client.get(reverse("feedback_thread", args=[thread.pk])).status_code == 404
    assert not FeedbackItem.objects.visible_to(member).exists()


@pytest.mark.parametrize("url", ["/admin/feedback-tags/", "/admin/feedback-rules/", "/admin/touchpoints/",
                                 "/admin/customer-numbers/", "/admin/touchpoints/new/", "/admin/feedback-rules/new/"])
def test_staff_manage_the_taxonomy_rules_and_touchpoints_in_the_wagtail_admin(client, url):
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200


def test_a_touchpoint_registered_in_the_admin_gets_its_keys(client):
    from feedback.models import Touchpoint

    client.force_login(StaffFactory())
    response = client.post("/admin/touchpoints/new/", {"name": "Support chat", "slug": "support-chat",
                                                       "allowed_origins": "https://chat.example.com"})
    assert response.status_code == 302
    touchpoint = Touchpoint.objects.get(slug="support-chat")
    assert touchpoint.public_key.startswith("tp_") and len(touchpoint.secret) >= 40
    inspect = client.get(f"/admin/touchpoints/inspect/{touchpoint.pk}/")
    assert touchpoint.secret.encode() in inspect.content
