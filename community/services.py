"""Writes for members and notifications. Every entry point calls these."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from community import events, languages, tasks
from community.background import enqueue_on_commit
from community.inputs import check_name
from community.live import after_commit
from community.models import Member, Notification
from community.rules import NotAllowed  # noqa: F401  (services raise it; callers import it here)


def notify(
    recipients: Iterable[Member],
    *,
    kind: str,
    key: str,
    title,
    body="",
    url: str = "",
    exclude: Member | None = None,
) -> list[Notification]:
    """Tell each recipient once about one event.

    title and body may be lazy translations: each recipient gets them in their own language.
    key names the event; a member never gets two notifications with the same key, so a
    retried task or a double submit is harmless.
    """
    people = {m.pk: m for m in recipients if m is not None and m.is_active}
    if exclude is not None:
        people.pop(exclude.pk, None)
    if not people:
        return []
    rows = []
    for member in people.values():
        with translation.override(languages.of_member(member)):
            rows.append(
                Notification(
                    recipient=member,
                    kind=kind,
                    key=key[:200],
                    title=str(title)[:300],
                    body=str(body),
                    url=url[:500],
                )
            )
    with transaction.atomic():
        already = set(
            Notification.objects.filter(recipient_id__in=people, key=key[:200]).values_list(
                "recipient_id", flat=True
            )
        )
        rows = [r for r in rows if r.recipient_id not in already]
        if not rows:
            return []
        try:
            with transaction.atomic():
                Notification.objects.bulk_create(rows)
        except IntegrityError:
            # A concurrent call won the race for some recipients; create the rest one by one.
            rows = [r for r in rows if _create_once(r)]
        ids = [r.recipient_id for r in rows]
        Member.objects.filter(pk__in=ids).update(notification_version=F("notification_version") + 1)
    instant = {m.pk for m in people.values() if m.email_delivery == Member.Delivery.INSTANT}
    after_commit(events.notifications_changed, *ids)
    for row in rows:
        if row.recipient_id in instant and row.pk:
            enqueue_on_commit(tasks.send_notification_email, row.pk)
    return rows


def notify_many(notices: Iterable[tuple[Member, dict]]) -> list[Notification]:
    """notify() for many events at once, each (recipient, {kind, key, title, body, url}), in a
    constant number of queries whatever their number (the e-mails are tasks): a batch of overdue
    items escalated to their leads. Keys work as in notify(): each event once per recipient."""
    rows, people = {}, {}
    for member, notice in notices:
        if member is None or not member.is_active:
            continue
        key = notice["key"][:200]
        with translation.override(languages.of_member(member)):
            rows.setdefault((member.pk, key), Notification(
                recipient=member, kind=notice["kind"], key=key, title=str(notice["title"])[:300],
                body=str(notice.get("body", "")), url=notice.get("url", "")[:500],
            ))
        people[member.pk] = member
    if not rows:
        return []
    with transaction.atomic():
        already = set(Notification.objects.filter(recipient_id__in=people, key__in={k for _m, k in rows})
                      .values_list("recipient_id", "key"))
        fresh = [row for pair, row in rows.items() if pair not in already]
        if not fresh:
            return []
        try:
            with transaction.atomic():
                Notification.objects.bulk_create(fresh)
        except IntegrityError:
            fresh = [row for row in fresh if _create_once(row)]
        ids = sorted({row.recipient_id for row in fresh})
        Member.objects.filter(pk__in=ids).update(notification_version=F("notification_version") + 1)
    after_commit(events.notifications_changed, *ids)
    for row in fresh:
        if row.pk and people[row.recipient_id].email_delivery == Member.Delivery.INSTANT:
            enqueue_on_commit(tasks.send_notification_email, row.pk)
    return fresh


NOTIFY_BATCH = 1000


def notify_all(members, **notification) -> int:
    """notify() for a Member queryset of any size, a thousand at a time (an audience, every
    voter): rows are streamed, never loaded whole. Returns how many were told."""
    sent, batch = 0, []
    for member in members.order_by("pk").iterator(chunk_size=NOTIFY_BATCH):
        batch.append(member)
        if len(batch) == NOTIFY_BATCH:
            sent += len(notify(batch, **notification))
            batch = []
    if batch:
        sent += len(notify(batch, **notification))
    return sent


def _create_once(row: Notification) -> bool:
    _, created = Notification.objects.get_or_create(
        recipient_id=row.recipient_id,
        key=row.key,
        defaults={"kind": row.kind, "title": row.title, "body": row.body, "url": row.url},
    )
    return created


def mark_notifications_read(member: Member, *, ids: Iterable[int] | None = None) -> int:
    """Mark the member's own notifications read (all of them, or the given ids)."""
    with transaction.atomic():
        qs = Notification.objects.filter(recipient=member, read_at__isnull=True)
        if ids is not None:
            qs = qs.filter(pk__in=list(ids))
        changed = qs.update(read_at=timezone.now())
        if changed:
            Member.objects.filter(pk=member.pk).update(notification_version=F("notification_version") + 1)
    if changed:
        after_commit(events.notifications_changed, member.pk)
    return changed


STAFF_GROUP = "Staff"  # created by migration 0003; opens the Wagtail admin


def grant_staff(member: Member, *, teams: Iterable = ()) -> Member:
    """Make a member staff: the flag, the admin group, and their teams."""
    from django.contrib.auth.models import Group

    member.is_staff = True
    member.save(update_fields=["is_staff"])
    member.groups.add(Group.objects.get(name=STAFF_GROUP))
    for team in teams:
        team.members.add(member)
    return member


def revoke_staff(member: Member) -> Member:
    """Make a staff member a customer again: no flag, no admin group, no teams, no superuser
    (which would keep every staff power without the flag)."""
    from django.contrib.auth.models import Group

    with transaction.atomic():
        member.is_staff = False
        member.is_superuser = False
        member.save(update_fields=["is_staff", "is_superuser"])
        member.groups.remove(*Group.objects.filter(name=STAFF_GROUP))
        member.teams.clear()
    return member


PROFILE_FIELDS = ("display_name", "preferred_language", "reading_languages", "email_delivery")


def update_profile(member: Member, **changes) -> Member:
    """What a member may change about themselves; customer attributes are not among them."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise NotAllowed(translation.gettext("You cannot change these fields yourself."))
    if "display_name" in changes:
        # Refused here too, not only in the forms: a name with CR/LF breaks every e-mail header.
        changes["display_name"] = check_name(changes["display_name"])
    for field, value in changes.items():
        setattr(member, field, value)
    member.full_clean(exclude=["password", "username", "email"])
    member.save(update_fields=list(changes))
    return member
