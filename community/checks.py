"""System checks of ours: production settings that only work in a single process."""

from django.conf import settings
from django.core import checks

IN_MEMORY_LAYER = "channels.layers.InMemoryChannelLayer"
IMMEDIATE_TASKS = "django_tasks.backends.immediate.ImmediateBackend"


@checks.register(checks.Tags.compatibility, deploy=True)
def check_multi_process(app_configs=None, **kwargs):
    """With several workers, an in-memory channel layer keeps live events inside one worker, and
    immediate tasks send e-mail inside the request; both are fine only for a single process."""
    if settings.DEBUG or getattr(settings, "SINGLE_PROCESS", False):
        return []
    problems = []
    layer = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND")
    if layer == IN_MEMORY_LAYER:
        problems.append(
            checks.Warning(
                "Live events use the in-memory channel layer: with more than one worker, a vote on "
                "one worker never reaches browsers connected to another.",
                hint="Set REDIS_URL, or SINGLE_PROCESS=true if the site runs as one process.",
                id="cocreate.W001",
            )
        )
    tasks = settings.TASKS.get("default", {}).get("BACKEND")
    if tasks == IMMEDIATE_TASKS:
        problems.append(
            checks.Warning(
                "Background tasks run immediately, inside the request: posting waits for e-mail "
                "and webhooks, and a failing mail server slows every write.",
                hint="Set TASKS_BACKEND=database and run `manage.py db_worker`, or SINGLE_PROCESS=true "
                "if the site runs as one process.",
                id="cocreate.W002",
            )
        )
    return problems
