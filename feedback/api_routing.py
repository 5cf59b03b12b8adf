"""REST API for staff's routing rules: the same form conversion, services and rule as the
routing rules page (feedback/views/routing.py).

Input is typed here (strict JSON: unknown fields, wrong types, ids past 64 bits are a 400), then
RoutingRuleForm turns ids into teams, tags, programmes and touchpoints exactly as on the page,
and feedback.routing_services validates and writes. Everyone but staff reads the rule's words
(403) before any id is looked up; a token limited to some teams may not write a rule that
gives feedback to another team.
"""

import uuid

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from community.api_common import StrictInput, TeamRefSerializer, check_token_team, errors, refusals
from community.background import enqueue_on_commit
from community.inputs import MAX_ID
from community.models import Team
from feedback import queries, routing, routing_services, rules, tasks
from feedback.forms import RoutingRuleForm
from feedback.models import RoutingRule, Source, Thread

TAGS = ["feedback: routing"]
# A service's ValidationError under the input it names (its code); "match" (a rule that matches
# nothing in particular) concerns no one field: it is the `detail`, as on the page.
RULE_FIELDS = set(RoutingRuleForm.base_fields)
KEYWORDS_MAX = 50  # feedback.routing.keyword_list reads this many


def _check_staff(request) -> None:
    with refusals():
        rules.check_can_manage_routing(request.user)


def _rule(pk) -> RoutingRule:
    rule = RoutingRule.objects.select_related("team").filter(pk=pk).first()
    if rule is None:
        raise NotFound(_("There is no such routing rule."))
    return rule


# --- Output ----------------------------------------------------------------------------------------


class RoutingTagSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="In the caller's language.")


class RoutingProgrammeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class RoutingTouchpointSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class RoutingRuleSerializer(serializers.ModelSerializer):
    team = TeamRefSerializer(read_only=True, help_text="The team that gets what the rule matches.")
    tags = RoutingTagSerializer(
        many=True, read_only=True, help_text="Matches an item with any of these tags."
    )
    keywords = serializers.SerializerMethodField(
        help_text="Matches when any of them occurs, in any word form."
    )
    programme = RoutingProgrammeSerializer(read_only=True, allow_null=True)
    touchpoint = RoutingTouchpointSerializer(read_only=True, allow_null=True)
    position = serializers.IntegerField(
        read_only=True, help_text="Rules are tried in ascending position (then id)."
    )

    class Meta:
        model = RoutingRule
        fields = [
            "id",
            "name",
            "position",
            "active",
            "team",
            "tags",
            "keywords",
            "source",
            "programme",
            "touchpoint",
            "kind",
            "language",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_keywords(self, rule) -> list[str]:
        return routing.keyword_list(rule.keywords)


def _rule_data(pk) -> dict:
    return RoutingRuleSerializer(queries.routing_rule(pk)).data


# --- Input -----------------------------------------------------------------------------------------


def _id_field(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class RoutingRuleInputSerializer(StrictInput):
    # Blank and over-long names pass through: the service words those messages, as on the page.
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    team = _id_field(help_text="The id of the team that gets what the rule matches.")
    tags = serializers.ListField(
        child=_id_field(),
        required=False,
        default=list,
        max_length=50,
        help_text="Tag ids: matches an item with any of them.",
    )
    keywords = serializers.ListField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        default=list,
        max_length=KEYWORDS_MAX,
        help_text="Matches when any of them occurs, in any of its word forms.",
    )
    source = serializers.ChoiceField(choices=Source.choices, allow_blank=True, required=False, default="")
    programme = _id_field(allow_null=True, required=False, default=None, help_text="A beta programme's id.")
    touchpoint = _id_field(allow_null=True, required=False, default=None, help_text="A touchpoint's id.")
    kind = serializers.ChoiceField(choices=Thread.Kind.choices, allow_blank=True, required=False, default="")
    language = serializers.ChoiceField(
        choices=RoutingRule._meta.get_field("language").choices, allow_blank=True, required=False, default=""
    )
    active = serializers.BooleanField(
        required=False, default=True, help_text="Route new feedback by this rule."
    )


class RoutingRuleChangeSerializer(RoutingRuleInputSerializer):
    """PATCH: only the fields sent change (the serializer is used with partial=True)."""


def _form_fields(values: dict, rule=None) -> dict:
    """The typed input through the page's RoutingRuleForm (on top of the rule as it is, for a
    change): teams, tags, programmes and touchpoints by id, or a 400 under the field."""
    data = RoutingRuleForm.initial_of(rule) if rule is not None else {}
    data.update(values)
    if isinstance(data.get("keywords"), list):
        data["keywords"] = "\n".join(data["keywords"])
    form = RoutingRuleForm(data)
    if not form.is_valid():
        raise ValidationError(
            {
                "non_field_errors" if name == "__all__" else name: list(messages)
                for name, messages in form.errors.items()
            }
        )
    return form.rule_fields()


def _typed(serializer_class, request, **kwargs) -> dict:
    data = serializer_class(data=request.data, **kwargs)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


RULE_EXAMPLE = OpenApiExample(
    "Invoice questions",
    value={
        "name": "Invoice questions",
        "team": 2,
        "tags": [5],
        "keywords": ["faktura", "invoice"],
        "language": "nb",
    },
    request_only=True,
)


@extend_schema(tags=TAGS)
class RoutingRules(generics.GenericAPIView):
    serializer_class = RoutingRuleInputSerializer
    required_scopes = ["staff"]
    pagination_class = None  # every rule at once, in order: the schema must not promise pages

    @extend_schema(responses={200: RoutingRuleSerializer(many=True), **errors(403, 429)})
    def get(self, request):
        """Staff only: every routing rule in precedence order (the first that matches wins), with
        its team and what it matches, as on the routing rules page."""
        _check_staff(request)
        return Response(RoutingRuleSerializer(queries.routing_rules(), many=True).data)

    @extend_schema(
        request=RoutingRuleInputSerializer,
        responses={201: RoutingRuleSerializer, **errors(400, 403, 415, 429)},
        examples=[RULE_EXAMPLE],
    )
    def post(self, request):
        """Staff only: create a rule, last in the order. It needs at least one thing to match."""
        _check_staff(request)
        fields = _form_fields(_typed(RoutingRuleInputSerializer, request))
        check_token_team(request, fields["team"])
        with refusals(fields=RULE_FIELDS):
            rule = routing_services.save_routing_rule(by=request.user, **fields)
        return Response(_rule_data(rule.pk), status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS)
class RoutingRuleDetail(generics.GenericAPIView):
    serializer_class = RoutingRuleChangeSerializer
    required_scopes = ["staff"]

    @extend_schema(responses={200: RoutingRuleSerializer, **errors(403, 404, 429)})
    def get(self, request, pk):
        """Staff only: one routing rule."""
        _check_staff(request)
        rule = queries.routing_rule(pk)
        if rule is None:
            raise NotFound(_("There is no such routing rule."))
        return Response(RoutingRuleSerializer(rule).data)

    @extend_schema(
        request=RoutingRuleChangeSerializer,
        responses={200: RoutingRuleSerializer, **errors(400, 403, 404, 415, 429)},
        examples=[OpenApiExample("Pause it", value={"active": False}, request_only=True)],
    )
    def patch(self, request, pk):
        """Staff only: change what the rule matches, its team, name or whether it is active; the
        fields left out stay as they are."""
        _check_staff(request)
        rule = _rule(pk)
        check_token_team(request, rule.team)
        fields = _form_fields(_typed(RoutingRuleChangeSerializer, request, partial=True), rule=rule)
        check_token_team(request, fields["team"])
        with refusals(fields=RULE_FIELDS):
            routing_services.save_routing_rule(by=request.user, rule=rule, **fields)
        return Response(_rule_data(rule.pk))

    @extend_schema(responses={204: None, **errors(403, 404, 429)})
    def delete(self, request, pk):
        """Staff only: delete the rule. Feedback it routed stays with its team; its decisions keep
        the rule's name."""
        _check_staff(request)
        rule = _rule(pk)
        check_token_team(request, rule.team)
        with refusals():
            routing_services.delete_routing_rule(rule=rule, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MoveInputSerializer(StrictInput):
    direction = serializers.ChoiceField(choices=[("up", "up"), ("down", "down")])


class MovedSerializer(serializers.Serializer):
    moved = serializers.BooleanField(help_text="False when the rule was already first (up) or last (down).")
    rules = RoutingRuleSerializer(many=True, help_text="Every rule in its new order.")


@extend_schema(tags=TAGS)
class RoutingRuleMove(generics.GenericAPIView):
    serializer_class = MoveInputSerializer
    required_scopes = ["staff"]

    @extend_schema(
        request=MoveInputSerializer,
        responses={200: MovedSerializer, **errors(400, 403, 404, 415, 429)},
        examples=[OpenApiExample("Up", value={"direction": "up"}, request_only=True)],
    )
    def post(self, request, pk):
        """Staff only: swap the rule with the one above ("up") or below ("down")."""
        _check_staff(request)
        rule = _rule(pk)
        check_token_team(request, rule.team)
        direction = _typed(MoveInputSerializer, request)["direction"]
        with refusals(fields=["direction"]):
            moved = routing_services.move_routing_rule(rule=rule, by=request.user, direction=direction)
        return Response(
            {"moved": moved, "rules": RoutingRuleSerializer(queries.routing_rules(), many=True).data}
        )


class TriedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.pk")
    title = serializers.CharField(source="item.title")
    team = TeamRefSerializer(source="item.team", allow_null=True, help_text="The item's team now.")
    would_go_to = TeamRefSerializer(help_text="The team this rule would give it to.")
    matched = serializers.DictField(
        child=serializers.CharField(), help_text="What the rule matched, by criterion."
    )
    because = serializers.CharField(help_text="The decision in words, as the item's history would say it.")


class TriedSerializer(serializers.Serializer):
    checked = serializers.IntegerField(
        help_text="How many of the newest open items the caller may see were tried."
    )
    matched = serializers.IntegerField(help_text="How many of them the rule would match.")
    items = TriedItemSerializer(many=True)


@extend_schema(tags=TAGS)
class RoutingRuleTry(generics.GenericAPIView):
    serializer_class = RoutingRuleInputSerializer
    required_scopes = ["staff"]

    @extend_schema(
        request=RoutingRuleInputSerializer,
        responses={200: TriedSerializer, **errors(400, 403, 415, 429)},
        examples=[RULE_EXAMPLE],
    )
    def post(self, request):
        """Staff only: what a rule (as it would be created) would match among the newest open
        items the caller may see. Nothing is saved."""
        _check_staff(request)
        fields = _form_fields(_typed(RoutingRuleInputSerializer, request))
        with refusals(fields=RULE_FIELDS):
            tried = routing_services.try_rule(by=request.user, **fields)
        team = fields["team"]
        items = [
            {
                "item": hit.item,
                "would_go_to": team,
                "matched": {k: str(v) for k, v in hit.matched.items()},
                "because": hit.because,
            }
            for hit in tried.matches
        ]
        return Response(
            TriedSerializer({"checked": tried.checked, "matched": len(items), "items": items}).data
        )


class ReapplyInputSerializer(StrictInput):
    override_manual = serializers.BooleanField(
        required=False, default=False, help_text="Also move feedback that someone re-routed by hand."
    )


class ReappliedSerializer(serializers.Serializer):
    checked = serializers.IntegerField(help_text="Open items routed again.")
    moved = serializers.IntegerField(help_text="Of them, moved to another team.")
    kept_manual = serializers.IntegerField(help_text="Re-routed by hand, so kept where they are.")


class ReapplyQueuedSerializer(serializers.Serializer):
    queued = serializers.BooleanField()
    open_items = serializers.IntegerField()
    detail = serializers.CharField()


@extend_schema(tags=TAGS)
class RoutingReapply(generics.GenericAPIView):
    serializer_class = ReapplyInputSerializer
    required_scopes = ["staff"]

    @extend_schema(
        request=ReapplyInputSerializer,
        responses={200: ReappliedSerializer, 202: ReapplyQueuedSerializer, **errors(400, 403, 415, 429)},
        examples=[OpenApiExample("Keep manual choices", value={"override_manual": False}, request_only=True)],
    )
    def post(self, request):
        """Staff only: route every open item again by the rules as they are now; only items whose
        team changes are moved, each with its reason. Over a few thousand open items this runs in
        the background (202) and the caller is notified when it is done."""
        _check_staff(request)
        override = _typed(ReapplyInputSerializer, request)["override_manual"]
        for team in Team.objects.order_by("name"):  # it moves any team's items
            check_token_team(request, team)
        count = routing_services.open_item_count()
        if count > routing_services.INLINE_LIMIT:
            enqueue_on_commit(tasks.reapply_routing, request.user.pk, override, uuid.uuid4().hex)
            detail = ngettext(
                "Re-applying the rules to %(count)s open item in the background: you will be notified when it is done.",
                "Re-applying the rules to %(count)s open items in the background: you will be notified when it is done.",
                count,
            ) % {"count": count}
            return Response(
                {"queued": True, "open_items": count, "detail": detail}, status=status.HTTP_202_ACCEPTED
            )
        with refusals():
            done = routing_services.reapply_rules(by=request.user, override_manual=override)
        return Response(ReappliedSerializer(done).data)
