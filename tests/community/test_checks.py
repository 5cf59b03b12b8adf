"""Our deploy check: single-process settings in production are named, with the variable to set."""

import pytest
from django.test import override_settings

from community.checks import check_multi_process

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
REDIS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": ["redis://x"]}}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def ids(layers, tasks, **extra):
    with override_settings(CHANNEL_LAYERS=layers, TASKS=tasks, **extra):
        return {(w.id, w.hint) for w in check_multi_process()}


def test_in_memory_layer_and_immediate_tasks_in_production_are_named_with_the_variable_to_set():
    found = ids(IN_MEMORY, IMMEDIATE, DEBUG=False, SINGLE_PROCESS=False)
    assert {i for i, _ in found} == {"cocreate.W001", "cocreate.W002"}
    hints = " ".join(h for _, h in found)
    assert "REDIS_URL" in hints and "TASKS_BACKEND=database" in hints and "SINGLE_PROCESS=true" in hints


@pytest.mark.parametrize(
    ("layers", "tasks", "expected"),
    [
        (IN_MEMORY, DATABASE, {"cocreate.W001"}),
        (REDIS, IMMEDIATE, {"cocreate.W002"}),
        (REDIS, DATABASE, set()),
    ],
)
def test_each_setting_is_checked_on_its_own(layers, tasks, expected):
    assert {i for i, _ in ids(layers, tasks, DEBUG=False, SINGLE_PROCESS=False)} == expected


@pytest.mark.parametrize(
    "extra", [{"DEBUG": True, "SINGLE_PROCESS": False}, {"DEBUG": False, "SINGLE_PROCESS": True}]
)
def test_development_or_a_stated_single_process_is_fine(extra):
    assert ids(IN_MEMORY, IMMEDIATE, **extra) == set()
