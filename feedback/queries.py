"""Read paths that beta pages, the API, tasks and events share, each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from community import visibility
from community.inputs import clean_line, parse_id
from community.rules import is_member
from feedback import rules
from feedback.models import (
    FeedbackItem,
    InternalNote,
    ItemStatusChange,
    Membership,
    Post,
    Screenshot,
    Source,
    Status,
    Tag,
    TagChange,
    Thread,
    Touchpoint,
    TouchpointAnswer,
)
from feedback.pages import BetaProgramPage

PAGE_SIZE = 25
MAX_PAGE = 10_000
MAX_QUERY = 200


def page_number(raw) -> int:
    value = parse_id(raw)
    return min(value, MAX_PAGE) if value else 1


def members_inside(programme, members):
    """Narrow a Member queryset to those who may see inside the programme: its page's visibility
    (community.visibility) and staff or an active membership. Every notification goes through it."""
    members = visibility.members_who_may_see(programme, members)
    inside = Q(is_staff=True) | Q(
        pk__in=Membership.objects.filter(programme=programme, state=Membership.State.ACTIVE).values("member_id")
    )
    return members.filter(inside, is_active=True)


# --- Programmes ----------------------------------------------------------------------------------


def programmes_for(viewer, *, parent=None) -> list:
    """The programmes this viewer may see the page of, with their member counts and the viewer's
    membership state, in three queries."""
    ids = visibility.visible_page_ids(viewer, BetaProgramPage)
    programmes = BetaProgramPage.objects.filter(pk__in=ids, live=True)
    if parent is not None:
        programmes = programmes.child_of(parent)
    programmes = list(programmes.annotate(
        member_count=Count("memberships", filter=Q(memberships__state=Membership.State.ACTIVE))
    ).order_by("-starts_on", "title"))
    states = {}
    if is_member(viewer):
        states = dict(Membership.objects.filter(member=viewer, programme__in=programmes)
                      .values_list("programme_id", "state"))
    for programme in programmes:
        programme.viewer_state = states.get(programme.pk)
    return programmes


@dataclass
class ThreadListing:
    threads: list
    page: int
    has_next: bool
    kind: str
    q: str

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def thread_listing(programme, *, viewer, kind: str = "", q: str = "", page=1, mine: bool = False) -> ThreadListing:
    """One page of a programme's threads, newest activity first, in three queries (threads with
    their item and author, their tags) whatever the programme's size. The next page is found by
    fetching one row more, so no COUNT runs over 10,000 threads."""
    page = page_number(page)
    kind = kind if kind in Thread.Kind.values else ""
    q = clean_line(str(q or ""))[:MAX_QUERY]
    threads = Thread.objects.visible_to(viewer).filter(programme=programme).select_related("author", "item")
    if kind:
        threads = threads.filter(kind=kind)
    if mine and is_member(viewer):
        threads = threads.filter(author=viewer)
    if q:
        threads = threads.filter(Q(title__icontains=q) | Q(item__text__icontains=q))
    start = (page - 1) * PAGE_SIZE
    rows = list(threads.order_by("-last_activity_at", "-pk")[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    _attach_item_tags([t.item for t in rows if getattr(t, "item", None)])
    return ThreadListing(rows, page, has_next, kind, q)


def _attach_item_tags(items) -> None:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(items, Prefetch("tags", queryset=Tag.objects.order_by("slug")))


def programme_summary(programme) -> dict:
    """Counts for the programme's head: members, applicants, threads by kind (two queries)."""
    states = dict(
        Membership.objects.filter(programme=programme).values("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    kinds = dict(Thread.objects.filter(programme=programme).values("kind").annotate(n=Count("pk"))
                 .values_list("kind", "n"))
    return {
        "members": states.get(Membership.State.ACTIVE, 0),
        "applicants": states.get(Membership.State.APPLIED, 0),
        "kinds": kinds,
        "threads": sum(kinds.values()),
    }


def applicants(programme):
    return (Membership.objects.filter(programme=programme, state=Membership.State.APPLIED)
            .select_related("member").order_by("created_at", "pk"))


def members_of(programme, *, limit: int = 200):
    return (Membership.objects.filter(programme=programme)
            .exclude(state=Membership.State.APPLIED).select_related("member", "wave").order_by("-decided_at", "-pk")[:limit])


# --- One thread / item ---------------------------------------------------------------------------


def get_thread(pk) -> Thread | None:
    return Thread.objects.select_related("programme", "author", "item").filter(pk=pk).first()


def get_item(pk) -> FeedbackItem | None:
    return (FeedbackItem.objects.select_related("programme", "author", "touchpoint", "answer", "thread")
            .filter(pk=pk).first())


@dataclass
class ItemPage:
    tags: list
    history: list  # status changes, oldest first
    notes: list  # empty unless the viewer may see internal notes
    tag_changes: list


def item_page(item, *, viewer) -> ItemPage:
    """What an item's page shows around it. Internal notes and the tag history only for staff."""
    tags = list(item.tags.order_by("slug"))
    history = list(ItemStatusChange.objects.filter(item=item).select_related("changed_by", "team"))
    notes, tag_changes = [], []
    if rules.can_see_internal_notes(viewer, item):
        notes = list(InternalNote.objects.filter(item=item).select_related("author"))
        tag_changes = list(TagChange.objects.filter(item=item).select_related("tag", "by", "rule"))
    return ItemPage(tags, history, notes, tag_changes)


def thread_posts(thread):
    return list(Post.objects.filter(thread=thread).select_related("author"))


def thread_screenshots(thread):
    return list(Screenshot.objects.filter(thread=thread))


# --- Lists of items ------------------------------------------------------------------------------


def my_feedback(member, *, page=1):
    """What a customer sent, from every source, newest change first."""
    page = page_number(page)
    if not is_member(member):
        return [], False
    items = (FeedbackItem.objects.visible_to(member).filter(author=member)
             .select_related("programme", "touchpoint", "answer", "thread").order_by("-updated_at", "-pk"))
    start = (page - 1) * PAGE_SIZE
    rows = list(items[start : start + PAGE_SIZE + 1])
    _attach_item_tags(rows[:PAGE_SIZE])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


@dataclass
class ItemListing:
    items: list
    page: int
    has_next: bool
    filters: dict


def staff_items(viewer, *, status="", tag="", source="", touchpoint="", q="", page=1) -> ItemListing:
    """All feedback staff may see, filtered: the shared view the routing issue turns into team inboxes."""
    page = page_number(page)
    items = FeedbackItem.objects.visible_to(viewer).select_related("programme", "touchpoint", "answer", "author")
    status = status if status in Status.values else ""
    source = source if source in Source.values else ""
    tag = clean_line(str(tag or ""))[:40]
    q = clean_line(str(q or ""))[:MAX_QUERY]
    touchpoint_id = parse_id(touchpoint)
    if status:
        items = items.filter(status=status)
    if source:
        items = items.filter(source=source)
    if tag:
        items = items.filter(item_tags__tag__slug=tag)
    if touchpoint_id:
        items = items.filter(touchpoint_id=touchpoint_id)
    if q:
        items = items.filter(Q(title__icontains=q) | Q(text__icontains=q))
    start = (page - 1) * PAGE_SIZE
    rows = list(items.order_by("-created_at", "-pk")[start : start + PAGE_SIZE + 1])
    _attach_item_tags(rows[:PAGE_SIZE])
    filters = {"status": status, "source": source, "tag": tag, "q": q,
               "touchpoint": str(touchpoint_id) if touchpoint_id else ""}
    return ItemListing(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE, filters)


def offered_tags():
    return list(Tag.objects.filter(offered=True).order_by("slug"))


# --- Touchpoint NPS ------------------------------------------------------------------------------


def nps(promoters: int, detractors: int, total: int) -> int | None:
    return round(100 * (promoters - detractors) / total) if total else None


def touchpoint_scores(*, days: int = 90) -> list:
    """Each touchpoint with its answers in the last `days` and its NPS (promoters − detractors):
    transactional NPS, per touchpoint, never mixed with relationship NPS. One query."""
    since = timezone.now() - timedelta(days=days)
    recent = Q(answers__created_at__gte=since)
    rows = list(Touchpoint.objects.annotate(
        total=Count("answers", filter=recent),
        promoters=Count("answers", filter=recent & Q(answers__score__gte=9)),
        detractors=Count("answers", filter=recent & Q(answers__score__lte=6)),
    ).order_by("name"))
    for row in rows:
        row.nps = nps(row.promoters, row.detractors, row.total)
    return rows


def answers_with_comments(touchpoint, *, limit=20):
    return list(TouchpointAnswer.objects.filter(touchpoint=touchpoint).exclude(comment="")
                .order_by("-created_at")[:limit])
