"""`manage.py recount [--check]`: each idea's stored vote and comment counts must equal its rows.

The services keep the counters with F() updates; this proves it (--check exits non-zero on any
mismatch, for monitoring and CI) or repairs them. It reads the ideas in id ranges, one query per
range whatever the number of votes and comments: the counting happens in the database.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, F, IntegerField, Max, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from community.live import after_commit
from ideas import events
from ideas.models import Comment, Idea, Vote, trending_score

BATCH = 5000


def _count_of(queryset):
    return Coalesce(
        Subquery(
            queryset.order_by().values("idea").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        Value(0),
    )


def with_counted(ideas):
    """Annotate votes_counted and comments_counted: the rows, as the stored counts should say."""
    return ideas.annotate(
        votes_counted=_count_of(Vote.objects.filter(idea=OuterRef("pk"))),
        comments_counted=_count_of(Comment.objects.filter(idea=OuterRef("pk"), deleted_at__isnull=True)),
    )


def mismatched(ideas):
    return with_counted(ideas).exclude(vote_count=F("votes_counted"), comment_count=F("comments_counted"))


class Command(BaseCommand):
    help = "Check (--check) or repair each idea's stored vote and comment counts against its rows."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only report mismatches; exit 1 if any.")
        parser.add_argument(
            "--batch-size", type=int, default=BATCH, help="Ideas per query (default %(default)s)."
        )

    def handle(self, *args, check=False, batch_size=BATCH, **options):
        bounds = Idea.objects.aggregate(low=Min("pk"), high=Max("pk"), total=Count("pk"))
        found = fixed = 0
        if bounds["total"]:
            for start in range(bounds["low"], bounds["high"] + 1, max(batch_size, 1)):
                batch = Idea.objects.filter(pk__gte=start, pk__lt=start + batch_size)
                rows = list(
                    mismatched(batch)
                    .order_by("pk")
                    .values("pk", "title", "vote_count", "votes_counted", "comment_count", "comments_counted")
                )
                found += len(rows)
                for row in rows:
                    self.stdout.write(
                        _(
                            "Idea %(pk)s “%(title)s”: %(vote_count)s votes stored, %(votes_counted)s counted; "
                            "%(comment_count)s comments stored, %(comments_counted)s counted."
                        )
                        % row
                    )
                if rows and not check:
                    fixed += self.repair([row["pk"] for row in rows])
        if check:
            if found:
                raise CommandError(
                    _("%(found)s of %(total)s ideas have counts that differ from their rows.")
                    % {"found": found, "total": bounds["total"]}
                )
            self.stdout.write(_("All %(total)s ideas' counts equal their rows.") % {"total": bounds["total"]})
        else:
            self.stdout.write(
                _("Fixed %(fixed)s of %(total)s ideas.") % {"fixed": fixed, "total": bounds["total"]}
            )

    def repair(self, ids: list[int]) -> int:
        """Set the counts to the rows, and the trending score from the right count.

        The rows are counted again after locking the ideas: a vote being cast holds the idea's
        row until it commits, so the count read under the lock includes every committed vote
        and the voter's own F() update lands on the corrected value."""
        with transaction.atomic():
            list(
                Idea.objects.select_for_update()
                .filter(pk__in=ids)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            ideas = list(with_counted(Idea.objects.filter(pk__in=ids)).only("pk", "created_at"))
            for idea in ideas:
                idea.vote_count, idea.comment_count = idea.votes_counted, idea.comments_counted
                idea.trending = trending_score(idea.votes_counted, idea.created_at)
                idea.version = F("version") + 1  # open pages take the corrected state
            Idea.objects.bulk_update(ideas, ["vote_count", "comment_count", "trending", "version"])
            for idea in ideas:
                after_commit(events.idea_changed, idea.pk)
        return len(ideas)
