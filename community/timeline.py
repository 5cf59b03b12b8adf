"""The customer panel's timeline: every app registers a source of entries about one member (ideas,
votes, ballots, feedback...) so community never imports the apps, and the panel merges them.

A source is `fn(member, *, viewer, limit, before)` returning at most `limit` entries older than
`before` (a datetime or None), newest first, in a fixed number of queries, showing only what
`viewer` may see. The panel asks each for one page plus one and keeps the newest.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from community.inputs import parse_id

PAGE_SIZE = 20

_sources: list = []


def register_timeline_source(fn) -> None:
    """Called from an app's AppConfig.ready (once per function, however often ready runs)."""
    if fn not in _sources:
        _sources.append(fn)


@dataclass
class Entry:
    kind: str  # "idea", "vote", "ballot", ... (CSS class and filter)
    when: datetime
    title: str
    url: str = ""
    # What the entry's template shows besides the title (status, reply, score...).
    detail: dict = field(default_factory=dict)
    # The template that draws this kind, owned by the app that registered the source.
    template: str = "community/timeline/entry.html"


@dataclass
class Page:
    entries: list
    next_before: int | None  # the cursor of the next page ("show more"), None at the end


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def to_cursor(moment: datetime) -> int:
    """A moment as whole microseconds since 1970: an opaque, URL-safe "before" value. Integer
    arithmetic: a float timestamp would round the microseconds and skip entries."""
    return (moment - _EPOCH) // _MICROSECOND


def from_cursor(raw) -> datetime | None:
    """The "before" moment from a URL value; anything that is not a plausible cursor is the first page."""
    value = parse_id(raw)
    if value is None:
        return None
    try:
        return _EPOCH + value * _MICROSECOND
    except (OverflowError, OSError, ValueError):
        return None


def timeline(member, *, viewer, before=None, limit: int = PAGE_SIZE) -> Page:
    """One page of the member's history, newest first. Entries sharing the boundary moment all go
    to the next page, so a cursor made of a moment alone never skips one."""
    entries = []
    for source in _sources:
        entries.extend(source(member, viewer=viewer, limit=limit + 1, before=before))
    entries.sort(key=lambda e: e.when, reverse=True)
    if len(entries) <= limit:
        return Page(entries, None)
    page, boundary = entries[:limit], entries[limit].when
    kept = [e for e in page if e.when != boundary] or page
    # The next page starts below the last entry shown. Only when a whole page shares one moment
    # (limit + 1 entries stamped to the microsecond) can the rest of that moment be skipped.
    return Page(kept, to_cursor(kept[-1].when))
