"""REST API for idea boards: thin DRF views over the same services and queries as the pages.

Serializers check the shape of the input; the services decide. NotAllowed becomes 403 with
{"detail": message}, a service's ValidationError becomes 400 with the message under the field
it concerns, and an idea the member may not see is a 404, exactly like a missing one.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from community.api_common import CURSOR, READ_ERRORS, WRITE_ERRORS, StrictInput, errors, page, refusals
from community.inputs import MAX_ID
from ideas import queries, rules, services
from ideas.models import Comment, Idea, IdeaTag, Status, Vote
from ideas.pages import IdeaBoardPage

COMMENTS_PAGE_SIZE = 50
COMMENT_ORDERING = ("created_at", "id")


# --- Finding what the caller may see -------------------------------------------------------------


def visible_board(request, board_id: int) -> IdeaBoardPage:
    board = IdeaBoardPage.objects.filter(pk=board_id).first()
    if board is None or not rules.can_view_board(request.user, board):
        raise NotFound(_("There is no such board."))
    return board


def visible_idea(request, pk: int) -> Idea:
    idea = queries.get_idea(pk)
    if idea is None or not rules.can_view_idea(request.user, idea):
        raise NotFound(_("There is no such idea."))
    return idea


def visible_comment(request, pk: int) -> Comment:
    comment = (
        Comment.objects.select_related("idea__status", "idea__board", "idea__author", "author").filter(pk=pk).first()
    )
    if comment is None or not rules.can_view_idea(request.user, comment.idea):
        raise NotFound(_("There is no such comment."))
    return comment


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


class IdeaInputSerializer(StrictInput):
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
    next = serializers.CharField(allow_null=True, help_text="The cursor of the next page; null on the last.")


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


class CommentInputSerializer(StrictInput):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    parent = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID)


class CommentPageSerializer(serializers.Serializer):
    results = CommentSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="The cursor of the next page; null on the last.")


class CommentEditSerializer(StrictInput):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)


class FollowStateSerializer(serializers.Serializer):
    following = serializers.BooleanField()


class WithdrawInputSerializer(StrictInput):
    reason = serializers.CharField(
        allow_blank=True, trim_whitespace=False, required=False, default="",
        help_text="Why: optional for the author, required from staff (voters and followers read it).",
    )


class RejectInputSerializer(StrictInput):
    response = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Why, for the author.")


class MergeInputSerializer(StrictInput):
    into = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The id of the idea this one duplicates.")
    response = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")


class BoardSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)
    ideas = serializers.IntegerField(source="idea_count", read_only=True)
    votes = serializers.IntegerField(source="vote_total", read_only=True)

    class Meta:
        model = IdeaBoardPage
        fields = ["id", "title", "url", "requires_approval", "ideas", "votes"]
        read_only_fields = fields


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class BoardFiltersSerializer(serializers.Serializer):
    statuses = StatusSerializer(many=True)
    tags = TagSerializer(many=True)
    sorts = ChoiceSerializer(many=True)
    languages = ChoiceSerializer(many=True)


class BoardDetailSerializer(BoardSerializer):
    filters = serializers.SerializerMethodField(help_text="What the board's filters offer, as on its page.")
    can_post = serializers.SerializerMethodField()
    why_not_post = serializers.SerializerMethodField()

    class Meta(BoardSerializer.Meta):
        fields = [*BoardSerializer.Meta.fields, "filters", "can_post", "why_not_post"]
        read_only_fields = fields

    @extend_schema_field(BoardFiltersSerializer)
    def get_filters(self, board):
        found = queries.board_filters(board)
        return BoardFiltersSerializer({
            "statuses": found["statuses"],
            "tags": found["tags"],
            "sorts": [{"value": k, "label": str(v)} for k, v in found["sorts"].items()],
            "languages": [{"value": k, "label": str(v)} for k, v in found["languages"]],
        }).data

    def get_can_post(self, board) -> bool:
        return rules.can_post(self.context["request"].user, board)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_why_not_post(self, board):
        return rules.why_not_post(self.context["request"].user, board)


class StatusInputSerializer(StrictInput):
    status = serializers.SlugField(max_length=60)
    response = serializers.CharField(allow_blank=True, trim_whitespace=False)
    show_name = serializers.BooleanField(required=False, default=False,
                                         help_text="Sign the response with your name as well as the team's.")


# --- Views ---------------------------------------------------------------------------------------


def _detail(request, idea: Idea, serializer_class=IdeaDetailSerializer) -> dict:
    voted = {idea.pk} if Vote.objects.filter(idea=idea, member_id=request.user.pk).exists() else set()
    context = {"voted": voted, "can_edit": rules.can_edit_idea(request.user, idea), "request": request}
    return serializer_class(idea, context=context).data


def _fresh(request, idea: Idea, serializer_class=IdeaDetailSerializer, **kwargs) -> Response:
    """The idea as it is now (after a service changed it), with what the service masked."""
    fresh = queries.get_idea(idea.pk)
    fresh.masked = getattr(idea, "masked", ())
    return Response(_detail(request, fresh, serializer_class), **kwargs)


IDEA_EXAMPLE = OpenApiExample(
    "An idea",
    value={"title": "Free roaming in the Nordics", "body": "Like in the EU, for **all** plans.", "tags": ["roaming"],
           "language": "en"},
    request_only=True,
)


@extend_schema(tags=["ideas"])
class BoardList(generics.GenericAPIView):
    serializer_class = BoardSerializer
    pagination_class = None

    @extend_schema(responses={200: BoardSerializer(many=True), **errors(429)})
    def get(self, request):
        """The boards the caller may see, with their listed ideas and votes counted."""
        return Response(BoardSerializer(queries.visible_boards(request.user), many=True).data)


@extend_schema(tags=["ideas"])
class BoardDetail(generics.GenericAPIView):
    serializer_class = BoardDetailSerializer

    @extend_schema(responses={200: BoardDetailSerializer, **errors(*READ_ERRORS)})
    def get(self, request, board_id):
        """One board: what its filters offer and whether the caller may post on it (and if not, why)."""
        board = visible_board(request, board_id)
        counted = queries.visible_boards(request.user).filter(pk=board.pk).first() or board
        return Response(BoardDetailSerializer(counted, context={"request": request}).data)


@extend_schema(tags=["ideas"])
class BoardIdeas(generics.GenericAPIView):
    """The ideas on a board, a page at a time, or post a new one."""

    serializer_class = IdeaInputSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(queries.SORTS)),
            OpenApiParameter("status", OpenApiTypes.STR, description="A status slug (default: ideas open for votes)."),
            OpenApiParameter("tag", OpenApiTypes.STR, description="A tag slug."),
            OpenApiParameter("q", OpenApiTypes.STR, description="Search words."),
            OpenApiParameter(
                "lang", OpenApiTypes.STR,
                description="Languages the ideas are written in: `all`, `mine` (the member's own and the "
                "ones they read; the default when signed in) or codes such as `nb,sv`.",
            ),
            CURSOR,
        ],
        responses={200: IdeaPageSerializer, **errors(400, *READ_ERRORS)},
    )
    def get(self, request, board_id):
        """A page of a board's ideas, sorted and filtered like the board page; `next` is the
        cursor of the following page (ideas posted meanwhile never shift it)."""
        params = request.query_params
        ideas, applied = queries.board_ideas(
            visible_board(request, board_id),
            viewer=request.user,
            sort=params.get("sort", "trending"),
            status=params.get("status", "")[:60],
            tag=params.get("tag", "")[:40],
            q=params.get("q", ""),
            lang=params.get("lang"),
        )
        rows, after = page(ideas, request, ordering=queries.SORTS[applied.sort], size=queries.PAGE_SIZE)
        queries.attach_tags(rows)
        context = {"voted": queries.voted_ids(request.user, rows)}
        return Response({"results": IdeaSerializer(rows, many=True, context=context).data, "next": after})

    @extend_schema(request=IdeaInputSerializer, responses={201: IdeaPostedSerializer, **errors(*WRITE_ERRORS)},
                   examples=[IDEA_EXAMPLE])
    def post(self, request, board_id):
        """Post an idea (it waits for approval where the board asks for it); `masked` lists the
        kinds of personal data hidden from it."""
        board = visible_board(request, board_id)
        data = IdeaInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals("body", fields={"title"}):
            idea = services.post_idea(
                author=request.user,
                board=board,
                title=data.validated_data["title"],
                body=data.validated_data["body"],
                tags=queries.tags_by_slug(data.validated_data.get("tags", [])),
                language=data.validated_data.get("language") or None,
            )
        return _fresh(request, idea, IdeaPostedSerializer, status=status.HTTP_201_CREATED)


@extend_schema(tags=["ideas"])
class IdeaDetail(generics.GenericAPIView):
    """One idea; its author (in the edit window) or staff may change its title, text and tags."""

    serializer_class = IdeaDetailSerializer

    @extend_schema(responses={200: IdeaDetailSerializer, **errors(*READ_ERRORS)})
    def get(self, request, pk):
        """One idea; `source` (the Markdown) is given only to those who may edit it."""
        return Response(_detail(request, visible_idea(request, pk)))

    @extend_schema(request=IdeaInputSerializer(partial=True),
                   responses={200: IdeaPostedSerializer, **errors(*WRITE_ERRORS)}, examples=[IDEA_EXAMPLE])
    def patch(self, request, pk):
        """Change the title, text or tags: the author within the edit window, or staff."""
        idea = visible_idea(request, pk)
        data = IdeaInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = data.validated_data
        tags = queries.tags_by_slug(changes["tags"]) if "tags" in changes else None
        with refusals("body", fields={"title"}):
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
        return _fresh(request, idea, IdeaPostedSerializer)


@extend_schema(tags=["ideas"])
class IdeaWithdraw(generics.GenericAPIView):
    serializer_class = WithdrawInputSerializer

    @extend_schema(request=WithdrawInputSerializer, responses={200: IdeaDetailSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("A reason", value={"reason": "A duplicate of idea 12."}, request_only=True)])
    def post(self, request, pk):
        """Withdraw the idea: its author (while it is open), or staff with a reason. It leaves the
        lists, and its voters and followers are told why."""
        idea = visible_idea(request, pk)
        with refusals("reason"):
            rules.check_can_withdraw(request.user, idea)
        data = WithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals("reason"):
            services.withdraw_idea(idea=idea, by=request.user, reason=data.validated_data["reason"])
        return _fresh(request, idea)


@extend_schema(tags=["ideas"])
class IdeaVote(generics.GenericAPIView):
    """The caller's vote, as a set: PUT keeps one vote however often it is sent, DELETE removes it."""

    serializer_class = VoteStateSerializer

    def _state(self, request, idea, **kwargs) -> Response:
        votes, version = Idea.objects.filter(pk=idea.pk).values_list("vote_count", "version").get()
        voted = Vote.objects.filter(idea=idea, member=request.user).exists()
        return Response({"voted": voted, "votes": votes, "version": version}, **kwargs)

    @extend_schema(request=None, responses={201: VoteStateSerializer, 200: VoteStateSerializer,
                                            **errors(403, 404, 429)})
    def put(self, request, pk):
        """Vote for the idea: 201 when this added the vote, 200 when it was there already."""
        idea = visible_idea(request, pk)
        with refusals():
            added = services.cast_vote(member=request.user, idea=idea)
        return self._state(request, idea, status=status.HTTP_201_CREATED if added else status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None, **errors(403, 404, 429)})
    def delete(self, request, pk):
        """Take the vote back: 204 whether or not there was one."""
        idea = visible_idea(request, pk)
        with refusals():
            services.retract_vote(member=request.user, idea=idea)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["ideas"])
class IdeaFollow(generics.GenericAPIView):
    """Following an idea (hearing of its comments and status changes), as a set like votes."""

    serializer_class = FollowStateSerializer

    @extend_schema(request=None, responses={200: FollowStateSerializer, **errors(403, 404, 429)})
    def put(self, request, pk):
        """Follow the idea (following twice changes nothing)."""
        idea = visible_idea(request, pk)
        with refusals():
            services.set_following(member=request.user, idea=idea, follow=True)
        return Response({"following": True})

    @extend_schema(request=None, responses={204: None, **errors(403, 404, 429)})
    def delete(self, request, pk):
        """Stop following: 204 whether or not the caller followed it."""
        idea = visible_idea(request, pk)
        with refusals():
            services.set_following(member=request.user, idea=idea, follow=False)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["ideas"])
class IdeaComments(generics.GenericAPIView):
    """An idea's comments, oldest first (replies carry their parent's id), or add one."""

    serializer_class = CommentInputSerializer

    @extend_schema(parameters=[CURSOR], responses={200: CommentPageSerializer, **errors(400, *READ_ERRORS)})
    def get(self, request, pk):
        """The idea's comments, oldest first; replies carry their parent's id."""
        idea = visible_idea(request, pk)
        rows, after = page(queries.idea_comments(idea), request, ordering=COMMENT_ORDERING, size=COMMENTS_PAGE_SIZE)
        return Response({"results": CommentSerializer(rows, many=True).data, "next": after})

    @extend_schema(request=CommentInputSerializer, responses={201: CommentPostedSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("A reply", value={"body": "Yes, **please**.", "parent": 7},
                                            request_only=True)])
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
        with refusals("body"):
            comment = services.add_comment(
                idea=idea, author=request.user, body=data.validated_data["body"], parent=parent
            )
        return Response(CommentPostedSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["ideas"])
class CommentDetail(generics.GenericAPIView):
    """One comment: its author edits it for a while, and deletes it; staff moderate any."""

    serializer_class = CommentEditSerializer

    @extend_schema(request=CommentEditSerializer, responses={200: CommentPostedSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("A correction", value={"body": "Yes, **please**."}, request_only=True)])
    def patch(self, request, pk):
        """Change the comment's text (its author in the edit window, or staff)."""
        comment = visible_comment(request, pk)
        with refusals("body"):
            rules.check_can_edit_comment(request.user, comment)
        data = CommentEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals("body"):
            comment = services.edit_comment(comment=comment, by=request.user, body=data.validated_data["body"],
                                            language=data.validated_data.get("language") or None)
        return Response(CommentPostedSerializer(comment).data)

    @extend_schema(request=None, responses={204: None, **errors(403, 404, 429)})
    def delete(self, request, pk):
        """Delete the comment: its text is gone, replies keep their place."""
        comment = visible_comment(request, pk)
        with refusals():
            services.delete_comment(comment=comment, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Staff ---------------------------------------------------------------------------------------


def staff_idea(request, pk: int, check=None) -> Idea:
    """An idea for a staff action: a 404 if the caller may not see it, then the check the site's
    staff page asks (its words: the same refusal) before any input is read."""
    idea = visible_idea(request, pk)
    with refusals():
        if check is None:
            rules.check_can_moderate(request.user)
        else:
            check(request.user, idea)
    return idea


@extend_schema(tags=["ideas: staff"])
class IdeaStatus(generics.GenericAPIView):
    """Staff move an idea to another status with a public response; voters and followers are told."""

    serializer_class = StatusInputSerializer
    required_scopes = ["staff"]  # a token needs the staff scope (community/api_auth.py)

    @extend_schema(request=StatusInputSerializer, responses={200: IdeaDetailSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("Planned", value={"status": "planned", "response": "On our plan for Q3."},
                                            request_only=True)])
    def post(self, request, pk):
        """Staff only: move the idea to the status with this slug, with a public response."""
        idea = staff_idea(request, pk, rules.check_can_change_status)
        with refusals():
            rules.check_can_change_status(request.user, idea)
        data = StatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        to = Status.objects.filter(slug=data.validated_data["status"]).first()
        if to is None:
            raise ValidationError({"status": [_("There is no such status.")]})
        with refusals("response"):
            services.change_status(idea=idea, to=to, response=data.validated_data["response"], by=request.user,
                                   show_name=data.validated_data["show_name"])
        return _fresh(request, idea)


@extend_schema(tags=["ideas: staff"])
class IdeaApprove(generics.GenericAPIView):
    serializer_class = IdeaDetailSerializer

    @extend_schema(request=None, responses={200: IdeaDetailSerializer, **errors(403, 404, 429)})
    def post(self, request, pk):
        """Staff only: publish an idea that awaits approval."""
        idea = staff_idea(request, pk)
        with refusals():
            services.approve_idea(idea=idea, by=request.user)
        return _fresh(request, idea)


@extend_schema(tags=["ideas: staff"])
class IdeaReject(generics.GenericAPIView):
    serializer_class = RejectInputSerializer

    @extend_schema(request=RejectInputSerializer, responses={200: IdeaDetailSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("A reason", value={"response": "This is about another company's service."},
                                            request_only=True)])
    def post(self, request, pk):
        """Staff only: reject an idea that awaits approval; its author reads why."""
        idea = staff_idea(request, pk)
        with refusals():
            rules.check_can_reject(request.user, idea)
        data = RejectInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals("response"):
            services.reject_idea(idea=idea, by=request.user, response=data.validated_data["response"])
        return _fresh(request, idea)


@extend_schema(tags=["ideas: staff"])
class IdeaMerge(generics.GenericAPIView):
    serializer_class = MergeInputSerializer

    @extend_schema(request=MergeInputSerializer, responses={200: IdeaDetailSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("Merge", value={"into": 12, "response": ""}, request_only=True)])
    def post(self, request, pk):
        """Staff only: merge this duplicate into another idea; its votes move without counting
        anyone twice and its voters are told. Answers with the idea merged into."""
        source = staff_idea(request, pk)
        with refusals():
            rules.check_can_merge(request.user, source)
        data = MergeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        number = data.validated_data["into"]
        target = queries.get_idea(number)
        if target is None:
            raise ValidationError({"into": [_("There is no idea number %(n)s.") % {"n": number}]})
        with refusals("response"):
            services.merge_ideas(source=source, target=target, by=request.user,
                                 response=data.validated_data["response"])
        return _fresh(request, target)
