"""Start-up: checks that stop the process with one clear line instead of a traceback, and the
tuning a long-running server process needs."""

import gc
import sys


class ConfigError(SystemExit):
    """A setting is missing or wrong. As a SystemExit it ends any entry point (manage.py,
    the ASGI server, pytest) with its message alone on stderr and exit status 1."""

    def __init__(self, message):
        super().__init__(f"Cocreate cannot start: {message}")


def unreachable_database(exc) -> str:
    from django.db import connection

    params = connection.settings_dict
    engine = params["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        where = f"the SQLite file {params['NAME']}"
    else:
        where = f"{engine} at {params.get('HOST') or 'localhost'}:{params.get('PORT') or 'default port'}"
    reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"the database ({where}) is not reachable: {reason}. Start it or set DATABASE_URL."


def check_database():
    """Fail fast when the database cannot be reached (the ASGI app calls this at import).

    `uvicorn --workers N` imports the app inside a running event loop, where Django refuses
    database calls (SynchronousOnlyOperation). The check runs in a thread of its own, with a
    connection of its own, and its ConfigError is raised again here.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cocreate-startup") as pool:
        pool.submit(_connect_once).result()


def _connect_once():
    from django.db import OperationalError, connection

    try:
        connection.ensure_connection()
    except OperationalError as exc:
        raise ConfigError(unreachable_database(exc))
    finally:
        connection.close()


def run_management(argv):
    """manage.py's body: a database error at start becomes one line, not a traceback."""
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        execute_from_command_line(argv)
    except OperationalError as exc:
        print(f"Cocreate cannot start: {unreachable_database(exc)}", file=sys.stderr)
        sys.exit(1)


# Measured with bench/live.py (1,000 sockets on 2 workers): with Python's default thresholds a
# worker ran a full collection after nearly every broadcast, 100-300 ms that found nothing, and
# every socket of that worker waited (p95 from the write 284-392 ms). A broadcast's objects live
# only until its frames are written; a first generation this large lets them die before any
# collection promotes them, and freezing what start-up loaded keeps it out of every collection
# (p95 103 ms, no collection over 5 ms). Cyclic garbage still goes, in bigger batches.
GC_THRESHOLDS = (50_000, 20, 20)


def tune_garbage_collector() -> None:
    """For a server process, once the application is loaded (the ASGI app calls this)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
