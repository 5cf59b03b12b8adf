"""API authentication by token, and the scopes every API view enforces.

`Authorization: Bearer <token>` (or `Token <token>`) authenticates as the token's member. The
lookup is cached in the shared cache under the secret's hash, so a request with a known token
costs no query; any change to the token or its member drops the entry (revocation, a member
deactivated or losing staff take effect on the next request). A token without the staff scope
acts as its member without staff powers, so no staff rule anywhere can be reached with it.

`ScopePermission` (a default permission class) asks `read` for safe methods and `write` for the
others, plus whatever the view lists in `required_scopes` (e.g. `["staff"]`). Sessions are not
limited by scopes: the site's own pages and JavaScript act with the member's full powers.
"""

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission

from community import rules
from community.models import Member
from community.tokens import ApiToken, Scope, hash_secret

KEYWORDS = (b"bearer", b"token")
CACHE_SECONDS = 300
LAST_USED_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenGrant:
    """What `request.auth` holds for a token request: enough to decide without a query."""

    id: int
    key_hash: str
    scopes: frozenset
    team_ids: frozenset | None  # None: not limited to teams
    expires_at: datetime | None
    last_used_at: datetime | None

    def has(self, scope: str) -> bool:
        return scope in self.scopes

    def is_usable_by(self, member) -> bool:
        return member.is_active and (self.expires_at is None or self.expires_at > timezone.now())


def _cache_key(key_hash: str) -> str:
    return f"apitoken:{key_hash}"


def load_token(key_hash: str):
    """(member, grant) for an active token's hash, from the cache or in one query; else None."""
    cached = cache.get(_cache_key(key_hash))
    if cached is not None:
        return cached
    token = (
        ApiToken.objects.filter(key_hash=key_hash, revoked_at__isnull=True)
        .select_related("user")
        .first()
    )
    if token is None:
        return None
    # Team limits are rare; a token without them costs no second query.
    team_ids = frozenset(token.teams.values_list("pk", flat=True)) if token.limited_to_teams else None
    grant = TokenGrant(
        id=token.pk, key_hash=key_hash, scopes=frozenset(token.scopes), team_ids=team_ids,
        expires_at=token.expires_at, last_used_at=token.last_used_at,
    )
    entry = (token.user, grant)
    cache.set(_cache_key(key_hash), entry, CACHE_SECONDS)
    return entry


def _mark_used(member, grant: TokenGrant) -> TokenGrant:
    """Record last use at most once a minute per token: one UPDATE, then the cache entry."""
    now = timezone.now()
    if grant.last_used_at and now - grant.last_used_at < LAST_USED_EVERY:
        return grant
    ApiToken.objects.filter(pk=grant.id).update(last_used_at=now)
    grant = TokenGrant(**{**grant.__dict__, "last_used_at": now})
    cache.set(_cache_key(grant.key_hash), (member, grant), CACHE_SECONDS)
    return grant


def _copy_without(member, **flags):
    """A copy of the member with these flags changed; saving it never writes them back."""
    limited = copy.copy(member)
    limited.__dict__.update(flags)

    def save(*args, update_fields=None, **kwargs):
        fields = update_fields or [f.name for f in Member._meta.concrete_fields if not f.primary_key]
        Member.save(limited, *args, update_fields=[f for f in fields if f not in flags], **kwargs)

    limited.save = save
    return limited


def without_staff_powers(member):
    """A copy of the member that no staff rule accepts."""
    return _copy_without(member, is_staff=False, is_superuser=False)


def within_teams(member, team_ids: frozenset):
    """A copy of a staff member acting only for these teams (a site admin acts for every team,
    so for all of them; anyone else for those they are on), and no longer a site admin: every
    team rule (community.teams.team_ids, staff_role, the inboxes, the customer panel) then sees
    what a token limited to those teams may reach, with no rule of its own."""
    from community import teams

    mine = frozenset(team_ids) if teams.is_site_admin(member) else teams.team_ids(member) & team_ids
    limited = _copy_without(member, is_superuser=False)
    limited.__dict__["_team_ids"] = mine
    return limited


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>` or `Token <token>`."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token as “Authorization: Bearer <token>”."), code="token_malformed"
            )
        try:
            secret = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid."), code="token_invalid")
        found = load_token(hash_secret(secret)) if len(secret) <= 200 else None
        if found is None:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid: it is unknown or was revoked."), code="token_invalid"
            )
        member, grant = found
        if grant.expires_at is not None and grant.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This token has expired."), code="token_expired")
        if not member.is_active:
            raise exceptions.AuthenticationFailed(
                _("The account this token belongs to is deactivated."), code="token_owner_inactive"
            )
        grant = _mark_used(member, grant)
        # Staff powers need the staff scope, and staff who must still set up two-factor
        # authentication have none on the site either (one query, for staff tokens only).
        if (member.is_staff or member.is_superuser) and (
            not grant.has(Scope.STAFF) or rules.needs_mfa_setup(member)
        ):
            member = without_staff_powers(member)
        elif member.is_staff and grant.team_ids is not None:
            member = within_teams(member, grant.team_ids)
        # A view that replaced the default permission classes (e.g. with [IsAuthenticated])
        # still gets its scopes checked, here.
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if view is not None and not _enforced_by_permissions(view):
            check_scopes(request.method, view, grant, member)
        return member, grant

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def token_grant(request) -> TokenGrant | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, TokenGrant) else None


def token_allows_team(request, team) -> bool:
    """Whether the request's token may act on this team's things (sessions and tokens without a
    team limit: yes). The member's own team membership is the caller's rule to check."""
    grant = token_grant(request)
    if grant is None or grant.team_ids is None:
        return True
    return getattr(team, "pk", team) in grant.team_ids


def required_scopes(method: str, view) -> list[str]:
    needed = [Scope.READ if method in SAFE_METHODS else Scope.WRITE]
    extra = getattr(view, "required_scopes", ())
    if isinstance(extra, dict):
        extra = extra.get(method, ())
    return needed + [s for s in extra if s not in needed]


def check_scopes(method: str, view, grant: TokenGrant, member) -> None:
    """Raise a 403 naming the first scope the token lacks for this request."""
    needed = required_scopes(method, view)
    for scope in needed:
        if not grant.has(scope):
            raise exceptions.PermissionDenied(
                _("This token lacks the “%(scope)s” scope.") % {"scope": scope}, code="missing_scope"
            )
    if Scope.STAFF in needed and not member.is_staff:
        raise exceptions.PermissionDenied(_("The staff scope works only for staff members."), code="not_staff")


def _enforced_by_permissions(view) -> bool:
    return any(isinstance(p, type) and issubclass(p, ScopePermission) for p in view.permission_classes)


class ScopePermission(BasePermission):
    """A token must carry every scope the request needs; a session is not limited by scopes."""

    def has_permission(self, request, view):
        grant = token_grant(request)
        if grant is not None:
            check_scopes(request.method, view, grant, request.user)
        return True


# --- Keeping the cache honest ---------------------------------------------------------------------


def forget_tokens(key_hashes) -> None:
    keys = [_cache_key(h) for h in key_hashes]
    if not keys:
        return
    cache.delete_many(keys)
    # Once more after the commit: a request between the write and the commit may have cached
    # the old row again.
    transaction.on_commit(lambda: cache.delete_many(keys))


@receiver([post_save, post_delete], sender=ApiToken)
def _token_changed(sender, instance, **kwargs):
    forget_tokens([instance.key_hash])


@receiver(m2m_changed, sender=ApiToken.teams.through)
def _token_teams_changed(sender, instance, **kwargs):
    if isinstance(instance, ApiToken):
        forget_tokens([instance.key_hash])


@receiver([post_save, pre_delete], sender=Member)
def _member_changed(sender, instance, update_fields=None, **kwargs):
    """Deactivated, staff taken away, deleted: the member's cached tokens go at once. (A login
    saves only last_login, which changes nothing here.) A QuerySet.update() bypasses signals:
    the cache entry then lives at most CACHE_SECONDS."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    forget_tokens(ApiToken.objects.filter(user_id=instance.pk).values_list("key_hash", flat=True))
