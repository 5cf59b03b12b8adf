#!/usr/bin/env bash
# The README's production section, as written, on PostgreSQL + Redis at 127.0.0.1: migrate,
# collectstatic, check --deploy, two uvicorn workers behind a (pretend) TLS proxy and a task
# worker; /healthz, a public page and a websocket snapshot must work (scripts/production_smoke.py),
# and a deploy's SIGTERM must answer the requests in hand and close websockets with 1012.
# Uses its own database and Redis db, dropped and flushed afterwards; servers always stopped.
# On any failure it prints the server logs.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PG_SERVER="${PRODUCTION_CHECK_PG:-postgres://postgres@127.0.0.1:5432}"
DB="${PRODUCTION_CHECK_DB:-cocreate_production_check}"
# Not db 0, where the PostgreSQL + Redis test run keeps its keys.
REDIS="${PRODUCTION_CHECK_REDIS:-redis://127.0.0.1:6379/3}"
HOST=community.example.com
LOGS=$(mktemp -d)
PIDS=()

pg_admin() {  # one statement against the server's maintenance database
  $BIN/python -c 'import sys, psycopg; psycopg.connect(sys.argv[1], autocommit=True).execute(sys.argv[2])' \
    "$PG_SERVER/postgres" "$1"
}
flush_redis() { $BIN/python -c 'import sys, redis; redis.Redis.from_url(sys.argv[1]).flushdb()' "$REDIS"; }

stop_servers() {
  for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  PIDS=()
}

finish() {
  local status=$?
  stop_servers
  if [ "$status" -ne 0 ]; then
    echo "== production check FAILED (exit $status); logs follow" >&2
    for log in "$LOGS"/*.log; do [ -e "$log" ] && { echo "--- $(basename "$log")" >&2; tail -n 100 "$log" >&2; }; done
  fi
  pg_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  flush_redis >/dev/null 2>&1 || true
  rm -rf "$LOGS"
  exit "$status"
}
trap finish EXIT

step() { echo "== production check (${SECONDS}s): $*"; }
run() {  # a command whose output is shown only if it fails
  local name=$1; shift
  "$@" >"$LOGS/$name.log" 2>&1
}
start() {  # a server in its own process group, so stopping it stops its workers too
  local name=$1; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 &
  PIDS+=("$!")
}

step "fresh database $DB and Redis $REDIS"
pg_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
pg_admin "CREATE DATABASE $DB"
flush_redis

# The README's variables (EMAIL_URL left out: e-mail goes to the worker's log here).
unset DJANGO_ALLOW_ASYNC_UNSAFE DJANGO_SETTINGS_MODULE SINGLE_PROCESS STAFF_MFA_REQUIRED EMAIL_URL SITE_URL
export DEBUG=false ALLOWED_HOSTS=$HOST TASKS_BACKEND=database TRUSTED_PROXY_COUNT=1 \
       SECRET_KEY="production-check-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
       DATABASE_URL="$PG_SERVER/$DB" REDIS_URL="$REDIS" DATABASE_POOL_SIZE=10

step "migrate, collectstatic, check --deploy"
run migrate $BIN/python manage.py migrate --noinput
run collectstatic $BIN/python manage.py collectstatic --noinput
$BIN/python manage.py check --deploy --fail-level WARNING
step "seed demo data"
run seed_demo $BIN/python manage.py seed_demo

PORT=$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
step "uvicorn with 2 workers on 127.0.0.1:$PORT, and a task worker"
start uvicorn $BIN/uvicorn community.asgi:application --host 127.0.0.1 --port "$PORT" --workers 2 --proxy-headers \
    --timeout-graceful-shutdown 30
start db_worker $BIN/python manage.py db_worker --queue-name "*"

# Ready when both workers have started; a worker that dies at import is reported at once.
for _ in $(seq 1 120); do
  [ "$(grep -c 'Started server process' "$LOGS/uvicorn.log" || true)" -ge 2 ] && break
  if grep -q "Cocreate cannot start\|Traceback\|Child process .* died" "$LOGS/uvicorn.log"; then
    echo "a web worker failed to start" >&2; exit 1
  fi
  sleep 0.5
done
[ "$(grep -c 'Started server process' "$LOGS/uvicorn.log" || true)" -ge 2 ] || { echo "2 web workers did not start in 60 s" >&2; exit 1; }
for _ in $(seq 1 40); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.25; done

step "healthz, a page, a websocket snapshot"
$BIN/python scripts/production_smoke.py "http://127.0.0.1:$PORT" "$HOST"

step "the task worker drains what the seeding queued"
# Counts the tasks due now that no worker has run, and those run successfully.
QUEUE_STATE='
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
due = DBTaskResult.objects.ready().filter(Q(run_after__isnull=True) | Q(run_after__lte=timezone.now())).count()
print(due, DBTaskResult.objects.successful().count())'
drained=""
for _ in $(seq 1 120); do
  read -r due done_ok < <($BIN/python manage.py shell --verbosity 0 -c "$QUEUE_STATE")
  if [ "$due" -eq 0 ] && [ "$done_ok" -gt 0 ]; then drained=yes; break; fi
  sleep 1
done
[ -n "$drained" ] || { echo "the task worker left $due task(s) due ($done_ok done)" >&2; exit 1; }
echo "ok: $done_ok task(s) run by db_worker, none left due"
for pid in "${PIDS[@]}"; do kill -0 "$pid" || { echo "a server stopped during the check" >&2; exit 1; }; done
grep -q "Traceback" "$LOGS/uvicorn.log" "$LOGS/db_worker.log" && { echo "a server logged a traceback" >&2; exit 1; }

step "a deploy: SIGTERM with a page open and requests in flight"
UVICORN=${PIDS[0]}
$BIN/python scripts/production_smoke.py "http://127.0.0.1:$PORT" "$HOST" deploy "$UVICORN"
for _ in $(seq 1 80); do kill -0 "$UVICORN" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$UVICORN" 2>/dev/null; then echo "uvicorn still runs 40 s after SIGTERM" >&2; exit 1; fi
status=0; wait "$UVICORN" || status=$?
[ "$status" -eq 0 ] || { echo "uvicorn exited with $status after SIGTERM" >&2; exit 1; }
grep -q "Traceback" "$LOGS/uvicorn.log" && { echo "the web workers logged a traceback while stopping" >&2; exit 1; }
echo "ok: uvicorn stopped cleanly"
step "passed"
