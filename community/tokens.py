"""API tokens: the model, who may create and revoke them, and the services that do.

A token is a high-entropy random secret shown once; the database keeps its SHA-256 and a short
visible prefix to recognise it by. It acts for the member who owns it, limited by its scopes
(read, write, staff) and optionally to some teams. Integration tokens are created by staff for
a system (a CRM, a status page) and every staff member may see and revoke them.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community import rules
from community.rules import rule

SECRET_PREFIX = "cc_"
# What the lists show: "cc_" and the secret's first 8 characters (about 48 bits, not enough to use).
VISIBLE_LENGTH = len(SECRET_PREFIX) + 8
MAX_TOKENS_PER_MEMBER = 50


class Scope(models.TextChoices):
    READ = "read", gettext_lazy("Read")
    WRITE = "write", gettext_lazy("Write")
    STAFF = "staff", gettext_lazy("Staff")


class Kind(models.TextChoices):
    PERSONAL = "personal", gettext_lazy("Personal")
    INTEGRATION = "integration", gettext_lazy("Integration")


def hash_secret(secret: str) -> str:
    """The stored form of a secret. A plain SHA-256 suffices: the secret is 256 random bits, not
    a password someone chose, so there is nothing to guess that a slow hash would protect."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def owned_by(self, member):
        """A member's own personal tokens (another member's token is a 404, like a missing one)."""
        return self.filter(user=member, kind=Kind.PERSONAL)

    def integrations(self):
        return self.filter(kind=Kind.INTEGRATION)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_tokens",
        verbose_name=gettext_lazy("acts as"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSONAL)
    name = models.CharField(gettext_lazy("name"), max_length=80)
    prefix = models.CharField(max_length=VISIBLE_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    teams = models.ManyToManyField("community.Team", blank=True, related_name="+")
    # Set with `teams`, so authenticating a token without a team limit needs no join.
    limited_to_teams = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        app_label = "community"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "-created_at"], name="apitoken_owner_idx")]
        verbose_name = gettext_lazy("API token")
        verbose_name_plural = gettext_lazy("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())

    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes if s in Scope.values]


# --- Rules ---------------------------------------------------------------------------------------


def why_not_create_token(member, *, kind: str, scopes, teams=()) -> str | None:
    """Members create personal tokens for themselves; only staff create integration tokens, or
    give a token the staff scope; a team limit names teams the member belongs to (staff may
    limit integration tokens to any team)."""
    if not rules.is_member(member):
        return _("Sign in to manage API tokens.")
    if kind == Kind.INTEGRATION and not rules.is_staff(member):
        return _("Only staff can create integration tokens.")
    if not scopes:
        return _("Choose at least one scope.")
    if Scope.STAFF in scopes and not rules.is_staff(member):
        return _("Only staff can give a token the staff scope.")
    if teams and not rules.is_staff(member):
        return _("Only staff can limit a token to teams.")
    if teams and kind == Kind.PERSONAL:
        own = set(member.teams.values_list("pk", flat=True))
        if any(team.pk not in own for team in teams):
            return _("You can only limit a token to teams you are in.")
    if ApiToken.objects.filter(user=member).active().count() >= MAX_TOKENS_PER_MEMBER:
        return _("You have too many active tokens: revoke some first.")
    return None


def why_not_revoke_token(member, token: ApiToken) -> str | None:
    if not rules.is_member(member):
        return _("Sign in to manage API tokens.")
    if token.kind == Kind.INTEGRATION:
        return None if rules.is_staff(member) else _("Only staff can revoke integration tokens.")
    return None if token.user_id == member.pk else _("This is not your token.")


can_create_token, check_can_create_token = rule(why_not_create_token)
can_revoke_token, check_can_revoke_token = rule(why_not_revoke_token)


# --- Services ------------------------------------------------------------------------------------


def create_token(
    *, by, name: str, scopes, kind: str = Kind.PERSONAL, teams=(), expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a token acting as `by`; returns it and its secret, which is never stored or shown again."""
    scopes = [s for s in Scope.values if s in set(scopes)]
    check_can_create_token(by, kind=kind, scopes=scopes, teams=teams)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=by, created_by=by, kind=kind, name=name.strip()[:80] or _("Unnamed token"),
            prefix=secret[:VISIBLE_LENGTH], key_hash=hash_secret(secret), scopes=scopes,
            expires_at=now + timedelta(days=expires_in_days) if expires_in_days else None, created_at=now,
            limited_to_teams=bool(teams),
        )
        if teams:
            token.teams.set(teams)
    return token, secret


def revoke_token(*, token: ApiToken, by) -> ApiToken:
    """Revoke at once: the row is marked and the authentication cache entry dropped (a signal in
    community/api_auth.py does that for every change to a token)."""
    check_can_revoke_token(by, token)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
