"""REST API for beta programmes and feedback: thin DRF views over the same services and queries.

Anything inside a programme the caller may not see is a 404 like a missing id. Serializers
carry the published (clean) HTML only, never a source, and never internal notes: no serializer
here has a field for them.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, parsers, serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound, ValidationError
from rest_framework.response import Response

from community import teams
from community.api_common import (
    CURSOR,
    READ_ERRORS,
    WRITE_ERRORS,
    StrictInput,
    check_token_team,
    errors,
    page,
    refusals,
)
from community.inputs import MAX_ID
from community.parsers import JSONParser
from feedback import queries, rules, services
from feedback.models import FeedbackItem, ItemStatusChange, Membership, Post, Status, Tag, Thread
from feedback.pages import BetaProgramPage

THREADS_PAGE_SIZE = 25
# The inputs a service's ValidationError may name (its code); any other is under "detail".
FIELDS = {name: name for name in ("title", "body", "device", "app_version", "screenshots", "kind", "reason",
                                   "consent", "response", "size")} | {"screenshot": "screenshots"}


def _programme_page(request, pk) -> BetaProgramPage:
    """A programme whose page the caller may see (what it is, how to join)."""
    page = BetaProgramPage.objects.filter(pk=pk).first()
    if page is None or not rules.can_view_programme_page(request.user, page):
        raise NotFound(_("There is no such beta programme."))
    return page


def _programme(request, pk) -> BetaProgramPage:
    """A programme the caller may see inside (its threads): staff and its active members."""
    page = BetaProgramPage.objects.filter(pk=pk).first()
    if page is None or not rules.can_view_programme(request.user, page):
        raise NotFound(_("There is no such beta programme."))
    return page


def _thread(request, pk) -> Thread:
    thread = queries.get_thread(pk)
    if thread is None or not rules.can_view_thread(request.user, thread):
        raise NotFound(_("There is no such feedback."))
    return thread


def _item(request, pk) -> FeedbackItem:
    item = queries.get_item(pk)
    if item is None or not rules.can_view_item(request.user, item):
        raise NotFound(_("There is no such feedback."))
    return item


def staff_item(request, pk) -> FeedbackItem:
    """An item for a staff action: one the caller may see (else 404), of a team the request's
    token may act for (else 403). What the member may do with it, the service's rule decides."""
    item = _item(request, pk)
    check_token_team(request, item.team or teams.triage_team())
    return item


def _signed_in(request) -> None:
    if not request.user.is_authenticated:
        raise NotAuthenticated()


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
    item = serializers.IntegerField(source="item.pk", read_only=True, help_text="Its feedback item's id.")

    class Meta:
        model = Thread
        fields = ["id", "url", "kind", "title", "body", "language", "author", "device", "app_version", "item",
                  "status", "tags", "posts", "version", "created_at", "last_activity_at"]
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


class BetaThreadInputSerializer(StrictInput):
    # Blank and over-long text pass through: the services word those messages.
    kind = serializers.ChoiceField(choices=Thread.Kind.choices)
    title = serializers.CharField(allow_blank=True, trim_whitespace=False)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="")
    device = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    app_version = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    tags = serializers.ListField(child=serializers.SlugField(max_length=40), required=False, max_length=20)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)
    screenshots = serializers.ListField(
        child=serializers.FileField(), required=False, max_length=10,
        help_text="Images (PNG, JPEG, WebP or GIF; up to 4, 5 MB each): send the thread as multipart/form-data.",
    )


class BetaReplyInputSerializer(StrictInput):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)


class FeedbackItemSerializer(serializers.ModelSerializer):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    status_label = serializers.CharField(read_only=True)
    tags = FeedbackTagSerializer(many=True, read_only=True)
    answers = serializers.SerializerMethodField(help_text="The staff's answers with each status change.")

    class Meta:
        model = FeedbackItem
        fields = ["id", "url", "source", "title", "text", "language", "status", "status_label", "tags", "answers",
                  "version", "created_at", "updated_at"]
        read_only_fields = fields

    def get_answers(self, item) -> list[dict]:
        history = self.context.get("history", {}).get(item.pk, [])
        # Signed as the item page signs it: the team, and the person where they chose so.
        return [{"status": c.to_status, "answer": c.response_html, "by": str(c.responder), "at": c.created_at}
                for c in history]


class BetaThreadPageSerializer(serializers.Serializer):
    results = BetaThreadSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="The cursor of the next page; null on the last.")


class FeedbackPageSerializer(serializers.Serializer):
    results = FeedbackItemSerializer(many=True)
    has_next = serializers.BooleanField()


class MembershipSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=Membership.State.choices)


class ProgrammeSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True)
    members = serializers.IntegerField(source="member_count", read_only=True)
    membership = serializers.SerializerMethodField(help_text="The caller's membership, if any.")

    class Meta:
        model = BetaProgramPage
        fields = ["id", "title", "url", "enrolment", "starts_on", "ends_on", "capacity", "members", "membership"]
        read_only_fields = fields

    @extend_schema_field(MembershipSerializer(allow_null=True))
    def get_membership(self, programme):
        return {"state": programme.viewer_state} if programme.viewer_state else None


class ProgrammeDetailSerializer(ProgrammeSerializer):
    devices = serializers.ListField(source="device_list", child=serializers.CharField(), read_only=True)
    regions = serializers.ListField(source="region_list", child=serializers.CharField(), read_only=True)
    plans = serializers.ListField(source="eligible_plans", child=serializers.CharField(), read_only=True)
    terms = serializers.CharField(source="consent_text", read_only=True)
    inside = serializers.BooleanField(read_only=True, help_text="Whether the caller may read its threads.")
    why_not_enrol = serializers.CharField(allow_null=True, read_only=True,
                                          help_text="Why the caller may not join (or apply), if they may not.")

    class Meta(ProgrammeSerializer.Meta):
        fields = [*ProgrammeSerializer.Meta.fields, "devices", "regions", "plans", "terms", "inside", "why_not_enrol"]
        read_only_fields = fields


class EnrolInputSerializer(StrictInput):
    device = serializers.CharField(allow_blank=True, required=False, default="", max_length=200)
    consent = serializers.BooleanField(required=False, default=False, help_text="Accepting the programme's terms.")
    reason = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="",
                                   help_text="Why you want to join: required where staff choose the members.")
    token = serializers.CharField(allow_blank=True, required=False, default="", max_length=64,
                                  help_text="The invitation's token, for a programme by invitation.")


class ApplicationSerializer(serializers.ModelSerializer):
    member = serializers.CharField(source="member.public_name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "member", "state", "reason", "device", "created_at"]
        read_only_fields = fields


class DecisionInputSerializer(StrictInput):
    decision = serializers.ChoiceField(choices=[("approve", "approve"), ("decline", "decline")])


class ItemStatusInputSerializer(StrictInput):
    status = serializers.ChoiceField(choices=Status.choices)
    response = serializers.CharField(allow_blank=True, trim_whitespace=False, required=False, default="",
                                     help_text="The answer the customer reads: required to resolve or decline.")
    show_name = serializers.BooleanField(required=False, default=False,
                                         help_text="Sign the answer with your name as well as the team's.")
    version = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID,
                                       help_text="The item's version you saw: a change made meanwhile refuses this one.")


class ItemTagsInputSerializer(StrictInput):
    tags = serializers.ListField(child=serializers.SlugField(max_length=40), max_length=50,
                                 help_text="The item's tags by slug: the whole set (others are removed).")


def _enrol_refusal(user, page):
    """Why the caller may not join or apply (None if they may), as the programme page words it."""
    if not user.is_authenticated:
        return rules.why_not_join(user, page)
    device = page.device_list[0] if page.device_list else ""
    if page.enrolment == page.Enrolment.APPLY:
        return rules.why_not_apply(user, page, device=device)
    return rules.why_not_join(user, page, device=device)


@extend_schema(tags=["betas"])
class ProgrammeList(generics.GenericAPIView):
    serializer_class = ProgrammeSerializer
    pagination_class = None  # every programme at once: the schema must not promise pages

    @extend_schema(responses={200: ProgrammeSerializer(many=True), **errors(429)})
    def get(self, request):
        """The beta programmes whose page the caller may see, with the caller's membership."""
        return Response(ProgrammeSerializer(queries.programmes_for(request.user), many=True).data)


@extend_schema(tags=["betas"])
class ProgrammeDetail(generics.GenericAPIView):
    serializer_class = ProgrammeDetailSerializer

    @extend_schema(responses={200: ProgrammeDetailSerializer, **errors(*READ_ERRORS)})
    def get(self, request, pk):
        """What the programme is and who may join; `inside` says whether its threads are open to the caller."""
        page = _programme_page(request, pk)
        membership = rules.membership_of(request.user, page)
        page.member_count = queries.programme_summary(page)["members"]
        page.viewer_state = membership.state if membership else None
        page.inside = rules.can_view_programme(request.user, page)
        page.why_not_enrol = _enrol_refusal(request.user, page)
        return Response(ProgrammeDetailSerializer(page).data)


@extend_schema(tags=["betas"])
class ProgrammeEnrol(generics.GenericAPIView):
    serializer_class = EnrolInputSerializer

    @extend_schema(request=EnrolInputSerializer, responses={200: MembershipSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("Apply", value={"device": "Apple TV", "consent": True,
                                                           "reason": "I watch TV every evening."}, request_only=True)])
    def post(self, request, pk):
        """Join the programme (open, or by invitation with its token) or apply to it (where
        staff choose): the state says which happened."""
        page = _programme_page(request, pk)
        data = EnrolInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with refusals("consent", fields=FIELDS):
            if page.enrolment == page.Enrolment.APPLY:
                membership = services.apply_to_programme(member=request.user, programme=page, reason=values["reason"],
                                                         device=values["device"], consent=values["consent"])
            else:
                membership = services.join_programme(member=request.user, programme=page, device=values["device"],
                                                     token=values["token"], consent=values["consent"])
        return Response({"state": membership.state})


@extend_schema(tags=["betas"])
class ProgrammeLeave(generics.GenericAPIView):
    serializer_class = MembershipSerializer

    @extend_schema(request=None, responses={204: None, **errors(403, 404, 429)})
    def post(self, request, pk):
        """Leave the programme."""
        page = _programme_page(request, pk)
        with refusals():
            services.leave_programme(member=request.user, programme=page)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["betas: staff"])
class ProgrammeApplications(generics.GenericAPIView):
    serializer_class = ApplicationSerializer

    @extend_schema(responses={200: ApplicationSerializer(many=True), **errors(403, 404, 429)})
    def get(self, request, pk):
        """Staff only: the applications waiting for a decision, oldest first."""
        page = _programme_page(request, pk)
        with refusals():
            rules.check_can_manage_item(request.user)  # the site's staff pages ask this first
            rules.check_can_manage_programme(request.user, page)
        return Response(ApplicationSerializer(queries.applicants(page)[:500], many=True).data)


@extend_schema(tags=["betas: staff"])
class ApplicationDecision(generics.GenericAPIView):
    serializer_class = DecisionInputSerializer

    @extend_schema(request=DecisionInputSerializer, responses={200: MembershipSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("Approve", value={"decision": "approve"}, request_only=True)])
    def post(self, request, pk):
        """Staff only: approve or decline an application; the applicant is told."""
        membership = Membership.objects.select_related("programme", "member").filter(pk=pk).first()
        if membership is None or not rules.can_view_programme_page(request.user, membership.programme):
            raise NotFound(_("There is no such application."))
        with refusals():
            rules.check_can_manage_item(request.user)  # the site's staff pages ask this first
            rules.check_can_decide(request.user, membership)
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decide = services.approve_application if data.validated_data["decision"] == "approve" \
            else services.decline_application
        with refusals():
            decide(membership=membership, by=request.user)
        return Response({"state": membership.state})


THREAD_EXAMPLE = OpenApiExample(
    "A bug report",
    value={"kind": "bug", "title": "The guide freezes", "body": "After ten minutes on channel 4.",
           "device": "Apple TV 4K", "app_version": "5.2.1", "tags": ["tv"]},
    request_only=True,
)


@extend_schema(tags=["betas"])
class ProgrammeThreads(generics.GenericAPIView):
    """A programme's threads (members and staff only), or post one."""

    serializer_class = BetaThreadInputSerializer
    # JSON, or multipart/form-data to attach screenshots.
    parser_classes = [JSONParser, parsers.MultiPartParser]

    @extend_schema(parameters=[OpenApiParameter("kind", OpenApiTypes.STR, enum=Thread.Kind.values),
                               OpenApiParameter("q", OpenApiTypes.STR, description="Search words."),
                               OpenApiParameter("mine", OpenApiTypes.BOOL, description="Only the caller's threads."),
                               CURSOR],
                   responses={200: BetaThreadPageSerializer, **errors(400, *READ_ERRORS)})
    def get(self, request, pk):
        """The programme's threads, latest activity first, filtered like its page."""
        params = request.query_params
        threads, _kind, _q = queries.programme_threads(
            _programme(request, pk), viewer=request.user, kind=params.get("kind", ""), q=params.get("q", ""),
            mine=params.get("mine") in ("1", "true"),
        )
        rows, after = page(threads, request, ordering=queries.THREAD_ORDERING, size=THREADS_PAGE_SIZE)
        queries.attach_thread_tags(rows)
        return Response({"results": BetaThreadSerializer(rows, many=True).data, "next": after})

    @extend_schema(request={"application/json": BetaThreadInputSerializer,
                            "multipart/form-data": BetaThreadInputSerializer},
                   responses={201: BetaThreadSerializer, **errors(*WRITE_ERRORS, 413)}, examples=[THREAD_EXAMPLE])
    def post(self, request, pk):
        """Post feedback in the programme. A bug report needs the device; screenshots are checked
        and re-encoded, and a bad one refuses the whole thread."""
        programme = _programme(request, pk)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        tags = list(Tag.objects.filter(slug__in=values.get("tags") or []))
        with refusals(fields=FIELDS):
            thread = services.post_thread(
                author=request.user, programme=programme, kind=values["kind"], title=values["title"],
                body=values["body"], device=values["device"], app_version=values["app_version"], tags=tags,
                screenshots=values.get("screenshots") or (), language=values.get("language") or None,
            )
        return Response(BetaThreadSerializer(queries.get_thread(thread.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["betas"])
class ThreadDetail(generics.GenericAPIView):
    serializer_class = BetaThreadDetailSerializer

    @extend_schema(responses={200: BetaThreadDetailSerializer, **errors(*READ_ERRORS)})
    def get(self, request, pk):
        """A thread with its replies; `screenshots` are links served only to those who may see it."""
        thread = _thread(request, pk)
        thread.post_list = queries.thread_posts(thread)
        return Response(BetaThreadDetailSerializer(thread).data)


@extend_schema(tags=["betas"])
class ThreadPosts(generics.GenericAPIView):
    serializer_class = BetaReplyInputSerializer
    pagination_class = None  # every post at once: the schema must not promise pages

    @extend_schema(responses={200: BetaPostSerializer(many=True), **errors(*READ_ERRORS)})
    def get(self, request, pk):
        """The thread's replies, oldest first."""
        return Response(BetaPostSerializer(queries.thread_posts(_thread(request, pk)), many=True).data)

    @extend_schema(responses={201: BetaPostSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("A reply", value={"body": "Same here on Android TV."}, request_only=True)])
    def post(self, request, pk):
        """Reply in the thread (its programme's members and staff)."""
        thread = _thread(request, pk)
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals("body"):
            post = services.reply(thread=thread, author=request.user, body=data.validated_data["body"])
        return Response(BetaPostSerializer(post).data, status=status.HTTP_201_CREATED)


def _history(items) -> dict:
    found = {}
    changes = ItemStatusChange.objects.filter(item__in=items).select_related("team", "changed_by")
    for change in changes.order_by("created_at", "pk"):
        found.setdefault(change.item_id, []).append(change)
    return found


def _item_data(item) -> dict:
    return FeedbackItemSerializer(item, context={"history": _history([item])}).data


@extend_schema(tags=["feedback"])
class MyFeedback(generics.GenericAPIView):
    """Everything the caller sent, from every source, with its status and the staff's answers."""

    serializer_class = FeedbackItemSerializer

    @extend_schema(parameters=[OpenApiParameter("page", OpenApiTypes.INT)],
                   responses={200: FeedbackPageSerializer, **errors(401, 429)})
    def get(self, request):
        """The caller's feedback, latest change first, a page at a time (as on “My feedback”)."""
        _signed_in(request)
        items, has_next = queries.my_feedback(request.user, page=request.query_params.get("page", 1))
        data = FeedbackItemSerializer(items, many=True, context={"history": _history(items)}).data
        return Response({"results": data, "has_next": has_next})


@extend_schema(tags=["feedback"])
class ItemDetail(generics.GenericAPIView):
    serializer_class = FeedbackItemSerializer

    @extend_schema(responses={200: FeedbackItemSerializer, **errors(*READ_ERRORS)})
    def get(self, request, pk):
        """One feedback item (its author, its programme's members, staff) with the staff's answers."""
        return Response(_item_data(_item(request, pk)))


@extend_schema(tags=["feedback: staff"])
class ItemStatusView(generics.GenericAPIView):
    serializer_class = ItemStatusInputSerializer
    required_scopes = ["staff"]

    @extend_schema(request=ItemStatusInputSerializer,
                   responses={200: FeedbackItemSerializer, **errors(*WRITE_ERRORS, 409)},
                   examples=[OpenApiExample("Resolve", value={"status": "resolved", "response": "Fixed in 5.3."},
                                            request_only=True)])
    def post(self, request, pk):
        """Staff only: move the item to another status; the author is told (with the answer)."""
        item = staff_item(request, pk)
        with refusals():
            rules.check_can_manage_item(request.user, item)
        data = ItemStatusInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals("response", fields=FIELDS):
            services.change_item_status(item=item, to=data.validated_data["status"], by=request.user,
                                        response=data.validated_data["response"],
                                        show_name=data.validated_data["show_name"],
                                        expected_version=data.validated_data.get("version"))
        return Response(_item_data(queries.get_item(item.pk)))


@extend_schema(tags=["feedback: staff"])
class ItemTags(generics.GenericAPIView):
    serializer_class = ItemTagsInputSerializer
    required_scopes = ["staff"]

    @extend_schema(request=ItemTagsInputSerializer, responses={200: FeedbackItemSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("Tags", value={"tags": ["billing", "invoice"]}, request_only=True)])
    def put(self, request, pk):
        """Staff only: set the item's tags (each change kept in its history)."""
        item = staff_item(request, pk)
        with refusals():
            rules.check_can_manage_item(request.user, item)
        data = ItemTagsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        slugs = list(dict.fromkeys(data.validated_data["tags"]))
        tags = list(Tag.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {t.slug for t in tags})
        if unknown:
            raise ValidationError({"tags": [_("There is no tag “%(slug)s”.") % {"slug": slug} for slug in unknown]})
        with refusals():
            services.set_tags(item=item, tags=tags, by=request.user)
        return Response(_item_data(queries.get_item(item.pk)))


class TopicSerializer(FeedbackTagSerializer):
    description = serializers.CharField(read_only=True)

    class Meta(FeedbackTagSerializer.Meta):
        fields = [*FeedbackTagSerializer.Meta.fields, "description"]


@extend_schema(tags=["feedback"])
class TagList(generics.GenericAPIView):
    serializer_class = TopicSerializer
    pagination_class = None  # every topic at once

    @extend_schema(responses={200: TopicSerializer(many=True), **errors(429)})
    def get(self, request):
        """The feedback topics authors may pick, named in the caller's language."""
        return Response(TopicSerializer(queries.offered_tags(), many=True).data)


# --- The public touchpoint endpoint in the schema -----------------------------------------------


def _object(properties: dict, required=()) -> dict:
    return {"type": "object", "properties": properties, **({"required": list(required)} if required else {})}


_TEXT = {"type": "string"}
_TOUCHPOINT_ERROR = _object({"detail": _TEXT, "error": {"type": "object", "additionalProperties": _TEXT,
                                                         "description": "The refused input and why."}})


def document_touchpoint(result, generator, request, public):
    """drf-spectacular postprocessing hook: describe feedback/public.py's endpoint, which is a
    plain Django view (CSRF-exempt and origin-checked instead, with its own CORS and rate limits)."""
    errors = {str(code): {"description": why, "content": {"application/json": {"schema": _TOUCHPOINT_ERROR}}}
              for code, why in [(400, "Not a JSON object, or a refused score, comment or reference."),
                                (403, "The Origin is not on the touchpoint's list, or the form was revoked."),
                                (404, "No such touchpoint key."), (413, "Over 4 KB."),
                                (429, "Too many answers from this client or for this key.")]}
    key = {"name": "key", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40},
           "description": "The touchpoint's public key."}
    labels = _object({"language": _TEXT, "question": _TEXT, "low": _TEXT, "high": _TEXT, "score": _TEXT,
                      "comment": _TEXT, "send": _TEXT, "sending": _TEXT, "thanks": _TEXT, "choose": _TEXT,
                      "failed": _TEXT, "max_comment": {"type": "integer"}})
    answer = _object({
        "score": {"type": "integer", "minimum": 0, "maximum": 10},
        "comment": {"type": "string", "maxLength": services.COMMENT_MAX},
        "reference": {"type": "string", "maxLength": 40, "description": "The customer's number, if known."},
        "signature": {"type": "string", "description": "Hex HMAC-SHA256 of the reference with the touchpoint's secret."},
        "language": {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
    }, required=["score"])
    result.setdefault("paths", {})["/touchpoint/v1/{key}/"] = {
        "get": {
            "operationId": "touchpoint_labels", "tags": ["touchpoints"], "security": [{}],
            "summary": "The question and the widget's labels in a language.",
            "parameters": [key, {"name": "lang", "in": "query", "schema": _TEXT}],
            "responses": {"200": {"description": "The labels.", "content": {"application/json": {"schema": labels}}},
                          "403": errors["403"], "404": errors["404"]},
        },
        "post": {
            "operationId": "touchpoint_answer", "tags": ["touchpoints"], "security": [{}],
            "summary": "Send an NPS answer from a page on one of the touchpoint's allowed origins.",
            "description": "Exempt from CSRF: it reads no cookie and acts for no signed-in member. The Origin "
                           "header must be on the touchpoint's list; CORS answers only those origins.",
            "parameters": [key],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": answer, "example": {"score": 9, "comment": "Quick and friendly.", "language": "nb"}}}},
            "responses": {"201": {"description": "Stored.", "content": {"application/json": {"schema": _object(
                {"ok": {"type": "boolean"}, "message": _TEXT})}}}, **errors},
        },
    }
    return result
