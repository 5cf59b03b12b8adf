"""System checks of ours: production settings that only work in a single process."""

from django.conf import settings
from django.core import checks

# (setting, backend that is wrong with several processes, id, why, what to set)
SINGLE_PROCESS_ONLY = [
    (
        "CHANNEL_LAYERS",
        "channels.layers.InMemoryChannelLayer",
        "cocreate.W001",
        "Live events use the in-memory channel layer: with more than one worker, a vote on one "
        "worker never reaches browsers connected to another.",
        "Set REDIS_URL",
    ),
    (
        "TASKS",
        "django_tasks.backends.immediate.ImmediateBackend",
        "cocreate.W002",
        "Background tasks run immediately, inside the request: posting waits for e-mail and "
        "webhooks, and a failing mail server slows every write.",
        "Set TASKS_BACKEND=database and run `manage.py db_worker`",
    ),
]


@checks.register(checks.Tags.compatibility, deploy=True)
def check_multi_process(app_configs=None, **kwargs):
    """Warn about backends that are fine only for one process, unless the operator says so."""
    if settings.DEBUG or getattr(settings, "SINGLE_PROCESS", False):
        return []
    return [
        checks.Warning(why, hint=f"{fix}, or SINGLE_PROCESS=true if the site runs as one process.", id=ident)
        for setting, backend, ident, why, fix in SINGLE_PROCESS_ONLY
        if getattr(settings, setting).get("default", {}).get("BACKEND") == backend
    ]
