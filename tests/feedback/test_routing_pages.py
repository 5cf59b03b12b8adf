"""Staff's routing rules pages: who may open them, the form (save, try, refuse), bad input, order,
re-applying, and their cost."""

import pytest
from django.urls import reverse

from feedback import routing_services, services
from feedback.models import FeedbackItem, RoutingDecision, RoutingRule, Tag
from tests.factories import MemberFactory, StaffFactory, TeamFactory, TouchpointFactory, triage_team

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _triage(db):
    return triage_team()


@pytest.fixture
def billing():
    return TeamFactory(name="Billing", slug="billing")


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def rule_data(team_, **changes):
    data = {"name": "Invoice questions", "team": team_.pk, "tags": [Tag.objects.get(slug="invoice").pk],
            "keywords": "", "source": "", "programme": "", "touchpoint": "", "kind": "", "language": "",
            "active": "on"}
    data.update(changes)
    return data


@pytest.mark.parametrize("url_name", ["feedback_routing", "feedback_routing_new"])
@pytest.mark.parametrize(("who", "expected"), [("anonymous", 302), ("customer", 403), ("staff", 200)])
def test_only_staff_open_the_routing_pages(client, url_name, who, expected):
    if who == "customer":
        client.force_login(MemberFactory())
    elif who == "staff":
        client.force_login(StaffFactory())
    response = client.get(reverse(url_name))
    assert response.status_code == expected
    if who == "customer":
        assert "Only staff can manage routing rules." in response.content.decode()


@pytest.mark.parametrize("name", ["feedback_routing_delete", "feedback_routing_move"])
def test_customers_cannot_change_rules_by_url(client, billing, name):
    rule = routing_services.save_routing_rule(by=StaffFactory(), name="R", team=billing, keywords="x")
    client.force_login(MemberFactory())
    response = client.post(reverse(name, args=[rule.pk]), {"direction": "down"})
    assert response.status_code == 403
    assert RoutingRule.objects.filter(pk=rule.pk).exists()


def test_staff_create_a_rule_and_find_it_in_the_list(staff_client, billing):
    response = staff_client.post(reverse("feedback_routing_new"), rule_data(billing))
    rule = RoutingRule.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"#rule-{rule.pk}")
    page = staff_client.get(reverse("feedback_routing")).content.decode()
    assert "Invoice questions" in page and "Billing" in page and "#Invoice" in page


def test_an_empty_rule_is_refused_with_a_message_and_the_form_keeps_it(staff_client, billing):
    response = staff_client.post(reverse("feedback_routing_new"), rule_data(billing, tags=[], name="Catch all"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one thing this rule matches" in page
    assert 'value="Catch all"' in page
    assert not RoutingRule.objects.exists()


def test_trying_on_the_form_lists_matches_and_saves_nothing(staff_client, billing):
    touchpoint = TouchpointFactory()
    services.submit_answer(touchpoint=touchpoint, score=2, comment="Fakturaen er feil", language="nb")
    response = staff_client.post(reverse("feedback_routing_new"), rule_data(billing, **{"try": "1"}))
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 of the newest 1 open item you can see. Nothing was saved." in page
    assert "Rule “Invoice questions” matched tag Invoice." in page
    assert not RoutingRule.objects.exists()


def test_editing_a_rule_changes_it_and_moving_reorders(staff_client, billing):
    by = StaffFactory()
    first = routing_services.save_routing_rule(by=by, name="First", team=billing, keywords="a")
    second = routing_services.save_routing_rule(by=by, name="Second", team=billing, keywords="b")
    response = staff_client.post(reverse("feedback_routing_edit", args=[first.pk]),
                                 rule_data(billing, name="First, renamed", active=""))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.name == "First, renamed" and not first.active and first.tags.count() == 1
    staff_client.post(reverse("feedback_routing_move", args=[second.pk]), {"direction": "up"})
    assert list(RoutingRule.objects.values_list("pk", flat=True)) == [second.pk, first.pk]
    response = staff_client.post(reverse("feedback_routing_move", args=[second.pk]), {"direction": "sideways"})
    assert response.status_code == 302  # refused with a message, nothing moved
    staff_client.post(reverse("feedback_routing_delete", args=[first.pk]))
    assert list(RoutingRule.objects.values_list("pk", flat=True)) == [second.pk]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "Invoice\x00 questions", "Null characters"),
    ("name", "\u200b\u200b", "Give the rule a name"),
    ("name", "x" * 200, "under 80 characters"),
    ("keywords", "faktura\x00", "Null characters"),
    ("team", "99999999999999999999999", "valid choice"),
    ("team", "²", "valid choice"),
    ("tags", ["99999999999999999999999"], "valid choice"),
    ("tags", ["-1"], "valid choice"),
    ("programme", "987654", "valid choice"),
    ("programme", "9223372036854775808", "valid choice"),
    ("touchpoint", "123456", "valid choice"),
    ("source", "satellite", "valid choice"),
    ("language", "xx", "valid choice"),
    ("kind", "\x07", "valid choice"),
], ids=lambda v: repr(v)[:20])
def test_bad_input_on_the_rule_form_is_a_form_error_never_a_500(staff_client, billing, field, value, message):
    response = staff_client.post(reverse("feedback_routing_new"), rule_data(billing, **{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RoutingRule.objects.exists()


def test_control_characters_in_keywords_are_dropped_not_stored(staff_client, billing):
    staff_client.post(reverse("feedback_routing_new"), rule_data(billing, tags=[], keywords="fak\x07tura\n\x1bruter"))
    assert RoutingRule.objects.get().keywords == "faktura\nruter"


def test_huge_rule_ids_in_urls_are_404(staff_client):
    assert staff_client.get("/staff/routing/99999999999999999999/").status_code == 404
    assert staff_client.get("/staff/routing/123456/").status_code == 404


def test_reapplying_from_the_page_says_how_many_moved(staff_client, billing):
    touchpoint = TouchpointFactory()
    services.submit_answer(touchpoint=touchpoint, score=2, comment="Fakturaen er feil", language="nb")
    routing_services.save_routing_rule(by=StaffFactory(), name="Invoices", team=billing,
                                       tags=[Tag.objects.get(slug="invoice")])
    response = staff_client.post(reverse("feedback_routing_reapply"), follow=True)
    assert "Rules re-applied to 1 open item: 1 moved to another team." in response.content.decode()
    assert FeedbackItem.objects.get().team_id == billing.pk


def test_many_open_items_are_reapplied_by_a_task_that_tells_the_person(staff_client, billing, monkeypatch):
    monkeypatch.setattr(routing_services, "INLINE_LIMIT", 1)
    touchpoint = TouchpointFactory()
    for _n in range(2):
        services.submit_answer(touchpoint=touchpoint, score=2, comment="Fakturaen er feil", language="nb")
    routing_services.save_routing_rule(by=StaffFactory(), name="Invoices", team=billing,
                                       tags=[Tag.objects.get(slug="invoice")])
    response = staff_client.post(reverse("feedback_routing_reapply"), follow=True)
    assert "in the background" in response.content.decode()
    assert set(FeedbackItem.objects.values_list("team_id", flat=True)) == {billing.pk}
    user = response.wsgi_request.user
    assert user.notifications.get(kind="routing_reapplied").title == (
        "Routing rules re-applied: 2 items moved to another team.")
    assert RoutingDecision.objects.filter(reason="rule").count() == 2


@pytest.mark.parametrize("size", [3, 30])
def test_the_routing_page_costs_the_same_for_few_and_many_rules(staff_client, billing, size,
                                                                  django_assert_max_num_queries):
    by = StaffFactory()
    invoice = Tag.objects.get(slug="invoice")
    touchpoint = TouchpointFactory()
    for n in range(size):
        routing_services.save_routing_rule(by=by, name=f"Rule {n}", team=billing, tags=[invoice],
                                           touchpoint=touchpoint if n % 2 else None, keywords="faktura")
    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("feedback_routing"))
    assert response.content.decode().count('class="card rule-card') == size


def test_the_reroute_include_renders_for_the_owning_team_only(rf, billing):
    from django.template import Context, Template

    touchpoint = TouchpointFactory(owner_team=billing)
    answer = services.submit_answer(touchpoint=touchpoint, score=2, comment="Hei")
    item = FeedbackItem.objects.get(answer=answer)
    template = Template("{% load feedback_routing %}{% reroute_form item %}")
    owner = template.render(Context({"item": item, "user": StaffFactory(staff=[billing])}))
    other = template.render(Context({"item": item, "user": StaffFactory(staff=[TeamFactory()])}))
    assert reverse("feedback_item_reroute", args=[item.pk]) in owner and 'name="version"' in owner
    assert "form" not in other
