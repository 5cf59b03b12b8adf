"""Cached HTML for the busiest idea pages: a board's listing and an idea page for visitors.

A fragment is the same for everyone who may see the page, so it is kept in the shared cache and
rendered without the request (no user, no CSRF token, no session in its context). What differs
per viewer is left as slots (`<!--slot:csrf-->`, `<!--slot:action:12-->`...) that `fill` replaces
on every request: the CSRF token, the back link, and a member's own votes (one query). User text
in a fragment is escaped, so `<!--` can only come from our templates, never from an idea.

Keys carry versions that writes bump, so a change shows at once:
- the board's version: every service that changes what a board or an idea page shows calls
  `board_changed` after its commit (votes, statuses, merges, edits, comments, new, hidden or
  withdrawn ideas) — `events.idea_changed` does it for all of them;
- the idea's own version (idea pages); a board's card is keyed by what it shows (title, status,
  comments, activity, language, author) and gets its vote count and version from the page's
  rows, so votes re-render no card;
- the visibility version (community/visibility.py): pages published, moved, made private;
- the site version: statuses and tags, which every board shows.
The minute of TTL bounds what no write announces: "2 hours ago" and a member renaming themself.
When the cache is down every request renders afresh, as before.
"""

import hashlib
import logging
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext
from wagtail.models import Site

from community import visibility

logger = logging.getLogger(__name__)

TTL = 60
_SITE_KEY = "ideas:site:v"
_SLOT = re.compile(r"<!--slot:(\w+)(?::(\d+))?-->")


# --- Versions --------------------------------------------------------------------------------


def _board_key(board_id: int) -> str:
    return f"ideas:board:{board_id}:v"


def _texts_key(board_id: int) -> str:
    # Which ideas a search finds: changed by everything but votes.
    return f"ideas:board:{board_id}:texts"


def _new_version() -> int:
    # From the clock, never an old number again: if a version key is lost (evicted, a Redis
    # restart), fragments cached under the older numbers must not come back.
    return time.time_ns() // 1000


# Bumps this process could not record (the cache was unreachable), retried before the next read.
_unrecorded: set[str] = set()


def _bump(key: str) -> None:
    try:
        cache.incr(key)
        _unrecorded.discard(key)
        return
    except ValueError:  # no version yet, or the cache is down (the resilient cache answers so)
        pass
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)
    version = _new_version()
    try:
        cache.set(key, version, None)
        recorded = cache.get(key) == version
    except Exception:
        recorded = False
    if recorded:
        _unrecorded.discard(key)
    else:
        _unrecorded.add(key)


def board_changed(board_id: int, *, texts: bool = True) -> None:
    """What a board shows changed: its cached listings are stale; with texts (anything but a
    vote: a new, edited, moved or hidden idea), its cached searches too."""
    _bump(_board_key(board_id))
    if texts:
        _bump(_texts_key(board_id))


def site_changed() -> None:
    _bump(_SITE_KEY)


def _versions(*keys) -> list | None:
    """The versions under keys (made if missing), or None when the cache cannot be trusted."""
    for key in list(_unrecorded):
        _bump(key)
    if _unrecorded:
        return None
    try:
        found = cache.get_many(keys)
    except Exception:
        return None
    versions = []
    for key in keys:
        if found.get(key) is None:
            found[key] = _new_version()
            try:
                if not cache.add(key, found[key], None):
                    found[key] = cache.get(key)
            except Exception:
                return None
        versions.append(found[key])
    return versions if all(v is not None for v in versions) else None


def _get(key):
    try:
        return cache.get(key)
    except Exception:
        return None


def _set(key, value, timeout=TTL) -> None:
    try:
        cache.set(key, value, timeout)
    except Exception:
        logger.warning("page cache unavailable", exc_info=True)


def _key(kind: str, *parts) -> str:
    """A key for parts that may hold anything a visitor typed: they are hashed."""
    return f"ideas:{kind}:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def cached(key: str | None, render):
    """The value under key, else render() stored there; render() alone without a key."""
    if key is None:
        return render()
    value = _get(key)
    if value is None:
        value = render()
        _set(key, value)
    return value


# --- Per-request slots -----------------------------------------------------------------------


def fill(html: str, request, *, voted=frozenset(), next_url: str = "") -> str:
    """Put this request's own parts into a cached fragment."""
    token = None

    def slot(match):
        nonlocal token
        name, ident = match.group(1), match.group(2)
        if name == "csrf":
            token = token or get_token(request)  # also sends the cookie, as {% csrf_token %} does
            return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
        if name == "next":
            return escape(next_url)
        mine = ident is not None and int(ident) in voted
        if name == "action":
            return "unvote" if mine else "vote"
        if name == "pressed":
            return "true" if mine else "false"
        return ""

    # Our templates rendered html (escaping what members wrote); the slots are escaped above.
    return mark_safe(_SLOT.sub(slot, html))  # noqa: S308


def _fill_counts(html: str, rows) -> str:
    """Each card's vote count and version, from the page's rows: all that a vote changes on a
    card, so a vote re-renders no card (the rows are read again after every vote)."""
    counts = {row[0]: (row[1], row[2]) for row in rows}

    def slot(match):
        name, ident = match.group(1), match.group(2)
        if name not in ("count", "votesword", "ver") or ident is None or int(ident) not in counts:
            return match.group(0)  # for fill(), per request
        version, votes = counts[int(ident)]
        if name == "ver":
            return str(version)
        if name == "count":
            return str(votes)
        return escape(ngettext("vote", "votes", votes))

    return _SLOT.sub(slot, html)


# --- A board's page --------------------------------------------------------------------------
# Three layers, so a vote re-renders no card and an edit one card, not the page: the rows of the
# page (one narrow query, under the board's version, which votes bump too), each card (under
# what it shows but the vote count, from its row) and the frame around them (filters, sort tabs,
# pager: under the site's and the pages' versions).


def board_listing_html(board, *, sort, status, tag, q, number, lang, can_post) -> tuple[str, list[int]]:
    """The listing of one page of a board, with slots for `fill`, and the ids of its ideas."""
    from ideas import queries

    versions = _versions(_board_key(board.pk), _SITE_KEY, _texts_key(board.pk))
    board_version, site_version, texts_version = versions or (None, None, None)
    pages_version = (getattr(board, "pages_version", None) or visibility.version()) if versions else None
    language = translation.get_language()
    keep = {k: v for k, v in (("status", status), ("tag", tag), ("q", q)) if v}
    if not lang.is_default:
        keep["lang"] = lang.key
    filter_query = urlencode(keep)
    filters = (sort, status, tag, q, number, lang)

    # A search's matches do not change with votes, only their order: kept apart, so the
    # full-text search does not run again after every vote.
    matching = q and cached(
        versions and _key("search", board.pk, texts_version, site_version, q), lambda: queries.search_ids(board, q)
    )
    rows, has_next = cached(
        versions and _key("ids", board.pk, board_version, site_version, pages_version, *filters),
        lambda: queries.board_page_ids(
            board, sort=sort, status=status, tag=tag, q=q, page=number, shown_languages=lang.codes, matching=matching
        ),
    )
    listing = queries.BoardListing(
        ideas=rows, page=number, has_next=has_next, sort=sort, status=status, tag=tag, q=q,
        lang=lang.key, languages=lang.codes, lang_is_default=lang.is_default,
    )
    frame_key = versions and _key(
        "frame", board.pk, site_version, pages_version, language, *filters, has_next, bool(rows), can_post
    )
    shared = versions and (site_version, language, filter_query)
    # Not the version or the count: a vote changes those, and they are filled in from the row.
    card_keys = {row[0]: shared and _key("card", row[0], *row[3:], *shared) for row in rows}
    found = _get_many([frame_key, *card_keys.values()]) if versions else {}
    frame = found.get(frame_key) or _stored(
        frame_key,
        render_to_string(
            "ideas/_board_main.html",
            {
                "page": board, "listing": listing, "filters": queries.board_filters(board), "can_post": can_post,
                "filtered": bool(keep), "query": urlencode({**keep, "sort": sort}), "filter_query": filter_query,
            },
        ),
    )
    cards = _cards(rows, card_keys, found, filter_query)
    return _fill_counts(frame.replace("<!--slot:cards-->", "".join(cards), 1), rows), [row[0] for row in rows]


def _get_many(keys) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:
        return {}


def _stored(key, value):
    if key:
        _set(key, value)
    return value


def _cards(rows, keys, found, filter_query) -> list[str]:
    """The cards of rows (queries.CARD_ROW): from found, else rendered and stored under keys."""
    from ideas import queries
    from ideas.views._common import _excerpt

    missing = [pk for pk, key in keys.items() if not key or key not in found]
    if missing:
        template = get_template("ideas/_card.html")
        made = {}
        for idea in queries.ideas_for_cards(missing):
            idea.excerpt = _excerpt(idea.body_html)
            made[keys[idea.pk] or idea.pk] = template.render({"idea": idea, "filter_query": filter_query, "slots": True})
        found = {**found, **made}
        if all(keys.values()):
            try:
                cache.set_many(made, TTL)
            except Exception:
                logger.warning("page cache unavailable", exc_info=True)
    return [found[keys[row[0]] or row[0]] for row in rows if (keys[row[0]] or row[0]) in found]


# --- An idea page for visitors ------------------------------------------------------------------
# The whole page, as visitors all see the same one; its CSRF tokens and CSP nonces are swapped for
# markers no one can write (they carry a digest of the secret key) and back for each request.


def _idea_key(idea_id: int) -> str:
    return f"ideas:idea:{idea_id}:v"


def idea_page_changed(idea_id: int) -> None:
    """Something on the idea's page changed that its own version does not count: a comment on
    an idea merged into it."""
    _bump(_idea_key(idea_id))


def page_slots() -> dict[str, str]:
    """Markers for what each request fills in: they carry a digest of the secret key, so no
    text a member writes can forge one."""
    secret = hashlib.sha256(f"pagecache:{settings.SECRET_KEY}".encode()).hexdigest()[:16]
    return {name: f"slot-{name}-{secret}" for name in ("token", "nonce", "vote", "description", "version")}


_TOKEN_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def idea_page_key(idea) -> str | None:
    """The page changes with what `services._touch` records (last_activity_at: comments,
    statuses, merges, edits), the idea's own fields and the versions; a vote changes only the
    counter and the version, which are filled per request, so votes do not empty this cache."""
    versions = _versions(_idea_key(idea.pk), _SITE_KEY)
    if versions is None:
        return None
    return _key(
        "idea", idea.pk, idea.last_activity_at, idea.edited_at, idea.status_id, idea.merged_into_id,
        idea.comment_count, idea.title, idea.body_html, idea.language, *versions, visibility.version(),
        translation.get_language(),
    )


def cacheable_for(request) -> bool:
    """A visitor's plain GET of the page, with no message waiting to be shown."""
    return not request.user.is_authenticated and not request.GET and "messages" not in request.COOKIES


def cached_page(key, request, fill_in) -> str | None:
    """The cached page with this request's parts: token, nonce and fill_in() (name -> html)."""
    html = _get(key) if key else None
    if html is None:
        return None
    slots = page_slots()
    values = {"token": escape(get_token(request)), "nonce": escape(str(request.csp_nonce)), **fill_in()}
    for name, value in values.items():
        html = html.replace(slots[name], str(value))
    return html


def store_page(key, html: str, request) -> None:
    if not key:
        return
    slots = page_slots()
    html = _TOKEN_VALUE.sub(rf"\g<1>{slots['token']}\g<2>", html)
    nonce = getattr(request, "_csp_nonce", None)
    if nonce:
        html = html.replace(f'nonce="{escape(nonce)}"', f'nonce="{slots["nonce"]}"')
    _set(key, html)


# --- Boards by path, without Wagtail's routing queries ---------------------------------------


def board_for_path(path: str):
    """The live board served at path on the only site, when nothing guards it (no view
    restriction on it or an ancestor), else None: Wagtail then routes as usual. The board
    carries `pages_version`, the visibility version it was found under."""
    from ideas.pages import IdeaBoardPage

    version = visibility.version()
    boards_key, gates_key = f"ideas:boards-by-path:{version}", visibility.gates_key(IdeaBoardPage, version)
    try:  # one round trip for both
        found = cache.get_many([boards_key, gates_key])
    except Exception:
        found = {}
    boards = found.get(boards_key)
    if boards is None:
        boards = _boards_by_path()
        _set(boards_key, boards, 600)
    board = boards.get(path)
    if board is None:
        return None
    gate = (found.get(gates_key) or visibility.gates(IdeaBoardPage)).get(board.pk)
    if gate is None or not gate.reachable or gate.restrictions:
        return None
    board.pages_version = version
    return board


def _boards_by_path() -> dict:
    from ideas.pages import IdeaBoardPage

    sites = list(Site.objects.select_related("root_page"))
    if len(sites) != 1 or not sites[0].is_default_site:
        return {}  # several sites: their hostnames decide, as Wagtail does
    root = sites[0].root_page.url_path
    return {
        board.url_path[len(root) :]: board
        for board in IdeaBoardPage.objects.live().filter(url_path__startswith=root).select_related("content_type")
    }


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def _site_changed(sender, **kwargs):
    visibility.forget()


def _statuses_or_tags_changed(sender, **kwargs):
    site_changed()


def _idea_saved(sender, instance, **kwargs):
    # The services announce their writes (events.idea_changed); this catches a save from
    # anywhere else (a shell, a migration, a future tool) once it commits.
    transaction.on_commit(lambda: board_changed(instance.board_id), robust=True)


def connect_signals() -> None:
    from ideas.models import Idea, IdeaTag, Status

    post_save.connect(_idea_saved, sender=Idea, dispatch_uid="pagecache-idea")
    post_delete.connect(_idea_saved, sender=Idea, dispatch_uid="pagecache-idea-d")
    for model in (Status, IdeaTag):
        post_save.connect(_statuses_or_tags_changed, sender=model, dispatch_uid=f"pagecache-{model.__name__}")
        post_delete.connect(_statuses_or_tags_changed, sender=model, dispatch_uid=f"pagecache-{model.__name__}-d")
