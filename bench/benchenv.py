"""Shared by the bench scripts: a separate, migrated bench database and timing helpers.

The scripts refuse a database whose name does not contain "bench", so a typo in DATABASE_URL
never fills the dev or test database with 200,000 votes.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "sqlite:///var/bench.sqlite3"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_URL


def setup(*, reset: bool = False, production: bool = False) -> None:
    """Point Django at the bench database (created and migrated if needed), in dev mode, or
    with `production` as production runs: DEBUG off, the Redis cache (REDIS_URL, required) and
    the project's URLs behind bench/bare_urls.py's bare view."""
    os.chdir(ROOT)  # sqlite:///var/... is relative to the project
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url()
    if production:
        if not os.environ.get("REDIS_URL"):
            sys.exit("Production settings need REDIS_URL (the shared cache and channel layer).")
        os.environ["DEBUG"] = "false"
        os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "community.settings")
    os.environ.setdefault("STAFF_MFA_REQUIRED", "false")
    # The test Client sends Host: testserver.
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    # Production keeps PostgreSQL connections open between requests; measure that, not a
    # new connection per request (CONN_MAX_AGE=0, the settings' default).
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
    # Wagtail indexes ideas on save; in-process tasks keep the bench independent of a worker.
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    _prepare_database(reset=reset)

    import django
    from django.core.management import call_command

    if production:
        from django.conf import settings

        settings.ROOT_URLCONF = "bare_urls"
    django.setup()
    call_command("migrate", verbosity=0)
    if production and not (ROOT / "staticfiles" / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)  # the manifest pages link
    if production:  # as community/asgi.py tunes each server worker
        from community.startup import tune_garbage_collector

        tune_garbage_collector()


def _prepare_database(*, reset: bool) -> None:
    import environ

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    name = str(config["NAME"])
    if "bench" not in name:
        sys.exit(f"Refusing to use {name!r}: the bench database's name must contain 'bench'.")
    if config["ENGINE"].endswith("sqlite3"):
        path = Path(name)
        if reset:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    server = {
        "host": config.get("HOST") or "127.0.0.1",
        "port": config.get("PORT") or 5432,
        "user": config.get("USER") or "postgres",
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def describe() -> str:
    from django.conf import settings
    from django.db import connection

    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{connection.vendor} {connection.settings_dict['NAME']} · channel layer {layer} · "
        f"load average {load} on {os.cpu_count()} CPUs"
    )


def measure(fn, *, iterations: int, warmup: int = 10) -> dict:
    """Run fn warmup + iterations times; median and p95 in ms, and the queries of one run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        fn()
    times, cpu, queries, outcome = [], [], 0, None
    for _ in range(iterations):
        with CaptureQueriesContext(connection) as captured:
            start, start_cpu = time.perf_counter(), time.process_time()
            outcome = fn()
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        queries = max(queries, len(captured.captured_queries))
    times.sort()
    return {
        "median": statistics.median(times),
        "p95": times[max(0, int(round(0.95 * len(times))) - 1)],
        # This process's CPU time: on a busy machine the wall time also counts waiting for a
        # CPU; with PostgreSQL it leaves out the server's share.
        "cpu": statistics.median(cpu),
        "queries": queries,
        "outcome": outcome,
    }


def print_row(name: str, result: dict, note: str = "") -> None:
    print(
        f"{name:<40} {result['median']:>9.2f} {result['p95']:>9.2f} {result['cpu']:>9.2f} {result['queries']:>8}  {note}",
        flush=True,
    )


def print_header(title: str) -> None:
    print(f"\n{title}\n{'':<40} {'median ms':>9} {'p95 ms':>9} {'cpu ms':>9} {'queries':>8}", flush=True)
