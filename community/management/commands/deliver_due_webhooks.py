"""`manage.py deliver_due_webhooks`: send the webhook deliveries whose (re)try time has come.
Run it every minute where the task queue cannot defer retries (the immediate backend); with
the database queue it only catches up. Running it twice at once sends nothing twice."""

from django.core.management.base import BaseCommand

from community.webhooks import delivery


class Command(BaseCommand):
    help = "Send the webhook deliveries that are due (retries with backoff). Idempotent."

    def handle(self, *args, **options):
        attempted = delivery.deliver_due()
        self.stdout.write(f"Webhooks: {attempted} deliveries attempted.")
