"""Queue the daily e-mail digest for every member who chose it (run once a day)."""

from django.core.management.base import BaseCommand

from community.tasks import send_daily_digests


class Command(BaseCommand):
    help = "Queue one digest e-mail per daily-digest member with unread, unsent notifications."

    def handle(self, *args, **options):
        count = send_daily_digests()
        self.stdout.write(f"Queued {count} digest(s).")
