"""Idea boards against a bare view: each workload's median as a multiple of a view returning
HttpResponse("ok"), on production settings, with the SQL queries of one run.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench REDIS_URL=redis://127.0.0.1:6379/5
    .venv/bin/python bench/board.py --board bench-10000

As production runs: DEBUG off, PostgreSQL connections kept (DATABASE_CONN_MAX_AGE), the Redis
cache. Every request goes through the whole middleware stack with the test Client (sessions,
CSRF, CSP, Wagtail routing, templates); the bare view is mounted in front of the project's URLs
(bench/bare_urls.py), so it pays the same middleware and the ratio is what the page itself
costs. The workloads are timed in the same process, interleaved round-robin (one run of each,
then the next round), so a burst of load from elsewhere on the machine hits them all alike.
`--domain` adds the domain layer alone (queries and services, no HTTP).
"""

import argparse
import statistics
import time

import benchenv

# workload -> (largest ratio to the bare view, most queries); None: no goal, shown for reference
GOALS = {
    "board page, anonymous": (4, 9),
    "board page, signed in": (6, None),
    "board page 50": (5, None),
    "board search q=roaming": (6, None),
    "idea page, anonymous": (4, None),
    "vote toggle (POST)": (3, 5),
}


def http_rows(board, idea, member, tag, iterations, warmup):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    anonymous, signed_in = Client(), Client()
    signed_in.force_login(member)
    url = board.url
    vote_url = reverse("idea_vote", args=[idea.pk])

    def get(client, path):
        return lambda: client.get(path, secure=True)

    workloads = [
        ("bare view", get(anonymous, "/bench-bare/")),
        ("board page, anonymous", get(anonymous, url)),
        ("board page, signed in", get(signed_in, url)),
        ("board page 50", get(anonymous, f"{url}?page=50")),
        ("board search q=roaming", get(anonymous, f"{url}?q=roaming")),
        ("idea page, anonymous", get(anonymous, idea.get_absolute_url())),
        (
            "vote toggle (POST)",
            lambda: signed_in.post(vote_url, secure=True, headers={"accept": "application/json"}),
        ),
        ("board, top, status=planned", get(anonymous, f"{url}?sort=top&status=planned")),
        (f"board, new, tag={tag}", get(anonymous, f"{url}?sort=new&tag={tag}")),
        ("idea page, signed in", get(signed_in, idea.get_absolute_url())),
    ]
    statuses, queries = {}, {}
    for name, fn in workloads:
        for _ in range(warmup):
            fn()
        with CaptureQueriesContext(connection) as captured:
            statuses[name] = fn().status_code
        queries[name] = len(captured.captured_queries)
    times = {name: [] for name, _fn in workloads}
    for _ in range(iterations):
        for name, fn in workloads:
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000)

    bare = statistics.median(times["bare view"])
    print(f"\n{'workload':<32} {'median ms':>9} {'p95 ms':>8} {'ratio':>6} {'queries':>7}  goal")
    missed = []
    for name, _fn in workloads:
        ordered = sorted(times[name])
        median = statistics.median(ordered)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        ratio = median / bare
        goal = GOALS.get(name)
        verdict = ""
        if goal:
            most_ratio, most_queries = goal
            ok = ratio <= most_ratio and (most_queries is None or queries[name] <= most_queries)
            verdict = f"≤ {most_ratio}×" + (f", ≤ {most_queries} q" if most_queries else "")
            verdict += "  ok" if ok else "  MISSED"
            if not ok:
                missed.append(name)
        status = "" if statuses[name] == 200 else f"  (HTTP {statuses[name]})"
        print(f"{name:<32} {median:>9.2f} {p95:>8.2f} {ratio:>5.1f}× {queries[name]:>7}  {verdict}{status}", flush=True)
    print("\n" + ("every goal met" if not missed else "missed: " + "; ".join(missed)))
    return missed


def domain_rows(board, idea, member, tag, iterations):
    from ideas import queries, services

    reads = [
        ("board_listing, trending, page 1", {}),
        ("board_listing, trending, page 50", {"page": 50}),
        ("board_listing, top, status=planned", {"sort": "top", "status": "planned"}),
        (f"board_listing, new, tag={tag}", {"sort": "new", "tag": tag}),
        ("board_listing, search q=roaming", {"q": "roaming"}),
    ]
    for name, options in reads:
        result = benchenv.measure(
            lambda o=options: queries.board_listing(board, viewer=member, **o), iterations=iterations
        )
        benchenv.print_row(name, result, f"{len(result['outcome'].ideas)} ideas")

    def open_idea():
        page = queries.idea_page(queries.get_idea(idea.pk), viewer=member)
        # What the template touches, so lazy loads would be counted.
        for comment in page.comments:
            comment.author.public_name  # noqa: B018
            for reply in comment.reply_list:
                reply.author.public_name  # noqa: B018
        for merged in page.merged_from:
            for comment in merged.comment_list:
                comment.author.public_name  # noqa: B018
        return page

    result = benchenv.measure(open_idea, iterations=iterations)
    replies = sum(len(c.reply_list) for c in result["outcome"].comments)
    benchenv.print_row(
        "get_idea + idea_page", result, f"{len(result['outcome'].comments)} comments + {replies} replies"
    )

    def vote():
        # As a view does: load the idea and a fresh member (is_verified is cached per object).
        member.__dict__.pop("is_verified", None)
        return services.toggle_vote(member=member, idea=queries.get_idea(idea.pk))

    result = benchenv.measure(vote, iterations=iterations)
    benchenv.print_row("get_idea + toggle_vote", result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", default="bench-10000", help="slug of a board made by bench/seed.py")
    parser.add_argument("--iterations", type=int, default=200, help="rounds of every workload")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--domain", action="store_true", help="also time the domain layer alone")
    args = parser.parse_args()
    benchenv.setup(production=True)

    from community.models import Member
    from ideas.models import Idea, Vote
    from ideas.pages import IdeaBoardPage

    board = IdeaBoardPage.objects.get(slug=args.board)
    ideas = Idea.objects.filter(board=board)
    # The idea seed.py made for the idea page: the one with a duplicate merged into it.
    idea = ideas.filter(merged_ideas__isnull=False).first() or ideas.order_by("-comment_count").first()
    member = (
        Member.objects.filter(username__startswith="bench-")
        .exclude(idea_votes__idea=idea)
        .order_by("pk")
        .first()
    )
    tag = board.offered_tags.first().slug
    print(benchenv.describe())
    print(
        f"board {board.slug}: {ideas.count():,} ideas, {Vote.objects.filter(idea__board=board).count():,} votes; "
        f"idea {idea.pk}: {idea.vote_count:,} votes, {idea.comment_count} comments; "
        f"{args.iterations} interleaved rounds after {args.warmup} warm-up runs each"
    )
    http_rows(board, idea, member, tag, args.iterations, args.warmup)
    if args.domain:
        benchenv.print_header("Domain layer (ideas.queries / ideas.services)")
        domain_rows(board, idea, member, tag, args.iterations)
    print(benchenv.describe())


if __name__ == "__main__":
    main()
