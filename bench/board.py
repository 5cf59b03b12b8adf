"""Time the board page, the idea page and a vote: median and p95 in ms, and SQL queries per run.

    DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python bench/board.py --board bench-10000

Pages go through the whole Django stack with the test Client (middleware, Wagtail routing,
templates); the same reads and the vote are also timed at the domain layer (queries and
services), which is what the pages cost without rendering.
"""

import argparse

import benchenv


def http_rows(board, idea, member, tag, iterations):
    from django.test import Client
    from django.urls import reverse

    anonymous, signed_in = Client(), Client()
    signed_in.force_login(member)
    url = board.url
    rows = [
        ("board, trending, page 1 (anonymous)", anonymous, url),
        ("board, trending, page 1 (signed in)", signed_in, url),
        ("board, trending, page 50", anonymous, f"{url}?page=50"),
        ("board, top, status=planned", anonymous, f"{url}?sort=top&status=planned"),
        (f"board, new, tag={tag}", anonymous, f"{url}?sort=new&tag={tag}"),
        ("board, search q=roaming", anonymous, f"{url}?q=roaming"),
        ("idea page (anonymous)", anonymous, idea.get_absolute_url()),
        ("idea page (signed in)", signed_in, idea.get_absolute_url()),
    ]
    placeholder = False
    for name, client, path in rows:
        result = benchenv.measure(lambda c=client, p=path: c.get(p), iterations=iterations)
        status = result["outcome"].status_code
        placeholder |= status == 501
        benchenv.print_row(name, result, f"HTTP {status}" + (" (placeholder view)" if status == 501 else ""))
    vote_url = reverse("idea_vote", args=[idea.pk])
    result = benchenv.measure(
        lambda: signed_in.post(
            vote_url, HTTP_X_REQUESTED_WITH="XMLHttpRequest", HTTP_ACCEPT="application/json"
        ),
        iterations=iterations,
    )
    status = result["outcome"].status_code
    placeholder |= status == 501
    benchenv.print_row(
        "vote toggle, POST (signed in)",
        result,
        f"HTTP {status}" + (" (placeholder view)" if status == 501 else ""),
    )
    return placeholder


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
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--skip-http", action="store_true", help="only the domain layer")
    args = parser.parse_args()
    benchenv.setup()

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
        f"idea {idea.pk}: {idea.vote_count:,} votes, {idea.comment_count} comments; {args.iterations} runs each"
    )

    placeholder = False
    if not args.skip_http:
        benchenv.print_header("Through the whole stack (django.test.Client)")
        placeholder = http_rows(board, idea, member, tag, args.iterations)
    benchenv.print_header("Domain layer (ideas.queries / ideas.services)")
    domain_rows(board, idea, member, tag, args.iterations)
    if placeholder:
        print(
            "\nSome views still return 501 (ideas/views.py is a placeholder): their HTTP figures are not the page's."
        )


if __name__ == "__main__":
    main()
