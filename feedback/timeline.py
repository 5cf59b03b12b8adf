"""The customer panel's entries from beta programmes and touchpoints: memberships (applied,
joined, left), feedback items with how they were answered, and touchpoint scores (each with its
item's answer and, for a detractor, the member's next score there).

An item the viewer's teams may not see (FeedbackItem.objects.visible_to) shows as "Feedback
handled by the TV team": its status and date, never its text, reply or notes. Frontline staff
then know something is under way elsewhere without reading another team's work."""

from django.db.models import Exists, OuterRef
from django.utils.translation import ngettext

from community.timeline import Entry
from community.visibility import visible_page_ids
from feedback.models import FeedbackItem, ItemStatusChange, Membership, Source, TouchpointAnswer
from feedback.pages import BetaProgramPage
from feedback.queries import DETRACTOR_MAX, next_score


def _older(rows, field: str, before):
    return rows.filter(**{f"{field}__lt": before}) if before else rows


def memberships_of(member, *, viewer, limit, before):
    programmes = visible_page_ids(viewer, BetaProgramPage)
    rows = Membership.objects.filter(member=member, programme_id__in=programmes).select_related("programme")
    rows = _older(rows, "created_at", before).order_by("-created_at", "-pk")[:limit]
    return [
        Entry("membership", m.created_at, m.programme.title, m.programme.url or "", {
            "state": m.state, "state_label": m.get_state_display(), "decided_at": m.decided_at, "device": m.device,
        }, "feedback/timeline/membership.html")
        for m in rows
    ]


def _may_see(viewer):
    return Exists(FeedbackItem.objects.visible_to(viewer).filter(pk=OuterRef("pk")))


def _latest_replies(item_ids) -> dict:
    """The latest public answer (a status change with a response) of each item, one query."""
    if not item_ids:
        return {}
    replies = {}
    changes = (ItemStatusChange.objects.filter(item_id__in=item_ids).exclude(response_source="")
               .select_related("team", "changed_by").order_by("item_id", "-created_at", "-pk"))
    for change in changes:
        replies.setdefault(change.item_id, change)
    return replies


def _handling(item, may_see: bool, replies: dict) -> dict:
    """How an item was answered, as much as the viewer may see."""
    first_response = None
    if item.first_response_at:
        first_response = item.first_response_at - item.created_at
    return {
        "item": item, "may_see": may_see, "status": item.status, "status_label": item.status_label,
        "team": item.team, "first_response": first_response and duration_words(first_response), "first_response_at": item.first_response_at,
        "overdue": bool(not item.first_response_at and item.response_due_at and item.response_due_at < _now()),
        "reply": replies.get(item.pk) if may_see else None,
    }


def duration_words(delta) -> str:
    """A calendar duration as staff say it: "40 minutes", "5 hours", "3 days"."""
    minutes = max(int(delta.total_seconds() // 60), 1)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}


def _now():
    from django.utils import timezone

    return timezone.now()


def items_of(member, *, viewer, limit, before):
    """Beta feedback (touchpoint items come with their score, below)."""
    programmes = visible_page_ids(viewer, BetaProgramPage)
    rows = (FeedbackItem.objects.filter(author=member, source=Source.BETA, programme_id__in=programmes)
            .select_related("team", "programme", "thread").annotate(may_see=_may_see(viewer)))
    items = list(_older(rows, "created_at", before).order_by("-created_at", "-pk")[:limit])
    replies = _latest_replies([i.pk for i in items if i.may_see])
    return [
        Entry("feedback", item.created_at, item.title if item.may_see else "", item.get_absolute_url() if item.may_see else "", {
            **_handling(item, item.may_see, replies), "kind_label": item.thread.get_kind_display(),
            "programme": item.programme.title,
        }, "feedback/timeline/item.html")
        for item in items
    ]


def touchpoint_answers_of(member, *, viewer, limit, before):
    rows = (TouchpointAnswer.objects.filter(member=member)
            .select_related("touchpoint", "item__team")
            .annotate(next_score=next_score(),
                      may_see=Exists(FeedbackItem.objects.visible_to(viewer).filter(answer_id=OuterRef("pk")))))
    answers = list(_older(rows, "created_at", before).order_by("-created_at", "-pk")[:limit])
    replies = _latest_replies([a.item.pk for a in answers if a.may_see and _item(a) is not None])
    entries = []
    for answer in answers:
        item = _item(answer)
        detail = {
            "score": answer.score, "group": answer.group, "touchpoint": answer.touchpoint.name,
            "comment": answer.comment if answer.may_see else "", "language": answer.language,
            "detractor": answer.score <= DETRACTOR_MAX, "next_score": answer.next_score,
            "delta": answer.next_score - answer.score if answer.next_score is not None else None,
        }
        if item is not None:
            detail.update(_handling(item, answer.may_see, replies))
        url = item.get_absolute_url() if item is not None and answer.may_see else ""
        entries.append(Entry("touchpoint", answer.created_at, answer.touchpoint.name, url, detail,
                             "feedback/timeline/touchpoint.html"))
    return entries


def _item(answer):
    try:
        return answer.item
    except FeedbackItem.DoesNotExist:
        return None


def register() -> None:
    from community.timeline import register_timeline_source

    for source in (memberships_of, items_of, touchpoint_answers_of):
        register_timeline_source(source)
