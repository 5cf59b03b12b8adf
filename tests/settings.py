"""Test settings: the real settings module in dev mode, with fast password hashing."""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("STAFF_MFA_REQUIRED", "false")

from community.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The same tasks run in the request, so tests see their effects at once.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "email"]}
}

# One test database per test process, so parallel runs (several developers' shells, xdist
# workers) never share or destroy each other's database.
_suffix = os.getpid()
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{_suffix}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_suffix}"}  # noqa: F405

# API throttles: high enough that no test is throttled unless it lowers them itself.
API_THROTTLE_RATES = {"ip": "100000/min", "user": "100000/min", "token": "100000/min"}

# The same for Redis: test processes sharing one Redis (xdist workers, two shells) keep their
# cache keys and channel groups apart, so one's cached facts never answer another's database.
if REDIS_URL:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = f"test{_suffix}"  # noqa: F405
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"test{_suffix}"  # noqa: F405
