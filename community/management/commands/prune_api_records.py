"""`manage.py prune_api_records`: delete idempotency records past their 24 hours (run daily)."""

from django.core.management.base import BaseCommand

from community import idempotency


class Command(BaseCommand):
    help = "Delete stored API responses for Idempotency-Keys older than 24 hours."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {idempotency.prune()} idempotency record(s).")
