"""REST API for polls: the poll with its questions and (where the rule allows) its results, and
casting a ballot. Thin DRF views over the same services, rules and queries as the pages.

Nothing here names who chose what: results are aggregates, and a member only ever reads back
that they answered, never another member's ballot.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from community.inputs import MAX_ID
from community.services import NotAllowed
from ideas.polls import queries, rules, services
from ideas.polls.pages import PollPage

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


class BallotInputSerializer(serializers.Serializer):
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
class PollDetail(generics.GenericAPIView):
    """A poll, its questions and, where the viewer may see them, its results."""

    serializer_class = PollSerializer

    def get(self, request, pk):
        return Response(_poll_data(request, visible_poll(request, pk)))


@extend_schema(tags=["polls"])
class PollBallot(generics.GenericAPIView):
    """Cast (or, where the poll allows, change) the member's ballot."""

    serializer_class = BallotInputSerializer

    @extend_schema(request=BallotInputSerializer, responses={200: PollSerializer})
    def post(self, request, pk):
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
