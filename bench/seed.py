"""Seed a bench board: N ideas with M votes (skewed like a real board), comments and tags, fast.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/seed.py --ideas 10000 --votes 200000

Rows go in with bulk_create; each idea's vote_count, comment_count and trending are computed
from the rows it gets (trending with ideas.models.trending_score), and `manage.py recount
--check` proves at the end that every count equals its rows.
"""

import argparse
import random
import time
from datetime import timedelta

import benchenv

WORDS = [
    "roaming",
    "invoice",
    "TV guide",
    "5G coverage",
    "eSIM",
    "router",
    "fibre",
    "data rollover",
    "family plan",
    "parental controls",
    "voicemail",
    "Wi-Fi calling",
    "streaming",
    "app login",
    "payment date",
    "number porting",
    "international calls",
    "smartwatch",
    "shop opening hours",
    "set-top box",
    "recordings",
    "channel packages",
    "hotspot",
    "spam calls",
    "data usage alerts",
]
TEMPLATES = [
    "Cheaper {w}",
    "Better {w} in the app",
    "Let me pause {w}",
    "Show {w} on the invoice",
    "Faster {w}",
    "{w} for students",
    "Share {w} with family",
    "Notify me about {w}",
    "Simpler {w} settings",
    "{w} abroad",
]
PLANS = ["mobile", "broadband", "tv", "bundle", "business", ""]
REGIONS = ["Oslo", "Bergen", "Trondheim", "Stavanger", "Tromsø", "Kristiansand", ""]
# (status slug, share of ideas)
STATUS_MIX = [
    ("new", 0.78),
    ("under-review", 0.06),
    ("planned", 0.05),
    ("in-progress", 0.03),
    ("shipped", 0.05),
    ("declined", 0.03),
]
BATCH = 5000


def skewed_counts(total: int, n: int, cap: int, rng: random.Random) -> list[int]:
    """Split total votes over n ideas like a real board: a few ideas get most of them."""
    weights = [rng.paretovariate(1.1) for _ in range(n)]
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w in weights]
    missing = total - sum(counts)
    order = list(range(n))
    while missing > 0:
        rng.shuffle(order)
        for i in order:
            if missing == 0:
                break
            if counts[i] < cap:
                counts[i] += 1
                missing -= 1
    return counts


def ensure_members(count: int, rng: random.Random):
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from community.models import Member

    have = Member.objects.filter(username__startswith="bench-").count()
    today = timezone.localdate()
    new = [
        Member(
            username=f"bench-{i}",
            email=f"bench{i}@bench.example",
            password="!",  # unusable password
            display_name=f"Bench member {i}",
            plan=rng.choice(PLANS),
            region=rng.choice(REGIONS),
            customer_since=today - timedelta(days=rng.randint(0, 6000)) if rng.random() < 0.9 else None,
        )
        for i in range(have, count)
    ]
    Member.objects.bulk_create(new, batch_size=BATCH)
    members = list(
        Member.objects.filter(username__startswith="bench-").order_by("pk").values_list("pk", "email")
    )
    verified = set(
        EmailAddress.objects.filter(user_id__in=[pk for pk, _ in members]).values_list("user_id", flat=True)
    )
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user_id=pk, email=email, verified=True, primary=True)
            for pk, email in members
            if pk not in verified
        ],
        batch_size=BATCH,
    )
    return [pk for pk, _ in members[:count]]


def get_board(slug: str, title: str):
    from wagtail.models import Site

    from ideas.models import IdeaTag
    from ideas.pages import IdeaBoardPage

    board = IdeaBoardPage.objects.filter(slug=slug).first()
    if board is not None:
        return board, False
    root = Site.objects.get(is_default_site=True).root_page
    board = root.add_child(instance=IdeaBoardPage(title=title, slug=slug))
    tags = [
        IdeaTag.objects.get_or_create(slug=s, defaults={"name": n})[0]
        for s, n in [
            ("mobile", "Mobile"),
            ("tv", "TV"),
            ("broadband", "Broadband"),
            ("billing", "Billing"),
            ("app", "App"),
            ("roaming", "Roaming"),
        ]
    ]
    board.offered_tags.set(tags)
    board.save()
    return IdeaBoardPage.objects.get(pk=board.pk), True


def seed(args) -> None:
    from django.db import transaction
    from django.utils import timezone

    from ideas.models import Comment, Idea, Status, StatusChange, Vote, trending_score

    rng = random.Random(args.seed)
    started = time.perf_counter()
    board, created = get_board(args.board or f"bench-{args.ideas}", f"Bench board ({args.ideas:,} ideas)")
    if not created and Idea.objects.filter(board=board).exists():
        print(
            f"Board {board.slug} is already seeded ({Idea.objects.filter(board=board).count():,} ideas); "
            "use --reset to start again."
        )
        return
    members = ensure_members(args.members, rng)
    staff = members[0]
    statuses = {s.slug: s for s in Status.objects.all()}
    tags = list(board.offered_tags.all())
    now = timezone.now()
    cap = len(members)
    votes = skewed_counts(args.votes, args.ideas, cap, rng)
    comments = skewed_counts(args.comments, args.ideas, 10_000, rng)
    # Idea 0 is the idea page the bench opens: many comments with replies, a status history and
    # a duplicate merged into it.
    comments[0] = max(comments[0], 100)
    slugs = [slug for slug, _ in STATUS_MIX]
    shares = [share for _, share in STATUS_MIX]

    with transaction.atomic():
        rows = []
        for i in range(args.ideas):
            created_at = now - timedelta(seconds=rng.randint(60, 730 * 86400))
            slug = "planned" if i == 0 else rng.choices(slugs, shares)[0]
            rows.append(
                Idea(
                    board=board,
                    author_id=rng.choice(members),
                    title=f"{rng.choice(TEMPLATES).format(w=rng.choice(WORDS))} #{i}",
                    body_source="Please make it **better**.",
                    body_html="<p>Please make it <strong>better</strong>.</p>",
                    status=statuses[slug],
                    vote_count=votes[i],
                    comment_count=comments[i],
                    trending=trending_score(votes[i], created_at),
                    created_at=created_at,
                    last_activity_at=created_at
                    + timedelta(seconds=rng.randint(0, int((now - created_at).total_seconds()))),
                )
            )
        ideas = Idea.objects.bulk_create(rows, batch_size=BATCH)
        print(f"{len(ideas):,} ideas", flush=True)

        through = Idea.tags.through
        through.objects.bulk_create(
            [
                through(idea_id=idea.pk, ideatag_id=tag.pk)
                for idea in ideas
                for tag in rng.sample(tags, rng.randint(1, 2))
            ],
            batch_size=BATCH,
        )

        batch, done = [], 0
        for idea, n in zip(ideas, votes, strict=True):
            for member_id in rng.sample(members, n):
                batch.append(Vote(idea_id=idea.pk, member_id=member_id, created_at=idea.created_at))
                if len(batch) >= BATCH:
                    Vote.objects.bulk_create(batch)
                    done += len(batch)
                    batch = []
        Vote.objects.bulk_create(batch)
        print(f"{done + len(batch):,} votes", flush=True)

        # Comments: about a third are replies to a top-level comment of the same idea.
        tops = []
        for idea, n in zip(ideas, comments, strict=True):
            n_top = n - n // 3 if n > 1 else n
            tops += [
                Comment(
                    idea_id=idea.pk,
                    author_id=rng.choice(members),
                    body_source=f"Comment {k}",
                    body_html=f"<p>Comment {k}</p>",
                    created_at=idea.created_at + timedelta(minutes=k),
                )
                for k in range(n_top)
            ]
        tops = Comment.objects.bulk_create(tops, batch_size=BATCH)
        by_idea = {}
        for c in tops:
            by_idea.setdefault(c.idea_id, []).append(c)
        replies = []
        for idea, n in zip(ideas, comments, strict=True):
            n_top = n - n // 3 if n > 1 else n
            for k in range(n - n_top):
                parent = rng.choice(by_idea[idea.pk])
                replies.append(
                    Comment(
                        idea_id=idea.pk,
                        parent=parent,
                        author_id=rng.choice(members),
                        body_source=f"Reply {k}",
                        body_html=f"<p>Reply {k}</p>",
                        created_at=parent.created_at + timedelta(seconds=30),
                    )
                )
        Comment.objects.bulk_create(replies, batch_size=BATCH)
        print(f"{len(tops) + len(replies):,} comments", flush=True)

        target = ideas[0]
        StatusChange.objects.bulk_create(
            [
                StatusChange(
                    idea=target,
                    from_status=statuses["new"],
                    to_status=statuses["under-review"],
                    response_source="Looking at it",
                    response_html="<p>Looking at it</p>",
                    changed_by_id=staff,
                    created_at=now - timedelta(days=3),
                ),
                StatusChange(
                    idea=target,
                    from_status=statuses["under-review"],
                    to_status=statuses["planned"],
                    response_source="Planned for **spring**",
                    response_html="<p>Planned for <strong>spring</strong></p>",
                    changed_by_id=staff,
                    created_at=now - timedelta(days=1),
                ),
            ]
        )
        duplicate = ideas[1]
        Idea.objects.filter(pk=duplicate.pk).update(
            status=statuses["merged"],
            merged_into=target,
            vote_count=0,
            trending=trending_score(0, duplicate.created_at),
        )
        Vote.objects.filter(idea=duplicate).delete()

    print(f"seeded in {time.perf_counter() - started:.1f} s", flush=True)
    if not args.no_index:
        index(board)
    # Fresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) keep
    # them in production: without them SQLite joins the search index in the slowest order.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from django.core.management import call_command

    call_command("recount", "--check")


def index(board) -> None:
    """Fill the search index (bulk_create sends no post_save, so nothing was indexed)."""
    from modelsearch.backends import get_search_backend

    from ideas.models import Idea

    started = time.perf_counter()
    backend = get_search_backend()
    ids = list(Idea.objects.filter(board=board).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        backend.add_bulk(Idea, list(Idea.objects.filter(pk__in=ids[start : start + 2000])))
    print(f"indexed {len(ids):,} ideas for search in {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ideas", type=int, default=10_000)
    parser.add_argument("--votes", type=int, default=200_000)
    parser.add_argument(
        "--members", type=int, default=5_000, help="distinct voters (the most votes one idea can have)"
    )
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--board", default="", help="board slug (default bench-<ideas>)")
    parser.add_argument("--seed", type=int, default=4, help="random seed, for repeatable boards")
    parser.add_argument(
        "--reset", action="store_true", help="drop and recreate the whole bench database first"
    )
    parser.add_argument(
        "--no-index", action="store_true", help="skip the search index (search then finds nothing)"
    )
    args = parser.parse_args()
    benchenv.setup(reset=args.reset)
    print(benchenv.describe(), flush=True)
    seed(args)


if __name__ == "__main__":
    main()
