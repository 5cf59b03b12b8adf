"""Members, teams, notifications and the record of failed background work."""

from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from community.languages import validate_codes


class MemberManager(UserManager):
    """Members sign in with their e-mail; the username is an internal handle."""

    def _create_user(self, username, email, password, **extra_fields):
        username = username or self.model.make_username(email)
        return super()._create_user(username, email, password, **extra_fields)

    def create_user(self, username=None, email=None, password=None, **extra_fields):
        return super().create_user(username, email, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):
        return super().create_superuser(username, email, password, **extra_fields)


class Member(AbstractUser):
    """Everyone who signs in: customers and staff (is_staff). Staff belong to teams."""

    class Delivery(models.TextChoices):
        INSTANT = "instant", _("Instantly")
        DAILY = "daily", _("Daily digest")
        OFF = "off", _("Never (only on the site)")

    class Plan(models.TextChoices):
        MOBILE = "mobile", _("Mobile")
        BROADBAND = "broadband", _("Broadband")
        TV = "tv", _("TV")
        BUNDLE = "bundle", _("Bundle")
        BUSINESS = "business", _("Business")

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=60,
        blank=True,
        help_text=_("Shown next to what you write. Leave empty to stay anonymous-ish."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    # Boards show ideas in the member's language and these (ideas/queries.py board_listing).
    reading_languages = models.JSONField(
        _("other languages I read"),
        default=list,
        blank=True,
        validators=[validate_codes],
        help_text=_("Boards show ideas in your language and in these."),
    )
    email_delivery = models.CharField(
        _("e-mail notifications"), max_length=10, choices=Delivery.choices, default=Delivery.INSTANT
    )
    # Customer attributes product teams segment by: set by staff (or a CRM import), never
    # by the customer, so they stay trustworthy.
    plan = models.CharField(_("plan"), max_length=20, choices=Plan.choices, blank=True)
    customer_since = models.DateField(_("customer since"), null=True, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True)
    # Bumped with every change to the member's notifications, so live events carry a version
    # and a browser never applies an older unread count over a newer one.
    notification_version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = MemberManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self):
        return self.public_name

    @staticmethod
    def make_username(email):
        import uuid

        return f"m-{uuid.uuid4().hex[:16]}"

    @property
    def public_name(self) -> str:
        # Never derived from the e-mail address: its local part is often the person's full name.
        if self.display_name:
            return self.display_name
        return str(_("Member %(number)s") % {"number": self.pk or ""}).strip()

    # Wagtail's admin (page history, sidebar, locks) and Django's show get_full_name(), falling
    # back to the generated username ("m-70bf2c87..."); people know each other by public name.
    def get_full_name(self) -> str:
        return self.public_name

    def get_short_name(self) -> str:
        return self.public_name

    def save(self, *args, **kwargs):
        # first_name is otherwise unused: it mirrors display_name because Wagtail's sidebar shows
        # first_name, else the username, and calls neither method above.
        self.first_name = self.display_name[:150]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "first_name"}
        super().save(*args, **kwargs)

    @cached_property
    def is_verified(self) -> bool:
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=self, email__iexact=self.email, verified=True).exists()

    @property
    def years_as_customer(self):
        if not self.customer_since:
            return None
        return (timezone.localdate() - self.customer_since).days / 365.25

    @property
    def languages_read(self) -> list[str]:
        """The member's own language first, then the others they read, ours only, each once."""
        from community import languages

        return languages.parse_list([languages.of_member(self), *(self.reading_languages or [])])

    def get_absolute_url(self):
        return reverse("member_profile")


def validate_time_zone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(_("Unknown time zone: use a name such as Europe/Oslo."), code="time_zone") from None


class Team(models.Model):
    """An internal team that owns feedback and answers it: Billing, Network, TV, ..."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        Member,
        related_name="teams",
        blank=True,
        verbose_name=_("members"),
        limit_choices_to={"is_staff": True},
    )
    lead = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("team lead"),
        limit_choices_to={"is_staff": True}, help_text=_("Told when the team's feedback is overdue."),
    )
    is_triage = models.BooleanField(
        _("triage team"), default=False,
        help_text=_("Receives the feedback no routing rule matches. One team at most."),
    )
    # Response targets count working hours in the team's own day and time zone (community.teams).
    time_zone = models.CharField(
        _("time zone"), max_length=64, default=settings.TIME_ZONE, validators=[validate_time_zone],
        help_text=_("Such as Europe/Oslo."),
    )
    working_days = models.CharField(
        _("working days"), max_length=7, default="12345",
        help_text=_("ISO weekday numbers, Monday = 1: 12345 is Monday to Friday."),
        validators=[RegexValidator(r"^[1-7]{1,7}$", _("Use the digits 1 to 7, Monday = 1."))],
    )
    day_starts = models.TimeField(_("working day starts"), default=time(8, 0))
    day_ends = models.TimeField(_("working day ends"), default=time(16, 0))
    first_response_hours = models.PositiveSmallIntegerField(
        _("first response target (working hours)"), default=8,
    )
    resolution_hours = models.PositiveSmallIntegerField(_("resolution target (working hours)"), default=40)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [
            models.UniqueConstraint(fields=["is_triage"], condition=Q(is_triage=True), name="one_triage_team"),
            models.CheckConstraint(condition=Q(day_ends__gt=models.F("day_starts")), name="team_day_ends_after_start"),
        ]

    def __str__(self):
        return self.name

    @property
    def public_name(self) -> str:
        """How customers see the team that answered: "Network team"."""
        return _("%(team)s team") % {"team": self.name}


class Segment(models.Model):
    """A group of customers a team asks, by the attributes staff keep (plan, region, years as a
    customer). Polls can be limited to one; an empty criterion means "any"."""

    name = models.CharField(_("name"), max_length=80)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="segments", verbose_name=_("team")
    )
    plans = models.JSONField(_("plans"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    min_years = models.PositiveSmallIntegerField(_("at least this many years as a customer"), null=True, blank=True)
    max_years = models.PositiveSmallIntegerField(_("fewer than this many years as a customer"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer segment")
        verbose_name_plural = _("customer segments")

    def __str__(self):
        return f"{self.name} ({self.team})" if self.team_id else self.name

    def narrow(self, members):
        """The members of a Member queryset in this segment, in SQL."""
        from datetime import timedelta

        today = timezone.localdate()
        if self.plans:
            members = members.filter(plan__in=self.plans)
        if self.regions:
            regions = Q()
            for region in self.regions:
                regions |= Q(region__iexact=region)
            members = members.filter(regions)
        if self.min_years is not None:
            members = members.filter(customer_since__lte=today - timedelta(days=int(self.min_years * 365.25)))
        if self.max_years is not None:
            members = members.filter(customer_since__gt=today - timedelta(days=int(self.max_years * 365.25)))
        return members

    def describe(self) -> str:
        """The criteria in words, for the poll page ("Mobile, Bundle · Oslo · 3+ years")."""
        from django.utils.text import format_lazy

        plans = dict(Member.Plan.choices)
        parts = []
        if self.plans:
            parts.append(", ".join(str(plans.get(p, p)) for p in self.plans))
        if self.regions:
            parts.append(", ".join(self.regions))
        if self.min_years is not None and self.max_years is not None:
            parts.append(str(format_lazy(_("{low}–{high} years as a customer"), low=self.min_years, high=self.max_years)))
        elif self.min_years is not None:
            parts.append(str(format_lazy(_("{low}+ years as a customer"), low=self.min_years)))
        elif self.max_years is not None:
            parts.append(str(format_lazy(_("under {high} years as a customer"), high=self.max_years)))
        return " · ".join(parts) or str(_("All customers"))


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One thing a member should know, shown in the bell and, by preference, e-mailed."""

    recipient = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notifications")
    # What happened, so each feature can style and group its notifications.
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    # Identifies the event for this recipient: a retried task or a double submit never
    # notifies twice.
    key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_key"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_unsent"
            ),
        ]

    def __str__(self):
        return self.title


class FailedTask(models.Model):
    """Background work that failed after every retry, for staff to see and re-run."""

    task_path = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict)
    attempts = models.PositiveIntegerField()
    error = models.TextField()
    failed_at = models.DateTimeField(default=timezone.now)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["-failed_at"]
        verbose_name = _("failed task")
        verbose_name_plural = _("failed tasks")

    def __str__(self):
        return f"{self.task_path} ({self.failed_at:%Y-%m-%d %H:%M})"


# --- Webhooks (community/webhooks/) ----------------------------------------------------------


class WebhookEndpointQuerySet(models.QuerySet):
    def manageable_by(self, user):
        """The endpoints of the teams the user is staff of (every team's for a superuser)."""
        from community import teams
        from community.rules import is_staff

        if not is_staff(user):
            return self.none()
        if teams.is_site_admin(user):
            return self
        return self.filter(team_id__in=teams.team_ids(user))  # a team-limited token's too


class WebhookEndpoint(models.Model):
    """A URL of a team's system that hears the events it chose (docs/webhooks.md)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="webhook_endpoints", verbose_name=_("team"))
    url = models.CharField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # Signs every delivery (HMAC-SHA256); the team's staff see it and may rotate it.
    secret = models.CharField(max_length=64)
    active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why it is disabled"), max_length=300, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Failed attempts since the last success, across deliveries: too many disable the endpoint.
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        ordering = ["team", "created_at", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("webhook_endpoint", args=[self.pk])

    def hears(self, event: str) -> bool:
        return self.active and event in (self.events or [])


class WebhookDelivery(models.Model):
    """One event for one endpoint, with the outcome of its latest attempt. A re-send by hand is
    a new delivery of the same event (same event id, so receivers can tell it is a repeat)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    # The endpoint's team, kept on the row so a team's log is one index range, newest first.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    # Sent as Cocreate-Delivery: unique per delivery, a re-send gets a new one.
    uuid = models.UUIDField(unique=True)
    event = models.CharField(max_length=40)
    event_id = models.UUIDField()
    payload = models.JSONField()
    manual = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # emit() is idempotent: one automatic delivery per event and endpoint.
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], condition=Q(manual=False), name="webhook_delivery_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_log"),
            models.Index(fields=["team", "-created_at", "-id"], name="webhook_delivery_team_log"),
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="webhook_delivery_due"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id} ({self.status})"


# Wagtail page models live in pages.py; importing them here registers them with Django.
from community.idempotency import IdempotencyRecord  # noqa: E402, F401
from community.pages import BasePage, HomePage  # noqa: E402, F401
from community.tokens import ApiToken  # noqa: E402, F401
