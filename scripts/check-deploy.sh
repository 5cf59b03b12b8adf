#!/usr/bin/env bash
# Django's deployment checklist with production settings: must pass with no warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
env -u DATABASE_URL -u REDIS_URL -u DJANGO_ALLOW_ASYNC_UNSAFE -u DJANGO_SETTINGS_MODULE \
  DJANGO_SETTINGS_MODULE=community.settings DEBUG=false \
  SECRET_KEY="check-deploy-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" \
  ALLOWED_HOSTS=community.example.com \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
