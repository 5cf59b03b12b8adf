"""The team dashboard and the customer panel over 50,000 feedback items: server time and queries.

    .venv/bin/python bench/dashboard.py                    # SQLite bench database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_insight_bench .venv/bin/python bench/dashboard.py

Seeds (once) --items touchpoint answers (default 50,000) from 5,000 customers over the last 12
weeks at four touchpoints, each with its feedback item owned by one of four teams: 80% answered
after 1–72 hours (half of them within their due time), half resolved, two tags each. Then times
the dashboard for one team and for all teams (a site admin) through the whole Django stack, the
figures one by one at the domain layer, and the customer panel of the busiest customer.
"""

import argparse
import random

import benchenv


def seed(n: int):
    from datetime import timedelta

    from django.utils import timezone

    from community.models import Member, Team
    from feedback.models import FeedbackItem, ItemTag, Tag, Touchpoint, TouchpointAnswer

    teams = [Team.objects.get_or_create(slug=f"bench-{name.lower()}", defaults={"name": f"Bench {name}"})[0]
             for name in ("Billing", "Network", "TV", "App")]
    touchpoints = [Touchpoint.objects.get_or_create(slug=f"bench-dash-{t.slug}", defaults={
        "name": f"{t.name} touchpoint", "owner_team": t})[0] for t in teams]
    if FeedbackItem.objects.filter(touchpoint__in=touchpoints).count() >= n:
        return teams
    rng = random.Random(11)
    customers = list(Member.objects.filter(username__startswith="bench-dash-").order_by("pk"))
    if len(customers) < 5000:
        customers += Member.objects.bulk_create([
            Member(username=f"bench-dash-{i}", email=f"bench-dash-{i}@example.com", display_name=f"Customer {i}")
            for i in range(len(customers), 5000)], batch_size=2000)
    now = timezone.now()
    answers, items = [], []
    for i in range(n):
        k = i % 4
        created = now - timedelta(minutes=rng.randint(0, 12 * 7 * 24 * 60))
        score = rng.choice([0, 2, 3, 5, 6, 7, 8, 8, 9, 9, 10, 10])
        answers.append(TouchpointAnswer(touchpoint=touchpoints[k], score=score, member=rng.choice(customers),
                                        comment="Fakturaen er feil", created_at=created))
    answers = TouchpointAnswer.objects.bulk_create(answers, batch_size=2000)
    for i, answer in enumerate(answers):
        k = i % 4
        created = answer.created_at
        first = created + timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.8 else None
        resolved = first + timedelta(hours=rng.uniform(1, 200)) if first and rng.random() < 0.5 else None
        items.append(FeedbackItem(
            source="touchpoint", answer=answer, touchpoint=answer.touchpoint, author_id=answer.member_id,
            title=f"{answer.touchpoint.name}: {answer.score}/10", text=answer.comment, team=teams[k],
            status="resolved" if resolved else "acknowledged" if first else "new", created_at=created,
            first_response_at=first, resolved_at=resolved, response_due_at=created + timedelta(hours=24),
            resolution_due_at=created + timedelta(hours=120),
        ))
    items = FeedbackItem.objects.bulk_create(items, batch_size=2000)
    tags = list(Tag.objects.all()[:6]) or [Tag.objects.create(slug="bench-invoice", name_en="Invoice")]
    ItemTag.objects.bulk_create([ItemTag(item=item, tag=tag) for j, item in enumerate(items)
                                 for tag in {tags[j % len(tags)], tags[(j + 1) % len(tags)]}], batch_size=4000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return teams


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--iterations", type=int, default=20)
    args = parser.parse_args()
    benchenv.setup()

    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from community.models import Member
    from community.services import grant_staff
    from feedback import dashboard
    from feedback.models import FeedbackItem

    teams = seed(args.items)
    billing = frozenset([teams[0].pk])
    agent = Member.objects.filter(username="bench-dash-agent").first() or Member.objects.create_user(
        username="bench-dash-agent", email="bench-dash-agent@example.com", password="x")
    grant_staff(agent, teams=[teams[0]])
    admin = Member.objects.filter(username="bench-dash-admin").first() or Member.objects.create_superuser(
        username="bench-dash-admin", email="bench-dash-admin@example.com", password="x")
    busiest = (FeedbackItem.objects.filter(author__username__startswith="bench-dash-").values("author_id")
               .annotate(n=Count("pk")).order_by("-n").first())

    print(benchenv.describe())
    print(f"{FeedbackItem.objects.count():,} feedback items; busiest customer has {busiest['n']} answers")
    print(f"{'':<40} {'median ms':>9} {'p95 ms':>9} {'cpu ms':>9} {'queries':>8}")
    client = Client()
    client.force_login(agent)
    url = reverse("staff_dashboard")
    benchenv.print_row("dashboard, one team (HTTP)", benchenv.measure(lambda: client.get(url), iterations=args.iterations))
    admin_client = Client()
    admin_client.force_login(admin)
    benchenv.print_row("dashboard, all teams (HTTP)",
                       benchenv.measure(lambda: admin_client.get(url), iterations=args.iterations))
    for name, fn in [
        ("open_by_age", dashboard.open_by_age), ("response_times", dashboard.response_times),
        ("resolution_times", dashboard.resolution_times), ("nps_by_month", dashboard.nps_by_month),
        ("detractor_followups", dashboard.detractor_followups), ("top_tags", dashboard.top_tags),
    ]:
        benchenv.print_row(f"  {name}, one team", benchenv.measure(lambda fn=fn: fn(billing), iterations=args.iterations))
    panel = reverse("customer_panel", args=[busiest["author_id"]])
    benchenv.print_row("customer panel, busiest customer (HTTP)",
                       benchenv.measure(lambda: admin_client.get(panel), iterations=args.iterations))


if __name__ == "__main__":
    main()
