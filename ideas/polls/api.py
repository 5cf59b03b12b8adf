"""REST API for polls: the poll with its questions and (where the rule allows) its results, and
casting a ballot. Thin DRF views over the same services, rules and queries as the pages.

Nothing here names who chose what: results are aggregates, and a member only ever reads back
that they answered, never another member's ballot.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from community.api_common import CURSOR, READ_ERRORS, WRITE_ERRORS, StrictInput, errors, page
from community.inputs import MAX_ID
from community.services import NotAllowed
from ideas.polls import queries, rules, services
from ideas.polls.forms import answers_of_ballot
from ideas.polls.models import Participation
from ideas.polls.pages import PollPage

POLLS_PAGE_SIZE = 20
POLL_ORDERING = ("-opens_at", "-id")

MAX_ANSWERS = 50


def visible_poll(request, pk: int) -> PollPage:
    poll = PollPage.objects.live().filter(pk=pk).first()
    if poll is None or not rules.can_view_poll(request.user, poll):
        raise NotFound(_("There is no such poll."))
    return poll


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    idea = serializers.IntegerField(source="idea_id", allow_null=True)


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    text = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    max_choices = serializers.IntegerField(allow_null=True)
    options = OptionSerializer(source="option_list", many=True)


class PollSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    url = serializers.CharField()
    phase = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    anonymous = serializers.BooleanField()
    allow_changes = serializers.BooleanField()
    answered = serializers.BooleanField()
    can_answer = serializers.BooleanField()
    why_not_answer = serializers.CharField(allow_null=True)
    questions = QuestionSerializer(many=True)
    results = serializers.JSONField(allow_null=True, help_text="The live event's state: counts and percentages only.")
    why_no_results = serializers.CharField(allow_null=True)


class PollSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = serializers.CharField()
    url = serializers.CharField(source="get_url", allow_null=True)
    phase = serializers.CharField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    anonymous = serializers.BooleanField()
    answered = serializers.BooleanField()


class PollPageSerializer(serializers.Serializer):
    results = PollSummarySerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="The cursor of the next page; null on the last.")


class MyBallotSerializer(serializers.Serializer):
    answered = serializers.BooleanField()
    answers = serializers.JSONField(
        allow_null=True,
        help_text="The caller's answers, in the shape a ballot is sent, while they may still change them; "
        "null otherwise (an anonymous poll keeps no link to its voters once it closes).",
    )


class BallotInputSerializer(StrictInput):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Question id → option ids (list; ranked order for a ranking), a scale value, or a text.",
    )

    def validate_answers(self, value):
        if len(value) > MAX_ANSWERS:
            raise ValidationError(_("Too many answers."))
        for key in value:
            if not (str(key).isascii() and str(key).isdigit() and 0 < int(key) <= MAX_ID):
                raise ValidationError(_("Answers are keyed by question id."))
        return value


def _poll_data(request, poll) -> dict:
    user = request.user
    questions = queries.questions_of(poll)
    can_results = rules.can_see_results(user, poll)
    return PollSerializer(
        {
            "pk": poll.pk, "title": poll.title, "url": poll.url or "", "phase": poll.phase(),
            "opens_at": poll.opens_at, "closes_at": poll.closes_at, "anonymous": poll.anonymous,
            "allow_changes": poll.allow_changes, "answered": rules.has_answered(user, poll),
            "can_answer": rules.can_answer(user, poll), "why_not_answer": rules.why_not_answer(user, poll),
            "questions": questions,
            "results": queries.results(poll, questions).as_event() if can_results else None,
            "why_no_results": None if can_results else rules.why_not_see_results(user, poll),
        }
    ).data


@extend_schema(tags=["polls"])
class PollList(generics.GenericAPIView):
    serializer_class = PollSummarySerializer

    @extend_schema(operation_id="v1_polls_list", parameters=[CURSOR],
                   responses={200: PollPageSerializer, **errors(400, 429)})
    def get(self, request):
        """The polls the caller may see, newest first, and whether they answered each."""
        rows, after = page(queries.visible_polls(request.user), request, ordering=POLL_ORDERING, size=POLLS_PAGE_SIZE)
        answered = set()
        if request.user.is_authenticated:
            answered = set(Participation.objects.filter(member_id=request.user.pk, poll_id__in=[p.pk for p in rows])
                           .values_list("poll_id", flat=True))
        for poll in rows:
            poll.answered = poll.pk in answered
        return Response({"results": PollSummarySerializer(rows, many=True).data, "next": after})


@extend_schema(tags=["polls"])
class PollDetail(generics.GenericAPIView):
    """A poll, its questions and, where the viewer may see them, its results."""

    serializer_class = PollSerializer

    @extend_schema(responses={200: PollSerializer, **errors(*READ_ERRORS)})
    def get(self, request, pk):
        """The poll with its questions; `results` only where the poll page would show them
        (`why_no_results` says why not), never who chose what."""
        return Response(_poll_data(request, visible_poll(request, pk)))


BALLOT_EXAMPLE = OpenApiExample(
    "A ballot", value={"answers": {"12": [31], "13": {"40": 1, "41": 2}, "14": "7", "15": "Cheaper roaming."}},
    request_only=True,
)


@extend_schema(tags=["polls"])
class PollBallot(generics.GenericAPIView):
    """The caller's ballot: read it back while it may change, cast it, or change it where the
    poll allows."""

    serializer_class = BallotInputSerializer

    @extend_schema(responses={200: MyBallotSerializer, **errors(*READ_ERRORS)})
    def get(self, request, pk):
        """Whether the caller answered, and their answers while they may still change them."""
        poll = visible_poll(request, pk)
        answered = rules.has_answered(request.user, poll)
        answers = None
        if answered and rules.can_answer(request.user, poll):
            answers = {str(k): v for k, v in answers_of_ballot(services.ballot_of(request.user, poll)).items()}
        return Response({"answered": answered, "answers": answers})

    @extend_schema(request=BallotInputSerializer, responses={200: PollSerializer, **errors(*WRITE_ERRORS)},
                   examples=[BALLOT_EXAMPLE])
    def put(self, request, pk):
        """Cast the ballot, or replace it where the poll allows changes; sending the same ballot
        twice stores it once."""
        return self.post(request, pk)

    @extend_schema(request=BallotInputSerializer, responses={200: PollSerializer, **errors(*WRITE_ERRORS)},
                   examples=[BALLOT_EXAMPLE])
    def post(self, request, pk):
        """The same as PUT (kept for clients of the first version)."""
        poll = visible_poll(request, pk)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.cast_ballot(member=request.user, poll=poll, answers=serializer.validated_data["answers"])
        except NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except DjangoValidationError as exc:
            raise ValidationError({"answers": exc.message_dict}) from None
        return Response(_poll_data(request, poll))
