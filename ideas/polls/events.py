"""Live events for polls: the whole visible result of a poll, with its version (topic poll.<id>)."""

import logging

from django.core.cache import cache

from community.live import publish, register_topic
from ideas.polls import rules
from ideas.polls.pages import PollPage


def _load(poll_id: int) -> PollPage | None:
    return PollPage.objects.filter(pk=poll_id).first()


def poll_state(poll: PollPage) -> dict:
    from ideas.polls.queries import results

    state = results(poll).as_event()
    state["phase"] = poll.phase()
    return state


logger = logging.getLogger(__name__)

# At most one results aggregation per poll per interval: a big poll taking many ballots a second
# would otherwise aggregate every ballot for each of them.
LIVE_INTERVAL = 1


def publish_results(poll_id: int) -> None:
    """Aggregate the results once and send them to every watcher of poll.<id>."""
    poll = _load(poll_id)
    if poll is not None:
        publish(f"poll.{poll_id}", poll_state(poll))


def _claim(key: str, seconds: int) -> bool:
    try:
        return cache.add(key, 1, seconds)
    except Exception:  # no shared cache: publish every time rather than never
        logger.warning("cache unavailable; publishing poll results unthrottled", exc_info=True)
        return True


def poll_changed(poll_id: int) -> None:
    """Called after commit by every service that changes what viewers of the results see. The
    first change in an interval publishes at once; later ones leave one catch-up publish after
    the interval (a deferred task), so the last ballot of a burst is always shown. Where tasks
    cannot be deferred (the immediate backend of a single process) every change publishes."""
    from ideas.polls import tasks

    if _claim(f"poll-live:{poll_id}", LIVE_INTERVAL):
        publish_results(poll_id)
    elif _claim(f"poll-live-later:{poll_id}", LIVE_INTERVAL * 2):
        if not tasks.publish_results_later(poll_id, LIVE_INTERVAL):
            publish_results(poll_id)


def _authorize(member, poll_id: int) -> bool:
    # The same rule as the results on the page and in the API.
    poll = _load(poll_id)
    return poll is not None and rules.can_see_results(member, poll)


def _snapshot(member, poll_id: int) -> list[dict]:
    return [poll_state(_load(poll_id))]


register_topic("poll", authorize=_authorize, snapshot=_snapshot)
