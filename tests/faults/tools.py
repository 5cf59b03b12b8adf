"""Tools for fault tests: free ports, a private redis-server, a TCP proxy to cut, processes
started with production settings on the test database."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings as django_settings

from community.settings import redis_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {timeout} s", pytrace=False)
        time.sleep(0.02)


def database_url(port=None) -> str:
    """The test database (which started processes share), optionally through another port."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@127.0.0.1:{port or db['PORT'] or 5432}/{db['NAME']}"


def start_process(args, *, output=subprocess.DEVNULL, database_port=None, **env):
    """manage.py or uvicorn with production settings (tests/faults/process_settings.py) on the
    test database, without Redis unless REDIS_URL is given."""
    return subprocess.Popen(
        [sys.executable, *args] if args[0].endswith(".py") else [sys.executable, "-m", *args],
        cwd=django_settings.BASE_DIR,
        stdout=output,
        stderr=subprocess.STDOUT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.faults.process_settings",
             "DATABASE_URL": database_url(database_port), "REDIS_URL": "", **env},
    )


def point_redis_at(settings, url: str) -> None:
    """The cache and the channel layer as production configures them, on another Redis."""
    settings.CACHES, settings.CHANNEL_LAYERS = redis_settings(url)


class SilentServer:
    """Accepts connections and never answers: an overloaded Redis, or a network half gone."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.held, self.stopped = [], threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.listener.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                continue

    def stop(self):
        self.stopped.set()
        self.thread.join()
        for conn in self.held:
            conn.close()
        self.listener.close()


class RedisServer:
    """A private redis-server on a free port, without persistence: a restart loses its data."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server)", pytrace=False)
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def restart(self):
        self.stop()
        return self.start()


class TcpProxy:
    """A TCP relay in front of a server (PostgreSQL here) that a test can cut and restore: cut
    drops every open connection and refuses new ones, like a database restarting or a network
    partition; restore lets connections through again."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        self.listener.settimeout(0.2)
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                continue
            if not self.open:
                client.close()
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            self._close(source, sink)

    def _close(self, *socks):
        with self.lock:
            for s in socks:
                self.sockets.discard(s)
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def cut(self):
        self.open = False
        with self.lock:
            live = list(self.sockets)
        self._close(*live)

    def restore(self):
        self.open = True

    def stop(self):
        self.stopped.set()
        self.cut()
        self.listener.close()
