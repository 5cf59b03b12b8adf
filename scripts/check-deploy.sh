#!/usr/bin/env bash
# Django's deployment checklist with production settings: must pass with no warnings.
# The environment is the README's production one (Redis, database task queue); nothing connects
# to them here, but without them our multi-process check warns, as it should.
set -euo pipefail
cd "$(dirname "$0")/.."
env -u DATABASE_URL -u DJANGO_ALLOW_ASYNC_UNSAFE -u DJANGO_SETTINGS_MODULE -u SINGLE_PROCESS \
  DJANGO_SETTINGS_MODULE=community.settings DEBUG=false \
  SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  ALLOWED_HOSTS=community.example.com \
  REDIS_URL=redis://127.0.0.1:6379/0 TASKS_BACKEND=database \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
