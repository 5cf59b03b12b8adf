"""`manage.py escalate_overdue`: tell team leads about feedback whose first answer or resolution
is overdue, once per item. Run it every few minutes (cron, a scheduler); it is idempotent."""

from django.core.management.base import BaseCommand

from feedback.routing_services import escalate_overdue


class Command(BaseCommand):
    help = "Escalate overdue feedback items to their team lead (once per item)."

    def handle(self, *args, **options):
        count = escalate_overdue()
        self.stdout.write(f"{count} overdue feedback item(s) escalated.")
