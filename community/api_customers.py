"""REST API for the customer panel (staff): the search, a customer's attributes and one page of
their timeline, over the same community.customers and community.timeline as the HTML pages.

An entry says what the panel shows and no more: another team's feedback keeps its status and
team, never its text, answer or link (the sources already blank them; nothing here adds any).
Entries are read from the sources' `detail` by name, so community still imports no app."""

from django.template.defaultfilters import truncatewords_html
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotAuthenticated, NotFound, ValidationError
from rest_framework.response import Response

from community import customers, rules, timeline
from community.api_common import errors, refusals
from community.cursor import bad_cursor_message

# The panel shows a comment's first 60 words (truncatewords_html:60).
COMMENT_WORDS = 60


def _check_staff(request) -> None:
    """Signed in (401, as the page asks to log in), then staff (403 in the rule's words)."""
    if not request.user.is_authenticated:
        raise NotAuthenticated()
    with refusals():
        rules.check_can_view_customers(request.user)


def _customer(request, pk):
    _check_staff(request)
    customer = customers.get_customer(pk)
    if customer is None:
        raise NotFound(_("There is no such customer."))
    return customer


# --- Serializers ----------------------------------------------------------------------------------


class CustomerSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="public_name", help_text="The display name, as staff see it.")
    email = serializers.CharField()
    is_staff = serializers.BooleanField()
    customer_numbers = serializers.SerializerMethodField()
    plan = serializers.CharField(help_text="The plan's code; empty when not known.")
    plan_label = serializers.CharField(source="get_plan_display")
    region = serializers.CharField(help_text="Empty when not known.")
    url = serializers.SerializerMethodField(help_text="This customer in the API.")

    def get_customer_numbers(self, member) -> list[str]:
        return [n.number for n in member.customer_numbers.all()]  # prefetched by community.customers

    def get_url(self, member) -> str:
        return reverse("api_customer", args=[member.pk])


class CustomerSerializer(CustomerSummarySerializer):
    customer_since = serializers.DateField(allow_null=True)
    years_as_customer = serializers.SerializerMethodField(help_text="Whole years, as the panel shows them.")
    preferred_language = serializers.CharField()
    preferred_language_label = serializers.CharField(source="get_preferred_language_display")
    member_since = serializers.DateTimeField(source="date_joined")
    panel = serializers.SerializerMethodField(help_text="The customer's panel on the site.")
    timeline = serializers.SerializerMethodField(
        help_text="The first page of the customer's timeline in the API."
    )

    def get_years_as_customer(self, member) -> int | None:
        return int(member.years_as_customer) if member.customer_since else None

    def get_panel(self, member) -> str:
        return reverse("customer_panel", args=[member.pk])

    def get_timeline(self, member) -> str:
        return reverse("api_customer_timeline", args=[member.pk])


class AnswerSerializer(serializers.Serializer):
    by = serializers.CharField(
        help_text="Signed as the site signs it: the team, and the person where they chose so."
    )
    at = serializers.DateTimeField()
    html = serializers.CharField(help_text="The published answer (clean HTML).")


class HandlingSerializer(serializers.Serializer):
    status = serializers.CharField()
    status_label = serializers.CharField()
    team = serializers.CharField(allow_null=True, help_text="The owning team's name.")
    first_response_at = serializers.DateTimeField(allow_null=True)
    first_response_after = serializers.CharField(
        allow_null=True, help_text="As the panel words it: “5 hours”."
    )
    overdue = serializers.BooleanField(allow_null=True, help_text="No answer yet, past its due moment.")
    answer = AnswerSerializer(allow_null=True, help_text="The latest public answer.")


class EntrySerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="idea, vote, comment, ballot, membership, feedback or touchpoint.")
    moment = serializers.DateTimeField()
    title = serializers.CharField(
        help_text="What the panel shows as the entry's title; for another team's "
        "feedback, who handles it instead of its title."
    )
    text = serializers.CharField(
        help_text="Plain text the panel quotes (a touchpoint comment); empty if none."
    )
    html = serializers.CharField(
        help_text="Clean HTML the panel quotes (a comment's first 60 words); empty if none."
    )
    url = serializers.CharField(
        help_text="Where the entry lives on the site; empty when the viewer may not open it."
    )
    hidden = serializers.BooleanField(
        help_text="Another team's feedback: its status and team only, never its text."
    )
    status = serializers.CharField(
        allow_null=True, help_text="An idea's status slug or a feedback item's status."
    )
    status_label = serializers.CharField(allow_null=True)
    answer = AnswerSerializer(allow_null=True, help_text="An idea's official answer, if any.")
    handling = HandlingSerializer(
        allow_null=True, help_text="How the feedback was answered, as far as the viewer may see."
    )
    details = serializers.DictField(
        help_text="What else the panel shows for this kind (score, board, votes…)."
    )


class TimelinePageSerializer(serializers.Serializer):
    results = EntrySerializer(many=True)
    next = serializers.CharField(
        allow_null=True, help_text="The cursor of the next (older) page; null on the last."
    )


# --- Entries as the panel shows them -------------------------------------------------------------


def _answer(change) -> dict | None:
    if change is None:
        return None
    return {"by": str(change.responder), "at": change.created_at, "html": change.response_html}


def _hidden_title(team) -> str:
    if team is not None:
        return _("Feedback handled by the %(team)s team") % {"team": team.name}
    return _("Feedback handled by another team")


def _handling(detail: dict) -> dict | None:
    if not detail.get("item"):
        return None
    team = detail.get("team")
    seen = detail.get("may_see", False)
    return {
        "status": detail["status"],
        "status_label": str(detail["status_label"]),
        "team": team.name if team is not None else None,
        "first_response_at": detail.get("first_response_at") if seen else None,
        "first_response_after": detail.get("first_response") or None if seen else None,
        "overdue": detail.get("overdue") if seen else None,
        "answer": _answer(detail.get("reply")) if seen else None,
    }


def _details(kind: str, detail: dict) -> dict:
    """The kind's other facts the panel shows, as JSON values (never an item, a reply or a note)."""
    if kind == "idea":
        return {
            "board": detail.get("board"),
            "votes": detail.get("votes"),
            "comments": detail.get("comments"),
            "language": detail.get("language"),
        }
    if kind == "vote":
        return {
            "recorded_by": detail.get("recorded_by") or "",
            "recorded_via": detail.get("recorded_via") or "",
        }
    if kind == "comment":
        return {"is_reply": bool(detail.get("is_reply")), "language": detail.get("language")}
    if kind == "ballot":
        return {
            "anonymous": bool(detail.get("anonymous")),
            "answers": []
            if detail.get("anonymous")
            else [
                {"question": line["question"], "answers": list(line["answers"]), "html": line["html"]}
                for line in detail.get("answers", [])
            ],
            "closes_at": _iso(detail.get("closes_at")),
        }
    if kind == "membership":
        return {
            "state": detail.get("state"),
            "state_label": str(detail.get("state_label") or ""),
            "decided_at": _iso(detail.get("decided_at")),
            "device": detail.get("device") or "",
        }
    if kind == "feedback":
        if not detail.get("may_see"):
            return {}
        return {"feedback_kind": str(detail.get("kind_label") or ""), "programme": detail.get("programme")}
    if kind == "touchpoint":
        return {
            "touchpoint": detail.get("touchpoint"),
            "score": detail.get("score"),
            "group": detail.get("group"),
            "detractor": bool(detail.get("detractor")),
            "next_score": detail.get("next_score"),
            "delta": detail.get("delta"),
        }
    return {}


def _iso(moment):
    return moment.isoformat() if moment is not None else None


def entry_data(entry) -> dict:
    """One timeline entry as the panel shows it."""
    detail = entry.detail
    hidden = bool(detail.get("item")) and not detail.get("may_see", True)
    title, text, html, status, status_label, answer = entry.title, "", "", None, None, None
    if entry.kind == "feedback" and hidden:
        title = _hidden_title(detail.get("team"))
    if entry.kind == "comment":
        html = truncatewords_html(detail.get("html") or "", COMMENT_WORDS)
    if entry.kind == "touchpoint":
        text = detail.get("comment") or "" if not hidden else ""
    if entry.kind in ("idea", "vote") and detail.get("status") is not None:
        status, status_label = detail["status"].slug, str(detail["status"].label)
        answer = _answer(detail.get("answer")) if entry.kind == "idea" else None
    if detail.get("item"):
        status, status_label = detail["status"], str(detail["status_label"])
    return {
        "kind": entry.kind,
        "moment": entry.when,
        "title": title,
        "text": text,
        "html": html,
        "url": "" if hidden else entry.url,
        "hidden": hidden,
        "status": status,
        "status_label": status_label,
        "answer": answer,
        "handling": _handling(detail),
        "details": _details(entry.kind, detail),
    }


# --- Views ----------------------------------------------------------------------------------------

CUSTOMER_EXAMPLE = {
    "id": 42,
    "name": "Kari Nordmann",
    "email": "kari@example.com",
    "is_staff": False,
    "customer_numbers": ["100234"],
    "plan": "mobile",
    "plan_label": "Mobile",
    "region": "Oslo",
    "url": "/api/v1/customers/42/",
    "customer_since": "2024-09-01",
    "years_as_customer": 2,
    "preferred_language": "nb",
    "preferred_language_label": "Norwegian",
    "member_since": "2024-09-03T10:00:00Z",
    "panel": "/staff/customers/42/",
    "timeline": "/api/v1/customers/42/timeline/",
}


@extend_schema(tags=["customers: staff"])
class CustomerSearch(generics.GenericAPIView):
    serializer_class = CustomerSummarySerializer
    pagination_class = None  # at most customers.MAX_RESULTS: the schema must not promise pages
    required_scopes = ["staff"]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                description="Part of a name or e-mail address, a "
                "customer number, or a member number (“#42”). Empty finds nobody.",
            )
        ],
        responses={200: CustomerSummarySerializer(many=True), **errors(401, 403, 429)},
        examples=[
            OpenApiExample(
                "Found",
                value=[
                    {
                        k: CUSTOMER_EXAMPLE[k]
                        for k in (
                            "id",
                            "name",
                            "email",
                            "is_staff",
                            "customer_numbers",
                            "plan",
                            "plan_label",
                            "region",
                            "url",
                        )
                    }
                ],
                response_only=True,
            )
        ],
    )
    def get(self, request):
        """Staff only: customers whose name, e-mail or customer number contains `q`, or whose member
        number it is (at most 25), as the site's customer search finds them."""
        _check_staff(request)
        q = customers.clean_query(request.query_params.get("q", ""))
        return Response(CustomerSummarySerializer(customers.search(q), many=True).data)


@extend_schema(tags=["customers: staff"])
class CustomerDetail(generics.GenericAPIView):
    serializer_class = CustomerSerializer
    required_scopes = ["staff"]

    @extend_schema(
        responses={200: CustomerSerializer, **errors(401, 403, 404, 429)},
        examples=[OpenApiExample("A customer", value=CUSTOMER_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        """Staff only: the customer's attributes as their panel shows them (plan, customer since,
        region, preferred language, name, e-mail, customer numbers)."""
        return Response(CustomerSerializer(_customer(request, pk)).data)


TIMELINE_EXAMPLE = {
    "results": [
        {
            "kind": "feedback",
            "moment": "2026-11-30T09:12:00Z",
            "title": "Feedback handled by the TV team",
            "text": "",
            "html": "",
            "url": "",
            "hidden": True,
            "status": "in_progress",
            "status_label": "In progress",
            "answer": None,
            "handling": {
                "status": "in_progress",
                "status_label": "In progress",
                "team": "TV",
                "first_response_at": None,
                "first_response_after": None,
                "overdue": None,
                "answer": None,
            },
            "details": {},
        }
    ],
    "next": "1764493920000000",
}


@extend_schema(tags=["customers: staff"])
class CustomerTimeline(generics.GenericAPIView):
    serializer_class = TimelinePageSerializer
    pagination_class = None  # the timeline's own cursor, below
    required_scopes = ["staff"]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "cursor",
                OpenApiTypes.STR,
                description="The `next` value of the previous page; leave out for the newest entries.",
            )
        ],
        responses={200: TimelinePageSerializer, **errors(400, 401, 403, 404, 429)},
        examples=[OpenApiExample("Another team's feedback", value=TIMELINE_EXAMPLE, response_only=True)],
    )
    def get(self, request, pk):
        """Staff only: one page of the customer's history, newest first, from every app (ideas,
        votes, comments, polls, beta programmes, feedback, touchpoint scores), as their panel
        shows it: another team's feedback shows who handles it and its status, never its text."""
        customer = _customer(request, pk)
        raw = request.query_params.get("cursor", "")
        before = timeline.from_cursor(raw) if raw else None
        if raw and before is None:
            raise ValidationError({"cursor": [bad_cursor_message()]})
        page = timeline.timeline(customer, viewer=request.user, before=before)
        return Response(
            {
                "results": EntrySerializer([entry_data(e) for e in page.entries], many=True).data,
                "next": str(page.next_before) if page.next_before is not None else None,
            }
        )
