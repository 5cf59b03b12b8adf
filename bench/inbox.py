"""The team inbox with 50,000 items: page time and queries through the whole stack.

    .venv/bin/python bench/inbox.py                       # SQLite bench database
    .venv/bin/python bench/inbox.py --items 5000          # a second, smaller team to compare
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench .venv/bin/python bench/inbox.py

Seeds (once) a team "Bench inbox N" owning N touchpoint items (bulk-created, a tenth resolved,
some assigned, some tagged, due dates spread so a share are overdue), then times the inbox page
for one of its agents: the default view (open, newest), page 100, each sort, the filters
(overdue, unassigned, a tag, a language, older than a week), the rows fragment the live script
fetches, and the item view.
"""

import argparse
import random

import benchenv

BATCH = 5_000


def seed(n: int):
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from community.models import Member, Team
    from community.services import grant_staff
    from feedback.models import FeedbackItem, ItemTag, Tag, Touchpoint, TouchpointAnswer

    team, created = Team.objects.get_or_create(slug=f"bench-inbox-{n}", defaults={"name": f"Bench inbox {n}"})
    agent = Member.objects.filter(username=f"bench-agent-{n}").first()
    if agent is None:
        agent = Member.objects.create_user(username=f"bench-agent-{n}", email=f"bench-agent-{n}@example.com",
                                           password="x", display_name="Agent")
        grant_staff(agent, teams=[team])
    if not created and FeedbackItem.objects.filter(team=team).count() >= n:
        return team, agent
    touchpoint, _ = Touchpoint.objects.get_or_create(slug="bench-inbox", defaults={"name": "Bench invoice"})
    customer = Member.objects.filter(username="bench-feedback").first() or Member.objects.create_user(
        username="bench-feedback", email="bench-feedback@example.com", password="x")
    tags = list(Tag.objects.all()[:6])
    rng = random.Random(n)
    now = timezone.now()
    print(f"Seeding {n:,} items…", flush=True)
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        with transaction.atomic():
            answers = TouchpointAnswer.objects.bulk_create([
                TouchpointAnswer(touchpoint=touchpoint, score=rng.randint(0, 10), comment=f"Faktura {start + i}",
                                 language=rng.choice(["nb", "da", "sv", "nl", "en"]), member=customer)
                for i in range(size)
            ])
            items = []
            for answer in answers:
                made = now - timedelta(minutes=rng.randint(0, 60 * 24 * 120))
                closed = rng.random() < 0.1
                items.append(FeedbackItem(
                    source="touchpoint", answer=answer, touchpoint=touchpoint, author=customer, team=team,
                    title=f"Bench invoice: {answer.score}/10", text=answer.comment, language=answer.language,
                    status=rng.choice(["resolved", "wont_do"]) if closed else rng.choice(["new", "acknowledged",
                                                                                          "in_progress"]),
                    assignee=agent if rng.random() < 0.3 else None, created_at=made, updated_at=made,
                    response_due_at=made + timedelta(days=1), resolution_due_at=made + timedelta(days=5),
                    read_at=made if rng.random() < 0.5 else None,
                ))
            items = FeedbackItem.objects.bulk_create(items)
            ItemTag.objects.bulk_create([ItemTag(item=item, tag=rng.choice(tags)) for item in items
                                         if rng.random() < 0.6], ignore_conflicts=True)
    from django.db import connection

    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give a real table
        cursor.execute("ANALYZE")
    return team, agent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    benchenv.setup()

    from django.test import Client
    from django.urls import reverse

    from feedback.models import FeedbackItem, Tag

    team, agent = seed(args.items)
    client = Client()
    client.force_login(agent)
    url = reverse("feedback_inbox", args=[team.slug])
    tag = Tag.objects.order_by("slug").first()
    print(benchenv.describe())
    benchenv.print_header(f"Team inbox with {FeedbackItem.objects.filter(team=team).count():,} items (agent)")
    cases = [
        ("inbox: open, newest", {}),
        ("inbox: page 100", {"page": 100}),
        ("inbox: oldest", {"sort": "oldest"}),
        ("inbox: due soonest", {"sort": "due"}),
        ("inbox: recently updated", {"sort": "updated"}),
        ("inbox: overdue", {"overdue": "1", "sort": "due"}),
        ("inbox: unassigned", {"assignee": "none"}),
        ("inbox: mine", {"assignee": "me"}),
        (f"inbox: tag {tag.slug}", {"tag": tag.slug}),
        ("inbox: Danish, older than a week", {"language": "da", "age": "1w"}),
        ("inbox: any status", {"status": "all"}),
    ]
    for name, params in cases:
        result = benchenv.measure(lambda p=params: client.get(url, p), iterations=args.iterations, warmup=3)
        assert result["outcome"].status_code == 200, result["outcome"].status_code
        benchenv.print_row(name, result)
    rows = reverse("feedback_inbox_rows", args=[team.slug])
    benchenv.print_row("rows fragment (live refresh)", benchenv.measure(
        lambda: client.get(rows), iterations=args.iterations, warmup=3))
    item = FeedbackItem.objects.filter(team=team).order_by("-pk").first()
    benchenv.print_row("item view", benchenv.measure(
        lambda: client.get(reverse("feedback_inbox_item", args=[item.pk])), iterations=args.iterations, warmup=3))


if __name__ == "__main__":
    main()
