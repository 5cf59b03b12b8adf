"""Live events for ideas: the whole visible state of an idea, with its version."""

from django.conf import settings
from django.utils import translation

from community.live import publish, register_topic
from ideas import pagecache, rules
from ideas.models import Idea


def idea_state(idea: Idea) -> dict:
    return {
        "type": "idea",
        "id": idea.pk,
        "version": idea.version,
        "votes": idea.vote_count,
        "comments": idea.comment_count,
        "status": {
            "slug": idea.status.slug,
            "label": idea.status.label,
            "labels": status_labels(idea.status),
            "color": idea.status.color,
        },
        "votable": idea.status.allows_votes,
        "merged_into": idea.merged_into.get_absolute_url() if idea.merged_into_id else None,
    }


def status_labels(status) -> dict[str, str]:
    """The status's name in every language of the site: one event goes to every socket watching
    the idea, whatever language each page is in (live.js picks the page's)."""
    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = str(status.label)
    return labels


def _load(idea_id: int) -> Idea | None:
    return Idea.objects.select_related("status", "board", "merged_into").filter(pk=idea_id).first()


def idea_changed(idea_id: int) -> None:
    """Called after commit by every service that changes what viewers of an idea see."""
    # Without the board: the state does not need it, and joining the page tables costs more
    # CPU than the rest of a vote's queries (this runs after every vote).
    idea = Idea.objects.select_related("status", "merged_into").filter(pk=idea_id).first()
    if idea is not None:
        pagecache.board_changed(idea.board_id)
        if idea.merged_into_id:  # its comments show on the page of the idea it was merged into
            pagecache.idea_page_changed(idea.merged_into_id)
        publish(f"idea.{idea_id}", idea_state(idea))


def idea_voted(idea: Idea) -> None:
    """After a vote: the idea (with status and merged_into loaded) already holds the new count
    and version from the vote's own statement, so nothing is read again."""
    pagecache.board_changed(idea.board_id, texts=False)
    publish(f"idea.{idea.pk}", idea_state(idea))


def _authorize(member, idea_id: int) -> bool:
    idea = _load(idea_id)
    return idea is not None and rules.can_view_idea(member, idea)


def _snapshot(member, idea_id: int) -> list[dict]:
    return [idea_state(_load(idea_id))]


register_topic("idea", authorize=_authorize, snapshot=_snapshot)
