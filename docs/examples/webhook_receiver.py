"""A Cocreate webhook receiver in plain Python (standard library only), as docs/webhooks.md
explains. The test suite runs it against real deliveries (tests/community/test_webhooks.py).

    WEBHOOK_SECRET=... python docs/examples/webhook_receiver.py 8080

It checks the signature before it trusts anything in the request, refuses old timestamps
(replays), and ignores an event it has already handled (a re-send or a retry carries the same
event id).
"""

import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Deliveries older (or newer) than this many seconds are refused: a captured request cannot be
# replayed later. Keep your clock in sync (NTP).
TOLERANCE = 300
MAX_BODY = 1_000_000


def verify(secret: str, timestamp: str, signature_header: str, body: bytes, *, now: float | None = None) -> bool:
    """True if the Cocreate-Signature header signs this timestamp and body with the secret.

    The signature is hex(HMAC-SHA256(secret, timestamp + "." + body)) over the raw body bytes,
    exactly as received: parse the JSON only after this check. The header may hold several
    "v1=" values separated by commas; one matching is enough.
    """
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent_at) > TOLERANCE:
        return False
    expected = "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    # compare_digest takes the same time whether the first or the last character differs.
    return any(hmac.compare_digest(expected, part.strip()) for part in (signature_header or "").split(","))


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            return self._answer(400)
        body = self.rfile.read(length)
        if not verify(self.server.secret, self.headers.get("Cocreate-Timestamp", ""),
                      self.headers.get("Cocreate-Signature", ""), body):
            return self._answer(401)
        event = json.loads(body)
        if event["id"] not in self.server.seen:  # a retry or a re-send of an event already handled
            self.server.seen.add(event["id"])
            self.server.on_event(event)
        # Answer 2xx quickly (within 5 seconds); do slow work after answering.
        self._answer(204)

    def _answer(self, code: int):
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args):  # quiet
        pass


def make_server(secret: str, *, host: str = "127.0.0.1", port: int = 8080, on_event=print) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), Handler)
    server.secret, server.on_event, server.seen = secret, on_event, set()
    return server


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    make_server(os.environ["WEBHOOK_SECRET"], port=port,
                on_event=lambda event: print(event["event"], json.dumps(event["data"]))).serve_forever()
