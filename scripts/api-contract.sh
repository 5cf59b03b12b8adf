#!/usr/bin/env bash
# The API against its own OpenAPI document: a live server on a fresh demo database, a token for
# a demo customer (manage.py create_token), and Schemathesis over every operation the schema
# lists (so endpoints added later are covered without touching this script). It fails on any
# 500, a status code, content type or body the schema does not describe.
#
#   bash scripts/api-contract.sh    # a free port (or CONTRACT_PORT), CONTRACT_MAX_TIME=120 by default
#
# Bounded: a few examples per operation and a time budget for the whole run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT="${CONTRACT_PORT:-$($BIN/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
MAX_TIME="${CONTRACT_MAX_TIME:-120}"
MAX_EXAMPLES="${CONTRACT_MAX_EXAMPLES:-8}"
WORK=$(mktemp -d)
SERVER_PID=""

export DEBUG=true SECRET_KEY=contract-check-not-secret STAFF_MFA_REQUIRED=false PORT
export DATABASE_URL="sqlite:///$WORK/contract.sqlite3"
unset REDIS_URL TASKS_BACKEND
# Schemathesis sends thousands of requests in two minutes: no throttling here.
export API_RATE_IP=1000000/min API_RATE_USER=1000000/min API_RATE_TOKEN=1000000/min

finish() {
  local status=$?
  if [ -n "$SERVER_PID" ]; then
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ]; then
    echo "== API contract FAILED (exit $status); server log follows" >&2
    tail -n 80 "$WORK/server.log" >&2 || true
  fi
  rm -rf "$WORK"
  exit "$status"
}
trap finish EXIT

echo "== API contract (${SECONDS}s): demo database"
$BIN/python manage.py migrate --noinput >"$WORK/setup.log" 2>&1
$BIN/python manage.py seed_demo >>"$WORK/setup.log" 2>&1
export CONTRACT_MEMBER=kari0@example.com
TOKEN=$($BIN/python manage.py create_token "$CONTRACT_MEMBER" --scopes read,write --name "API contract")
$BIN/python manage.py shell --verbosity 0 <scripts/api_contract_config.py >"$WORK/schemathesis.toml"

echo "== API contract (${SECONDS}s): server on 127.0.0.1:$PORT"
setsid $BIN/uvicorn community.asgi:application --host 127.0.0.1 --port "$PORT" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.3
done

echo "== API contract (${SECONDS}s): schemathesis, at most ${MAX_TIME}s"
$BIN/schemathesis --config-file "$WORK/schemathesis.toml" run "http://127.0.0.1:$PORT/api/schema/" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --phases examples,coverage,fuzzing \
  --max-examples "$MAX_EXAMPLES" \
  --max-time "$MAX_TIME" \
  --workers 1 \
  --seed "${CONTRACT_SEED:-1}" \
  --generation-database none \
  --request-timeout 20 \
  --no-color \
  --report-dir "$WORK/report"
echo "== API contract (${SECONDS}s): passed"
