"""Start-up: bad configuration stops the process with one clear line, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Variables the test process sets for itself; each case starts without them.
CLEARED = {
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "STAFF_MFA_REQUIRED",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run_python(*args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update({"DJANGO_SETTINGS_MODULE": "community.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def run_manage(*args, **env_overrides):
    return run_python("manage.py", *args, **env_overrides)


# What `uvicorn --workers N` does in each worker: import the app inside a running event loop.
IMPORT_IN_EVENT_LOOP = """
import asyncio

async def main():
    import gc
    from community.asgi import application
    print("loaded", type(application).__name__)
    print("collector", gc.get_threshold(), gc.get_freeze_count() > 10_000)

asyncio.run(main())
"""


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DEBUG": "false", "ALLOWED_HOSTS": "example.com"}, "SECRET_KEY is not set"),
        ({"DEBUG": "maybe"}, "DEBUG must be true or false"),
        ({"DEBUG": "true", "TASKS_BACKEND": "celery"}, "TASKS_BACKEND must be one of immediate, database"),
        ({"DEBUG": "true", "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL is not a database URL"),
        ({"DEBUG": "true", "REDIS_URL": "http://127.0.0.1"}, "REDIS_URL must start with redis://"),
        ({"DEBUG": "true", "SITE_LANGUAGE": "de"}, "SITE_LANGUAGE must be one of en, nb, da, sv, nl"),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS is not set"),
        ({"DEBUG": "true", "OIDC_SERVER_URL": "https://id.example.com"}, "OIDC_CLIENT_ID"),
    ],
)
def test_bad_configuration_stops_with_one_line(env, expected):
    result = run_manage("check", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Cocreate cannot start:")
    assert expected in lines[0]


def test_unreachable_database_stops_with_one_line():
    result = run_manage("migrate", DEBUG="true", DATABASE_URL="postgres://nobody@127.0.0.1:1/nowhere")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "not reachable" in lines[0] and "DATABASE_URL" in lines[0]


def test_the_asgi_app_loads_inside_a_running_event_loop(tmp_path):
    result = run_python(
        "-c", IMPORT_IN_EVENT_LOOP, DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"
    )
    assert result.returncode == 0, result.stderr
    assert "loaded ProtocolTypeRouter" in result.stdout
    # A worker's start-up objects are frozen and its first generation is large (bench/live.py:
    # full collections after every broadcast stalled a thousand sockets).
    assert "collector (50000, 20, 20) True" in result.stdout


def test_an_unreachable_database_stops_the_asgi_app_with_one_line():
    result = run_python(
        "-c", IMPORT_IN_EVENT_LOOP, DEBUG="true", DATABASE_URL="postgres://nobody@127.0.0.1:1/nowhere"
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Cocreate cannot start: the database") and "DATABASE_URL" in lines[0]


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 64 + "-production-like",
    "ALLOWED_HOSTS": "community.example.com",
}


def test_production_settings_pass_the_deploy_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        REDIS_URL="redis://127.0.0.1:6379/0",
        TASKS_BACKEND="database",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_checklist_names_what_several_workers_need():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode != 0
    assert "cocreate.W001" in result.stderr and "REDIS_URL" in result.stderr
    assert "cocreate.W002" in result.stderr and "TASKS_BACKEND=database" in result.stderr
    stated = run_manage("check", "--deploy", "--fail-level", "WARNING", SINGLE_PROCESS="true", **PRODUCTION)
    assert stated.returncode == 0, stated.stdout + stated.stderr


def test_production_settings_are_strict():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0,"
        " s.STAFF_MFA_REQUIRED, s.DEBUG)"
    )
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(DJANGO_SETTINGS_MODULE="community.settings", SECRET_KEY="k" * 64, ALLOWED_HOSTS="a.example")
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.stdout.split() == ["True", "True", "True", "True", "True", "False"], out.stderr
