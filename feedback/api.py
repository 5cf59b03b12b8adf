"""REST API for beta programmes and feedback: thin DRF views over the same services and queries.

Anything inside a programme the caller may not see is a 404 like a missing id. Serializers
carry the published (clean) HTML only, never a source, and never internal notes: no serializer
here has a field for them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from community.rules import NotAllowed
from feedback import queries, rules, services
from feedback.models import FeedbackItem, Post, Tag, Thread
from feedback.pages import BetaProgramPage


def _refusals(call):
    """Run a service: NotAllowed is a 403 with its words, a ValidationError a 400 under its field."""
    try:
        return call()
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal))
    except DjangoValidationError as error:
        raise ValidationError({getattr(error, "code", None) or "detail": error.messages})


def _programme(request, pk) -> BetaProgramPage:
    page = BetaProgramPage.objects.filter(pk=pk).first()
    if page is None or not rules.can_view_programme(request.user, page):
        raise NotFound(_("There is no such beta programme."))
    return page


def _thread(request, pk) -> Thread:
    thread = queries.get_thread(pk)
    if thread is None or not rules.can_view_thread(request.user, thread):
        raise NotFound(_("There is no such feedback."))
    return thread


class FeedbackTagSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Tag
        fields = ["slug", "name"]


class BetaThreadSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    author = serializers.CharField(source="author.public_name", read_only=True)
    body = serializers.CharField(source="body_html", read_only=True)
    status = serializers.CharField(source="item.status", read_only=True)
    tags = FeedbackTagSerializer(source="item.tags", many=True, read_only=True)
    posts = serializers.IntegerField(source="post_count", read_only=True)

    class Meta:
        model = Thread
        fields = ["id", "url", "kind", "title", "body", "language", "author", "device", "app_version", "status",
                  "tags", "posts", "version", "created_at", "last_activity_at"]
        read_only_fields = fields


class BetaPostSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.public_name", read_only=True)
    body = serializers.CharField(source="body_html", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "author", "by_staff", "body", "language", "created_at"]
        read_only_fields = fields


class BetaThreadDetailSerializer(BetaThreadSerializer):
    replies = BetaPostSerializer(source="post_list", many=True, read_only=True)
    screenshots = serializers.SerializerMethodField()

    class Meta(BetaThreadSerializer.Meta):
        fields = [*BetaThreadSerializer.Meta.fields, "replies", "screenshots"]
        read_only_fields = fields

    def get_screenshots(self, thread) -> list[str]:
        return [shot.get_absolute_url() for shot in queries.thread_screenshots(thread)]


class BetaThreadInputSerializer(serializers.Serializer):
    # Blank and over-long text pass through: the services word those messages.
    kind = serializers.ChoiceField(choices=Thread.Kind.choices)
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")
    device = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    app_version = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    tags = serializers.ListField(child=serializers.SlugField(max_length=40), required=False, max_length=20)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)


class BetaReplyInputSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


class FeedbackItemSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    status_label = serializers.CharField(read_only=True)
    tags = FeedbackTagSerializer(many=True, read_only=True)
    answers = serializers.SerializerMethodField(help_text="The staff's answers with each status change.")

    class Meta:
        model = FeedbackItem
        fields = ["id", "url", "source", "title", "text", "language", "status", "status_label", "tags", "answers",
                  "created_at", "updated_at"]
        read_only_fields = fields

    def get_answers(self, item) -> list[dict]:
        history = self.context.get("history", {}).get(item.pk, [])
        return [{"status": c.to_status, "answer": c.response_html, "at": c.created_at} for c in history]


class BetaThreadPageSerializer(serializers.Serializer):
    results = BetaThreadSerializer(many=True)
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()


@extend_schema(tags=["betas"])
class ProgrammeThreads(generics.GenericAPIView):
    """A programme's threads (members and staff only), or post one."""

    serializer_class = BetaThreadInputSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=Thread.Kind.values),
                               OpenApiParameter("q", OpenApiTypes.STR), OpenApiParameter("page", OpenApiTypes.INT)],
                   responses=BetaThreadPageSerializer)
    def get(self, request, pk):
        params = request.query_params
        listing = queries.thread_listing(_programme(request, pk), viewer=request.user, kind=params.get("kind", ""),
                                         q=params.get("q", ""), page=params.get("page", 1))
        return Response({"results": BetaThreadSerializer(listing.threads, many=True).data, "page": listing.page,
                         "has_next": listing.has_next})

    @extend_schema(responses={201: BetaThreadSerializer})
    def post(self, request, pk):
        programme = _programme(request, pk)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        tags = list(Tag.objects.filter(slug__in=values.get("tags") or []))
        thread = _refusals(lambda: services.post_thread(
            author=request.user, programme=programme, kind=values["kind"], title=values["title"],
            body=values["body"], device=values["device"], app_version=values["app_version"], tags=tags,
            language=values.get("language") or None,
        ))
        return Response(BetaThreadSerializer(queries.get_thread(thread.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["betas"])
class ThreadDetail(generics.GenericAPIView):
    serializer_class = BetaThreadDetailSerializer
    permission_classes = [IsAuthenticated]

    def get(self, request, pk):
        thread = _thread(request, pk)
        thread.post_list = queries.thread_posts(thread)
        return Response(BetaThreadDetailSerializer(thread).data)


@extend_schema(tags=["betas"])
class ThreadPosts(generics.GenericAPIView):
    serializer_class = BetaReplyInputSerializer
    permission_classes = [IsAuthenticated]
    pagination_class = None  # every post at once: the schema must not promise pages

    @extend_schema(responses=BetaPostSerializer(many=True))
    def get(self, request, pk):
        return Response(BetaPostSerializer(queries.thread_posts(_thread(request, pk)), many=True).data)

    @extend_schema(responses={201: BetaPostSerializer})
    def post(self, request, pk):
        thread = _thread(request, pk)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = _refusals(lambda: services.reply(thread=thread, author=request.user, body=data.validated_data["body"]))
        return Response(BetaPostSerializer(post).data, status=status.HTTP_201_CREATED)


def _history(items) -> dict:
    from feedback.models import ItemStatusChange

    found = {}
    for change in ItemStatusChange.objects.filter(item__in=items).order_by("created_at", "pk"):
        found.setdefault(change.item_id, []).append(change)
    return found


@extend_schema(tags=["feedback"])
class MyFeedback(generics.GenericAPIView):
    """Everything the caller sent, from every source, with its status and the staff's answers."""

    serializer_class = FeedbackItemSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("page", OpenApiTypes.INT)],
        responses=inline_serializer(
            "MyFeedbackPage",
            {"results": FeedbackItemSerializer(many=True), "has_next": serializers.BooleanField()},
        ),
    )
    def get(self, request):
        items, has_next = queries.my_feedback(request.user, page=request.query_params.get("page", 1))
        data = FeedbackItemSerializer(items, many=True, context={"history": _history(items)}).data
        return Response({"results": data, "has_next": has_next})


@extend_schema(tags=["feedback"])
class ItemDetail(generics.GenericAPIView):
    serializer_class = FeedbackItemSerializer
    permission_classes = [IsAuthenticated]

    def get(self, request, pk):
        item = queries.get_item(pk)
        if item is None or not rules.can_view_item(request.user, item):
            raise NotFound(_("There is no such feedback."))
        return Response(FeedbackItemSerializer(item, context={"history": _history([item])}).data)
