"""`manage.py run_poll_schedule`: invite the audiences of polls that opened, close the polls whose
time is up, and send results of concluded polls. Run it every few minutes; running it again,
or twice at once, never does anything twice."""

from django.core.management.base import BaseCommand

from ideas.polls import services


class Command(BaseCommand):
    help = "Open and close polls at their times and send their invitations and results (idempotent)."

    def handle(self, *args, **options):
        done = services.run_schedule()
        self.stdout.write(
            f"Polls: {done['invited']} opened (audience invited), {done['closed']} closed, "
            f"{done['results']} results sent."
        )
