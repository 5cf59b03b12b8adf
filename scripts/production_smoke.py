"""Smoke test of a running production server, as a browser behind the TLS proxy would see it:
/healthz, a public page, and a websocket subscription to a public idea that gets its snapshot
and then an event another process publishes.

    python scripts/production_smoke.py http://127.0.0.1:8123 community.example.com

With `deploy PID` after them, it stops the server as a deploy does (SIGTERM to PID) while a page
is open and requests are in flight: the requests must be answered and the websocket closed with
1012 "service restart", the code on which browsers reconnect to another worker.

Exit status 0 when every check passes; otherwise the first failure on stderr, status 1.
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect


def fail(message: str):
    sys.exit(f"production check failed: {message}")


def get(base: str, host: str, path: str) -> tuple[int, str]:
    # As the proxy forwards it: the public host name, and HTTPS (else Django redirects to it).
    request = urllib.request.Request(  # noqa: S310 (main() accepts only http:// bases)
        base + path,
        headers={"Host": host, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace")


def check_health(base: str, host: str) -> None:
    status, body = get(base, host, "/healthz")
    if status != 200:
        fail(f"/healthz answered {status}: {body[:500]}")
    print(f"ok: /healthz 200 {body.strip()}")


def find_public_idea(base: str, host: str) -> tuple[int, str]:
    """An idea an anonymous visitor sees: linked from the home page, and its page answers 200.

    Returns its id and the link itself (with the slug): the bare /idea/<id>/ redirects there, and
    a request in flight at a deploy must be one answer, not a redirect followed after the stop."""
    status, home = get(base, host, "/")
    if status != 200:
        fail(f"the home page answered {status}: {home[:500]}")
    links = re.findall(r'href="(/idea/(\d+)[-/][^"]*)"', home)
    if not links:
        fail("the home page links no idea (was the demo data seeded?)")
    path, idea_id = links[0][0], int(links[0][1])
    status, page = get(base, host, path)
    if status != 200:
        fail(f"{path} answered {status}: {page[:500]}")
    print(f"ok: home page and {path} 200")
    return idea_id, path


def check_websocket(base: str, host: str, idea_id: int) -> None:
    uri = base.replace("http", "ws", 1) + "/ws/live/"
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    with connect(uri, origin=f"https://{host}", additional_headers=headers, open_timeout=20) as ws:
        ws.send(json.dumps({"subscribe": [f"idea.{idea_id}"]}))
        try:
            snapshot = json.loads(ws.recv(timeout=20))
        except TimeoutError:
            fail(f"no snapshot for idea.{idea_id} within 20 s")
        if snapshot.get("type") != "idea" or snapshot.get("id") != idea_id or "version" not in snapshot:
            fail(f"unexpected answer to the subscription: {snapshot}")
        print(f"ok: websocket snapshot of idea.{idea_id} (version {snapshot['version']})")
        # An event published by another process, as a task worker or a command does: it goes
        # through Redis to whichever worker holds this socket, and the command's publisher
        # thread must send it before the process exits.
        publish = f"from ideas import events; events.idea_changed({idea_id})"
        done = subprocess.run(  # noqa: S603  (our own interpreter and code, an int id)
            [sys.executable, "manage.py", "shell", "-c", publish], capture_output=True, text=True
        )
        if done.returncode:
            fail(f"manage.py shell could not publish: {done.stderr.strip()[-500:]}")
        try:
            event = json.loads(ws.recv(timeout=20))
        except TimeoutError:
            fail(f"an event for idea.{idea_id} published by another process did not arrive within 20 s")
        if event.get("type") != "idea" or event.get("id") != idea_id:
            fail(f"unexpected event: {event}")
        print("ok: an event published by another process reached the websocket")


def check_graceful_stop(base: str, host: str, pid: int) -> None:
    idea_id, path = find_public_idea(base, host)
    uri = base.replace("http", "ws", 1) + "/ws/live/"
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    answers = []

    def fetch():
        try:
            answers.append(get(base, host, path)[0])
        except urllib.error.URLError as error:  # not yet accepted when the server stopped: fine
            answers.append("refused" if isinstance(error.reason, ConnectionRefusedError) else repr(error))
        except ConnectionResetError:
            # Still in the listen backlog when the server closed its socket: the kernel resets it
            # before any byte was read (a proxy retries it elsewhere). A request the server had
            # accepted and then dropped would end without a response instead (RemoteDisconnected).
            answers.append("refused")
        except Exception as error:  # accepted, then dropped: a lost request
            answers.append(repr(error))

    with connect(uri, origin=f"https://{host}", additional_headers=headers, open_timeout=20) as ws:
        ws.send(json.dumps({"subscribe": [f"idea.{idea_id}"]}))
        ws.recv(timeout=20)
        threads = [threading.Thread(target=fetch) for _ in range(8)]
        for thread in threads:
            thread.start()
        time.sleep(0.05)
        os.kill(pid, signal.SIGTERM)
        try:
            while True:
                ws.recv(timeout=40)
        except ConnectionClosed as closed:
            code = closed.rcvd.code if closed.rcvd else None
        except TimeoutError:
            fail("the websocket was still open 40 s after SIGTERM")
        for thread in threads:
            thread.join(40)
    if code != 1012:
        fail(f"on SIGTERM the websocket closed with {code}, not 1012 (service restart)")
    if any(answer not in (200, "refused") for answer in answers) or 200 not in answers:
        fail(f"requests in flight at SIGTERM were not all answered: {answers}")
    print(f"ok: SIGTERM answered the requests in hand ({answers.count(200)} of {len(answers)}; "
          f"the rest came after it stopped accepting) and closed the websocket with 1012")


def main(base: str, host: str, *rest: str) -> None:
    if not base.startswith("http://"):
        fail(f"the server's base URL must start with http://, not {base!r}")
    if rest[:1] == ("deploy",):
        check_graceful_stop(base, host, int(rest[1]))
        return
    check_health(base, host)
    check_websocket(base, host, find_public_idea(base, host)[0])


if __name__ == "__main__":
    main(*sys.argv[1:])
