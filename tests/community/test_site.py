"""The Sites entry: account e-mails greet from SITE_NAME at SITE_URL's host, never example.com."""

from django.contrib.sites.models import Site
from django.core import mail
from django.core.management.sql import emit_post_migrate_signal

from tests.community.test_accounts import sign_up
from tests.community.test_settings import run_python


def test_migrate_names_the_site_after_the_settings(db, settings):
    settings.SITE_NAME = "Acme Ideas"
    settings.SITE_URL = "https://ideas.acme.example"
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    site = Site.objects.get_current()
    assert (site.pk, site.name, site.domain) == (settings.SITE_ID, "Acme Ideas", "ideas.acme.example")
    assert Site.objects.count() == 1


def test_account_emails_greet_from_the_site_name(db, client, settings):
    settings.SITE_NAME = "Acme Ideas"
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    sign_up(client, "new@example.com")
    body = mail.outbox[0].body
    assert "Acme Ideas" in body
    assert "example.com!" not in body.replace("new@example.com", "")


def test_in_development_the_site_url_follows_the_port():
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    result = run_python("-c", code, DEBUG="true", PORT="8123")
    assert result.stdout.strip() == "http://127.0.0.1:8123", result.stderr
