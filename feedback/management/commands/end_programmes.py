"""Handle the beta programmes whose end date has passed: thank each member with what their
feedback changed. Run it daily (cron, a scheduler); it is idempotent."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from feedback import services
from feedback.pages import BetaProgramPage


class Command(BaseCommand):
    help = "Thank the members of beta programmes that have ended (once per programme)."

    def handle(self, *args, **options):
        ended = BetaProgramPage.objects.live().filter(ends_on__lt=timezone.localdate(), ending__isnull=True)
        count = sum(services.end_programme(programme=programme) for programme in ended)
        self.stdout.write(f"{count} programme(s) ended; their members were thanked.")
