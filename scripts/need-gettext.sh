#!/usr/bin/env bash
# GNU gettext (xgettext, msgmerge) for `manage.py messages`: Debian's package, installed when missing.
set -euo pipefail

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v xgettext >/dev/null || ! command -v msgmerge >/dev/null; then
  echo "== installing gettext (Debian package)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq gettext >/dev/null
fi
