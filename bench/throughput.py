"""Requests per second under load: the anonymous board, votes and the bare view, with W uvicorn
workers and wrk (Debian's `apt-get install wrk`); and each worker's resident memory before and
after the board's requests.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cocreate_bench REDIS_URL=redis://127.0.0.1:6379/5
    .venv/bin/python bench/throughput.py --workers 2 --port 8106

Production settings as the README's production section gives them (DEBUG off, the Redis cache,
a pool of --pool PostgreSQL connections per worker: under ASGI, Django's kept connections belong
to each request's context and are never reused; --pool 0 opens one per request). Votes are POSTs
with a bench member's session and CSRF token, toggling one idea (JSON answers), as the page script
sends them.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

import benchenv


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1)) / 1024


def workers_of(server: subprocess.Popen) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(server.pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def wrk(url, seconds, connections, script=None) -> tuple[float, int, str]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    out = subprocess.run(command, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    return rate, total, f"{bad.group(1) if bad else 0} errors, p99 {p99.group(1) if p99 else '?'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--board", default="bench-10000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8106)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--memory-requests", type=int, default=10_000, help="board requests before memory is read")
    parser.add_argument("--pool", type=int, default=10, help="DATABASE_POOL_SIZE per worker")
    args = parser.parse_args()
    benchenv.setup(production=True)

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret

    from community.models import Member
    from ideas.models import Idea, Stage
    from ideas.pages import IdeaBoardPage

    board = IdeaBoardPage.objects.get(slug=args.board)
    idea = Idea.objects.filter(board=board, status__stage=Stage.OPEN).order_by("vote_count", "pk").first()
    member = Member.objects.filter(username__startswith="bench-").exclude(idea_votes__idea=idea).first()
    session = SessionStore()
    session[SESSION_KEY], session[BACKEND_SESSION_KEY] = str(member.pk), settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    secret = _get_new_csrf_string()
    vote_script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    vote_script.write(
        'wrk.method = "POST"\n'
        f'wrk.headers["Cookie"] = "{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={secret}"\n'
        f'wrk.headers["X-CSRFToken"] = "{_mask_cipher_secret(secret)}"\n'
        'wrk.headers["Accept"] = "application/json"\n'
        'wrk.headers["X-Forwarded-Proto"] = "https"\n'
        f'wrk.headers["Referer"] = "https://127.0.0.1:{args.port}/"\n'
    )
    vote_script.close()

    env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "false",
           "DATABASE_CONN_MAX_AGE": "0", "DATABASE_POOL_SIZE": str(args.pool), "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{args.port}",
           # After the project's root on the path: bench/feedback.py must not hide the app.
           "PYTHONPATH": str(benchenv.ROOT / "bench")}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "asgi_bare:application", "--host", "127.0.0.1",
         "--port", str(args.port), "--workers", str(args.workers), "--log-level", "warning", "--no-access-log"],
        cwd=benchenv.ROOT, env=env,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/bench-bare/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        print(benchenv.describe())
        print(f"{args.workers} uvicorn workers, wrk {args.connections} connections × {args.seconds} s each")
        wrk(f"{base}{board.url}", 3, args.connections)  # warm up every worker
        before = {pid: rss_mb(pid) for pid in workers_of(server)}
        rows = [("bare view", f"{base}/bench-bare/", None), ("board page, anonymous", f"{base}{board.url}", None),
                ("vote toggle (POST)", f"{base}/idea/{idea.pk}/vote/", vote_script.name)]
        board_requests = 0
        for name, url, script in rows:
            rate, total, note = wrk(url, args.seconds, args.connections, script)
            board_requests += total if name.startswith("board") else 0
            print(f"{name:<24} {rate:>8.1f} requests/s  ({total} requests, {note})", flush=True)
        # Memory: more board requests until the workers have served --memory-requests between them.
        while board_requests < args.memory_requests:
            board_requests += wrk(f"{base}{board.url}", args.seconds, args.connections)[1]
            now = ", ".join(f"{rss_mb(pid):.0f}" for pid in workers_of(server))
            print(f"  after {board_requests:,} board requests: {now} MB", flush=True)
        after = {pid: rss_mb(pid) for pid in workers_of(server)}
        for pid in before:
            print(f"worker {pid}: {before[pid]:.0f} MB after warm-up → {after.get(pid, 0):.0f} MB after "
                  f"{board_requests // args.workers:,} board requests (its share)")
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        os.unlink(vote_script.name)
        # Leave the idea as seeded.
        from ideas import services

        if idea.votes.filter(member=member).exists():
            services.retract_vote(member=member, idea=idea)
    print(benchenv.describe())


if __name__ == "__main__":
    main()
