"""Receivers for other apps' signals (kept few: a write's effects live in its service)."""

from urllib.parse import urlsplit

from allauth.account.signals import email_confirmed
from django.conf import settings
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from community import teams


@receiver(email_confirmed)
def forget_verification_cache(request, email_address, **kwargs):
    # Member.is_verified is a cached_property on the request's user object.
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and user.is_authenticated:
        user.__dict__.pop("is_verified", None)


@receiver(post_migrate)
def name_the_site(sender, using="default", **kwargs):
    """django.contrib.sites' entry (allauth's e-mails say "Hello from <its name>") carries
    SITE_NAME and the host of SITE_URL, not example.com; after every migrate, so it follows
    the settings."""
    if sender.name != "community":
        return
    from django.contrib.sites.models import Site

    site = Site.objects.using(using).filter(pk=settings.SITE_ID).first() or Site(pk=settings.SITE_ID)
    site.domain = urlsplit(settings.SITE_URL).netloc[:100] or site.domain
    site.name = settings.SITE_NAME[:50]
    site.save(using=using)


@receiver(post_save, sender="community.Team")
@receiver(post_delete, sender="community.Team")
def _team_changed(**kwargs):
    teams.teams_changed()
