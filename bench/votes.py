"""Vote throughput: K threads cast votes for the same few ideas for T seconds; none may be lost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench .venv/bin/python bench/votes.py --threads 16
    ... bench/votes.py --processes 4 --threads 8   # like 4 server workers: threads share one GIL

Each vote does what a vote request does in the domain layer: load the idea (queries.get_idea),
check the member afresh (is_verified is cached per request), and services.cast_vote, which
writes the row, bumps the counter and trending, follows the idea and publishes the live event
after the commit. Every thread votes for the same hot ideas, so they contend for the same rows.
At the end each idea's vote_count must equal its vote rows and the votes the threads counted.
"""

import argparse
import multiprocessing
import threading
import time

import benchenv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=16, help="threads per process")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--ideas", type=int, default=5, help="hot ideas every thread votes for")
    parser.add_argument("--board", default="bench-10000")
    parser.add_argument(
        "--keep", action="store_true", help="keep the ideas and votes made (default: delete them)"
    )
    args = parser.parse_args()
    benchenv.setup()

    from django.db import connection

    from community.models import Member
    from ideas.models import Idea, Status, Vote
    from ideas.pages import IdeaBoardPage

    board = IdeaBoardPage.objects.get(slug=args.board)
    author = Member.objects.filter(username__startswith="bench-").first()
    new = Status.objects.get(slug="new")
    ideas = [
        Idea.objects.create(board=board, author=author, title=f"Vote bench idea {n}", status=new)
        for n in range(args.ideas)
    ]
    idea_ids = [idea.pk for idea in ideas]
    member_ids = list(
        Member.objects.filter(username__startswith="bench-").order_by("pk").values_list("pk", flat=True)
    )
    workers = args.processes * args.threads
    print(benchenv.describe())
    print(
        f"{args.processes} process(es) × {args.threads} threads × {args.seconds:g} s, {args.ideas} hot ideas, "
        f"{len(member_ids):,} members (at most {len(member_ids) * args.ideas:,} votes)",
        flush=True,
    )

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers + 1)
    counted = context.Array("l", workers)
    failures = context.Value("l", 0)
    shares = [member_ids[i::workers] for i in range(workers)]
    connection.close()  # never share a connection with the forked processes
    processes = [
        context.Process(target=run_process, args=(p, args, shares, idea_ids, barrier, counted, failures))
        for p in range(args.processes)
    ]
    for process in processes:
        process.start()
    barrier.wait()
    start = time.monotonic()
    for process in processes:
        process.join()
    elapsed = time.monotonic() - start

    total = sum(counted)
    rows = Vote.objects.filter(idea_id__in=idea_ids).count()
    shown = sum(Idea.objects.filter(pk__in=idea_ids).values_list("vote_count", flat=True))
    print(f"{total:,} votes in {elapsed:.2f} s = {total / elapsed:,.0f} votes/s")
    print(
        f"counted by workers {total:,} · vote rows {rows:,} · shown counts {shown:,} · "
        f"lost {total - rows} · errors {failures.value}"
    )
    ok = total == rows == shown and not failures.value
    print("OK: none lost" if ok else "MISMATCH")
    if not args.keep:
        Vote.objects.filter(idea_id__in=idea_ids).delete()
        for idea in Idea.objects.filter(pk__in=idea_ids):
            idea.follows.all().delete()
            idea.delete()
    raise SystemExit(0 if ok else 1)


def run_process(p, args, shares, idea_ids, barrier, counted, failures):
    """One server-like process: its threads vote until the time is up."""
    from django.db import connection

    from community.models import Member
    from ideas import queries, services

    def voter(n):
        try:
            members = list(Member.objects.filter(pk__in=shares[n]))
            barrier.wait()
            deadline = time.monotonic() + args.seconds
            for member in members:
                for idea_id in idea_ids:
                    if time.monotonic() >= deadline:
                        return
                    member.__dict__.pop("is_verified", None)  # checked afresh, as per request
                    if services.cast_vote(member=member, idea=queries.get_idea(idea_id)):
                        counted[n] += 1
        except Exception as exc:  # counted and shown; the totals then disagree
            print("error:", repr(exc), flush=True)
            with failures.get_lock():
                failures.value += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=voter, args=(p * args.threads + t,)) for t in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
