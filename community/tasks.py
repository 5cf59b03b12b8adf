"""E-mail for notifications: instant messages and the daily digest."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from community import languages
from community.background import retrying_task


def absolute(url: str) -> str:
    return url if url.startswith("http") else settings.SITE_URL.rstrip("/") + url


@retrying_task(queue_name="email")
def send_notification_email(notification_id: int) -> bool:
    """Send one notification by e-mail, once: emailed_at is the idempotency key, set in the
    same transaction that holds the row lock, so a retry after success sends nothing."""
    from community.models import Member, Notification

    with transaction.atomic():
        n = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if n is None or n.recipient.email_delivery != Member.Delivery.INSTANT:
            return False
        member = n.recipient
        with translation.override(languages.of_member(member)):
            context = {"member": member, "notifications": [n], "site_url": settings.SITE_URL}
            for item in context["notifications"]:
                item.absolute_url = absolute(item.url) if item.url else settings.SITE_URL
            body = render_to_string("email/notification.txt", context)
            send_mail(n.title, body, None, [member.email])
        n.emailed_at = timezone.now()
        n.save(update_fields=["emailed_at"])
    return True


def send_daily_digests() -> int:
    """One e-mail per daily-digest member with what they have not been mailed yet.
    Run once a day (cron or a scheduler calls `manage.py send_digests`)."""
    from community.models import Member

    sent = 0
    members = Member.objects.filter(
        email_delivery=Member.Delivery.DAILY,
        notifications__emailed_at__isnull=True,
        notifications__read_at__isnull=True,
    ).distinct()
    for member in members.iterator():
        send_digest.enqueue(member.pk)
        sent += 1
    return sent


@retrying_task(queue_name="email")
def send_digest(member_id: int) -> int:
    from community.models import Member, Notification

    with transaction.atomic():
        member = Member.objects.get(pk=member_id)
        items = list(
            Notification.objects.select_for_update()
            .filter(recipient=member, emailed_at__isnull=True, read_at__isnull=True)
            .order_by("created_at")[:50]
        )
        if not items:
            return 0
        with translation.override(languages.of_member(member)):
            for item in items:
                item.absolute_url = absolute(item.url) if item.url else settings.SITE_URL
            context = {"member": member, "notifications": items, "site_url": settings.SITE_URL}
            body = render_to_string("email/notification.txt", context)
            subject = ngettext(
                "Your %(site)s digest: %(count)s update", "Your %(site)s digest: %(count)s updates", len(items)
            ) % {"site": settings.WAGTAIL_SITE_NAME, "count": len(items)}
            send_mail(subject, body, None, [member.email])
        Notification.objects.filter(pk__in=[i.pk for i in items]).update(emailed_at=timezone.now())
    return len(items)
