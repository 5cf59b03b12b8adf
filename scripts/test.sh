#!/usr/bin/env bash
# Runs lint and the test suite. In CI (CI=true) it also starts the site as the README's
# production section says, and the suite runs twice: on SQLite with the in-memory layers, then
# on PostgreSQL + Redis at 127.0.0.1 (with the fault tests: Redis, the task worker or the
# database going away), and nothing may be skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=tests.settings
export DJANGO_ALLOW_ASYNC_UNSAFE=true   # Playwright drives live_server from the test thread.
unset DATABASE_URL REDIS_URL TASKS_BACKEND

echo "== lint (ruff)"
$BIN/ruff check .

# The .mo files are built, not committed; the check extracts every string again (into a
# temporary folder) and fails, naming them, if any is untranslated or fuzzy in nb, da, sv or nl.
$BIN/python manage.py messages --compile --verbosity 0
bash scripts/need-gettext.sh
bash scripts/need-chromium.sh
echo "== translations (manage.py messages --check)"
$BIN/python manage.py messages --check

# Tests run in parallel processes (pytest-xdist), one per CPU up to four; each has its own test
# database and Redis key prefix (tests/settings.py). TEST_WORKERS=0 runs them in this process.
CPUS=$(nproc)
WORKERS=(-n "${TEST_WORKERS:-$(( CPUS < 4 ? CPUS : 4 ))}")

if [ "${CI:-}" = "true" ]; then
  bash scripts/ci-services.sh
  echo "== production settings: manage.py check --deploy"
  bash scripts/check-deploy.sh
  echo "== the README's production section, as written: two ASGI workers on PostgreSQL + Redis"
  bash scripts/production-check.sh
  echo "== the API against its OpenAPI schema (Schemathesis, about two minutes)"
  bash scripts/api-contract.sh
  echo "== tests on SQLite, in-memory channel layer and cache (PostgreSQL-only and fault tests run next)"
  $BIN/pytest "${WORKERS[@]}" -m "not postgres and not faults" "$@"
  echo "== tests on PostgreSQL + Redis"
  DATABASE_URL="${CI_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cocreate}" \
  REDIS_URL="${CI_REDIS_URL:-redis://127.0.0.1:6379/0}" \
    $BIN/pytest "${WORKERS[@]}" "$@"
else
  # Outside CI, PostgreSQL-only tests skip with a message saying how to run them.
  $BIN/pytest "${WORKERS[@]}" "$@"
fi
