"""Read paths for boards, ideas, the roadmap and "who wants this". Each runs a fixed number of
queries, whatever the number of ideas, votes or comments."""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from modelsearch.backends import get_search_backend

from community import languages
from community.audience import member_breakdown
from community.compiled import Compiled
from community.inputs import clean_line
from community.models import Member
from ideas.models import (
    LISTED_STAGES,
    OPEN_STAGES,
    ROADMAP_STAGES,
    Comment,
    Follow,
    Idea,
    IdeaTag,
    Stage,
    Status,
    StatusChange,
    Vote,
)

PAGE_SIZE = 20
SORTS = {
    "trending": ("-trending", "-id"),
    "top": ("-vote_count", "-id"),
    "new": ("-created_at", "-id"),
    "updated": ("-last_activity_at", "-id"),
}
SORT_LABELS = {
    "trending": _("Trending"),
    "top": _("Top"),
    "new": _("Newest"),
    "updated": _("Recently updated"),
}
MAX_QUERY = 200


@dataclass
class BoardListing:
    ideas: list
    page: int
    has_next: bool
    sort: str
    status: str
    tag: str
    q: str
    voted: set = field(default_factory=set)
    lang: str = "all"  # the language filter's key for URLs: all, mine or codes (nb,sv)
    languages: list | None = None  # the codes shown, None for all
    lang_is_default: bool = True

    @property
    def has_previous(self):
        return self.page > 1


def page_number(raw) -> int:
    try:
        return max(1, min(int(raw), 10_000))
    except (TypeError, ValueError):
        return 1


def clean_query(q) -> str:
    return (q or "").strip()[:MAX_QUERY]


LANGUAGE_ALL, LANGUAGE_MINE = "all", "mine"


class LanguageFilter(NamedTuple):
    key: str  # for URLs: all, mine or codes (nb,sv)
    codes: list[str] | None  # the languages shown, None for all
    is_default: bool


def language_filter(raw, viewer) -> LanguageFilter:
    """The board's language filter from its `lang` parameter: its key for URLs, the codes to
    show (None: all) and whether it is the viewer's default. Members default to the languages
    they read (Member.languages_read), visitors to all; anything else falls back to the default."""
    signed_in = viewer is not None and viewer.is_authenticated
    default = LANGUAGE_MINE if signed_in else LANGUAGE_ALL
    raw = raw.strip().lower()[:60] if isinstance(raw, str) else ""
    codes = languages.parse_list(raw) if raw not in ("", LANGUAGE_ALL, LANGUAGE_MINE) else []
    if codes:
        return LanguageFilter(",".join(codes), codes, False)
    key = raw if raw in (LANGUAGE_ALL, LANGUAGE_MINE) else default
    if key == LANGUAGE_ALL:
        return LanguageFilter(key, None, key == default)
    mine = viewer.languages_read if signed_in else [languages.supported(translation.get_language()) or "en"]
    return LanguageFilter(key, mine, key == default)


@dataclass
class BoardFilters:
    sort: str
    status: str
    tag: str
    q: str
    lang: str
    languages: list | None
    lang_is_default: bool


def board_listing(
    board, *, viewer, sort="trending", status="", tag="", q="", page=1, lang=None
) -> BoardListing:
    """One page of a board. Pagination fetches one row more than it shows to know if there is a
    next page, so no COUNT over the board is needed. `lang` is the raw parameter or a
    LanguageFilter already resolved for the viewer."""
    sort = sort if sort in SORTS else "trending"
    if not isinstance(lang, LanguageFilter):
        lang = language_filter(lang, viewer)
    lang, shown_languages, lang_is_default = lang
    page = page_number(page)
    q = clean_query(q)
    ideas = _board_ideas(board, status=status, tag=tag, q=q, shown_languages=shown_languages)
    start = (page - 1) * PAGE_SIZE
    rows = list(ideas.select_related("status", "author").order_by(*SORTS[sort])[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    attach_tags(rows)
    return BoardListing(
        ideas=rows, page=page, has_next=has_next, sort=sort, status=status, tag=tag, q=q,
        voted=voted_ids(viewer, rows), lang=lang, languages=shown_languages, lang_is_default=lang_is_default,
    )


def _board_ideas(board, *, status, tag, q, shown_languages, matching=None):
    ideas = Idea.objects.filter(board=board)
    if status:
        ideas = ideas.filter(status_id__in=status_ids(LISTED_STAGES, slug=status))
    else:
        # By default a board shows what is still open for votes; shipped and declined ideas are
        # on "You asked, we did" and behind the status filter.
        ideas = ideas.filter(status_id__in=status_ids(OPEN_STAGES))
    if tag:
        ideas = ideas.filter(tags__slug=tag)
    if shown_languages is not None:
        ideas = ideas.filter(language__in=shown_languages)
    if q:
        ideas = ideas.filter(pk__in=search_ids(board, q) if matching is None else matching)
    return ideas


# What the cached board page (ideas/pagecache.py) reads of each idea on a page: the id, the two
# things a vote changes (filled into the cached card) and the fields the card's key is made of.
CARD_ROW = ("id", "version", "vote_count", "title", "status_id", "comment_count", "last_activity_at",
            "edited_at", "language", "author_id")


def board_page_ids(board, *, sort, status, tag, q, page, shown_languages, matching=None) -> tuple[list[tuple], bool]:
    """CARD_ROW of the ideas on one page of a board and whether there is a next page, in one
    narrow query. `matching`: search_ids(board, q) if the caller has them already."""
    ideas = _board_ideas(board, status=status, tag=tag, q=q, shown_languages=shown_languages, matching=matching)
    start = (page - 1) * PAGE_SIZE
    rows = list(ideas.order_by(*SORTS[sort]).values_list(*CARD_ROW)[start : start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def ideas_for_cards(ids) -> list[Idea]:
    """The ideas with what a card shows (status, author, tags), in the order of ids."""
    by_id = Idea.objects.select_related("status", "author").in_bulk(ids)
    rows = [by_id[pk] for pk in ids if pk in by_id]
    attach_tags(rows)
    return rows


def board_ideas(board, *, viewer, sort="trending", status="", tag="", q="", lang=None):
    """A board's ideas filtered like its page (the page numbers them, the API pages them by
    cursor), unsorted, and the filters as applied."""
    sort = sort if sort in SORTS else "trending"
    lang, shown_languages, lang_is_default = language_filter(lang, viewer)
    q = clean_query(q)
    ideas = _board_ideas(board, status=status, tag=tag, q=q, shown_languages=shown_languages)
    return ideas.select_related("status", "author"), BoardFilters(
        sort, status, tag, q, lang, shown_languages, lang_is_default
    )


MAX_SEARCH_RESULTS = 500


def _search_text(q) -> str:
    # Double quotes break the SQLite FTS5 backend (modelsearch quotes terms without escaping
    # them: "unterminated string"), and so does NUL; plain-text search ignores both anyway.
    return clean_line(str(q or "").replace('"', " "))[:MAX_QUERY]


def search_ids(board, q: str) -> list[int]:
    """Ideas on the board matching q, through Wagtail's search backend (database full-text here,
    OpenSearch or Elasticsearch when configured); the caller sorts and pages them."""
    q = _search_text(q)
    if not q:
        return []
    listed = Idea.objects.filter(board_id=board.pk, status_id__in=status_ids(LISTED_STAGES)).only("id")
    # The listing sorts the matches itself, so ranking them here is wasted work (on SQLite the
    # backend ranks with a bm25 subquery per matching row: seconds on a large board).
    found = get_search_backend().search(q, listed, order_by_relevance=False)[:MAX_SEARCH_RESULTS]
    return [idea.pk for idea in found]


# Statuses by id, kept in each process until one is saved: boards filter their ideas by status
# id, not by a join on the stage, so PostgreSQL walks the board's sort index and stops after
# the page instead of sorting the whole board (page 50 of 10,000 ideas: 10 ms -> 3 ms).
_statuses = Compiled("ideas:statuses:version", lambda: dict(
    (pk, (slug, stage)) for pk, slug, stage in Status.objects.values_list("pk", "slug", "stage")
))


def status_ids(stages, *, slug: str | None = None) -> list[int]:
    """Ids of the statuses in these stages (and with this slug)."""
    return sorted(pk for pk, (s, stage) in _statuses.get().items() if stage in stages and slug in (None, s))


def statuses_changed(**kwargs) -> None:
    """A status was saved or deleted: this process reads them again now, the others once the
    change is committed (before it, they would read the old rows and keep them)."""
    _statuses.changed()
    transaction.on_commit(_statuses.changed, robust=True)


def attach_tags(ideas) -> None:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(ideas, "tags")


def voted_ids(viewer, ideas) -> set:
    """Which of these ideas (objects or ids) the viewer votes for: one query, none for visitors."""
    if viewer is None or not viewer.is_authenticated or not ideas:
        return set()
    ids = [i if isinstance(i, int) else i.pk for i in ideas]
    return set(Vote.objects.filter(member=viewer, idea_id__in=ids).values_list("idea_id", flat=True))


def board_filters(board) -> dict:
    """The statuses and tags a board's filter bar offers (two small queries)."""
    return {
        "statuses": list(Status.objects.filter(stage__in=LISTED_STAGES)),
        "tags": list(board.offered_tags.all()),
        "sorts": SORT_LABELS,
        "languages": [
            (LANGUAGE_MINE, _("My languages")),
            (LANGUAGE_ALL, _("All languages")),
            # Each language in its own name, as a reader of it looks for it.
            *((code, translation.get_language_info(code)["name_local"]) for code in languages.codes()),
        ],
    }


@dataclass
class IdeaPage:
    idea: Idea
    comments: list  # top-level comments, each with .reply_list
    history: list
    merged_from: list  # ideas merged into this one, each with .comment_list
    voted: bool
    following: bool
    official: StatusChange | None


def idea_page(idea: Idea, *, viewer) -> IdeaPage:
    # merged_into must be loaded: the related manager reads it on every row (a query per merged
    # idea if deferred). Comments by id list, not an OR over a join, so the index serves them.
    merged_from = list(idea.merged_ideas.only("id", "title", "created_at", "merged_into"))
    comments = list(
        Comment.objects.filter(idea_id__in=[idea.pk, *(m.pk for m in merged_from)])
        .select_related("author")
        .order_by("created_at", "id")
    )
    by_parent, top, merged_comments = {}, [], {}
    for c in comments:
        if c.idea_id != idea.pk:
            merged_comments.setdefault(c.idea_id, []).append(c)
        elif c.parent_id:
            by_parent.setdefault(c.parent_id, []).append(c)
        else:
            top.append(c)
    for c in top:
        c.reply_list = by_parent.get(c.pk, [])
    history = list(idea.status_changes.select_related("to_status", "from_status", "changed_by", "team"))
    for m in merged_from:
        m.comment_list = merged_comments.get(m.pk, [])
    signed_in = viewer is not None and viewer.is_authenticated
    return IdeaPage(
        idea=idea,
        comments=top,
        history=history,
        merged_from=merged_from,
        voted=signed_in and Vote.objects.filter(idea=idea, member=viewer).exists(),
        following=signed_in and Follow.objects.filter(idea=idea, member=viewer).exists(),
        official=next((h for h in history if h.to_status.stage != Stage.WITHDRAWN), None),
    )


def status_choices(idea: Idea) -> list[Status]:
    """The statuses staff may move the idea to (the workflow's TRANSITIONS), for every form."""
    return [status for status in Status.objects.all() if idea.status.can_move_to(status)]


def members_who_may_see(idea: Idea, members):
    """Narrow a Member queryset to those who may see the idea: its board's privacy settings
    (community.visibility) and, for ideas awaiting approval or rejected, its author and staff.
    Notifications and e-mail about an idea go only to them."""
    from community.visibility import members_who_may_see as may_see_page

    members = may_see_page(idea.board, members)
    if idea.status.is_hidden:
        members = members.filter(Q(pk=idea.author_id) | Q(is_staff=True))
    return members


def get_idea(pk: int) -> Idea | None:
    return Idea.objects.select_related("status", "author", "board", "merged_into", "board__owner_team").filter(pk=pk).first()


# What a vote reads of its idea: the rules (status, author, merge, the board's visibility, which
# needs only the board's id and type), the vote statement (created_at) and its live event
# (counts, version). A vote is the hottest write: a board page's fields cost more than the rest.
VOTE_FIELDS = ("id", "board_id", "status_id", "author_id", "merged_into_id", "title", "created_at",
               "version", "vote_count", "comment_count", "board__id")


def get_idea_to_vote(pk: int) -> Idea | None:
    return Idea.objects.select_related("status", "board").only(*VOTE_FIELDS).filter(pk=pk).first()


# What a visitor's idea page needs when it comes from the cache: the rules, the page's cache key
# (ideas.pagecache.idea_page_key) and the vote widget filled into it. Only a miss reads the rest.
SHOW_FIELDS = (*VOTE_FIELDS, "last_activity_at", "edited_at", "body_html", "language")


def get_idea_to_show(pk: int) -> Idea | None:
    return Idea.objects.select_related("status", "board").only(*SHOW_FIELDS).filter(pk=pk).first()


# Words too common to suggest a duplicate, in the languages members write (en, nb, da, sv, nl):
# an OR search on "in" or "the" would match half the board.
STOP_WORDS = frozenset(
    "a an and are as at be by for from has i in is it my of on or our the to we with "
    "av de den der det du eg ei en er et for fra har i ikke jeg med og om på som til "
    "att ett för inte jag men och är "
    "een het ik is met niet op te van voor"
    .split()
)


def similar_ideas(board, text: str, *, limit: int = 5) -> list[Idea]:
    """Existing ideas like the title being typed, so members vote instead of posting a copy."""
    text = _search_text(text)
    if len(text) < 3:
        return []
    listed = Idea.objects.filter(board_id=board.pk, status_id__in=status_ids(LISTED_STAGES))
    backend = get_search_backend()
    found = list(backend.autocomplete(text, listed)[:limit])
    words = [w for w in text.split() if w.lower() not in STOP_WORDS]
    if len(found) < limit and words:
        seen = {i.pk for i in found}
        matches = backend.search(" ".join(words), listed, operator="or")[: limit * 2]
        found += [i for i in matches if i.pk not in seen]
    ids = [i.pk for i in found[:limit]]
    by_id = Idea.objects.select_related("status").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def boards_with_counts(index_page, *, viewer):
    return list(visible_boards(viewer).child_of(index_page))


def roadmap(*, viewer, per_column: int = 30) -> list[dict]:
    columns = []
    for stage in ROADMAP_STAGES:
        ideas = list(
            Idea.objects.visible_to(viewer)
            .filter(status__stage=stage)
            .select_related("status", "board")
            .order_by("-vote_count", "-id")[:per_column]
        )
        columns.append({"stage": stage, "label": Stage(stage).label, "ideas": ideas})
    return columns


def shipped(*, viewer, page=1, per_page: int = 20):
    """“You asked, we did”: shipped ideas with the response that shipped them."""
    page = page_number(page)
    response = StatusChange.objects.filter(idea=OuterRef("pk"), to_status__stage=Stage.DONE).order_by("-created_at")
    rows = list(
        Idea.objects.visible_to(viewer)
        .filter(status__stage=Stage.DONE)
        .select_related("status", "board")
        .annotate(shipped_response=Subquery(response.values("response_html")[:1]),
                  shipped_at=Subquery(response.values("created_at")[:1]))
        .order_by("-last_activity_at", "-id")[(page - 1) * per_page : page * per_page + 1]
    )
    return rows[:per_page], page, len(rows) > per_page


# --- Who wants this ------------------------------------------------------------------------


def audience(idea: Idea) -> dict:
    """Votes broken down by plan, region and years as a customer, in the privacy-safe bands of
    community.audience: groups under MIN_BAND voters are folded into “Other”."""
    voters = Member.objects.filter(idea_votes__idea=idea)
    return member_breakdown(voters, idea.vote_count)


# --- Home page activity --------------------------------------------------------------------


@dataclass
class Activity:
    title: str
    url: str
    when: object
    summary: str
    language: str = ""  # of the title, for lang="…"


def latest_ideas(*, viewer, limit: int = 8) -> list[Activity]:
    ideas = Idea.objects.visible_to(viewer).filter(status__stage__in=LISTED_STAGES).select_related("status", "board")
    return [
        Activity(title=i.title, url=i.get_absolute_url(), when=i.last_activity_at,
                 summary=f"{i.board.title} · {i.status.label}", language=i.language)
        for i in ideas.order_by("-last_activity_at")[:limit]
    ]


def tags_by_slug(slugs) -> list[IdeaTag]:
    return list(IdeaTag.objects.filter(slug__in=slugs))


def idea_comments(idea: Idea):
    """An idea's comments, oldest first, with their authors (the API pages them by cursor)."""
    return Comment.objects.filter(idea=idea).select_related("author")


def visible_boards(viewer):
    """Every board this viewer may see, with its listed ideas and their votes counted."""
    from community.visibility import visible_page_ids
    from ideas.pages import IdeaBoardPage

    listed = Q(ideas__status__stage__in=LISTED_STAGES)
    return (
        IdeaBoardPage.objects.live().filter(pk__in=visible_page_ids(viewer, IdeaBoardPage))
        .annotate(idea_count=Count("ideas", filter=listed),
                  vote_total=Coalesce(Sum("ideas__vote_count", filter=listed), 0))
        .order_by("path")
    )

# --- Team dashboard ------------------------------------------------------------------------------


def answers_by_board(team_ids) -> list[dict]:
    """Per board of these teams (every board for None): its listed ideas answered (with at least
    one public status change) and waiting for their first answer, one query, most waiting first."""
    from django.db.models import Exists

    ideas = Idea.objects.filter(status__stage__in=LISTED_STAGES)
    if team_ids is not None:
        ideas = ideas.filter(board__owner_team_id__in=team_ids)
    answer = StatusChange.objects.filter(idea=OuterRef("pk")).exclude(response_source="")
    rows = (ideas.annotate(answered=Exists(answer))
            .values("board_id", "board__title", "answered").annotate(n=Count("pk")))
    boards: dict = {}
    for row in rows:
        board = boards.setdefault(row["board_id"], {"title": row["board__title"], "answered": 0, "waiting": 0})
        board["answered" if row["answered"] else "waiting"] += row["n"]
    return sorted(boards.values(), key=lambda b: (-b["waiting"], b["title"]))
