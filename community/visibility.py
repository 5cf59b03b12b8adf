"""Who may see which Wagtail pages (boards, polls, programmes), and so everything inside them.

A page is visible when it and every ancestor are live, and every view restriction on it or an
ancestor (Wagtail's privacy settings: signed-in users, groups, a password) accepts the viewer,
exactly as Wagtail decides for the page itself. Every list, search, feed, notification and socket
asks here, through the apps' `visible_to(viewer)` querysets and `can_view_*` rules, so a private
board's ideas never show up where its page would not.

The page facts (ids, live chain, restrictions) are few and change rarely: they are cached in the
shared cache under a version that page and restriction changes bump. What depends on the viewer
(groups, passwords passed in this session) is applied per call.
"""

import contextvars
import logging
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

logger = logging.getLogger(__name__)

PASSWORDS_SESSION_KEY = PageViewRestriction.passed_view_restrictions_session_key
_VERSION_KEY = "visibility:version"
_TTL = 600


@dataclass(frozen=True)
class Restriction:
    id: int
    kind: str  # PageViewRestriction.LOGIN, GROUPS or PASSWORD
    group_ids: frozenset


@dataclass(frozen=True)
class Gate:
    """What stands between a viewer and one page: is it reachable at all, and its restrictions."""

    page_id: int
    reachable: bool  # the page and all its ancestors are live
    restrictions: tuple


# --- Viewers ---------------------------------------------------------------------------------


# The password restrictions passed in the current request's (or socket's) session. Rules get a
# user, not a request; Wagtail keeps passwords in the session, so the entry points set this.
_passed_passwords: contextvars.ContextVar[frozenset] = contextvars.ContextVar("passed_passwords", default=frozenset())


def remember_passwords(session):
    """Honour the page passwords this session has given, until `forget_passwords(token)`."""
    passed = session.get(PASSWORDS_SESSION_KEY) if session is not None else None
    return _passed_passwords.set(frozenset(passed or ()))


def forget_passwords(token) -> None:
    _passed_passwords.reset(token)


def _group_ids(user) -> frozenset:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_visibility_group_ids", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("pk", flat=True))
        user._visibility_group_ids = cached
    return cached


def accepts(restriction: Restriction, user) -> bool:
    """Wagtail's BaseViewRestriction.accept_request, for a user instead of a request."""
    if restriction.kind == PageViewRestriction.PASSWORD:
        return restriction.id in _passed_passwords.get()
    if restriction.kind == PageViewRestriction.LOGIN:
        return bool(getattr(user, "is_authenticated", False))
    if restriction.kind == PageViewRestriction.GROUPS:
        if getattr(user, "is_superuser", False):
            return True
        return bool(restriction.group_ids & _group_ids(user))
    return True


def _passes(gate: Gate, user) -> bool:
    return gate.reachable and all(accepts(r, user) for r in gate.restrictions)


# --- Pages -----------------------------------------------------------------------------------


def visible_page_ids(user, model) -> frozenset:
    """Ids of the pages of `model` (a Page subclass) that this viewer may see."""
    return frozenset(pk for pk, gate in gates(model).items() if _passes(gate, user))


def can_view_page(user, page) -> bool:
    gate = gates(type(page)).get(page.pk)
    if gate is None:  # created since the cache was filled
        gate = gates(type(page), fresh=True).get(page.pk)
    return gate is not None and _passes(gate, user)


def gate_of(page) -> Gate | None:
    return gates(type(page)).get(page.pk) or gates(type(page), fresh=True).get(page.pk)


def gates(model, *, fresh: bool = False) -> dict[int, Gate]:
    """Every page of `model` with what guards it (three queries when the cache is cold)."""
    key = gates_key(model, _version())
    found = None if fresh else (_in_process.get(key) or _cache_get(key))
    if found is None:
        found = _compute(model)
        _cache_set(key, found)
    if len(_in_process) > 50:  # old versions' entries
        _in_process.clear()
    _in_process[key] = found
    return found


# What the shared cache holds under a version never changes (a change makes a new version), so
# this process keeps it too: a vote asked twice, and each time paid a Redis trip and unpickling.
_in_process: dict[str, dict[int, Gate]] = {}


def gates_key(model, version) -> str:
    """Where gates(model) are cached under a version (for callers reading several keys at once)."""
    return f"visibility:{model._meta.label_lower}:{version}"


def _compute(model) -> dict[int, Gate]:
    pages = list(model.objects.values_list("pk", "path", "live"))
    step = Page.steplen
    prefixes = {path[:end] for _pk, path, _live in pages for end in range(step, len(path) + 1, step)}
    live = dict(Page.objects.filter(path__in=prefixes).values_list("path", "live"))
    restrictions: dict[str, list[Restriction]] = {}
    rows = PageViewRestriction.objects.filter(page__path__in=prefixes).select_related("page")
    for row in rows.prefetch_related("groups"):
        restrictions.setdefault(row.page.path, []).append(
            Restriction(row.pk, row.restriction_type, frozenset(g.pk for g in row.groups.all()))
        )
    result = {}
    for pk, path, _live in pages:
        chain = [path[:end] for end in range(step, len(path) + 1, step)]
        # The tree's root is never live in Wagtail's sense that matters here (it is not served),
        # so only the site's pages below it count.
        reachable = all(live.get(p, False) for p in chain[1:])
        guards = tuple(r for p in chain for r in restrictions.get(p, ()))
        result[pk] = Gate(pk, reachable, guards)
    return result


# --- Members who may see a page (notifications, e-mail) -------------------------------------------


def members_who_may_see(page, members):
    """Narrow a Member queryset to those who may see `page`, in the database.

    A password restriction cannot be checked outside a request; notifications go only to people
    who took part in the page (voted, followed, wrote), who knew the password, so it passes here.
    """
    gate = gate_of(page)
    if gate is None or not gate.reachable:
        return members.none()
    from django.db.models import Q

    for restriction in gate.restrictions:
        if restriction.kind == PageViewRestriction.GROUPS:
            members = members.filter(Q(is_superuser=True) | Q(groups__in=restriction.group_ids)).distinct()
    return members


# --- Cache and invalidation ------------------------------------------------------------------------


def _cache_get(key):
    try:
        return cache.get(key)
    except Exception:  # an unreachable cache is a miss, never an error page
        logger.warning("visibility cache unavailable", exc_info=True)
        return None


def _cache_set(key, value, timeout=_TTL) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("visibility cache unavailable", exc_info=True)


def _new_version() -> int:
    # From the clock, never 1 again: if the version key is lost (evicted, Redis restarted with its
    # data), gates cached under an older number may still be there and must not come back.
    return time.time_ns() // 1000


# A page change this process could not record (the cache was unreachable): retried until it is,
# so a cache that comes back with its old data does not serve the old facts.
_unrecorded_change = False


def _version() -> int:
    if _unrecorded_change:
        forget()
    version = _cache_get(_VERSION_KEY)
    if version is None:
        # The version never expires; a new one is only needed the first time, or after a loss.
        version = _new_version()
        _cache_set(_VERSION_KEY, version, None)
    return version


def version() -> int:
    """The current version of the page facts: caches of what pages show key on it too."""
    return _version()


def forget() -> None:
    """Page tree or restrictions changed: every cached gate is stale."""
    global _unrecorded_change
    try:
        cache.incr(_VERSION_KEY)
        _unrecorded_change = False
        return
    except ValueError:  # no version yet, or the cache is down (the resilient cache answers so)
        pass
    except Exception:
        logger.warning("visibility cache unavailable", exc_info=True)
    version = _new_version()
    _cache_set(_VERSION_KEY, version, None)
    _unrecorded_change = _cache_get(_VERSION_KEY) != version


@receiver(post_save)
@receiver(post_delete)
def _page_changed(sender, instance, **kwargs):
    if isinstance(instance, (Page, PageViewRestriction)):
        forget()


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def _page_moved_or_published(sender, **kwargs):
    forget()


@receiver(m2m_changed, sender=PageViewRestriction.groups.through)
def _restriction_groups_changed(sender, **kwargs):
    forget()
