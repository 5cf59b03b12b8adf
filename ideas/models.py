"""What members and staff create on idea boards: ideas, votes, follows, comments, status history."""

import html
import math

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from community.teams import AnsweredByTeam


class Stage(models.TextChoices):
    """Where an idea is in its life. Statuses are configurable; each belongs to one stage, and
    the stage decides what is allowed (see TRANSITIONS and the properties on Status)."""

    PENDING = "pending", _("Awaiting approval")
    OPEN = "open", _("Open")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Shipped")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REJECTED = "rejected", _("Rejected")


# The allowed moves staff can make with change_status. Merging, withdrawing, approving and
# rejecting have their own services (they do more than move the status).
_ANSWERED = {Stage.OPEN, Stage.PLANNED, Stage.IN_PROGRESS, Stage.DONE, Stage.DECLINED}
TRANSITIONS = {
    Stage.OPEN: _ANSWERED,
    Stage.PLANNED: _ANSWERED,
    Stage.IN_PROGRESS: _ANSWERED,
    Stage.DONE: {Stage.IN_PROGRESS, Stage.PLANNED, Stage.DONE},
    Stage.DECLINED: {Stage.OPEN, Stage.PLANNED, Stage.DECLINED},
    Stage.PENDING: set(),
    Stage.MERGED: set(),
    Stage.WITHDRAWN: set(),
    Stage.REJECTED: set(),
}
VOTABLE_STAGES = {Stage.OPEN, Stage.PLANNED, Stage.IN_PROGRESS}
OPEN_STAGES = VOTABLE_STAGES  # what a board lists by default: still open for votes
LISTED_STAGES = {Stage.OPEN, Stage.PLANNED, Stage.IN_PROGRESS, Stage.DONE, Stage.DECLINED}
HIDDEN_STAGES = {Stage.PENDING, Stage.REJECTED}  # only the author and staff see these
ROADMAP_STAGES = [Stage.PLANNED, Stage.IN_PROGRESS, Stage.DONE]

# The default workflow, created by migration. Names are marked for translation so the
# defaults show in each member's language; statuses staff add show as typed.
DEFAULT_STATUSES = [
    ("new", gettext_noop("New"), Stage.OPEN, "#3b5bdb"),
    ("under-review", gettext_noop("Under review"), Stage.OPEN, "#7048e8"),
    ("planned", gettext_noop("Planned"), Stage.PLANNED, "#0c8599"),
    ("in-progress", gettext_noop("In progress"), Stage.IN_PROGRESS, "#e67700"),
    ("shipped", gettext_noop("Shipped"), Stage.DONE, "#2b8a3e"),
    ("declined", gettext_noop("Declined"), Stage.DECLINED, "#868e96"),
    ("merged", gettext_noop("Merged"), Stage.MERGED, "#868e96"),
    ("awaiting-approval", gettext_noop("Awaiting approval"), Stage.PENDING, "#868e96"),
    ("withdrawn", gettext_noop("Withdrawn"), Stage.WITHDRAWN, "#868e96"),
    ("rejected", gettext_noop("Rejected"), Stage.REJECTED, "#868e96"),
]
DEFAULT_SLUGS = {slug for slug, *_ in DEFAULT_STATUSES}


class Status(models.Model):
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    color = models.CharField(_("colour"), max_length=7, default="#3b5bdb")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("status")
        verbose_name_plural = _("statuses")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return gettext(self.name) if self.slug in DEFAULT_SLUGS else self.name

    @property
    def allows_votes(self) -> bool:
        return self.stage in VOTABLE_STAGES

    @property
    def is_listed(self) -> bool:
        return self.stage in LISTED_STAGES

    @property
    def is_hidden(self) -> bool:
        return self.stage in HIDDEN_STAGES

    @property
    def has_moves(self) -> bool:
        return bool(TRANSITIONS[Stage(self.stage)])

    def can_move_to(self, other: "Status") -> bool:
        return other.stage in TRANSITIONS[Stage(self.stage)] and other.pk != self.pk

    @classmethod
    def by_slug(cls, slug: str) -> "Status":
        return cls.objects.get(slug=slug)


class IdeaTag(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("idea tag")
        verbose_name_plural = _("idea tags")

    def __str__(self):
        return self.name


# Trending: Reddit's "hot" ranking. A tenfold increase in votes is worth TRENDING_SECONDS of
# recency, so fresh ideas with momentum rise and old ones sink without a periodic job; the
# score only changes when votes do, so it is a stored, indexed column.
TRENDING_SECONDS = 45000
TRENDING_EPOCH = 1_700_000_000


def trending_score(votes: int, created_at) -> float:
    return round(math.log10(max(votes, 1)) + (created_at.timestamp() - TRENDING_EPOCH) / TRENDING_SECONDS, 7)


class IdeaQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(status__stage__in=LISTED_STAGES)

    def visible_to(self, user):
        """The ideas this viewer may see: on boards they may see (community.visibility), and
        ideas awaiting approval or rejected only for their author and staff. The one queryset
        every list, search, feed and export starts from; rules.can_view_idea says the same."""
        from community.rules import is_member, is_staff
        from community.visibility import visible_page_ids

        ideas = self.filter(board_id__in=visible_page_ids(user, IdeaBoardPage))
        if is_staff(user):
            return ideas
        hidden = models.Q(status__stage__in=HIDDEN_STAGES)
        if is_member(user):
            hidden &= ~models.Q(author_id=user.pk)
        return ideas.exclude(hidden)


class Idea(index.Indexed, models.Model):
    board = models.ForeignKey("ideas.IdeaBoardPage", on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas")
    title = models.CharField(_("title"), max_length=140)
    body_source = models.TextField(_("description"), blank=True)
    # What the idea is written in (detected on write, the author may correct it): boards filter
    # by it and the HTML marks it (lang="…") so screen readers pronounce it right.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    body_html = models.TextField(blank=True, editable=False)
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="ideas")
    tags = models.ManyToManyField(IdeaTag, blank=True, related_name="ideas", verbose_name=_("tags"))
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_ideas"
    )
    # Counters kept by F() updates in the services, so lists never count rows per idea;
    # `manage.py recount --check` proves they equal the rows.
    vote_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    trending = models.FloatField(default=0)
    # Bumped on every change a viewer can see: live events carry it so browsers never apply
    # an older state over a newer one.
    version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    objects = IdeaQuerySet.as_manager()

    # Only what is published: the title is masked when written, and published_text comes from
    # the cleaned, masked HTML. body_source can still hold the personal data the pipeline hid.
    search_fields = [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("published_text"),
        index.FilterField("board_id"),
        index.FilterField("status_id"),
    ]

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        indexes = [
            # Each board sort ends in -id, as queries.SORTS does: deep pages then walk the index
            # in order instead of sorting every idea of the board.
            models.Index(fields=["board", "-trending", "-id"], name="idea_board_trending"),
            models.Index(fields=["board", "language", "-trending", "-id"], name="idea_board_language"),
            models.Index(fields=["board", "-vote_count", "-id"], name="idea_board_top"),
            models.Index(fields=["board", "-created_at", "-id"], name="idea_board_newest"),
            models.Index(fields=["board", "-last_activity_at", "-id"], name="idea_board_updated"),
            models.Index(fields=["status", "-vote_count"], name="idea_status_top"),
            models.Index(fields=["author", "-created_at"], name="idea_author"),
            models.Index(fields=["-last_activity_at"], name="idea_activity"),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(merged_into=models.F("id")), name="idea_not_merged_into_itself"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.trending:
            self.trending = trending_score(self.vote_count, self.created_at)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("idea_detail", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def published_text(self) -> str:
        """The description as readers see it, in plain text (for the search index)."""
        return html.unescape(strip_tags(self.body_html))

    @property
    def slug(self) -> str:
        return slugify(self.title)[:60] or "idea"

    @cached_property
    def is_votable(self) -> bool:
        return self.status.allows_votes


class Vote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes")
    created_at = models.DateTimeField(default=timezone.now)
    # Set when staff recorded the vote for a customer (from a call or a shop visit).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_via = models.CharField(_("recorded via"), max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "member"], name="one_vote_per_member")]
        indexes = [models.Index(fields=["member", "-created_at"], name="vote_member")]

    def __str__(self):
        return f"{self.member_id} → {self.idea_id}"


class Follow(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "member"], name="one_follow_per_member")]

    def __str__(self):
        return f"{self.member_id} follows {self.idea_id}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="idea_comments")
    # One level of replies: a reply's parent is always a top-level comment.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body_source = models.TextField(_("comment"))
    body_html = models.TextField(editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    by_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["idea", "created_at"], name="comment_idea")]

    def __str__(self):
        return f"{self.author} on {self.idea_id}"


class StatusChange(AnsweredByTeam, models.Model):
    """The visible history of an idea's status, each with the staff's public response."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="+", null=True)
    to_status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="+")
    response_source = models.TextField(_("response"))
    response_html = models.TextField(editable=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The board's owning team answered ("Network team"); the person's name shows when staff chose so.
    team = models.ForeignKey("community.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    show_name = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["idea", "-created_at"], name="statuschange_idea")]

    def __str__(self):
        return f"{self.idea_id}: {self.to_status_id}"


# Wagtail page models live in pages.py; importing them here registers them with Django.
from ideas.pages import IdeaBoardIndexPage, IdeaBoardPage  # noqa: E402, F401
