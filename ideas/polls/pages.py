"""Wagtail pages for polls: the index of polls and each poll with its questions.

Product teams write a poll in the page editor: its questions are an inline list, each with its
options one per line. Publishing turns those lines into PollOption rows (services.sync_options),
which ballots point at, so results are one grouped query.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable

from community import audience
from community.pages import BasePage

MAX_RANKED = 7
MAX_OPTIONS = 20


def _question_shape(kind, text, options, max_choices) -> tuple:
    lines = tuple(line.strip() for line in (options or "").splitlines() if line.strip())
    return (kind, " ".join((text or "").split()), lines, max_choices)


class PollPageForm(WagtailAdminPageForm):
    """Once members have answered, the questions, their options and anonymity stay as they were
    answered: changing them would change what ballots mean (or who may read them)."""

    def clean(self):
        data = super().clean()
        poll = self.instance
        if not poll.pk:
            return data
        from ideas.polls.models import Participation

        if not Participation.objects.filter(poll_id=poll.pk).exists():
            return data
        stored = PollPage.objects.get(pk=poll.pk)
        if data.get("anonymous") != stored.anonymous:
            self.add_error("anonymous", _("Members have answered: a poll cannot change between named and anonymous."))
        before = [
            _question_shape(q.kind, q.text, q.options, q.max_choices)
            for q in PollQuestion.objects.filter(poll_id=poll.pk).order_by("sort_order", "pk")
        ]
        formset = self.formsets.get("questions")
        if formset is not None and formset.is_valid():
            forms = sorted(
                (f for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")),
                key=lambda f: f.cleaned_data.get("ORDER") or 0,
            )
            after = [
                _question_shape(f.cleaned_data.get("kind"), f.cleaned_data.get("text"), f.cleaned_data.get("options"),
                                f.cleaned_data.get("max_choices"))
                for f in forms
            ]
            if after != before:
                raise ValidationError(
                    _("Members have answered this poll: its questions and options can no longer change. "
                      "Make a new poll to ask something else.")
                )
        return data


class PollIndexPage(BasePage):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = BasePage.content_panels + [FieldPanel("intro")]
    subpage_types = ["polls.PollPage"]
    template = "polls/poll_index_page.html"

    class Meta:
        verbose_name = _("poll index")

    def get_context(self, request, *args, **kwargs):
        from ideas.polls.queries import poll_listing

        context = super().get_context(request, *args, **kwargs)
        context["listing"] = poll_listing(self, viewer=request.user)
        return context


class Phase(models.TextChoices):
    UPCOMING = "upcoming", _("Opens soon")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class PollPage(BasePage):
    class Results(models.TextChoices):
        ALWAYS = "always", _("Live, to everyone who may see the poll")
        AFTER_ANSWER = "after_answer", _("After answering")
        AFTER_CLOSE = "after_close", _("After the poll closes")
        STAFF = "staff", _("To staff only")

    AUDIENCE_CHOICES = [
        (audience.EVERYONE, _("Everyone signed in")),
        (audience.SEGMENT, _("A customer segment")),
        # Registered by the feedback app: a poll placed under a beta programme (its exit survey).
        (audience.PROGRAMME, _("The members of its beta programme")),
    ]

    intro = RichTextField(_("introduction"), blank=True)
    owner_team = models.ForeignKey(
        "community.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owning team"), help_text=_("The team that asks, reads the results and writes the conclusion."),
    )
    opens_at = models.DateTimeField(_("opens at"), default=timezone.now)
    closes_at = models.DateTimeField(_("closes at"))
    audience = models.CharField(_("who may answer"), max_length=20, choices=AUDIENCE_CHOICES, default=audience.EVERYONE)
    segment = models.ForeignKey(
        "community.Segment", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("customer segment"), help_text=_("Only for a poll asked of a customer segment."),
    )
    results_visibility = models.CharField(
        _("results shown"), max_length=20, choices=Results.choices, default=Results.AFTER_ANSWER
    )
    anonymous = models.BooleanField(
        _("anonymous ballots"), default=False,
        help_text=_("Nobody, staff included, can see who chose what. Cannot be changed once ballots arrive."),
    )
    allow_changes = models.BooleanField(
        _("members may change their ballot"), default=True, help_text=_("Until the poll closes."),
    )

    content_panels = BasePage.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("owner_team"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([FieldPanel("audience"), FieldPanel("segment")]),
                FieldPanel("results_visibility"),
                FieldRowPanel([FieldPanel("anonymous"), FieldPanel("allow_changes")]),
            ],
            heading=_("Rules"),
        ),
        InlinePanel("questions", heading=_("Questions"), label=_("Question"), min_num=1),
    ]
    parent_page_types = ["polls.PollIndexPage", "community.HomePage", "feedback.BetaProgramPage"]
    subpage_types = []
    template = "polls/poll_page.html"
    base_form_class = PollPageForm

    class Meta:
        verbose_name = _("poll")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A poll closes after it opens.")})
        if self.audience == audience.SEGMENT and not self.segment_id:
            raise ValidationError({"segment": _("Choose the customer segment this poll asks.")})

    def phase(self, now=None) -> str:
        """Upcoming, open or closed, from the times alone: right at any moment, whether or not
        the scheduled task has run yet."""
        now = now or timezone.now()
        if now < self.opens_at:
            return Phase.UPCOMING
        return Phase.OPEN if now < self.closes_at else Phase.CLOSED

    @property
    def is_open(self) -> bool:
        return self.phase() == Phase.OPEN

    @property
    def is_closed(self) -> bool:
        return self.phase() == Phase.CLOSED

    @property
    def phase_label(self):
        return Phase(self.phase()).label

    def serve(self, request, *args, **kwargs):
        from django.http import Http404

        from ideas.polls.rules import can_view_poll
        from ideas.polls.views import poll_page

        # Wagtail has checked the page's privacy settings; a programme's survey also needs membership.
        if not can_view_poll(request.user, self):
            raise Http404
        return poll_page(request, self)


class PollQuestion(Orderable):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        SCALE_5 = "scale5", _("Scale 1–5")
        SCALE_10 = "scale10", _("Scale 0–10")
        RANKING = "ranking", _("Ranking (up to 7 options)")
        TEXT = "text", _("Free text")

    CHOICE_KINDS = {Kind.SINGLE, Kind.MULTIPLE, Kind.RANKING}
    SCALES = {Kind.SCALE_5: (1, 5), Kind.SCALE_10: (0, 10)}

    poll = ParentalKey(PollPage, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    options = models.TextField(
        _("options"), blank=True,
        help_text=_("One option per line. A line “#42” offers idea 42 and shows its card; “#42 Label” names it."),
    )
    max_choices = models.PositiveSmallIntegerField(
        _("most options a member may choose"), null=True, blank=True, help_text=_("Multiple choice only."),
    )
    required = models.BooleanField(_("an answer is required"), default=True)

    panels = [
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("max_choices"), FieldPanel("required")]),
        FieldPanel("options"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text

    def option_lines(self) -> list[str]:
        return [line.strip() for line in (self.options or "").splitlines() if line.strip()]

    @property
    def has_options(self) -> bool:
        return self.kind in self.CHOICE_KINDS

    @property
    def scale(self) -> tuple[int, int] | None:
        return self.SCALES.get(self.kind)

    def clean(self):
        super().clean()
        lines = self.option_lines()
        if self.kind in self.CHOICE_KINDS:
            if len(lines) < 2:
                raise ValidationError({"options": _("Give at least two options, one per line.")})
            limit = MAX_RANKED if self.kind == self.Kind.RANKING else MAX_OPTIONS
            if len(lines) > limit:
                raise ValidationError({"options": _("At most %(n)s options for this kind of question.") % {"n": limit}})
            if len({line.casefold() for line in lines}) != len(lines):
                raise ValidationError({"options": _("Each option must be different.")})
        elif lines:
            raise ValidationError({"options": _("Scales and free-text questions have no options: leave this empty.")})
        if self.max_choices is not None:
            if self.kind != self.Kind.MULTIPLE:
                raise ValidationError({"max_choices": _("Only multiple-choice questions have a maximum.")})
            if not 1 <= self.max_choices <= len(lines):
                raise ValidationError({"max_choices": _("Between 1 and the number of options.")})
