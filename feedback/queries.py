"""Read paths that beta pages, the API, tasks and events share, each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, Count, F, Prefetch, Q, When
from django.utils import timezone
from django.utils.timesince import timesince, timeuntil

from community import visibility
from community.inputs import clean_line, parse_id
from community.rules import is_member
from feedback import rules
from feedback.models import (
    CLOSED,
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


THREAD_ORDERING = ("-last_activity_at", "-id")


def programme_threads(programme, *, viewer, kind: str = "", q: str = "", mine: bool = False):
    """A programme's threads filtered like its page (the page numbers them, the API pages them
    by cursor), with the filters as applied: (threads, kind, q)."""
    kind = kind if kind in Thread.Kind.values else ""
    q = clean_line(str(q or ""))[:MAX_QUERY]
    threads = Thread.objects.visible_to(viewer).filter(programme=programme).select_related("author", "item")
    if kind:
        threads = threads.filter(kind=kind)
    if mine and is_member(viewer):
        threads = threads.filter(author=viewer)
    if q:
        threads = threads.filter(Q(title__icontains=q) | Q(item__text__icontains=q))
    return threads, kind, q


def thread_listing(programme, *, viewer, kind: str = "", q: str = "", page=1, mine: bool = False) -> ThreadListing:
    """One page of a programme's threads, newest activity first, in three queries (threads with
    their item and author, their tags) whatever the programme's size. The next page is found by
    fetching one row more, so no COUNT runs over 10,000 threads."""
    page = page_number(page)
    threads, kind, q = programme_threads(programme, viewer=viewer, kind=kind, q=q, mine=mine)
    start = (page - 1) * PAGE_SIZE
    rows = list(threads.order_by(*THREAD_ORDERING)[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    attach_thread_tags(rows)
    return ThreadListing(rows, page, has_next, kind, q)


def attach_thread_tags(threads) -> None:
    _attach_item_tags([t.item for t in threads if getattr(t, "item", None)])


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
    return Thread.objects.select_related("programme", "author", "item__read_by_team").filter(pk=pk).first()


def get_item(pk) -> FeedbackItem | None:
    return (FeedbackItem.objects.select_related("programme", "author", "touchpoint", "answer", "thread", "team",
                                                "read_by_team").filter(pk=pk).first())


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
             .select_related("programme", "touchpoint", "answer", "thread", "read_by_team")
             .order_by("-updated_at", "-pk"))
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


# --- Due and overdue -----------------------------------------------------------------------------
# An item is due by the moments routing set from its team's targets (community.teams working
# hours). First response: overdue while nobody has answered the author and the moment passed.
# Resolution: overdue while it is not closed and the moment passed. The inbox and the escalation
# (feedback.routing_services.escalate_overdue) both use these, in Python and in SQL.


def response_overdue(item, now=None) -> bool:
    now = now or timezone.now()
    return item.first_response_at is None and item.response_due_at is not None and item.response_due_at < now


def resolution_overdue(item, now=None) -> bool:
    now = now or timezone.now()
    return item.resolved_at is None and item.resolution_due_at is not None and item.resolution_due_at < now


def is_overdue(item, now=None) -> bool:
    now = now or timezone.now()
    return response_overdue(item, now) or resolution_overdue(item, now)


def response_overdue_q(now) -> Q:
    return Q(first_response_at__isnull=True, response_due_at__lt=now)


def resolution_overdue_q(now) -> Q:
    return Q(resolved_at__isnull=True, resolution_due_at__lt=now)


def overdue_q(now=None) -> Q:
    """is_overdue in SQL: FeedbackItem.objects.filter(overdue_q(now))."""
    now = now or timezone.now()
    return response_overdue_q(now) | resolution_overdue_q(now)


# --- Routing rules -------------------------------------------------------------------------------


def _routing_rules(rules):
    from feedback.routing import keyword_list

    rules = list(rules.select_related("team", "programme", "touchpoint")
                 .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("slug"))).order_by("position", "pk"))
    for rule in rules:
        rule.keyword_text = ", ".join(keyword_list(rule.keywords))
    return rules


def routing_rules() -> list:
    """Every routing rule in precedence order with its team, source and tags: two queries."""
    from feedback.models import RoutingRule

    return _routing_rules(RoutingRule.objects.all())


def routing_rule(pk):
    """One routing rule as routing_rules() gives it, or None: two queries."""
    from feedback.models import RoutingRule

    found = _routing_rules(RoutingRule.objects.filter(pk=pk))
    return found[0] if found else None

# --- Detractors' follow-up ------------------------------------------------------------------------

DETRACTOR_MAX = 6  # NPS: 0–6 detractors, 7–8 passives, 9–10 promoters


def next_score():
    """For an annotated TouchpointAnswer: the same member's next score at the same touchpoint
    (None when they have not answered again, or the answer names nobody)."""
    from django.db.models import OuterRef, Subquery

    later = TouchpointAnswer.objects.filter(
        member_id=OuterRef("member_id"), touchpoint_id=OuterRef("touchpoint_id"),
        created_at__gt=OuterRef("created_at"),
    ).order_by("created_at", "pk")
    return Subquery(later.values("score")[:1])

# --- The team inbox ------------------------------------------------------------------------------


def team_items(team):
    """A team's own items: triage's include those no rule has given a team yet."""
    mine = Q(team_id=team.pk)
    if team.is_triage:
        mine |= Q(team__isnull=True)
    return FeedbackItem.objects.filter(mine)


def inbox_teams(viewer) -> list:
    """The inboxes a staff member may open: their teams; site admins every team."""
    from community import teams
    from community.models import Team

    if teams.is_site_admin(viewer):
        return list(Team.objects.order_by("name"))
    return list(Team.objects.filter(pk__in=teams.team_ids(viewer)).order_by("name"))


def inbox_team(viewer, ref):
    """The team named by slug or id, if the viewer may open its inbox; None otherwise (a 404)."""
    from community.models import Team

    ref = str(ref or "")[:80]
    pk = parse_id(ref) if ref.isascii() and ref.isdigit() else None
    team = Team.objects.filter(pk=pk).first() if pk else Team.objects.filter(slug=ref).first()
    return team if team is not None and rules.can_view_inbox(viewer, team) else None


INBOX_PAGE_SIZE = 50
AGES = {"1d": timedelta(days=1), "1w": timedelta(weeks=1), "1m": timedelta(days=30)}
INBOX_STATUSES = ("open", "all", *Status.values)


def _next_due():
    """The moment that matters next: the first answer until there is one, then the resolution."""
    return Case(When(first_response_at__isnull=True, then=F("response_due_at")), default=F("resolution_due_at"))


SORTS = {
    "newest": [F("created_at").desc(), F("pk").desc()],
    "oldest": [F("created_at").asc(), F("pk").asc()],
    "due": [F("next_due").asc(nulls_last=True), F("pk").asc()],
    "updated": [F("updated_at").desc(), F("pk").desc()],
}


@dataclass
class InboxFilters:
    status: str = "open"
    tag: str = ""
    source: str = ""
    language: str = ""
    age: str = ""
    assignee: str = ""  # "me", "none" or a member's id
    overdue: bool = False
    sort: str = "newest"

    @classmethod
    def parse(cls, params) -> "InboxFilters":
        """Whatever arrives: anything unknown is ignored, never an error."""
        from django.conf import settings

        def pick(name, allowed, default=""):
            value = params.get(name, default)
            return value if isinstance(value, str) and value in allowed else default

        assignee = str(params.get("assignee", ""))[:24]
        if assignee not in {"me", "none"}:
            assignee = str(parse_id(assignee) or "")
        return cls(
            status=pick("status", INBOX_STATUSES, "open"), tag=clean_line(str(params.get("tag", "")))[:40],
            source=pick("source", Source.values), language=pick("language", {c for c, _n in settings.LANGUAGES}),
            age=pick("age", AGES), assignee=assignee, overdue=params.get("overdue") in {"1", "on", "true"},
            sort=pick("sort", SORTS, "newest"),
        )

    def query(self) -> dict:
        """What the links (pages, sorts) keep: the filters that differ from the defaults."""
        values = {"status": self.status, "tag": self.tag, "source": self.source, "language": self.language,
                  "age": self.age, "assignee": self.assignee, "overdue": "1" if self.overdue else "",
                  "sort": self.sort}
        defaults = {"status": "open", "sort": "newest"}
        return {k: v for k, v in values.items() if v and defaults.get(k) != v}


@dataclass
class Inbox:
    team: object
    items: list
    page: int
    has_next: bool
    filters: InboxFilters
    counts: dict
    now: object

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def inbox_items(viewer, team, filters: InboxFilters, *, now):
    """The team's items the viewer may see, filtered (unordered): the page and the API order
    and cut it."""
    items = FeedbackItem.objects.visible_to(viewer) & team_items(team)
    if filters.status == "open":
        items = items.exclude(status__in=CLOSED)
    elif filters.status != "all":
        items = items.filter(status=filters.status)
    if filters.tag:
        items = items.filter(item_tags__tag__slug=filters.tag)
    if filters.source:
        items = items.filter(source=filters.source)
    if filters.language:
        items = items.filter(language=filters.language)
    if filters.age:
        items = items.filter(created_at__lte=now - AGES[filters.age])
    if filters.assignee == "me":
        items = items.filter(assignee_id=viewer.pk)
    elif filters.assignee == "none":
        items = items.filter(assignee__isnull=True)
    elif filters.assignee:
        items = items.filter(assignee_id=int(filters.assignee))
    if filters.overdue:
        items = items.filter(overdue_q(now))
    return items.annotate(next_due=_next_due())


def inbox_rows(ids, *, now) -> list:
    """The rows of these item ids, in their order, with what a row shows (source, author,
    assignee, tags, what is due): three queries however many."""
    found = (FeedbackItem.objects.filter(pk__in=ids).annotate(next_due=_next_due())
             .select_related("programme", "touchpoint", "answer", "author", "assignee", "thread").in_bulk())
    rows = [found[pk] for pk in ids if pk in found]
    _attach_item_tags(rows)
    for row in rows:
        row.is_overdue = row.status not in CLOSED and row.next_due is not None and row.next_due < now
        # "3 hours", "2 days": one unit is enough to see what is pressing.
        if row.next_due is not None:
            row.due_words = (timesince(row.next_due, now, depth=1) if row.is_overdue
                             else timeuntil(row.next_due, now, depth=1))
    return rows


def inbox_counts(team, *, now) -> dict:
    """The inbox header's figures, in one aggregate."""
    return team_items(team).aggregate(
        open=Count("pk", filter=~Q(status__in=CLOSED)),
        overdue=Count("pk", filter=overdue_q(now)),
        unassigned=Count("pk", filter=~Q(status__in=CLOSED) & Q(assignee__isnull=True)),
        unread=Count("pk", filter=~Q(status__in=CLOSED) & Q(read_at__isnull=True)),
    )


def inbox(viewer, team, filters: InboxFilters, *, page=1, now=None) -> Inbox:
    """One page of a team's inbox in five queries whatever its size: the page's ids, their rows
    (with source, author and assignee), their tags, and the team's counts in one aggregate. The
    next page is found by fetching one row more."""
    now = now or timezone.now()
    page = page_number(page)
    # The page's ids first (sorted and cut in the database on the item table alone), then their
    # rows with what they show: no join runs over the whole team's items.
    start = (page - 1) * INBOX_PAGE_SIZE
    ids = list(inbox_items(viewer, team, filters, now=now).order_by(*SORTS[filters.sort])
               .values_list("pk", flat=True)[start : start + INBOX_PAGE_SIZE + 1])
    rows = inbox_rows(ids[:INBOX_PAGE_SIZE], now=now)
    return Inbox(team, rows, page, len(ids) > INBOX_PAGE_SIZE, filters, inbox_counts(team, now=now), now)


def picked_items(viewer, team, picked: dict) -> list[tuple]:
    """(item, the version the person saw) for the picked ids {id: version} that are in the team's
    inbox and the viewer may see: anything else is left out, as if it had not been picked."""
    items = (FeedbackItem.objects.visible_to(viewer) & team_items(team)).filter(pk__in=list(picked))
    return [(item, picked[item.pk]) for item in items.select_related("programme").order_by("pk")]


def inbox_stamp(team) -> str:
    """The inbox's newest change, for a page to know whether it missed events."""
    newest = team_items(team).order_by("-updated_at").values_list("updated_at", flat=True).first()
    return newest.isoformat() if newest else ""


def team_members(team) -> list:
    return list(team.members.filter(is_active=True, is_staff=True).order_by("display_name", "pk"))


IDEAS_SHOWN = 10


def ideas_awaiting(viewer, team) -> tuple[list, int]:
    """Ideas on the team's boards that wait for its answer: published (the open stage) and no status
    change since, other than their approval. Oldest first, as they have waited longest; at most
    IDEAS_SHOWN, and how many there are. Two queries."""
    from django.db.models import Exists, OuterRef

    from ideas.models import Idea, Stage, StatusChange

    boards = Q(board__owner_team_id=team.pk)
    if team.is_triage:
        boards |= Q(board__owner_team__isnull=True)
    answered = StatusChange.objects.filter(idea=OuterRef("pk"), from_status__isnull=False).exclude(
        from_status__stage=Stage.PENDING
    )
    ideas = (Idea.objects.visible_to(viewer).filter(boards, status__stage=Stage.OPEN, merged_into__isnull=True)
             .exclude(Exists(answered)))
    shown = list(ideas.select_related("board", "status", "author").order_by("created_at", "pk")[:IDEAS_SHOWN])
    return shown, (len(shown) if len(shown) < IDEAS_SHOWN else ideas.count())
