"""What polls hold besides their page: options, the running state, and ballots.

How an anonymous poll stays anonymous (who answered is stored apart from what they answered):

- `Participation(poll, member)` says only that a member answered: unique per poll and member (a
  database constraint), so one ballot per member even when nobody may know which ballot is theirs.
  It has no time and no link to a ballot.
- `Ballot` and `Answer` say what was answered. In an anonymous poll a ballot has no member. Its
  primary key is a random UUID, not a counter, and neither it nor its answers carry a time, so
  neither insertion order nor timestamps pair the n-th participation with the n-th ballot.
- While the poll is open a member may change their ballot: it is found again by `token`, an HMAC
  of (poll, member) under a key derived from SECRET_KEY (`ballot_token`). Staff never see that key
  through the site, so from the tables they can read they cannot compute which token is whose.
  When the poll closes the tokens are erased (services.close_poll), after which not even someone
  holding the key can pair a ballot with a member.
- Ballots and answers are in no admin (Wagtail or Django), no export row and no API with a
  member on an anonymous poll: the site only ever shows them aggregated (queries.results), and
  band breakdowns hide groups under community.audience.MIN_BAND ballots.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


def ballot_token(poll_id: int, member_id: int) -> str:
    """The key that finds a member's anonymous ballot again while the poll is open (see above)."""
    return salted_hmac("cocreate.polls.ballot", f"{poll_id}:{member_id}", algorithm="sha256").hexdigest()


class PollOption(models.Model):
    """One answer a question offers: an option of a choice or ranking question (from the
    question's lines on publish), or one value of a scale.

    Results read counters kept here by F() updates in services.cast_ballot (and recounted from
    the answers by services.recount), so a poll with a million ballots shows its results in a
    few queries without aggregating its answers on every view."""

    question = models.ForeignKey("polls.PollQuestion", on_delete=models.CASCADE, related_name="option_rows")
    position = models.PositiveSmallIntegerField()
    label = models.CharField(_("option"), max_length=300)
    idea = models.ForeignKey("ideas.Idea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)  # a scale's value
    count = models.PositiveIntegerField(default=0)  # answers choosing it
    place_sum = models.PositiveBigIntegerField(default=0)  # rankings: the sum of its places

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["question", "position"], name="poll_option_position")]

    def __str__(self):
        return self.label


class QuestionTally(models.Model):
    """How many ballots answered a question (kept like PollOption's counters)."""

    question = models.OneToOneField("polls.PollQuestion", on_delete=models.CASCADE, primary_key=True, related_name="tally")
    respondents = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.question_id}: {self.respondents}"


class PollState(models.Model):
    """What changes while a poll runs, kept off the page: publishing an old revision of the page
    must never rewind the ballot count or the conclusion."""

    poll = models.OneToOneField("polls.PollPage", on_delete=models.CASCADE, primary_key=True, related_name="state")
    # Bumped with every ballot and change a viewer can see: live events carry it.
    version = models.PositiveBigIntegerField(default=1)
    ballot_count = models.PositiveIntegerField(default=0)
    conclusion_source = models.TextField(_("conclusion"), blank=True)
    conclusion_html = models.TextField(blank=True, editable=False)
    conclusion_language = models.CharField(max_length=8, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    # What the scheduler has done, so running it again does nothing twice.
    invited_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    result_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("poll state")

    def __str__(self):
        return f"{self.poll_id} v{self.version}"


class Participation(models.Model):
    """That a member answered a poll, and nothing about what (see the module's docstring)."""

    poll = models.ForeignKey("polls.PollPage", on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_participations")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "member"], name="one_ballot_per_member")]

    def __str__(self):
        return f"{self.member_id} answered {self.poll_id}"


class Ballot(models.Model):
    """What one member answered. Named polls keep the member; anonymous ones only a token while
    open. The voter's bands (plan, region, years) are copied for the staff breakdown, which shows
    only aggregates of at least MIN_BAND ballots."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey("polls.PollPage", on_delete=models.CASCADE, related_name="ballots")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="poll_ballots"
    )
    token = models.CharField(max_length=64, null=True, blank=True)
    plan = models.CharField(max_length=20, blank=True)
    region = models.CharField(max_length=60, blank=True)
    years_band = models.SmallIntegerField(default=-1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], condition=Q(member__isnull=False), name="ballot_member_once"),
            models.UniqueConstraint(fields=["poll", "token"], condition=Q(token__isnull=False), name="ballot_token_once"),
            models.CheckConstraint(condition=Q(member__isnull=True) | Q(token__isnull=True), name="ballot_named_or_token"),
        ]

    def __str__(self):
        return f"ballot on {self.poll_id}"


class Answer(models.Model):
    """One answer on a ballot: a chosen option, a ranked option (value = its place, 1 first), a
    scale value, or a text. Random ids for the same reason as Ballot's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey("polls.PollQuestion", on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(PollOption, null=True, blank=True, on_delete=models.CASCADE, related_name="answers")
    value = models.SmallIntegerField(null=True, blank=True)
    text_source = models.TextField(blank=True)
    text_html = models.TextField(blank=True, editable=False)
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["question", "option", "value"], name="answer_tally"),
        ]

    def __str__(self):
        return f"answer to {self.question_id}"


# Wagtail page models live in pages.py; importing them here registers them with Django.
from ideas.polls.pages import PollIndexPage, PollPage, PollQuestion  # noqa: E402, F401
