"""Routing: the engine (order, criteria, word forms, empty rules), decisions kept with their
reasons, the fallbacks, re-routing by hand, trying and re-applying rules, and its cost."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Team
from community.rules import NotAllowed
from feedback import routing, routing_services, services
from feedback.models import FeedbackItem, RoutingDecision, RoutingRule, Source, Tag
from tests.factories import (
    MemberFactory,
    StaffFactory,
    TeamFactory,
    TouchpointFactory,
    make_member_of,
    make_programme,
    make_thread,
    triage_team,
)

pytestmark = pytest.mark.django_db


def tag(slug):
    return Tag.objects.get(slug=slug)


def facts(**given):
    values = {"source": Source.TOUCHPOINT, "programme_id": None, "touchpoint_id": None, "kind": "", "language": "en",
              "text": "", "tag_ids": frozenset(), "owner_team_id": None}
    values.update(given)
    return routing.Facts(**values)


def compiled(name="Rule", team_id=1, tags=None, **fields):
    rule = RoutingRule(name=name, team_id=team_id, **fields)
    return routing.compile_rule(rule, tags or {})


def answer(touchpoint=None, *, comment="", score=3, language="en"):
    touchpoint = touchpoint or TouchpointFactory()
    result = services.submit_answer(touchpoint=touchpoint, score=score, comment=comment, language=language)
    return FeedbackItem.objects.get(answer=result)


@pytest.fixture(autouse=True)
def _triage(db):
    return triage_team()


@pytest.fixture
def billing():
    return TeamFactory(name="Billing", slug="billing")


@pytest.fixture
def network():
    return TeamFactory(name="Network", slug="network")


def make_rule(team, *, name="Invoice questions", tags=(), **fields):
    return routing_services.save_routing_rule(by=StaffFactory(is_superuser=True), name=name, team=team,
                                              tags=list(tags), **fields)


# --- The engine ----------------------------------------------------------------------------------


def test_the_first_matching_rule_wins():
    first, second = compiled("First", 1, keywords="invoice"), compiled("Second", 2, keywords="invoice")
    route = routing.decide(facts(text="My invoice is wrong"), [first, second])
    assert (route.team_id, route.rule_name, route.matched) == (1, "First", {"keyword": "invoice"})
    route = routing.decide(facts(text="My invoice is wrong"), [second, first])
    assert route.team_id == 2


@pytest.mark.parametrize(("criterion", "matching", "other"), [
    ({"source": "beta"}, {"source": "beta"}, {"source": "touchpoint"}),
    ({"programme_id": 7}, {"programme_id": 7}, {"programme_id": 8}),
    ({"touchpoint_id": 3}, {"touchpoint_id": 3}, {"touchpoint_id": None}),
    ({"kind": "bug"}, {"kind": "bug"}, {"kind": "idea"}),
    ({"language": "sv"}, {"language": "sv"}, {"language": "da"}),
    ({"keywords": "router"}, {"text": "The router blinks red"}, {"text": "The app blinks red"}),
], ids=["source", "programme", "touchpoint", "kind", "language", "keywords"])
def test_each_criterion_matches_only_its_value(criterion, matching, other):
    rule = compiled(**criterion)
    assert routing.match(rule, facts(**matching)) is not None
    assert routing.match(rule, facts(**other)) is None


def test_tags_match_any_of_them_and_every_filled_criterion_must_match():
    rule = compiled(tags={1: "invoice", 2: "billing"}, language="nb")
    assert routing.match(rule, facts(tag_ids=frozenset({2}), language="nb")) == {"tag": "billing", "language": "nb"}
    assert routing.match(rule, facts(tag_ids=frozenset({1, 2}), language="nb"))["tag"] == "invoice"
    assert routing.match(rule, facts(tag_ids=frozenset({2}), language="en")) is None  # language fails
    assert routing.match(rule, facts(tag_ids=frozenset({3}), language="nb")) is None  # no tag of its own


@pytest.mark.parametrize(("language", "text"), [
    ("nb", "Fakturaen min er feil"),
    ("da", "Fakturaen kom for sent"),
    ("sv", "Fakturan är fel"),
    ("nl", "Mijn facturen kloppen niet"),
    ("en", "Both invoices are wrong"),
])
def test_keywords_match_their_word_forms_in_each_language(language, text):
    rule = compiled(keywords="faktura\nfactuur\ninvoice")
    assert routing.match(rule, facts(text=text, language=language)) is not None
    assert routing.match(rule, facts(text="Nothing to do with it", language=language)) is None


def test_an_empty_rule_never_matches_and_is_refused():
    empty = compiled(keywords="!!!\n  \n")  # keywords without a word are no criterion
    assert empty.is_empty
    assert routing.match(empty, facts(text="!!!")) is None
    with pytest.raises(ValidationError) as refused:
        routing.check_rule(empty)
    assert refused.value.code == "match"


def test_the_service_refuses_an_empty_rule_and_writes_nothing(billing):
    with pytest.raises(ValidationError):
        make_rule(billing, keywords="   ")
    assert not RoutingRule.objects.exists()


# --- Decisions and fallbacks -----------------------------------------------------------------------


def test_a_matching_rule_routes_the_item_and_the_decision_says_why(billing):
    rule = make_rule(billing, tags=[tag("invoice")])
    item = answer(comment="Fakturaen er feil", language="nb")
    assert item.team_id == billing.pk and item.response_due_at and item.resolution_due_at
    decision = RoutingDecision.objects.get(item=item)
    assert (decision.reason, decision.rule_id, decision.team_name) == ("rule", rule.pk, "Billing")
    assert routing.explain(decision) == "Rule “Invoice questions” matched tag Invoice."


def test_nothing_matching_goes_to_the_sources_owner_then_to_triage(network):
    owned = answer(TouchpointFactory(owner_team=network), comment="Hello")
    assert owned.team_id == network.pk
    assert RoutingDecision.objects.get(item=owned).reason == "owner"
    unowned = answer(comment="Hello")
    assert unowned.team_id == triage_team().pk
    decision = RoutingDecision.objects.get(item=unowned)
    assert decision.reason == "triage" and "triage" in routing.explain(decision)


def test_a_paused_rule_routes_nothing(billing):
    make_rule(billing, tags=[tag("invoice")], active=False)
    assert answer(comment="Fakturaen er feil", language="nb").team_id == triage_team().pk


# --- Re-routing by hand ------------------------------------------------------------------------------


def test_staff_of_the_owning_team_reroute_with_a_reason(billing, network):
    agent = StaffFactory(staff=[billing])
    item = answer(TouchpointFactory(owner_team=billing), comment="Mobilnettet er tregt", language="nb")
    decision = services.reroute_item(item=item, team=network, by=agent, note="Coverage, not billing")
    item.refresh_from_db()
    assert item.team_id == network.pk and item.version == 2
    assert (decision.reason, decision.by, decision.note) == ("manual", agent, "Coverage, not billing")
    assert "Coverage, not billing" in routing.explain(decision)


def test_a_stale_version_is_refused_and_nothing_is_lost(billing, network):
    agent = StaffFactory(staff=[billing])
    item = answer(TouchpointFactory(owner_team=billing), comment="Hei")
    seen = item.version
    services.set_tags(item=item, tags=[tag("coverage")], by=agent)  # someone else changed it meanwhile
    with pytest.raises(NotAllowed, match="changed while"):
        services.reroute_item(item=item, team=network, by=agent, expected_version=seen)
    item.refresh_from_db()
    assert item.team_id == billing.pk
    assert RoutingDecision.objects.filter(item=item).count() == 1


@pytest.fixture
def routed(billing, network):
    """A Billing item watched by the TV team, and who is who."""
    tv = TeamFactory(name="TV", slug="tv")
    author = MemberFactory()
    from feedback.models import CustomerNumber

    touchpoint = TouchpointFactory(owner_team=billing)
    CustomerNumber.objects.create(member=author, number="4711")
    result = services.submit_answer(touchpoint=touchpoint, score=2, comment="Feil", reference="4711",
                                    signature=services.sign_reference(touchpoint, "4711"))
    item = FeedbackItem.objects.get(answer=result)
    item.watchers.add(tv)
    return {"item": item, "billing": billing, "network": network, "tv": tv, "author": author}


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", 404), ("customer", 404), ("author", 403), ("other_team", 404), ("watcher", 403),
    ("owning_team", 302), ("site_admin", 302),
], ids=lambda v: str(v))
def test_who_may_reroute_an_item_by_its_url(client, routed, who, expected):
    people = {
        "customer": MemberFactory, "author": lambda: routed["author"],
        "other_team": lambda: StaffFactory(staff=[routed["network"]]),
        "watcher": lambda: StaffFactory(staff=[routed["tv"]]),
        "owning_team": lambda: StaffFactory(staff=[routed["billing"]]),
        "site_admin": lambda: StaffFactory(is_superuser=True),
    }
    if who != "anonymous":
        client.force_login(people[who]())
    item = routed["item"]
    response = client.post(reverse("feedback_item_reroute", args=[item.pk]),
                           {"team": routed["network"].pk, "note": "Not ours", "version": item.version})
    assert response.status_code == expected
    item.refresh_from_db()
    assert item.team_id == (routed["network"].pk if who in {"owning_team", "site_admin"} else routed["billing"].pk)


def test_the_reroute_form_keeps_what_was_typed_on_a_conflict_or_bad_text(client, routed):
    item = routed["item"]
    client.force_login(StaffFactory(staff=[routed["billing"]]))
    url = reverse("feedback_item_reroute", args=[item.pk])
    response = client.post(url, {"team": routed["network"].pk, "note": "Wrong team\x00 really", "version": item.version})
    assert response.status_code == 400 and "Null characters" in response.content.decode()
    response = client.post(url, {"team": routed["network"].pk, "note": "Coverage issue", "version": item.version + 5})
    page = response.content.decode()
    assert response.status_code == 400 and "changed while" in page and "Coverage issue" in page
    item.refresh_from_db()
    assert item.team_id == routed["billing"].pk


@pytest.mark.parametrize("team", ["99999999999999999999999", "²", "-1", "1\x00", "0"])
def test_bad_team_ids_on_the_reroute_form_are_form_errors(client, routed, team):
    client.force_login(StaffFactory(staff=[routed["billing"]]))
    response = client.post(reverse("feedback_item_reroute", args=[routed["item"].pk]), {"team": team})
    assert response.status_code == 400


# --- Trying a rule -----------------------------------------------------------------------------------


def _counts():
    return (RoutingRule.objects.count(), RoutingDecision.objects.count(), FeedbackItem.objects.count(),
            FeedbackItem.objects.filter(team__isnull=True).count())


def test_trying_a_rule_shows_what_it_would_match_and_writes_nothing(billing):
    admin = StaffFactory(is_superuser=True)
    hit = answer(comment="Fakturaen er feil", language="nb")
    answer(comment="Mobilnettet er tregt", language="nb")
    before = _counts()
    result = routing_services.try_rule(by=admin, name="Invoice questions", team=billing, tags=[tag("invoice")])
    assert [m.item.pk for m in result.matches] == [hit.pk]
    assert result.checked == 2
    assert result.matches[0].because == "Rule “Invoice questions” matched tag Invoice."
    assert _counts() == before


@pytest.mark.parametrize("size", [3, 30])
def test_trying_a_rule_costs_the_same_for_few_and_many_items(billing, size, django_assert_max_num_queries):
    admin = StaffFactory(is_superuser=True)
    invoice = tag("invoice")
    for n in range(size):
        answer(comment=f"Fakturaen nummer {n}", language="nb")
    with django_assert_max_num_queries(4):
        result = routing_services.try_rule(by=admin, name="Invoices", team=billing, tags=[invoice])
    assert len(result.matches) == size


# --- Re-applying the rules -----------------------------------------------------------------------------


def test_reapplying_moves_only_what_changes_and_keeps_manual_choices(billing, network):
    admin = StaffFactory(is_superuser=True)
    invoice_item = answer(comment="Fakturaen er feil", language="nb")
    other = answer(comment="Hei", language="nb")
    manual = answer(comment="Fakturaen igjen", language="nb")
    services.reroute_item(item=manual, team=network, by=admin, note="Network knows")
    make_rule(billing, tags=[tag("invoice")])
    before = RoutingDecision.objects.count()

    done = routing_services.reapply_rules(by=admin)
    assert (done.checked, done.moved, done.kept_manual) == (3, 1, 1)
    assert RoutingDecision.objects.count() == before + 1
    invoice_item.refresh_from_db(), other.refresh_from_db(), manual.refresh_from_db()
    assert (invoice_item.team_id, other.team_id, manual.team_id) == (billing.pk, triage_team().pk, network.pk)
    assert invoice_item.version == 2 and invoice_item.response_due_at

    assert routing_services.reapply_rules(by=admin).moved == 0  # nothing changes twice
    done = routing_services.reapply_rules(by=admin, override_manual=True)
    manual.refresh_from_db()
    assert done.moved == 1 and manual.team_id == billing.pk


def test_reapplying_leaves_closed_items_alone(billing):
    admin = StaffFactory(is_superuser=True)
    item = answer(comment="Fakturaen er feil", language="nb")
    services.change_item_status(item=item, to="resolved", by=admin, response="Fixed, thank you.")
    make_rule(billing, tags=[tag("invoice")])
    assert routing_services.reapply_rules(by=admin).checked == 0


@pytest.mark.parametrize("size", [4, 40])
def test_reapplying_costs_a_fixed_number_of_queries_per_batch(billing, size, django_assert_max_num_queries):
    admin = StaffFactory(is_superuser=True)
    for n in range(size):
        answer(comment=f"Fakturaen nummer {n}", language="nb")
    make_rule(billing, tags=[tag("invoice")])
    with django_assert_max_num_queries(14):
        assert routing_services.reapply_rules(by=admin).moved == size


def test_customers_may_not_manage_rules():
    with pytest.raises(NotAllowed):
        routing_services.reapply_rules(by=MemberFactory())
    with pytest.raises(NotAllowed):
        routing_services.try_rule(by=MemberFactory(), name="x", team=TeamFactory(), keywords="x")


# --- Order ---------------------------------------------------------------------------------------------


def test_rules_move_up_and_down_and_routing_follows(billing, network):
    first = make_rule(billing, name="Invoices", keywords="faktura")
    second = make_rule(network, name="Network", keywords="faktura")
    admin = StaffFactory(is_superuser=True)
    assert answer(comment="Fakturaen", language="nb").team_id == billing.pk
    assert routing_services.move_routing_rule(rule=second, by=admin, direction="up")
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Network", "Invoices"]
    assert answer(comment="Fakturaen", language="nb").team_id == network.pk
    assert not routing_services.move_routing_rule(rule=second, by=admin, direction="up")  # already first
    routing_services.delete_routing_rule(rule=first, by=admin)
    assert RoutingDecision.objects.filter(rule_name="Invoices", rule__isnull=True).count() == 1


# --- One pass ----------------------------------------------------------------------------------------


def test_routing_an_answer_costs_the_same_with_10_or_100_rules():
    team = TeamFactory()
    touchpoint = TouchpointFactory()

    def queries_with(rules):
        RoutingRule.objects.bulk_create([
            RoutingRule(name=f"Rule {n}", team=team, position=n, keywords=f"word{n}x")
            for n in range(RoutingRule.objects.count(), rules)
        ])
        routing.rules_changed()
        answer(touchpoint, comment="warm up")  # compiles the rules once for this process
        with CaptureQueriesContext(connection) as queries:
            services.submit_answer(touchpoint=touchpoint, score=5, comment="Nothing matches here", language="en")
        return len(queries)

    assert queries_with(10) == queries_with(100)


def test_kind_and_programme_rules_route_beta_threads(network):
    programme = make_programme()
    author = make_member_of(programme)
    make_rule(network, name="Bugs in this beta", kind="bug", programme=programme)
    bug = make_thread(programme, author, kind="bug", title="It crashes often", body="Every time", device="Pixel")
    idea = make_thread(programme, author, kind="idea", title="A better guide please")
    assert FeedbackItem.objects.get(thread_id=bug.pk).team_id == network.pk
    assert FeedbackItem.objects.get(thread_id=idea.pk).team_id == triage_team().pk
    assert Team.objects.filter(pk=network.pk).exists()


def test_a_tampered_version_on_the_reroute_form_is_no_500(client, routed):
    client.force_login(StaffFactory(staff=[routed["billing"]]))
    response = client.post(reverse("feedback_item_reroute", args=[routed["item"].pk]),
                           {"team": routed["network"].pk, "version": "99999999999999999999999²"})
    assert response.status_code == 302


def test_each_routing_decision_reaches_the_teams_webhooks(billing):
    from community.models import WebhookDelivery, WebhookEndpoint

    # Deliveries are written with the decision and sent after commit (never, in this test).
    WebhookEndpoint.objects.create(team=billing, url="https://hooks.example.com/in", events=["feedback.routed"],
                                   secret="s" * 32)
    make_rule(billing, tags=[tag("invoice")])
    item = answer(comment="Fakturaen er feil", language="nb")
    sent = list(WebhookDelivery.objects.filter(event="feedback.routed"))
    assert len(sent) == 1
    payload = sent[0].payload
    assert payload["team"]["id"] == billing.pk and payload["data"]["routing"]["rule_name"] == "Invoice questions"
    assert str(item.pk) in str(payload["data"])
    assert "Fakturaen" not in str(payload)  # no customer text leaves
