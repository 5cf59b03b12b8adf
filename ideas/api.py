"""REST API for idea boards: thin DRF views over the same services and queries as the pages.

Serializers check the shape of the input; the services decide. NotAllowed becomes 403 with
{"detail": message}, a service's ValidationError becomes 400 with the message under the field
it concerns, and an idea the member may not see is a 404, exactly like a missing one.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from community.inputs import MAX_ID
from community.services import NotAllowed
from ideas import queries, rules, services
from ideas.models import Comment, Idea, IdeaTag, Status, Vote
from ideas.pages import IdeaBoardPage

COMMENTS_PAGE_SIZE = 50


# --- Errors --------------------------------------------------------------------------------------


@contextmanager
def service_errors(field: str, **fields_by_code):
    """Turn a service's refusal into the API's answer. A ValidationError's code names the input
    it concerns when it is not `field` (check_title raises code "title")."""
    try:
        yield
    except NotAllowed as exc:
        raise PermissionDenied(str(exc))
    except DjangoValidationError as exc:
        code = getattr(exc, "code", None)
        raise ValidationError({fields_by_code.get(code, field): exc.messages})


def _page_number(raw) -> int:
    try:
        return max(1, min(int(raw), 10_000))
    except (TypeError, ValueError):
        return 1


def visible_idea(request, pk: int) -> Idea:
    idea = queries.get_idea(pk)
    if idea is None or not rules.can_view_idea(request.user, idea):
        raise NotFound(_("There is no such idea."))
    return idea


# --- Serializers ---------------------------------------------------------------------------------


class StatusSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True)

    class Meta:
        model = Status
        fields = ["slug", "label", "color", "stage"]


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = IdeaTag
        fields = ["slug", "name"]


class IdeaSerializer(serializers.ModelSerializer):
    """An idea as everyone may see it: the cleaned HTML only, never the source (which can still
    hold the personal data the pipeline masked)."""

    url = serializers.CharField(source="get_absolute_url", read_only=True)
    board = serializers.IntegerField(source="board_id", read_only=True)
    author = serializers.CharField(source="author.public_name", read_only=True)
    body = serializers.CharField(source="body_html", read_only=True)
    status = StatusSerializer(read_only=True)
    tags = TagSerializer(many=True, read_only=True)
    votes = serializers.IntegerField(source="vote_count", read_only=True)
    comments = serializers.IntegerField(source="comment_count", read_only=True)
    merged_into = serializers.IntegerField(source="merged_into_id", read_only=True, allow_null=True)
    voted = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = [
            "id",
            "url",
            "board",
            "title",
            "body",
            "language",
            "author",
            "status",
            "tags",
            "votes",
            "comments",
            "voted",
            "merged_into",
            "version",
            "created_at",
            "edited_at",
            "last_activity_at",
        ]
        read_only_fields = fields

    def get_voted(self, idea) -> bool:
        return idea.pk in self.context.get("voted", ())


class IdeaDetailSerializer(IdeaSerializer):
    source = serializers.SerializerMethodField(help_text="The Markdown source; only for those who may edit.")

    class Meta(IdeaSerializer.Meta):
        fields = [*IdeaSerializer.Meta.fields, "source"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_source(self, idea):
        return idea.body_source if self.context.get("can_edit") else None


class IdeaPostedSerializer(IdeaDetailSerializer):
    masked = serializers.SerializerMethodField(
        help_text="Kinds of personal data hidden from the published text."
    )

    class Meta(IdeaDetailSerializer.Meta):
        fields = [*IdeaDetailSerializer.Meta.fields, "masked"]
        read_only_fields = fields

    def get_masked(self, idea) -> list[str]:
        return [str(kind) for kind in getattr(idea, "masked", ())]


class IdeaInputSerializer(serializers.Serializer):
    # Blank and over-long text pass through: the services word those messages.
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")
    tags = serializers.ListField(child=serializers.SlugField(max_length=40), required=False, max_length=20)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, allow_blank=True,
        help_text="What the text is written in; detected from it when left out.",
    )


class IdeaPageSerializer(serializers.Serializer):
    results = IdeaSerializer(many=True)
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()


class VoteStateSerializer(serializers.Serializer):
    voted = serializers.BooleanField()
    votes = serializers.IntegerField()
    version = serializers.IntegerField()


class CommentSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    author = serializers.SerializerMethodField()
    body = serializers.CharField(source="body_html", read_only=True)
    deleted = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "parent", "author", "by_staff", "body", "language", "deleted", "created_at", "edited_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_author(self, comment):
        return None if comment.deleted_at else comment.author.public_name

    def get_deleted(self, comment) -> bool:
        return comment.deleted_at is not None


class CommentPostedSerializer(CommentSerializer):
    masked = serializers.SerializerMethodField()

    class Meta(CommentSerializer.Meta):
        fields = [*CommentSerializer.Meta.fields, "masked"]
        read_only_fields = fields

    def get_masked(self, comment) -> list[str]:
        return [str(kind) for kind in getattr(comment, "masked", ())]


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)


class CommentPageSerializer(serializers.Serializer):
    results = CommentSerializer(many=True)
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()


class StatusInputSerializer(serializers.Serializer):
    status = serializers.SlugField(max_length=60)
    response = serializers.CharField(allow_blank=True, trim_whitespace=False)
    show_name = serializers.BooleanField(required=False, default=False)


# --- Views ---------------------------------------------------------------------------------------


def _detail(request, idea: Idea, serializer_class=IdeaDetailSerializer) -> dict:
    voted = {idea.pk} if Vote.objects.filter(idea=idea, member_id=request.user.pk).exists() else set()
    context = {"voted": voted, "can_edit": rules.can_edit_idea(request.user, idea), "request": request}
    return serializer_class(idea, context=context).data


@extend_schema(tags=["ideas"])
class BoardIdeas(generics.GenericAPIView):
    """The ideas on a board, a page at a time, or post a new one."""

    serializer_class = IdeaInputSerializer

    def get_board(self) -> IdeaBoardPage:
        board = IdeaBoardPage.objects.filter(pk=self.kwargs["board_id"]).first()
        if board is None or not rules.can_view_board(self.request.user, board):
            raise NotFound(_("There is no such board."))
        return board

    @extend_schema(
        parameters=[
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(queries.SORTS)),
            OpenApiParameter("status", OpenApiTypes.STR, description="A status slug."),
            OpenApiParameter("tag", OpenApiTypes.STR, description="A tag slug."),
            OpenApiParameter("q", OpenApiTypes.STR, description="Search words."),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter(
                "lang", OpenApiTypes.STR,
                description="Languages the ideas are written in: `all`, `mine` (the member's own and the "
                "ones they read; the default when signed in) or codes such as `nb,sv`.",
            ),
        ],
        responses=IdeaPageSerializer,
    )
    def get(self, request, board_id):
        """One page of a board's ideas, sorted and filtered like the board page."""
        params = request.query_params
        listing = queries.board_listing(
            self.get_board(),
            viewer=request.user,
            sort=params.get("sort", "trending"),
            status=params.get("status", "")[:60],
            tag=params.get("tag", "")[:40],
            q=params.get("q", ""),
            page=params.get("page", 1),
            lang=params.get("lang"),
        )
        results = IdeaSerializer(listing.ideas, many=True, context={"voted": listing.voted}).data
        return Response({"results": results, "page": listing.page, "has_next": listing.has_next})

    @extend_schema(request=IdeaInputSerializer, responses={201: IdeaPostedSerializer})
    def post(self, request, board_id):
        """Post an idea; `masked` lists the kinds of personal data hidden from it."""
        board = self.get_board()
        data = IdeaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors("body", title="title"):
            idea = services.post_idea(
                author=request.user,
                board=board,
                title=data.validated_data["title"],
                body=data.validated_data["body"],
                tags=queries.tags_by_slug(data.validated_data.get("tags", [])),
                language=data.validated_data.get("language"),
            )
        fresh = queries.get_idea(idea.pk)
        fresh.masked = idea.masked
        return Response(_detail(request, fresh, IdeaPostedSerializer), status=status.HTTP_201_CREATED)


@extend_schema(tags=["ideas"])
class IdeaDetail(generics.GenericAPIView):
    """One idea; its author (in the edit window) or staff may change its title, text and tags."""

    serializer_class = IdeaDetailSerializer

    @extend_schema(responses=IdeaDetailSerializer)
    def get(self, request, pk):
        """One idea; `source` (the Markdown) is given only to those who may edit it."""
        return Response(_detail(request, visible_idea(request, pk)))

    @extend_schema(request=IdeaInputSerializer(partial=True), responses=IdeaPostedSerializer)
    def patch(self, request, pk):
        """Change the title, text or tags: the author within the edit window, or staff."""
        idea = visible_idea(request, pk)
        data = IdeaInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        tags = queries.tags_by_slug(changes["tags"]) if "tags" in changes else None
        with service_errors("body", title="title"):
            idea = services.edit_idea(
                idea=idea,
                by=request.user,
                title=changes.get("title", idea.title),
                body=changes.get("body", idea.body_source),
                tags=tags,
                # A corrected language stays unless the text changes or another one is given.
                language=changes.get("language")
                or (None if {"title", "body"} & set(changes) else idea.language),
            )
        fresh = queries.get_idea(idea.pk)
        fresh.masked = idea.masked
        return Response(_detail(request, fresh, IdeaPostedSerializer))


@extend_schema(tags=["ideas"])
class IdeaVote(generics.GenericAPIView):
    """Vote for an idea (POST) or take the vote back (DELETE). Both are safe to repeat."""

    serializer_class = VoteStateSerializer

    def _state(self, request, idea) -> Response:
        votes, version = Idea.objects.filter(pk=idea.pk).values_list("vote_count", "version").get()
        voted = Vote.objects.filter(idea=idea, member=request.user).exists()
        return Response({"voted": voted, "votes": votes, "version": version})

    @extend_schema(request=None, responses={200: VoteStateSerializer})
    def post(self, request, pk):
        """Vote for the idea (voting twice keeps one vote)."""
        idea = visible_idea(request, pk)
        with service_errors("non_field_errors"):
            services.cast_vote(member=request.user, idea=idea)
        return self._state(request, idea)

    @extend_schema(request=None, responses={200: VoteStateSerializer})
    def delete(self, request, pk):
        """Take the vote back (doing so without a vote changes nothing)."""
        idea = visible_idea(request, pk)
        with service_errors("non_field_errors"):
            services.retract_vote(member=request.user, idea=idea)
        return self._state(request, idea)


@extend_schema(tags=["ideas"])
class IdeaComments(generics.GenericAPIView):
    """An idea's comments, oldest first (replies carry their parent's id), or add one."""

    serializer_class = CommentInputSerializer

    @extend_schema(parameters=[OpenApiParameter("page", OpenApiTypes.INT)], responses=CommentPageSerializer)
    def get(self, request, pk):
        """The idea's comments, oldest first; replies carry their parent's id."""
        idea = visible_idea(request, pk)
        page = _page_number(request.query_params.get("page"))
        start = (page - 1) * COMMENTS_PAGE_SIZE
        # One row more than shown tells whether there is a next page, without a COUNT.
        rows = list(
            Comment.objects.filter(idea=idea)
            .select_related("author")
            .order_by("created_at", "id")[start : start + COMMENTS_PAGE_SIZE + 1]
        )
        results = CommentSerializer(rows[:COMMENTS_PAGE_SIZE], many=True).data
        return Response({"results": results, "page": page, "has_next": len(rows) > COMMENTS_PAGE_SIZE})

    @extend_schema(request=CommentInputSerializer, responses={201: CommentPostedSerializer})
    def post(self, request, pk):
        """Comment on the idea, or reply to a comment with `parent`."""
        idea = visible_idea(request, pk)
        data = CommentInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        parent = None
        if data.validated_data.get("parent"):
            parent = Comment.objects.filter(pk=data.validated_data["parent"], idea=idea).first()
            if parent is None:
                raise ValidationError({"parent": [_("Reply to a comment on this idea.")]})
        with service_errors("body"):
            comment = services.add_comment(
                idea=idea, author=request.user, body=data.validated_data["body"], parent=parent
            )
        return Response(CommentPostedSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["ideas"])
class IdeaStatus(generics.GenericAPIView):
    """Staff move an idea to another status with a public response; voters and followers are told."""

    serializer_class = StatusInputSerializer

    @extend_schema(request=StatusInputSerializer, responses=IdeaDetailSerializer)
    def post(self, request, pk):
        """Staff only: move the idea to the status with this slug, with a public response."""
        idea = visible_idea(request, pk)
        with service_errors("non_field_errors"):
            rules.check_can_change_status(request.user, idea)
        data = StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to = Status.objects.filter(slug=data.validated_data["status"]).first()
        if to is None:
            raise ValidationError({"status": [_("There is no such status.")]})
        with service_errors("response"):
            services.change_status(
                idea=idea, to=to, response=data.validated_data["response"], by=request.user,
                show_name=data.validated_data["show_name"],
            )
        return Response(_detail(request, queries.get_idea(idea.pk)))
