"""The staff insight API: the customer panel (search, attributes, timeline) and the team
dashboard's figures, answered by the same code as the pages, refused to the same people, and in a
fixed number of queries."""

from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from community import rules, timeline
from community.tokens import create_token
from feedback import dashboard
from feedback import rules as feedback_rules
from feedback.models import FeedbackItem, InternalNote, Membership, Status
from ideas import services as idea_services
from ideas.models import Idea
from ideas.models import Status as IdeaStatus
from ideas.queries import answers_by_board
from tests.factories import (
    CommentFactory,
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    TeamFactory,
    TouchpointFactory,
    VoteFactory,
    make_board,
    make_poll,
    make_programme,
    make_thread,
    triage_team,
)

# The panel tests' customer and helpers; their after-commit fixture, imported, applies here too.
from tests.insight.conftest import QUESTIONS, _after_commit_at_once, answer, cast, make_kari  # noqa: F401

pytestmark = pytest.mark.django_db

@pytest.fixture
def kari(db):
    return make_kari()


@pytest.fixture
def billing(db):
    return TeamFactory(name="Billing", slug="billing")


@pytest.fixture
def network(db):
    return TeamFactory(name="Network", slug="network")


def session(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def bearer(person, scopes=("read", "staff"), teams=()) -> Client:
    _token, secret = create_token(by=person, name="insight", scopes=list(scopes), teams=list(teams))
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def everything(member, n):
    """n of each kind of entry about the member: ideas (one answered), votes, comments, touchpoint
    scores, polls (named and anonymous), a beta programme and its threads."""
    board = make_board(title="Mobile board")
    programme = make_programme(title="New TV guide beta")
    touchpoint = TouchpointFactory(name="Invoice")
    for i in range(n):
        idea = IdeaFactory(board=board, author=member, title=f"Idea {i}")
        VoteFactory(idea=idea, member=MemberFactory())
        VoteFactory(idea=IdeaFactory(board=board, title=f"Voted {i}"), member=member)
        CommentFactory(idea=idea, author=member, body_html=f"<p>Comment {i}</p>")
        answer(touchpoint, member, i % 11, days_ago=i, comment=f"Score comment {i}")
        cast(make_poll(questions=QUESTIONS, anonymous=bool(i % 2), title=f"Poll {i}"), member, "Cheap", "why")
    Membership.objects.create(programme=programme, member=member, state=Membership.State.ACTIVE)
    for i in range(n):
        make_thread(programme=programme, author=member, title=f"Thread {i}")
    idea_services.change_status(
        idea=Idea.objects.filter(author=member).first(),
        to=IdeaStatus.by_slug("planned"),
        response="We will do this in May.",
        by=StaffFactory(is_superuser=True),
    )


def api_get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


def moments(entries) -> list:
    return [
        (e["kind"], datetime.fromisoformat(e["moment"].replace("Z", "+00:00")), e["url"]) for e in entries
    ]


# --- The customer panel ---------------------------------------------------------------------------


def test_staff_read_the_same_timeline_through_the_page_and_the_api(kari):
    everything(kari, 6)  # over 40 entries: more than one page
    staff = StaffFactory(staff=[triage_team()])
    page_client, api_client = session(staff), bearer(staff)
    before, cursor, pages = None, None, 0
    while True:
        page = page_client.get(
            reverse("customer_panel", args=[kari.pk]), {"before": before} if before else {}
        )
        body = api_get(api_client, "api_customer_timeline", kari.pk, **({"cursor": cursor} if cursor else {}))
        assert body.status_code == 200, body.content
        data = body.json()
        shown = page.context["page"]
        assert moments(data["results"]) == [(e.kind, e.when, e.url) for e in shown.entries]
        assert data["next"] == (str(shown.next_before) if shown.next_before else None)
        pages += 1
        if not data["next"]:
            break
        before = cursor = data["next"]
    assert pages >= 2
    kinds = {e.kind for e in timeline.timeline(kari, viewer=staff, limit=200).entries}
    assert kinds == {"idea", "vote", "comment", "touchpoint", "ballot", "membership", "feedback"}


def test_entries_carry_what_the_panel_shows(kari):
    everything(kari, 2)
    data = api_get(bearer(StaffFactory(is_superuser=True)), "api_customer_timeline", kari.pk).json()[
        "results"
    ]
    by_kind = {}
    for entry in data:
        by_kind.setdefault(entry["kind"], []).append(entry)
    planned = next(e for e in by_kind["idea"] if e["answer"])
    assert planned["status"] == "planned" and "We will do this in May." in planned["answer"]["html"]
    assert planned["details"]["board"] == "Mobile board"
    assert {e["html"] for e in by_kind["comment"]} == {"<p>Comment 0</p>", "<p>Comment 1</p>"}
    assert {e["text"] for e in by_kind["touchpoint"]} == {"Score comment 0", "Score comment 1"}
    assert all(e["handling"]["status"] and not e["hidden"] for e in by_kind["touchpoint"])
    assert {e["title"] for e in by_kind["feedback"]} == {"Thread 0", "Thread 1"}
    named = next(e for e in by_kind["ballot"] if not e["details"]["anonymous"])
    secret = next(e for e in by_kind["ballot"] if e["details"]["anonymous"])
    assert named["details"]["answers"][0]["answers"] == ["Cheap"]
    assert secret["details"]["answers"] == []


def test_another_teams_feedback_shows_without_its_text_in_the_api(kari):
    tv, billing = TeamFactory(name="TV", slug="tv"), TeamFactory(name="Billing", slug="billing")
    programme = make_programme(title="Guide beta", owner_team=tv)
    Membership.objects.create(programme=programme, member=kari, state=Membership.State.ACTIVE)
    thread = make_thread(programme=programme, author=kari, title="Secret guide crash")
    item = FeedbackItem.objects.get(thread=thread)
    InternalNote.objects.create(
        item=item, author=StaffFactory(staff=[tv]), body_source="x", body_html="Internal TV note"
    )
    answer(TouchpointFactory(name="TV app", owner_team=tv), kari, 2, comment="Hidden comment text")

    response = api_get(bearer(StaffFactory(staff=[billing])), "api_customer_timeline", kari.pk)
    content = response.content.decode()
    for secret in ("Secret guide crash", "Internal TV note", "Hidden comment text", item.get_absolute_url()):
        assert secret not in content
    entries = {e["kind"]: e for e in response.json()["results"]}
    feedback, score = entries["feedback"], entries["touchpoint"]
    assert feedback["hidden"] and feedback["title"] == "Feedback handled by the TV team"
    assert feedback["url"] == "" and feedback["details"] == {}
    assert feedback["handling"]["team"] == "TV" and feedback["handling"]["status"] == item.status
    assert feedback["handling"]["answer"] is None
    assert score["hidden"] and score["title"] == "TV app" and score["text"] == "" and score["url"] == ""

    content = api_get(bearer(StaffFactory(staff=[tv])), "api_customer_timeline", kari.pk).content.decode()
    assert "Secret guide crash" in content and "Hidden comment text" in content
    assert "Internal TV note" not in content  # the panel never shows internal notes at all


def test_customer_attributes_as_the_panel_shows_them(kari):
    data = api_get(bearer(StaffFactory()), "api_customer", kari.pk).json()
    assert data["name"] == "Kari Nordmann" and data["email"] == "kari.member@example.com"
    assert data["customer_numbers"] == ["100234"] and data["plan"] == "mobile" and data["region"] == "Oslo"
    assert data["preferred_language"] == "nb"
    assert data["preferred_language_label"] == kari.get_preferred_language_display()
    assert data["customer_since"] == kari.customer_since.isoformat() and data["years_as_customer"] == 2
    assert data["timeline"] == reverse("api_customer_timeline", args=[kari.pk])


@pytest.mark.parametrize(
    "q",
    [
        "kari nord",
        "100234",
        "member",
        "KARI",
        "#self",
        "Kari\x00",
        "\x01Kari\x7f",
        "K" * 10_000,
        "²",
        "%",
        "' OR 1=1 --",
        "",
    ],
)
def test_search_finds_what_the_page_finds(kari, q):
    MemberFactory(display_name="Karin Other")
    q = q.replace("#self", f"#{kari.pk}")
    staff = StaffFactory()
    page = session(staff).get(reverse("customer_search"), {"q": q}).context["results"]
    response = api_get(bearer(staff), "api_customers", q=q)
    assert response.status_code == 200
    assert [c["id"] for c in response.json()] == [c.pk for c in page]
    if q and "Kari" in q and len(q) < 50 or q in ("100234", "member", f"#{kari.pk}"):
        assert kari.pk in [c["id"] for c in response.json()]


# --- Who may ask ----------------------------------------------------------------------------------

ENDPOINTS = ["search", "customer", "timeline", "dashboard"]


def _url(endpoint, kari) -> str:
    return {
        "search": reverse("api_customers") + "?q=Kari",
        "customer": reverse("api_customer", args=[kari.pk]),
        "timeline": reverse("api_customer_timeline", args=[kari.pk]),
        "dashboard": reverse("api_dashboard"),
    }[endpoint]


RULE_WORDS = {"dashboard": "Only staff can see the team dashboard."}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "who",
    [
        "customer session",
        "customer token",
        "the customer herself",
        "staff token without the staff scope",
        "anonymous",
    ],
)
def test_customers_and_tokens_without_the_staff_scope_are_refused(kari, billing, endpoint, who):
    everything(kari, 1)
    client = {
        "customer session": lambda: session(MemberFactory()),
        "customer token": lambda: bearer(MemberFactory(), scopes=["read", "write"]),
        "the customer herself": lambda: session(kari),
        "staff token without the staff scope": lambda: bearer(
            StaffFactory(staff=[billing]), scopes=["read", "write"]
        ),
        "anonymous": lambda: Client(),
    }[who]()
    response = client.get(_url(endpoint, kari))
    assert response.status_code == 403, response.content  # DRF's 403 for no credentials with sessions first
    body = response.content.decode()
    assert "Kari Nordmann" not in body and "100234" not in body
    if who == "customer session":
        assert response.json()["detail"] == RULE_WORDS.get(endpoint, "Only staff can see customers' history.")
    if who == "the customer herself":  # in her own language, as the page says it
        with translation.override("nb"):
            words = (
                feedback_rules.why_not_view_dashboard(kari)
                if endpoint == "dashboard"
                else rules.why_not_view_customers(kari)
            )
        assert response.json()["detail"] == words
    if "token" in who:
        assert response.json()["code"] == "missing_scope"
    if who == "anonymous":
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_staff_with_the_staff_scope_are_answered(kari, billing, endpoint):
    assert bearer(StaffFactory(staff=[billing])).get(_url(endpoint, kari)).status_code == 200
    assert session(StaffFactory(staff=[billing])).get(_url(endpoint, kari)).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/customers/%C2%B2/",
        "/api/v1/customers/0/",
        "/api/v1/customers/99999999999999999999/",
        "/api/v1/customers/999999999999999999/",
        "/api/v1/customers/-1/",
        "/api/v1/customers/1.5/",
        "/api/v1/customers/%00/",
        "/api/v1/customers/999999999999999999/timeline/",
        "/api/v1/customers/99999999999999999999/timeline/",
        "/api/v1/customers/%C2%B2/timeline/",
    ],
)
def test_unknown_or_bad_customer_ids_are_404(path):
    response = bearer(StaffFactory()).get(path)
    assert response.status_code == 404 and response.json()["code"]


def test_a_deactivated_customer_is_404(kari):
    kari.is_active = False
    kari.save()
    client = bearer(StaffFactory())
    assert api_get(client, "api_customer", kari.pk).status_code == 404
    assert api_get(client, "api_customer_timeline", kari.pk).status_code == 404


@pytest.mark.parametrize(
    "cursor", ["²", "x", "-5", "0", "9" * 19, "9" * 40, "9000000000000000000", "\x00", "1.5", "12\x0034"]
)
def test_a_bad_cursor_is_a_400_with_a_clear_message(kari, cursor):
    response = api_get(bearer(StaffFactory()), "api_customer_timeline", kari.pk, cursor=cursor)
    assert response.status_code == 400, response.content
    assert response.json()["cursor"] == ["This page link is not valid: start again from the first page."]


# --- The dashboard ----------------------------------------------------------------------------------


def item_for(team, *, created, first_response=None, resolved=None, status=Status.NEW):
    made = answer(TouchpointFactory(owner_team=team), MemberFactory(), 8)
    FeedbackItem.objects.filter(answer=made).update(
        team=team, created_at=created, first_response_at=first_response, resolved_at=resolved, status=status
    )
    return FeedbackItem.objects.get(answer=made)


def figures_world(billing, network, n=3):
    now = timezone.now()
    touchpoint = TouchpointFactory(name="Invoice", owner_team=billing)
    board = make_board(title="Billing board", owner_team=billing)
    for i in range(n):
        item_for(
            billing,
            created=now - timedelta(hours=i * 29),
            first_response=now - timedelta(hours=i),
            resolved=now if i % 2 else None,
            status=Status.RESOLVED if i % 2 else Status.ACKNOWLEDGED,
        )
        item_for(network, created=now - timedelta(days=i * 3))
        member = MemberFactory()
        answer(touchpoint, member, i % 11, days_ago=i + 2)
        answer(touchpoint, member, 9, days_ago=i)
        IdeaFactory(board=board)
    idea_services.change_status(
        idea=Idea.objects.filter(board=board).first(),
        to=IdeaStatus.by_slug("planned"),
        response="Planned.",
        by=StaffFactory(staff=[billing]),
    )
    IdeaFactory(board=make_board(title="Network board", owner_team=network))


def test_dashboard_numbers_are_the_dashboard_functions(billing, network):
    figures_world(billing, network)
    data = api_get(bearer(StaffFactory(staff=[billing])), "api_dashboard", team=billing.pk).json()
    ids = frozenset([billing.pk])
    assert data["team"] == {"id": billing.pk, "name": "Billing"} and data["team_ids"] == [billing.pk]
    assert [(b["label"], b["open_items"]) for b in data["open_by_age"]] == dashboard.open_by_age(ids)
    assert data["open_total"] == sum(n for _label, n in dashboard.open_by_age(ids)) > 0
    for key, rows in (
        ("response_times", dashboard.response_times(ids)),
        ("resolution_times", dashboard.resolution_times(ids)),
    ):
        assert [
            (w["week"], w["count"], w["median_hours"], w["p90_hours"], w["on_target"]) for w in data[key]
        ] == [(w.week.date().isoformat(), w.count, w.median_hours, w.p90_hours, w.on_target) for w in rows]
        assert sum(w["count"] for w in data[key]) > 0
    assert [
        (t["touchpoint"], [(m["month"], m["nps"], m["answers"]) for m in t["months"]])
        for t in data["nps_by_month"]
    ] == [
        (t.name, [(first.isoformat(), value, n) for first, value, n in t.by_month])
        for t in dashboard.nps_by_month(ids)
    ]
    followups = dashboard.detractor_followups(ids)
    assert followups and [
        (
            f["touchpoint"],
            f["detractors"],
            f["answered"],
            f["answered_change"],
            f["unanswered_change"],
            f["unanswered_followed"],
        )
        for f in data["detractor_followups"]
    ] == [
        (f.name, f.detractors, f.answered, f.answered_change, f.unanswered_change, f.unanswered_followed)
        for f in followups
    ]
    assert (
        [
            {"title": b["board"], "answered": b["answered"], "waiting": b["waiting"]}
            for b in data["ideas_by_board"]
        ]
        == answers_by_board(ids)
        == [{"title": "Billing board", "answered": 1, "waiting": 2}]
    )
    assert [(t["slug"], t["items"]) for t in data["top_tags"]] == [
        (t.slug, t.n) for t in dashboard.top_tags(ids)
    ]


def test_all_teams_covers_the_viewers_teams(billing, network):
    figures_world(billing, network)
    both = StaffFactory(staff=[billing, network])
    data = api_get(bearer(both), "api_dashboard", team="all").json()
    assert data["team"] is None and data["team_ids"] == sorted([billing.pk, network.pk])
    assert data["open_total"] == sum(
        n for _label, n in dashboard.open_by_age(frozenset([billing.pk, network.pk]))
    )
    admin = api_get(bearer(StaffFactory(is_superuser=True)), "api_dashboard").json()
    assert admin["team_ids"] is None and admin["open_total"] == sum(
        n for _l, n in dashboard.open_by_age(None)
    )
    only = api_get(bearer(StaffFactory(staff=[billing])), "api_dashboard").json()
    assert only["team"]["id"] == billing.pk  # one team: chosen, as on the page


def test_a_team_limited_token_sees_only_its_teams(billing, network):
    figures_world(billing, network)
    both = StaffFactory(staff=[billing, network])
    limited = bearer(both, teams=[billing])
    assert api_get(limited, "api_dashboard", team=billing.pk).status_code == 200
    # Out of the token's reach like a team the member is not on (the token acts within Billing).
    assert api_get(limited, "api_dashboard", team=network.pk).status_code == 404
    data = api_get(limited, "api_dashboard", team="all").json()
    assert data["team_ids"] == [billing.pk]
    assert data["open_total"] == sum(n for _label, n in dashboard.open_by_age(frozenset([billing.pk])))
    admin = StaffFactory(is_superuser=True, staff=[network])
    assert api_get(bearer(admin, teams=[network]), "api_dashboard").json()["team_ids"] == [network.pk]


@pytest.mark.parametrize(
    "team, expected",
    [
        ("network", 404),
        ("²", 404),
        ("9" * 30, 404),
        ("\x00", 404),
        ("-1", 404),
        ("0", 404),
        ("billing", 200),
        ("all", 200),
        ("", 200),
    ],
)
def test_a_team_the_member_is_not_on_is_404_like_the_page(billing, network, team, expected):
    staff = StaffFactory(staff=[billing])
    value = {"billing": billing.pk, "network": network.pk}.get(team, team)
    response = api_get(bearer(staff), "api_dashboard", team=value)
    assert response.status_code == expected, response.content
    if "\x00" not in team:
        assert session(staff).get(reverse("staff_dashboard"), {"team": value}).status_code == expected


def test_staff_on_no_team_are_refused_in_the_rules_words():
    staff = StaffFactory()
    staff.teams.clear()
    response = api_get(bearer(staff), "api_dashboard")
    assert response.status_code == 403
    assert response.json()["detail"] == "You are on no team yet: a site admin can add you to one."


# --- Queries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 8])
def test_timeline_pages_run_a_fixed_number_of_queries(kari, n, django_assert_max_num_queries):
    everything(kari, n)
    client = session(StaffFactory(staff=[triage_team()]))
    url = reverse("api_customer_timeline", args=[kari.pk])
    first = client.get(url)  # warm the page-visibility cache like any running site
    with django_assert_max_num_queries(18):
        assert client.get(url).status_code == 200
    if n > 1:
        with django_assert_max_num_queries(18):
            assert client.get(url, {"cursor": first.json()["next"]}).status_code == 200


@pytest.mark.parametrize("n", [2, 20])
def test_dashboard_runs_a_fixed_number_of_queries(billing, network, n, django_assert_max_num_queries):
    figures_world(billing, network, n)
    client = session(StaffFactory(staff=[billing]))
    client.get(reverse("api_dashboard"))
    with django_assert_max_num_queries(13):
        assert client.get(reverse("api_dashboard"), {"team": billing.pk}).status_code == 200
