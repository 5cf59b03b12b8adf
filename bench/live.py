"""Live fan-out: N websockets watch one idea, votes are cast one after another, and every socket
must hear every vote. Prints the latency from each write to each socket and what was missed.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench REDIS_URL=redis://127.0.0.1:6379/5
    .venv/bin/python bench/live.py --sockets 1000 --workers 2 --port 8105

Starts `uvicorn --workers W` on production settings (DEBUG off, the Redis channel layer), or
uses a running server (--no-server). The sockets are opened from this one asyncio process; each
subscribes to the idea like a page does and counts the vote events it receives (by version).
The votes go through the services (ideas.services.toggle_vote) in this process, as a request
would cast them, and each vote's latency is measured from the moment before the write started
to the moment a socket received the event. The votes are taken back at the end. One vote and its retraction
before the measured ones warm this process up (connections, the publishing loop), as a server's
worker is warm.
"""

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

import benchenv


def start_server(port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_CONN_MAX_AGE": "600",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "community.asgi:application", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
        cwd=benchenv.ROOT, env=env, start_new_session=True,  # its workers stop with it (stop_server)
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    sys.exit("The server did not answer /healthz within a minute.")


def stop_server(server: subprocess.Popen) -> None:
    """The supervisor and its workers: a worker left behind keeps its port and connections."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Socket:
    def __init__(self):
        self.received = {}  # version -> time.time() when the event arrived
        self.ws = None


async def open_socket(port, topic, idea_id, limit: asyncio.Semaphore) -> Socket | None:
    import websockets

    socket = Socket()
    async with limit:
        try:
            socket.ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/live/", origin=f"http://127.0.0.1:{port}", open_timeout=30,
                max_queue=None, ping_interval=None,
            )
            await socket.ws.send(json.dumps({"subscribe": [topic]}))
            while True:  # the snapshot: subscribed
                event = json.loads(await asyncio.wait_for(socket.ws.recv(), 30))
                if event.get("type") == "idea" and event.get("id") == idea_id:
                    break
        except Exception as exc:  # noqa: BLE001  (counted as a socket that could not watch)
            print(f"socket failed: {exc!r}", file=sys.stderr)
            return None
    return socket


async def listen(socket: Socket, idea_id: int) -> None:
    try:
        async for frame in socket.ws:
            now = time.time()
            event = json.loads(frame)
            if event.get("type") == "idea" and event.get("id") == idea_id:
                socket.received.setdefault(event["version"], now)
    except Exception:  # noqa: BLE001, S110  (a closed socket shows as missed events)
        pass


async def run(args, idea, voters) -> None:
    from ideas import services

    topic = f"idea.{idea.pk}"
    limit = asyncio.Semaphore(args.connect_concurrency)
    started = time.monotonic()
    sockets = [s for s in await asyncio.gather(*(open_socket(args.port, topic, idea.pk, limit) for _ in range(args.sockets))) if s]
    print(f"{len(sockets)} of {args.sockets} sockets subscribed in {time.monotonic() - started:.1f} s")
    listeners = [asyncio.ensure_future(listen(s, idea.pk)) for s in sockets]
    await asyncio.sleep(1)

    # One vote and its retraction first, not measured: this process's first write opens its
    # database and Redis connections and starts its publishing loop, which a server's worker
    # did long before (measured, that first vote was 100-250 ms later than the rest).
    warm = voters.pop()
    await asyncio.to_thread(services.toggle_vote, member=warm, idea=idea)
    await asyncio.to_thread(services.retract_vote, member=warm, idea=idea)
    await asyncio.sleep(args.gap)

    writes = {}  # version -> time.time() before the write
    for voter in voters:
        voter.__dict__.pop("is_verified", None)
        before = time.time()
        await asyncio.to_thread(services.toggle_vote, member=voter, idea=idea)
        writes[idea.version] = before
        await asyncio.sleep(args.gap)
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline and not all(set(writes) <= set(s.received) for s in sockets):
        await asyncio.sleep(0.1)

    latencies = sorted((s.received[v] - t) * 1000 for s in sockets for v, t in writes.items() if v in s.received)
    missed = sum(1 for s in sockets for v in writes if v not in s.received)
    complete = sum(1 for s in sockets if set(writes) <= set(s.received))
    print(f"{len(writes)} votes × {len(sockets)} sockets: {len(latencies)} deliveries, {missed} missed, "
          f"{complete} sockets heard every vote")
    if latencies:
        p = lambda q: latencies[min(len(latencies) - 1, round(q * len(latencies)) - 1)]  # noqa: E731
        print(f"latency from the write: median {statistics.median(latencies):.0f} ms, p95 {p(0.95):.0f} ms, "
              f"p99 {p(0.99):.0f} ms, max {latencies[-1]:.0f} ms")
        for version, before in writes.items():
            one = sorted((s.received[version] - before) * 1000 for s in sockets if version in s.received)
            if one:
                print(f"  vote → version {version}: first {one[0]:.0f} ms, last {one[-1]:.0f} ms, {len(one)} sockets")
    for task in listeners:
        task.cancel()
    await asyncio.gather(*(s.ws.close() for s in sockets), return_exceptions=True)
    # Take the votes back, so the board stays as seeded.
    for voter in voters:
        await asyncio.to_thread(services.retract_vote, member=voter, idea=idea)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", default="bench-10000")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--votes", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between votes")
    parser.add_argument("--wait", type=float, default=15.0, help="seconds to wait for late events")
    parser.add_argument("--connect-concurrency", type=int, default=100)
    parser.add_argument("--no-server", action="store_true", help="use a server already on --port")
    args = parser.parse_args()
    # Stopped by `timeout` or a Ctrl-C alike: the finally below still stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    benchenv.setup(production=True)

    from community.models import Member
    from ideas.models import Idea, Stage
    from ideas.pages import IdeaBoardPage
    from ideas.queries import get_idea

    board = IdeaBoardPage.objects.get(slug=args.board)
    idea = get_idea(
        Idea.objects.filter(board=board, status__stage=Stage.OPEN, merged_into=None).order_by("vote_count", "pk").first().pk
    )
    voters = list(
        Member.objects.filter(username__startswith="bench-").exclude(idea_votes__idea=idea).order_by("-pk")[: args.votes + 1]
    )
    print(benchenv.describe())
    print(f"idea {idea.pk} on {board.slug}; {args.sockets} sockets, {args.votes} votes {args.gap} s apart, "
          f"{args.workers} uvicorn workers")
    server = None if args.no_server else start_server(args.port, args.workers)
    try:
        asyncio.run(run(args, idea, voters))
    finally:
        if server is not None:
            stop_server(server)
    print(benchenv.describe())


if __name__ == "__main__":
    main()
