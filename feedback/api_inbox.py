"""REST API for the team inboxes (feedback/views/inbox.py), for staff: the same queries, rules
and services as the pages.

A team's inbox, or an item, the caller's teams neither own nor watch is a 404 like a missing id;
what the caller sees but may not do is a 403 in the rule's words; a save that came second (a
colleague changed the item since the `version` the caller sent) is a 409. Internal notes appear
only here, for the owning and watching teams.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from community import cursor as cursors
from community.api_auth import token_allows_team
from community.api_common import (
    CURSOR,
    READ_ERRORS,
    WRITE_ERRORS,
    StrictInput,
    TeamRefSerializer,
    check_token_team,
    errors,
    refusals,
)
from community.inputs import MAX_ID, parse_id
from community.models import Member, Team
from community.rules import is_staff
from feedback import queries, routing, rules, services
from feedback.api import FeedbackTagSerializer, staff_item
from feedback.models import RoutingDecision, Source, Status, Tag

API_PAGE_SIZE = 50
# The inbox's sorts on stored values go by keyset; "due" (computed as the clock runs) by position.
KEYSETS = {"newest": ("-created_at", "-id"), "oldest": ("created_at", "id"), "updated": ("-updated_at", "-id")}


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")


class InboxTeamSerializer(TeamRefSerializer):
    slug = serializers.CharField()
    is_triage = serializers.BooleanField()
    url = serializers.SerializerMethodField(help_text="The inbox page on the site.")

    def get_url(self, team) -> str:
        from django.urls import reverse

        return reverse("feedback_inbox", args=[team.slug])


class InboxRowSerializer(serializers.Serializer):
    """An inbox row: what the page's row shows, with the ids behind it."""

    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The item in the inbox on the site.")
    source = serializers.ChoiceField(choices=Source.choices)
    kind = serializers.SerializerMethodField(help_text="The thread's kind, or `touchpoint`.")
    title = serializers.CharField()
    text = serializers.CharField(help_text="Plain text, personal data masked.")
    language = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    score = serializers.SerializerMethodField(help_text="The touchpoint answer's score (0–10), if any.")
    touchpoint = serializers.CharField(source="touchpoint.name", default=None, allow_null=True)
    programme = serializers.IntegerField(source="programme_id", allow_null=True)
    author = PersonSerializer(allow_null=True)
    assignee = PersonSerializer(allow_null=True)
    tags = FeedbackTagSerializer(source="row_tags", many=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    next_due = serializers.DateTimeField(allow_null=True, help_text="The first response, else the resolution, due.")
    overdue = serializers.BooleanField(source="is_overdue")
    read_at = serializers.DateTimeField(allow_null=True, help_text="When the owning team first opened it.")
    version = serializers.IntegerField(help_text="Send it back with a change: a change made meanwhile refuses it.")

    def get_url(self, item) -> str:
        from django.urls import reverse

        return reverse("feedback_inbox_item", args=[item.pk])

    def get_kind(self, item) -> str:
        return item.thread.kind if item.thread_id else "touchpoint"

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_score(self, item):
        return item.answer.score if item.answer_id else None


class CountsSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    unassigned = serializers.IntegerField()
    unread = serializers.IntegerField()


class InboxPageSerializer(serializers.Serializer):
    team = TeamRefSerializer()
    counts = CountsSerializer()
    results = InboxRowSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="The cursor of the next page; null on the last.")


class NoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    author = PersonSerializer()
    body = serializers.CharField(source="body_html", help_text="Clean HTML.")
    created_at = serializers.DateTimeField()


class DecisionSerializer(serializers.Serializer):
    team = TeamRefSerializer(allow_null=True)
    reason = serializers.ChoiceField(choices=RoutingDecision.Reason.choices)
    explanation = serializers.SerializerMethodField(help_text="Why, in the caller's language.")
    by = PersonSerializer(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_explanation(self, decision) -> str:
        return routing.explain(decision)


class ItemAnswerSerializer(serializers.Serializer):
    status = serializers.CharField(source="to_status")
    answer = serializers.CharField(source="response_html", help_text="What the customer reads (clean HTML).")
    by = serializers.CharField(source="responder")
    created_at = serializers.DateTimeField()


class InboxItemSerializer(InboxRowSerializer):
    """One item as its owning or watching team sees it in the inbox."""

    team = TeamRefSerializer(allow_null=True, help_text="The owning team (null: triage's until routed).")
    role = serializers.ChoiceField(source="api_role", choices=[rules.OWNER, rules.WATCHER],
                                   help_text="The caller's: owner or watcher.")
    watchers = TeamRefSerializer(source="api_watchers", many=True)
    notes = NoteSerializer(source="api_notes", many=True, help_text="Internal notes: staff only, never shown to customers.")
    routing = DecisionSerializer(source="api_routing", many=True, help_text="Every routing decision, oldest first.")
    answers = ItemAnswerSerializer(source="api_answers", many=True,
                               help_text="The status changes with the answers the customer read.")
    customer = serializers.IntegerField(source="author_id", allow_null=True,
                                        help_text="The author's id for the customer panel (/api/v1/customers/…).")


class AssignInput(StrictInput):
    assignee = serializers.IntegerField(allow_null=True, min_value=1, max_value=MAX_ID,
                                        help_text="A member of the owning team; null: nobody.")
    version = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)


class RerouteInput(StrictInput):
    team = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The team to give it to.")
    note = serializers.CharField(required=False, default="", allow_blank=True, trim_whitespace=False, max_length=500,
                                 help_text="Why: kept with the routing history, for staff only.")
    version = serializers.IntegerField(required=False, min_value=0, max_value=MAX_ID)


class NoteInput(StrictInput):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False, help_text="Markdown.")


class WatchersInput(StrictInput):
    teams = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), max_length=50,
                                  help_text="The watching teams' ids: the whole set (others stop watching).")


class PickedItem(StrictInput):
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    version = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The item's version you saw.")


class BulkInput(StrictInput):
    action = serializers.ChoiceField(choices=services.BULK_ACTIONS)
    items = serializers.ListField(child=PickedItem(), min_length=1, max_length=200)
    assignee = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_ID,
                                        help_text="For `assign`: a member of the team; null: nobody.")
    tag = serializers.SlugField(required=False, max_length=40, help_text="For `tag`: the tag to add (by slug).")


class RefusedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField(help_text="The rule's words.")


class BulkResultSerializer(serializers.Serializer):
    updated = serializers.ListField(child=serializers.IntegerField())
    changed = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="Changed by someone else since the version you sent: left as they are.")
    refused = RefusedSerializer(many=True)
    missing = serializers.ListField(child=serializers.IntegerField(),
                                    help_text="Not in this inbox (or not yours to see): left alone.")
    summary = serializers.CharField(help_text="As the inbox page says it, e.g. “2 updated, 1 changed meanwhile”.")


class InboxQuery(StrictInput):
    """The inbox page's filters and sorts, with the same names and values."""

    status = serializers.ChoiceField(choices=queries.INBOX_STATUSES, required=False, default="open")
    tag = serializers.SlugField(required=False, max_length=40)
    source = serializers.ChoiceField(choices=Source.choices, required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    age = serializers.ChoiceField(choices=list(queries.AGES), required=False)
    assignee = serializers.CharField(required=False, max_length=24, help_text="`me`, `none` or a member's id.")
    overdue = serializers.BooleanField(required=False, default=False)
    sort = serializers.ChoiceField(choices=list(queries.SORTS), required=False, default="newest")
    cursor = serializers.CharField(required=False, allow_blank=True, max_length=cursors.MAX_CURSOR)

    def validate_assignee(self, value):
        if value not in ("me", "none") and parse_id(value) is None:
            raise serializers.ValidationError(_("Choose “me”, “none” or a member's id."))
        return value


def _staff(request) -> None:
    """Visitors sign in; customers read the pages' words. Staff go on to the team's rule."""
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    if not is_staff(request.user):
        raise PermissionDenied(rules.why_not_view_inbox(request.user, None))


def _inbox_team(request, pk) -> Team:
    _staff(request)
    team = queries.inbox_team(request.user, pk)
    if team is None:
        raise NotFound(_("There is no such inbox."))
    check_token_team(request, team)
    return team


def _filters(request) -> tuple[queries.InboxFilters, str]:
    data = InboxQuery(data=request.query_params.dict())
    data.is_valid(raise_exception=True)
    values = data.validated_data
    # The page's own parser, so both mean the same by every value ("overdue" as "1").
    raw = {**values, "overdue": "1" if values["overdue"] else ""}
    return queries.InboxFilters.parse(raw), values.get("cursor") or ""


def _ids(request, team, filters, cursor, now) -> tuple[list[int], str | None]:
    """The page's ids and the next page's cursor, in the order the inbox page sorts."""
    items = queries.inbox_items(request.user, team, filters, now=now)
    try:
        if filters.sort in KEYSETS:
            rows, after = cursors.cursor_page(items.only("id", "created_at", "updated_at"),
                                              ordering=KEYSETS[filters.sort], cursor=cursor, size=API_PAGE_SIZE)
            return [row.pk for row in rows], after
        start = cursors.decode_offset(cursor)
    except cursors.BadCursor:
        raise ValidationError({"cursor": [cursors.bad_cursor_message()]}) from None
    ids = list(items.order_by(*queries.SORTS[filters.sort]).values_list("pk", flat=True)[start: start + API_PAGE_SIZE + 1])
    more = len(ids) > API_PAGE_SIZE
    return ids[:API_PAGE_SIZE], (cursors.encode_offset(start + API_PAGE_SIZE) if more else None)


def _with_row_tags(rows):
    for row in rows:
        row.row_tags = row.tags.all()  # attached by queries.inbox_rows: no query
    return rows


def _detail(request, item) -> Response:
    """The item as its inbox view shows it (with the caller's role), fresh from the database."""
    item = queries.get_item(item.pk)
    now = timezone.now()
    row = _with_row_tags(queries.inbox_rows([item.pk], now=now))[0]
    page = queries.item_page(item, viewer=request.user)
    row.api_role = rules.staff_role(request.user, item)
    row.api_watchers = list(item.watchers.order_by("name"))
    row.api_notes = page.notes
    row.api_routing = list(RoutingDecision.objects.filter(item=item).select_related("team", "by"))
    row.api_answers = page.history
    return Response(InboxItemSerializer(row).data)


def _staff_item(request, pk):
    """An item the caller's teams own or watch (else 404), of a team the token may act for."""
    _staff(request)
    item = staff_item(request, pk)
    if rules.staff_role(request.user, item) is None:
        raise NotFound(_("There is no such feedback."))
    return item


def _member(pk) -> Member | None:
    return Member.objects.filter(pk=pk).first() if pk is not None else None


@extend_schema(tags=["feedback: inbox"])
class InboxList(generics.GenericAPIView):
    serializer_class = InboxTeamSerializer
    pagination_class = None  # a handful of teams
    required_scopes = ["staff"]

    @extend_schema(responses={200: InboxTeamSerializer(many=True), **errors(401, 403, 429)})
    def get(self, request):
        """The team inboxes the caller may open: their teams (site admins: every team); with a
        token limited to some teams, only those."""
        _staff(request)
        shown = [team for team in queries.inbox_teams(request.user) if token_allows_team(request, team)]
        return Response(InboxTeamSerializer(shown, many=True).data)


@extend_schema(tags=["feedback: inbox"])
class InboxItems(generics.GenericAPIView):
    serializer_class = InboxPageSerializer
    required_scopes = ["staff"]

    @extend_schema(
        parameters=[CURSOR, InboxQuery(partial=True)],
        responses={200: InboxPageSerializer, **errors(400, 401, 403, 404, 429)},
        examples=[OpenApiExample("Overdue first", value={"status": "open", "overdue": True, "sort": "due"},
                                 request_only=True)],
    )
    def get(self, request, pk):
        """One page of a team's inbox with the page's filters and sorts, and the header's counts.
        Pages follow `next`; rows added meanwhile never shift a page of the newest, oldest or
        recently updated sorts."""
        team = _inbox_team(request, pk)
        filters, cursor = _filters(request)
        now = timezone.now()
        ids, after = _ids(request, team, filters, cursor, now)
        rows = _with_row_tags(queries.inbox_rows(ids, now=now))
        return Response({
            "team": TeamRefSerializer(team).data, "counts": queries.inbox_counts(team, now=now),
            "results": InboxRowSerializer(rows, many=True).data, "next": after,
        })


@extend_schema(tags=["feedback: inbox"])
class InboxBulk(generics.GenericAPIView):
    serializer_class = BulkInput
    required_scopes = ["staff"]

    @extend_schema(
        request=BulkInput, responses={200: BulkResultSerializer, **errors(*WRITE_ERRORS)},
        examples=[OpenApiExample("Acknowledge two", request_only=True, value={
            "action": "acknowledge", "items": [{"id": 12, "version": 3}, {"id": 14, "version": 1}]})],
    )
    def post(self, request, pk):
        """The inbox's bulk actions (assign, acknowledge, add a tag) on the picked items: each item
        goes through its own service and rule, so one refusal or conflict never undoes the others."""
        team = _inbox_team(request, pk)
        data = BulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        assignee = tag = None
        if values["action"] == "assign" and values.get("assignee") is not None:
            assignee = _member(values["assignee"])
            if assignee is None:
                raise ValidationError({"assignee": [_("Assign it to someone on the team that owns it.")]})
        if values["action"] == "tag":
            tag = Tag.objects.filter(slug=values.get("tag") or "").first()
            if tag is None:
                raise ValidationError({"tag": [_("Choose the tag to add.")]})
        picked = {row["id"]: row["version"] for row in values["items"]}
        pairs = queries.picked_items(request.user, team, picked)
        result = services.bulk_action(values["action"], pairs=pairs, by=request.user, assignee=assignee, tag=tag)
        found = {item.pk for item, _version in pairs}
        return Response(BulkResultSerializer({
            "updated": [item.pk for item in result.updated], "changed": [item.pk for item in result.changed],
            "refused": [{"id": item.pk, "reason": reason} for item, reason in result.refused],
            "missing": [pk for pk in picked if pk not in found], "summary": result.summary(),
        }).data)


@extend_schema(tags=["feedback: inbox"])
class InboxItem(generics.GenericAPIView):
    serializer_class = InboxItemSerializer
    required_scopes = ["staff"]

    @extend_schema(responses={200: InboxItemSerializer, **errors(401, 403, *READ_ERRORS)})
    def get(self, request, pk):
        """One item as the inbox shows it: internal notes, routing history, watchers, answers.
        Reading it does not stamp the customer's receipt: `POST …/read/` does."""
        return _detail(request, _staff_item(request, pk))


class _ItemAction(generics.GenericAPIView):
    serializer_class = InboxItemSerializer
    required_scopes = ["staff"]


@extend_schema(tags=["feedback: inbox"])
class ItemRead(_ItemAction):
    @extend_schema(request=None, responses={200: InboxItemSerializer, **errors(401, 403, 404, 429)})
    def post(self, request, pk):
        """The owning team has read it: the customer's receipt is stamped once ("Read by the
        Billing team on 3 March"). A watcher or an admin outside the team changes nothing."""
        item = _staff_item(request, pk)
        services.mark_read(item=item, by=request.user)
        return _detail(request, item)


@extend_schema(tags=["feedback: inbox"])
class ItemAssign(_ItemAction):
    @extend_schema(request=AssignInput, responses={200: InboxItemSerializer, **errors(*WRITE_ERRORS, 409)},
                   examples=[OpenApiExample("Assign", value={"assignee": 12, "version": 4}, request_only=True)])
    def post(self, request, pk):
        """Give the item to a member of its owning team (or to nobody)."""
        item = _staff_item(request, pk)
        data = AssignInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        assignee = _member(values["assignee"])
        if values["assignee"] is not None and assignee is None:
            raise ValidationError({"assignee": [_("Assign it to someone on the team that owns it.")]})
        with refusals("assignee"):
            services.assign_item(item=item, assignee=assignee, by=request.user, expected_version=values.get("version"))
        return _detail(request, item)


@extend_schema(tags=["feedback: inbox"])
class ItemReroute(_ItemAction):
    @extend_schema(request=RerouteInput,
                   responses={200: InboxItemSerializer,
                              204: OpenApiResponse(description="Done, and the item left the caller's teams."),
                              **errors(*WRITE_ERRORS, 409)},
                   examples=[OpenApiExample("Re-route", value={"team": 3, "note": "Coverage, not billing"},
                                            request_only=True)])
    def post(self, request, pk):
        """Give the item to another team by hand; the reason is kept in its routing history and
        both inboxes update."""
        item = _staff_item(request, pk)
        data = RerouteInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        team = Team.objects.filter(pk=values["team"]).first()
        if team is None:
            raise ValidationError({"team": [_("There is no such team.")]})
        with refusals(fields={"team": "team", "note": "note"}):
            services.reroute_item(item=item, team=team, by=request.user, note=values["note"],
                                  expected_version=values.get("version"))
        # The caller may no longer see it (it left their team): answer what they may see.
        if rules.staff_role(request.user, queries.get_item(item.pk)) is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return _detail(request, item)


@extend_schema(tags=["feedback: inbox"])
class ItemNotes(_ItemAction):
    serializer_class = NoteSerializer
    pagination_class = None  # an item's notes, all at once

    @extend_schema(responses={200: NoteSerializer(many=True), **errors(401, 403, *READ_ERRORS)})
    def get(self, request, pk):
        """The item's internal notes, oldest first (owning and watching teams only)."""
        item = _staff_item(request, pk)
        return Response(NoteSerializer(queries.item_page(item, viewer=request.user).notes, many=True).data)

    @extend_schema(request=NoteInput, responses={201: NoteSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("A note", value={"body": "Customer called twice about this."},
                                            request_only=True)])
    def post(self, request, pk):
        """Add an internal note: the owning and watching teams read it; the customer never does."""
        item = _staff_item(request, pk)
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals("body"):
            note = services.add_internal_note(item=item, by=request.user, body=data.validated_data["body"])
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["feedback: inbox"])
class ItemWatchers(_ItemAction):
    @extend_schema(request=WatchersInput, responses={200: InboxItemSerializer, **errors(*WRITE_ERRORS)},
                   examples=[OpenApiExample("Watchers", value={"teams": [3]}, request_only=True)])
    def put(self, request, pk):
        """Set the teams watching the item (they read it and write internal notes, never answer)."""
        item = _staff_item(request, pk)
        data = WatchersInput(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = set(data.validated_data["teams"])
        found = list(Team.objects.filter(pk__in=wanted))
        unknown = sorted(wanted - {team.pk for team in found})
        if unknown:
            raise ValidationError({"teams": [_("There is no such team.")]})
        with refusals("teams"):
            services.set_watchers(item=item, watchers=found, by=request.user)
        return _detail(request, item)
