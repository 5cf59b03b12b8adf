"""Settings for the servers and task workers the fault tests start: production settings (DEBUG
off) on the test database, with the database queue, static files found without collectstatic,
and e-mail written to files in FAULT_MAIL_DIR, slowly enough to stop a worker mid-batch."""

import os

os.environ.update(DEBUG="false", TASKS_BACKEND="database", SECURE_SSL_REDIRECT="false", STAFF_MFA_REQUIRED="false")
os.environ.setdefault("SECRET_KEY", "fault-tests-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")

from community.settings import *  # noqa: E402, F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
SERVESTATIC_USE_FINDERS = True
EMAIL_BACKEND = "tests.faults.mail.SlowFileBackend"
EMAIL_FILE_PATH = os.environ.get("FAULT_MAIL_DIR", "")
