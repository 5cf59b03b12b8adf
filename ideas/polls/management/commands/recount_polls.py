"""`manage.py recount_polls [--check]`: each poll's counters (options, respondents, ballots) must
equal its answers. The services keep them with F() updates; this proves it (--check exits non-zero
on any mismatch, for monitoring and CI) or repairs them, counting in the database."""

from django.core.management.base import BaseCommand, CommandError

from ideas.polls import services
from ideas.polls.pages import PollPage


class Command(BaseCommand):
    help = "Check (--check) or repair each poll's result counters against its answers."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Report mismatches and exit 1; change nothing.")

    def handle(self, *args, check=False, **options):
        off = [poll.pk for poll in PollPage.objects.all() if services.recount(poll, repair=not check)]
        if off and check:
            raise CommandError(f"Polls whose counters differ from their answers: {off}")
        if off:
            self.stdout.write(f"Repaired the counters of polls {off}.")
        else:
            self.stdout.write("Every poll's counters equal its answers.")
