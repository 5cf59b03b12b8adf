"""Live events for polls: the whole visible result of a poll, with its version (topic poll.<id>)."""

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


def poll_changed(poll_id: int) -> None:
    """Called after commit by every service that changes what viewers of the results see. The
    results are aggregated once here and sent to every watcher."""
    poll = _load(poll_id)
    if poll is not None:
        publish(f"poll.{poll_id}", poll_state(poll))


def _authorize(member, poll_id: int) -> bool:
    # The same rule as the results on the page and in the API.
    poll = _load(poll_id)
    return poll is not None and rules.can_see_results(member, poll)


def _snapshot(member, poll_id: int) -> list[dict]:
    return [poll_state(_load(poll_id))]


register_topic("poll", authorize=_authorize, snapshot=_snapshot)
