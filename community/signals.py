"""Receivers for other apps' signals (kept few: a write's effects live in its service)."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def forget_verification_cache(request, email_address, **kwargs):
    # Member.is_verified is a cached_property on the request's user object.
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        user.__dict__.pop("is_verified", None)
