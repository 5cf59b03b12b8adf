"""What Redis outages cost: pages and a vote with Redis up, unreachable and silent, and how soon
open pages get events again after Redis restarts (its data gone).

    .venv/bin/python bench/seed.py --reset --ideas 1000 --votes 10000 --comments 1000
    .venv/bin/python bench/outages.py --board bench-1000

Each Redis is private to the run (a redis-server on a free port, a port nothing listens on, a
socket that accepts and never answers), configured as production does (community.settings.
redis_settings). The restart rounds open --sockets websockets on one idea, restart the
redis-server, vote, and time until every socket shows the vote (the server's resync repairs it).
"""

import argparse
import asyncio
import statistics
import sys
import time

import benchenv


def page_rows(board, idea, member, iterations):
    from django.test import Client
    from django.urls import reverse

    visitor, voter = Client(), Client()
    voter.force_login(member)
    vote_url = reverse("idea_vote", args=[idea.pk])
    state = {"voted": False}

    def vote():
        state["voted"] = not state["voted"]
        response = voter.post(vote_url, {"action": "vote" if state["voted"] else "unvote"})
        assert response.status_code == 302, response.status_code

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return [
        ("board page (anonymous)", lambda: get(visitor, board.url)),
        ("board page (signed in)", lambda: get(voter, board.url)),
        ("idea page (anonymous)", lambda: get(visitor, idea.get_absolute_url())),
        ("vote, POST (signed in)", vote),
    ]


async def restart_round(server, idea, voter, sockets):
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from community.asgi import application
    from ideas import services
    from ideas.models import Idea

    headers = [(b"origin", b"http://127.0.0.1:8000"), (b"host", b"127.0.0.1:8000")]
    pages = []
    for _ in range(sockets):
        ws = WebsocketCommunicator(application, "/ws/live/", headers=headers)
        await ws.connect()
        await ws.send_json_to({"subscribe": [f"idea.{idea.pk}"]})
        await ws.receive_json_from(timeout=10)
        pages.append(ws)
    await database_sync_to_async(server.restart)()
    back = time.monotonic()
    await database_sync_to_async(services.toggle_vote)(member=voter, idea=idea)
    wanted = (await database_sync_to_async(Idea.objects.get)(pk=idea.pk)).vote_count

    async def until_shown(ws):
        while True:
            message = await ws.receive_json_from(timeout=60)
            if message.get("type") == "idea" and message["votes"] == wanted:
                return time.monotonic() - back

    seconds = await asyncio.gather(*(until_shown(ws) for ws in pages))
    for ws in pages:
        await ws.disconnect()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", default="bench-1000")
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--sockets", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    benchenv.setup()
    sys.path.insert(0, str(benchenv.ROOT))

    from django.test import override_settings

    from community.models import Member
    from community.settings import redis_settings
    from ideas.models import Idea
    from ideas.pages import IdeaBoardPage
    from tests.faults.tools import RedisServer, SilentServer, free_port

    board = IdeaBoardPage.objects.get(slug=args.board)
    idea = Idea.objects.filter(board=board).order_by("-vote_count").first()
    member = Member.objects.filter(is_staff=False, is_active=True).order_by("pk").first()
    print(benchenv.describe())

    server, silent = RedisServer().start(), SilentServer()
    try:
        for name, url in [
            ("Redis up", server.url),
            ("Redis unreachable (connection refused)", f"redis://127.0.0.1:{free_port()}/0"),
            ("Redis silent (accepts, never answers)", silent.url),
        ]:
            caches, layers = redis_settings(url)
            with override_settings(CACHES=caches, CHANNEL_LAYERS=layers):
                benchenv.print_header(name)
                for row, fn in page_rows(board, idea, member, args.iterations):
                    benchenv.print_row(row, benchenv.measure(fn, iterations=args.iterations, warmup=3))

        caches, layers = redis_settings(server.url)
        with override_settings(CACHES=caches, CHANNEL_LAYERS=layers):
            print(f"\nRedis restarted under {args.sockets} open sockets: seconds until each shows a vote made after it")
            for n in range(args.rounds):
                seconds = asyncio.run(restart_round(server, idea, member, args.sockets))
                print(f"  round {n + 1}: min {min(seconds):.1f}  median {statistics.median(seconds):.1f}  "
                      f"max {max(seconds):.1f}", flush=True)
    finally:
        server.stop()
        silent.stop()


if __name__ == "__main__":
    main()
