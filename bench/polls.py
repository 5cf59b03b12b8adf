"""How fast are polls with many ballots? Seeds a poll with N ballots (default 100,000) and times
its results page, the results query and casting a ballot.

    .venv/bin/python bench/polls.py                      # 100,000 ballots (seeded once, kept)
    .venv/bin/python bench/polls.py --ballots 10000      # a second, smaller poll to compare
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench .venv/bin/python bench/polls.py

The poll has four questions (single choice of 5, multiple choice of 6 with at most 3, a 0–10 scale
and a ranking of 5), so 100,000 ballots are about a million answer rows. Members, ballots and
answers go in with bulk_create; the figures are through the whole stack (django.test.Client) and
at the domain layer (ideas.polls.queries.results, services.cast_ballot).
"""

import argparse
import random
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchenv  # noqa: E402

QUESTIONS = [
    ("single", "Which should we build first?", "Roaming\nCoverage\nApp\nInvoice\nTV", {}),
    ("multiple", "What else matters?", "Price\nSpeed\nSupport\nShops\nChat\nApp", {"max_choices": 3}),
    ("scale10", "Would you recommend us?", "", {}),
    ("ranking", "Rank these", "Alpha\nBeta\nGamma\nDelta\nEpsilon", {}),
]
BATCH = 5_000


def bench_poll(n: int):
    """The bench poll with n ballots, made once (found again by its slug)."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Page, Site

    from community.models import Member
    from community.pages import HomePage
    from ideas.polls.models import Answer, Ballot, Participation
    from ideas.polls.pages import PollPage, PollQuestion
    from ideas.polls.queries import questions_of

    slug = f"bench-poll-{n}"
    poll = PollPage.objects.filter(slug=slug).first()
    if poll is not None:
        return poll
    home = HomePage.objects.first()
    if home is None:
        home = Page.get_first_root_node().add_child(instance=HomePage(title="Bench", slug="bench-home"))
        Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "testserver", "root_page": home})
    rows = [PollQuestion(kind=k, text=t, options=o, sort_order=i, **x) for i, (k, t, o, x) in enumerate(QUESTIONS)]
    poll = home.add_child(instance=PollPage(
        title=f"Bench poll ({n:,} ballots)", slug=slug, questions=rows, results_visibility="always",
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=365),
    ))
    poll.save_revision().publish()
    questions = questions_of(poll)
    rng = random.Random(n)
    started = time.perf_counter()
    print(f"Seeding {n:,} ballots…", flush=True)
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        with transaction.atomic():
            members = Member.objects.bulk_create([
                Member(username=f"bench-{slug}-{start + i}", email=f"bench-{slug}-{start + i}@example.com",
                       plan=rng.choice(Member.Plan.values), region=rng.choice(["Oslo", "Bergen", "Aarhus", "Malmö"]))
                for i in range(size)
            ])
            Participation.objects.bulk_create([Participation(poll=poll, member=m) for m in members])
            ballots = Ballot.objects.bulk_create([
                Ballot(id=uuid.uuid4(), poll=poll, member=m, plan=m.plan, region=m.region,
                       years_band=rng.choice([-1, 0, 1, 2, 3])) for m in members
            ])
            answers = []
            for ballot in ballots:
                for q in questions:
                    ids = [o.pk for o in q.option_list]
                    if q.kind == "single":
                        answers.append(Answer(id=uuid.uuid4(), ballot=ballot, question=q,
                                              option_id=rng.choices(ids, weights=[5, 4, 3, 2, 1])[0]))
                    elif q.kind == "multiple":
                        for option_id in rng.sample(ids, k=rng.randint(1, 3)):
                            answers.append(Answer(id=uuid.uuid4(), ballot=ballot, question=q, option_id=option_id))
                    elif q.kind == "scale10":
                        answers.append(Answer(id=uuid.uuid4(), ballot=ballot, question=q,
                                              value=round(rng.triangular(0, 10, 8))))
                    else:
                        order = sorted(ids, key=lambda i: rng.random() + ids.index(i) * 0.2)
                        answers.extend(Answer(id=uuid.uuid4(), ballot=ballot, question=q, option_id=o, value=place)
                                       for place, o in enumerate(order, start=1))
            Answer.objects.bulk_create(answers, batch_size=2_000)
        print(f"  {start + size:,} ballots ({time.perf_counter() - started:.0f} s)", flush=True)
    # bulk_create bypassed the services: set the counters from the rows, as `recount_polls` does.
    from ideas.polls.services import recount

    recount(poll)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return poll


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=100_000)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--reset", action="store_true", help="drop and recreate the bench database first")
    args = parser.parse_args()
    benchenv.setup(reset=args.reset)

    from django.test import Client

    from ideas.polls import queries, services
    from ideas.polls.queries import questions_of
    from tests.factories import MemberFactory, StaffFactory

    poll = bench_poll(args.ballots)
    print(benchenv.describe())
    print(f"Poll {poll.pk}: {args.ballots:,} ballots, {len(QUESTIONS)} questions")

    run = uuid.uuid4().hex[:8]  # the bench database keeps earlier runs' people

    def person(factory, n):
        return factory(email=f"bench-{run}-{n}@example.com", username=f"bench-{run}-{n}")

    member, staff = person(MemberFactory, "member"), person(StaffFactory, "staff")
    visitor, customer, team = Client(), Client(), Client()
    customer.force_login(member)
    team.force_login(staff)
    benchenv.print_header("Through the whole stack (django.test.Client)")
    for name, client in (("results page, visitor", visitor), ("results page, customer", customer),
                         ("results page, staff (bands, texts)", team)):
        result = benchenv.measure(lambda c=client: c.get(poll.url), iterations=args.iterations, warmup=3)
        benchenv.print_row(name, result, f"HTTP {result['outcome'].status_code}")
    csv = benchenv.measure(lambda: b"".join(team.get(f"/polls/{poll.pk}/results.csv").streaming_content),
                           iterations=max(5, args.iterations // 5), warmup=1)
    benchenv.print_row("CSV export, staff", csv)

    benchenv.print_header("Domain layer (ideas.polls.queries / services)")
    benchenv.print_row("queries.results", benchenv.measure(lambda: queries.results(poll), iterations=args.iterations))
    found = queries.results(poll)
    benchenv.print_row("queries.breakdown (staff bands, uncached)",
                       benchenv.measure(lambda: queries.breakdown(poll, found), iterations=3, warmup=1))
    questions = questions_of(poll)
    voters = iter([person(MemberFactory, f"voter-{i}") for i in range(args.iterations + 10)])

    def cast():
        answers = {q.pk: [q.option_list[0].pk] for q in questions if q.kind in ("single", "multiple")}
        answers.update({q.pk: 7 for q in questions if q.kind == "scale10"})
        answers.update({q.pk: [o.pk for o in q.option_list] for q in questions if q.kind == "ranking"})
        return services.cast_ballot(member=next(voters), poll=poll, answers=answers)

    # The live event (one aggregation, at most once a second per poll) is measured on its own.
    from unittest import mock

    with mock.patch("ideas.polls.services.after_commit"):
        benchenv.print_row("services.cast_ballot (new ballot)", benchenv.measure(cast, iterations=args.iterations))
    from ideas.polls import events

    benchenv.print_row("live event: events.poll_state", benchenv.measure(lambda: events.poll_state(poll),
                                                                          iterations=args.iterations))


if __name__ == "__main__":
    main()
