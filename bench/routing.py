"""Routing one item with 10, 100 and 1,000 routing rules, and the staff tools around it.

    .venv/bin/python bench/routing.py                      # SQLite bench database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench .venv/bin/python bench/routing.py

For each rule count, makes that many active rules (each with a tag and two keywords that the
bench's text does not contain, so every rule is tried: the worst case), then times:

- routing.decide over the compiled rules (the pure engine, in memory);
- services.route_item inside a transaction that is rolled back (the decision and the due moments
  written: what a new item costs for routing);
- services.submit_answer with a Danish comment (the whole write: answer, item, tags, routing);

then with 1,000 rules: try_rule over the 200 newest open items, re-applying the rules to
--items open items, and the routing rules page. Deletes what it made.
"""

import argparse

import benchenv

TEXT = "Fakturaen kom alt for sent denne måned, og prisen steg igen uden forklaring."


def make_rules(count: int, team, tags):
    from feedback import routing
    from feedback.models import RoutingRule

    RoutingRule.objects.filter(name__startswith="bench-rule").delete()
    rules = RoutingRule.objects.bulk_create([
        RoutingRule(name=f"bench-rule {n}", team=team, position=n, keywords=f"zebra{n}\nquokka{n}")
        for n in range(count)
    ])
    RoutingRule.tags.through.objects.bulk_create([
        RoutingRule.tags.through(routingrule_id=rule.pk, tag_id=tags[n % len(tags)].pk) for n, rule in enumerate(rules)
    ])
    routing.rules_changed()
    return routing.active_rules()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--items", type=int, default=2_000, help="open items for re-applying")
    args = parser.parse_args()
    benchenv.setup()

    from django.db import reset_queries, transaction
    from django.test import Client

    from community.models import Member, Team
    from feedback import routing, routing_services, services
    from feedback.models import FeedbackItem, RoutingRule, Tag, Touchpoint, TouchpointAnswer

    team, _ = Team.objects.get_or_create(slug="bench-routing", defaults={"name": "Bench routing"})
    Team.objects.get_or_create(slug="bench-triage", defaults={"name": "Bench triage", "is_triage": True})
    admin = Member.objects.filter(username="bench-routing-admin").first() or Member.objects.create_superuser(
        username="bench-routing-admin", email="bench-routing-admin@example.com", password="x")
    touchpoint, _ = Touchpoint.objects.get_or_create(slug="bench-routing", defaults={"name": "Bench routing"})
    # Tags no item of the bench has: the rules' tags never match, so each rule is tried in full.
    tags = list(Tag.objects.exclude(slug__in=["invoice", "billing", "pricing"]))
    before = set(TouchpointAnswer.objects.filter(touchpoint=touchpoint).values_list("pk", flat=True))
    answer = services.submit_answer(touchpoint=touchpoint, score=3, comment=TEXT, language="da")
    item = FeedbackItem.objects.get(answer=answer)
    tag_ids = list(item.item_tags.values_list("tag_id", flat=True))
    facts = routing.Facts(source=item.source, programme_id=None, touchpoint_id=touchpoint.pk, kind="",
                          language="da", text=TEXT, tag_ids=frozenset(tag_ids), owner_team_id=None)

    class Rollback(Exception):
        pass

    def route_once():
        try:
            with transaction.atomic():
                services.route_item(item, tag_ids=tag_ids)
                raise Rollback
        except Rollback:
            pass

    print(benchenv.describe())
    for count in (10, 100, 1_000):
        compiled = make_rules(count, team, tags)
        benchenv.print_header(f"{count:,} routing rules, none matching (every rule tried)")
        benchenv.print_row("routing.decide (in memory)", benchenv.measure(
            lambda compiled=compiled: routing.decide(facts, compiled), iterations=args.iterations))
        benchenv.print_row("services.route_item (rolled back)", benchenv.measure(route_once, iterations=args.iterations))
        benchenv.print_row("services.submit_answer + comment", benchenv.measure(
            lambda: services.submit_answer(touchpoint=touchpoint, score=3, comment=TEXT, language="da"),
            iterations=args.iterations))

    open_now = FeedbackItem.objects.filter(touchpoint=touchpoint).count()
    if open_now < args.items:
        for _n in range(args.items - open_now):
            services.submit_answer(touchpoint=touchpoint, score=5, comment=TEXT, language="da")
    invoice = Tag.objects.get(slug="invoice")
    reset_queries()  # seeding filled DEBUG's query log (9,000 at most), which would count as 0 below
    benchenv.print_header(f"Staff tools with 1,000 rules and {FeedbackItem.objects.count():,} items")
    benchenv.print_row("try_rule (200 newest open items)", benchenv.measure(
        lambda: routing_services.try_rule(by=admin, name="Try", team=team, tags=[invoice]), iterations=20, warmup=2))
    reset_queries()
    benchenv.print_row("reapply_rules (nothing moves)", benchenv.measure(
        lambda: routing_services.reapply_rules(by=admin), iterations=3, warmup=1),
        note=f"{routing_services.open_item_count():,} open items")
    client = Client()
    client.force_login(admin)
    reset_queries()
    benchenv.print_row("GET /staff/routing/ (1,000 rules)", benchenv.measure(
        lambda: client.get("/staff/routing/"), iterations=10, warmup=2))

    RoutingRule.objects.filter(name__startswith="bench-rule").delete()
    routing.rules_changed()
    made = TouchpointAnswer.objects.filter(touchpoint=touchpoint).exclude(pk__in=before)
    FeedbackItem.objects.filter(answer__in=made).delete()
    made.delete()


if __name__ == "__main__":
    main()
