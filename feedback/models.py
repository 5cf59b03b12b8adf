"""What customers and staff write in beta programmes and at touchpoints: memberships, threads,
posts, screenshots, internal notes, feedback items with their status and tags, touchpoints."""

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from community import languages
from community.teams import AnsweredByTeam

# --- Tags ------------------------------------------------------------------------------------------


class Tag(models.Model):
    """One term of the managed taxonomy (billing, invoice, coverage...), named and described in
    each of the five languages so authors pick the right one and routing rules can rely on it."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=40)
    name_nb = models.CharField(_("name (Norwegian)"), max_length=40, blank=True)
    name_da = models.CharField(_("name (Danish)"), max_length=40, blank=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=40, blank=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=40, blank=True)
    description_en = models.CharField(_("description (English)"), max_length=200, blank=True)
    description_nb = models.CharField(_("description (Norwegian)"), max_length=200, blank=True)
    description_da = models.CharField(_("description (Danish)"), max_length=200, blank=True)
    description_sv = models.CharField(_("description (Swedish)"), max_length=200, blank=True)
    description_nl = models.CharField(_("description (Dutch)"), max_length=200, blank=True)
    # Authors see only offered tags; retired tags stay on old items and in their history.
    offered = models.BooleanField(_("offered to authors"), default=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("feedback tag")
        verbose_name_plural = _("feedback tags")

    def __str__(self):
        return self.name

    def _in_language(self, field: str) -> str:
        code = languages.supported(get_language()) or "en"
        return getattr(self, f"{field}_{code}", "") or getattr(self, f"{field}_en")

    @property
    def name(self) -> str:
        return self._in_language("name")

    @property
    def description(self) -> str:
        return self._in_language("description")


class KeywordRule(models.Model):
    """Staff's rule: text with one of these words (in any of our languages, any inflection)
    gets the tag. See feedback/tagging.py for how words are compared."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="rules", verbose_name=_("tag"))
    name = models.CharField(_("name"), max_length=80)
    keywords = models.TextField(
        _("keywords"),
        help_text=_("One word or phrase per line or separated by commas, in any language: "
                    "“faktura, factuur, invoice”. Inflected forms match too."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("keyword rule")
        verbose_name_plural = _("keyword rules")

    def __str__(self):
        return self.name

    @property
    def keyword_list(self) -> list[str]:
        words = (w.strip() for line in self.keywords.splitlines() for w in line.split(","))
        return [w for w in words if w]


# --- Beta programme membership --------------------------------------------------------------------


class Membership(models.Model):
    """A member's place in a beta programme: applied, admitted, declined or left."""

    class State(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ACTIVE = "active", _("Member")
        DECLINED = "declined", _("Declined")
        LEFT = "left", _("Left")

    programme = models.ForeignKey("feedback.BetaProgramPage", on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="beta_memberships")
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    reason = models.TextField(_("why I want to join"), blank=True)
    device = models.CharField(_("device"), max_length=60, blank=True)
    consented_at = models.DateTimeField(null=True, blank=True)
    wave = models.ForeignKey("feedback.Wave", null=True, blank=True, on_delete=models.SET_NULL, related_name="members")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["programme", "member"], name="one_membership_per_programme")]
        indexes = [models.Index(fields=["programme", "state", "created_at"], name="membership_state")]

    def __str__(self):
        return f"{self.member_id} in {self.programme_id}: {self.state}"


class Wave(models.Model):
    """A batch of applicants staff admitted together."""

    programme = models.ForeignKey("feedback.BetaProgramPage", on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveSmallIntegerField()
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    admitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="wave_number_once")]

    def __str__(self):
        return f"{self.programme_id} wave {self.number}"


class ProgrammeEnd(models.Model):
    """Recorded once when a programme's end was handled (members thanked), so it happens once."""

    programme = models.OneToOneField("feedback.BetaProgramPage", on_delete=models.CASCADE, related_name="ending")
    ended_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.programme_id} ended {self.ended_at:%Y-%m-%d}"


# --- Threads ------------------------------------------------------------------------------------


def _visible_programme_ids(user):
    """Programmes whose inside this viewer may see: staff every visible page, members the visible
    programmes they are active members of (community.visibility plus membership)."""
    from community.rules import is_member, is_staff
    from community.visibility import visible_page_ids


    ids = visible_page_ids(user, BetaProgramPage)
    if is_staff(user):
        return ids
    if not is_member(user):
        return frozenset()
    joined = Membership.objects.filter(member_id=user.pk, state=Membership.State.ACTIVE, programme_id__in=ids)
    return frozenset(joined.values_list("programme_id", flat=True))


class ThreadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Threads in programmes this viewer may see inside; rules.can_view_thread says the same."""
        return self.filter(programme_id__in=_visible_programme_ids(user))


class Thread(models.Model):
    """A bug report, idea, question or praise a member posts inside a beta programme."""

    class Kind(models.TextChoices):
        BUG = "bug", _("Bug report")
        IDEA = "idea", _("Idea")
        QUESTION = "question", _("Question")
        PRAISE = "praise", _("Praise")

    programme = models.ForeignKey("feedback.BetaProgramPage", on_delete=models.CASCADE, related_name="threads")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="beta_threads")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=140)
    body_source = models.TextField(_("description"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    device = models.CharField(_("device"), max_length=80, blank=True)
    app_version = models.CharField(_("app version"), max_length=40, blank=True)
    post_count = models.PositiveIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)

    objects = ThreadQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["programme", "-last_activity_at"], name="thread_programme_activity"),
            models.Index(fields=["programme", "kind", "-last_activity_at"], name="thread_programme_kind"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("feedback_thread", kwargs={"pk": self.pk})


class PostQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(thread__programme_id__in=_visible_programme_ids(user))


class Post(models.Model):
    """A reply in a thread, from a member or staff. Internal notes are another model entirely,
    so no query for posts can ever return one."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="beta_posts")
    body_source = models.TextField(_("reply"))
    body_html = models.TextField(editable=False)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    by_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"], name="post_thread")]

    def __str__(self):
        return f"{self.author_id} in {self.thread_id}"


def screenshot_storage():
    """Screenshots live under PRIVATE_MEDIA_ROOT, outside MEDIA_ROOT: no URL serves them but
    feedback.views.screenshot, which asks the rule first. A callable, so migrations name it
    instead of freezing a path."""
    from pathlib import Path

    return FileSystemStorage(location=Path(settings.PRIVATE_MEDIA_ROOT) / "screenshots", base_url=None)


class ScreenshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(thread__programme_id__in=_visible_programme_ids(user))


class Screenshot(models.Model):
    """An image attached to a thread: checked by content and re-encoded without metadata."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="screenshots")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(storage=screenshot_storage, upload_to="%Y/%m/")
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScreenshotQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"screenshot {self.pk} of {self.thread_id}"

    def get_absolute_url(self):
        return reverse("feedback_screenshot", kwargs={"pk": self.pk})


# --- Touchpoints ------------------------------------------------------------------------------


def _public_key() -> str:
    return f"tp_{secrets.token_urlsafe(18)}"


def _secret() -> str:
    return secrets.token_urlsafe(32)


class Touchpoint(models.Model):
    """Where customers meet the company outside the community: the invoice, the app, a chat."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    owner_team = models.ForeignKey(
        "community.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owning team"),
    )
    public_key = models.CharField(_("public key"), max_length=40, unique=True, default=_public_key, editable=False)
    # Signs customer references (HMAC-SHA256): shared with the system that renders the touchpoint.
    secret = models.CharField(max_length=64, default=_secret, editable=False)
    allowed_origins = models.TextField(
        _("allowed origins"), blank=True,
        help_text=_("One origin per line, such as https://minside.example.com. Other sites cannot submit."),
    )
    question = models.CharField(
        _("question"), max_length=200, blank=True,
        help_text=_("Leave empty for the standard question in the page's language."),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.slug = self.slug or slugify(self.name)[:80] or self.public_key.lower()
        super().save(*args, **kwargs)

    @property
    def origins(self) -> frozenset:
        return frozenset(o.strip().rstrip("/").lower() for o in self.allowed_origins.split() if o.strip())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class CustomerNumber(models.Model):
    """The company's customer number for a member (from the CRM): a signed reference from a
    touchpoint that carries it links the answer to that member."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_numbers")
    number = models.CharField(_("customer number"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("customer number")
        verbose_name_plural = _("customer numbers")

    def __str__(self):
        return self.number


class TouchpointAnswer(models.Model):
    """One NPS answer given at a touchpoint: transactional NPS, kept apart from any relationship
    survey, and counted per touchpoint."""

    touchpoint = models.ForeignKey(Touchpoint, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(0), MaxValueValidator(10)])
    comment = models.TextField(blank=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    # The verified customer reference (never an unverified one) and the member it names, if any.
    reference = models.CharField(max_length=40, blank=True)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="touchpoint_answers"
    )
    origin = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["touchpoint", "-created_at"], name="answer_touchpoint")]
        constraints = [models.CheckConstraint(condition=models.Q(score__lte=10), name="nps_score_0_to_10")]

    def __str__(self):
        return f"{self.touchpoint_id}: {self.score}"

    @property
    def group(self) -> str:
        return "promoter" if self.score >= 9 else "passive" if self.score >= 7 else "detractor"


# --- Feedback items ------------------------------------------------------------------------------


class Status(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    WONT_DO = "wont_do", _("Won't do")


# The allowed moves; feedback.services.change_item_status is the one place that applies them.
TRANSITIONS = {
    Status.NEW: {Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.RESOLVED, Status.WONT_DO},
    Status.ACKNOWLEDGED: {Status.IN_PROGRESS, Status.RESOLVED, Status.WONT_DO},
    Status.IN_PROGRESS: {Status.ACKNOWLEDGED, Status.RESOLVED, Status.WONT_DO},
    Status.RESOLVED: {Status.IN_PROGRESS},
    Status.WONT_DO: {Status.ACKNOWLEDGED, Status.IN_PROGRESS},
}
CLOSED = {Status.RESOLVED, Status.WONT_DO}


class Source(models.TextChoices):
    BETA = "beta", _("Beta programme")
    TOUCHPOINT = "touchpoint", _("Touchpoint")


def _staff_items(user) -> models.Q:
    """The items of the staff member's teams, owned or watched (triage's own the unrouted ones);
    site admins see all. rules.staff_role says the same for one item."""
    from community import teams

    if teams.is_site_admin(user):
        return models.Q()
    mine = teams.team_ids(user)
    owned = models.Q(team_id__in=mine)
    if teams.owner_or_triage_id(None) in mine:
        owned |= models.Q(team__isnull=True)
    watched = models.Exists(
        FeedbackItem.watchers.through.objects.filter(feedbackitem_id=models.OuterRef("pk"), team_id__in=mine)
    )
    return owned | models.Q(watched)


class FeedbackItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see every item of a programme they may see and every touchpoint item; a customer
        sees the items they wrote, and those of threads in programmes they are members of.
        rules.can_view_item says the same for one item."""
        from community.rules import is_member, is_staff

        programmes = _visible_programme_ids(user)
        in_programmes = models.Q(programme_id__in=programmes)
        if is_staff(user):
            return self.filter(in_programmes | models.Q(programme__isnull=True)).filter(_staff_items(user))
        if not is_member(user):
            return self.none()
        return self.filter(in_programmes | models.Q(author_id=user.pk, programme__isnull=True))


class FeedbackItem(models.Model):
    """All feedback whatever its source, one row each: what the routing issue gives to a team,
    and what its author follows on "My feedback"."""

    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    thread = models.OneToOneField(Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="item")
    answer = models.OneToOneField(
        TouchpointAnswer, null=True, blank=True, on_delete=models.CASCADE, related_name="item"
    )
    programme = models.ForeignKey(
        "feedback.BetaProgramPage", null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    touchpoint = models.ForeignKey(Touchpoint, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_items"
    )
    title = models.CharField(max_length=140)
    # Masked plain text: what the tag rules read and staff lists show.
    text = models.TextField(blank=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.NEW)
    tags = models.ManyToManyField(Tag, blank=True, related_name="items", through="feedback.ItemTag")
    # Ownership (feedback.routing decides it; every decision is kept as a RoutingDecision). Only the
    # owning team answers; watching teams read and write internal notes.
    team = models.ForeignKey(
        "community.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="items",
        verbose_name=_("owning team"),
    )
    watchers = models.ManyToManyField("community.Team", blank=True, related_name="watched_items",
                                      verbose_name=_("watching teams"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_items",
        verbose_name=_("assignee"),
    )
    # The receipt the author sees: the first time someone of the owning team opened the item.
    read_at = models.DateTimeField(null=True, blank=True)
    read_by_team = models.ForeignKey(
        "community.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
    )
    # Response times: due moments are set when the item is routed (the team's working hours);
    # the first answer the author sees and the closing are stamped by the services.
    response_due_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = FeedbackItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(source="beta", thread__isnull=False, answer__isnull=True)
                           | models.Q(source="touchpoint", answer__isnull=False, thread__isnull=True)),
                name="feedback_item_has_one_source",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="item_status"),
            models.Index(fields=["author", "-updated_at"], name="item_author"),
            models.Index(fields=["-created_at"], name="item_newest"),
            models.Index(fields=["team", "status", "-created_at"], name="item_team_status"),
            models.Index(fields=["team", "response_due_at"], name="item_team_due"),
            models.Index(fields=["assignee", "status"], name="item_assignee"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.thread_id:
            return reverse("feedback_thread", kwargs={"pk": self.thread_id})
        return reverse("feedback_item", kwargs={"pk": self.pk})

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED

    @cached_property
    def status_label(self) -> str:
        return Status(self.status).label

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[Status(self.status)]


class ItemTag(models.Model):
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="item_tags")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "tag"], name="item_tag_once")]

    def __str__(self):
        return f"{self.item_id} #{self.tag_id}"


class TagChange(models.Model):
    """The history of an item's tags: who or which rule added or removed which tag, and when."""

    class Action(models.TextChoices):
        ADDED = "added", _("added")
        REMOVED = "removed", _("removed")

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="tag_changes")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    rule = models.ForeignKey(KeywordRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The rule's name when it fired, kept if the rule is later renamed or deleted.
    rule_name = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"], name="tagchange_item")]

    def __str__(self):
        return f"{self.item_id} #{self.tag_id} {self.action}"


class ItemStatusChange(AnsweredByTeam, models.Model):
    """The visible history of an item's status, with the staff's answer to its author."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=14, choices=Status.choices)
    to_status = models.CharField(max_length=14, choices=Status.choices)
    response_source = models.TextField(blank=True)
    response_html = models.TextField(blank=True, editable=False)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The team that answered, as customers see it ("Billing team"), and whether the person's
    # name is shown beside it (staff choose when they answer).
    team = models.ForeignKey("community.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    show_name = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.item_id}: {self.from_status} → {self.to_status}"


class InternalNote(models.Model):
    """Staff's note on an item, never shown to customers: its own table, read only by staff
    pages (queries.internal_notes asks the rule)."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="internal_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body_source = models.TextField()
    body_html = models.TextField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"note {self.pk} on {self.item_id}"


# --- Routing -------------------------------------------------------------------------------------


class RoutingRule(models.Model):
    """Staff's rule that gives matching feedback to a team. Rules are tried in `position` order and
    the first whose every filled criterion matches wins (feedback.routing); nothing matching goes
    to the triage team. A rule needs at least one criterion (feedback.routing.check_rule)."""

    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveIntegerField(_("order"), default=0, db_index=True)
    team = models.ForeignKey("community.Team", on_delete=models.CASCADE, related_name="routing_rules",
                             verbose_name=_("team"))
    active = models.BooleanField(_("active"), default=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="+", verbose_name=_("tags"),
                                  help_text=_("Matches an item with any of these tags."))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, blank=True)
    programme = models.ForeignKey("feedback.BetaProgramPage", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="+", verbose_name=_("beta programme"))
    touchpoint = models.ForeignKey(Touchpoint, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="+", verbose_name=_("touchpoint"))
    kind = models.CharField(_("kind"), max_length=10, choices=Thread.Kind.choices, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    keywords = models.TextField(
        _("keywords"), blank=True,
        help_text=_("One per line. Matches when any of them occurs, in any of its word forms."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        return self.name


class RoutingDecision(models.Model):
    """Why an item belongs to its team, every time that changed: a rule and what it matched, the
    owner of where it came from, triage, or a person re-routing by hand (with their reason)."""

    class Reason(models.TextChoices):
        RULE = "rule", _("routing rule")
        OWNER = "owner", _("owner of the source")
        TRIAGE = "triage", _("triage")
        MANUAL = "manual", _("re-routed by hand")

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="routing_decisions")
    team = models.ForeignKey("community.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    team_name = models.CharField(max_length=80, blank=True)
    reason = models.CharField(max_length=8, choices=Reason.choices)
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The rule's name when it matched, and what it matched ({"tag": "invoice"}, {"keyword": "bill"}).
    rule_name = models.CharField(max_length=80, blank=True)
    matched = models.JSONField(default=dict, blank=True)
    note = models.CharField(max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["item", "created_at"], name="routing_item")]

    def __str__(self):
        return f"{self.item_id} → {self.team_name}"


# Wagtail page models live in pages.py; importing them here registers them with Django.
from feedback.pages import BetaProgramIndexPage, BetaProgramPage  # noqa: E402, F401
