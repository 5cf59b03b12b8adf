"""The customer panel ("360"): one timeline of a customer's ideas, votes, comments, polls, beta
programmes, feedback and touchpoint scores, for staff only, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community import timeline
from feedback.models import FeedbackItem, InternalNote, Membership
from ideas import services as idea_services
from ideas.models import Idea, Status
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
from tests.insight.conftest import QUESTIONS, answer, cast

pytestmark = pytest.mark.django_db



def panel(client, member, **params):
    return client.get(reverse("customer_panel", args=[member.pk]), params)


# --- Permissions --------------------------------------------------------------------------------


@pytest.mark.parametrize("who, expected", [
    ("anonymous", 302), ("customer", 403), ("the customer herself", 403), ("staff", 200),
    ("other team's staff", 200), ("site admin", 200),
], ids=lambda v: str(v))
@pytest.mark.parametrize("page", ["panel", "search"])
def test_only_staff_open_customers(client, kari, who, expected, page):
    users = {
        "customer": lambda: MemberFactory(), "the customer herself": lambda: kari,
        "staff": lambda: StaffFactory(), "other team's staff": lambda: StaffFactory(staff=[TeamFactory(name="TV")]),
        "site admin": lambda: StaffFactory(is_superuser=True),
    }
    if who != "anonymous":
        client.force_login(users[who]())
    url = reverse("customer_panel", args=[kari.pk]) if page == "panel" else reverse("customer_search") + "?q=Kari"
    response = client.get(url)
    assert response.status_code == expected
    if expected == 302:
        assert "/accounts/login/" in response["Location"]
    if expected == 403:
        assert "Kari Nordmann" not in response.content.decode() or who == "the customer herself"
        assert "100234" not in response.content.decode()


@pytest.mark.parametrize("path", [
    "/staff/customers/%C2%B2/", "/staff/customers/0/", "/staff/customers/99999999999999999999999/",
    "/staff/customers/999999999999999999/", "/staff/customers/-1/", "/staff/customers/1.5/",
])
def test_bad_or_unknown_ids_are_404(staff_client, path):
    assert staff_client.get(path).status_code == 404


def test_a_deactivated_member_is_404(staff_client, kari):
    kari.is_active = False
    kari.save()
    assert panel(staff_client, kari).status_code == 404


@pytest.mark.parametrize("q", ["Kari\x00", "\x01\x02Kari\x7f", "K" * 10_000, "²", "%", "' OR 1=1 --", "\u202eiraK"])
def test_search_survives_bad_input(staff_client, kari, q):
    response = staff_client.get(reverse("customer_search"), {"q": q})
    assert response.status_code == 200


@pytest.mark.parametrize("q", ["kari nord", "100234", "member", "KARI"])
def test_search_finds_by_name_email_or_customer_number(staff_client, kari, q):
    kari.email = "kari.member@example.com"
    kari.save()
    page = staff_client.get(reverse("customer_search"), {"q": q}).content.decode()
    assert reverse("customer_panel", args=[kari.pk]) in page


def test_search_by_member_number(staff_client, kari):
    page = staff_client.get(reverse("customer_search"), {"q": f"#{kari.pk}"}).content.decode()
    assert reverse("customer_panel", args=[kari.pk]) in page


@pytest.mark.parametrize("before", ["²", "x", "-5", "9" * 40, "", "0"])
def test_bad_cursor_is_the_first_page(staff_client, kari, before):
    assert panel(staff_client, kari, before=before).status_code == 200


# --- What it shows ------------------------------------------------------------------------------


def test_panel_shows_attributes_and_every_kind_of_history(staff_client, kari):
    board = make_board(title="Mobile board")
    idea = IdeaFactory(board=board, author=kari, title="Cheaper roaming in Sweden")
    staff = StaffFactory(is_superuser=True)
    idea_services.change_status(idea=idea, to=Status.by_slug("planned"), response="We will do this in May.", by=staff)
    VoteFactory(idea=IdeaFactory(board=board, title="Better coverage at the cabin"), member=kari)
    CommentFactory(idea=IdeaFactory(board=board, title="eSIM for watches"), author=kari, body_html="<p>Yes please</p>")
    programme = make_programme(title="New TV guide beta")
    Membership.objects.create(programme=programme, member=kari, state=Membership.State.ACTIVE)
    make_thread(programme=programme, author=kari, title="The guide freezes")
    touchpoint = TouchpointFactory(name="Invoice")
    answer(touchpoint, kari, 3, days_ago=10, comment="Too expensive")
    answer(touchpoint, kari, 8, days_ago=1)

    page = panel(staff_client, kari).content.decode()
    for text in ("Kari Nordmann", "100234", "Mobile", "Oslo", "Norwegian", "Cheaper roaming in Sweden",
                 "We will do this in May.", "Better coverage at the cabin", "Yes please", "eSIM for watches",
                 "New TV guide beta", "The guide freezes", "Too expensive", "Score 3", "Score 8"):
        assert text in page, text
    assert "Detractor: next score here 8 (+5)." in page


def test_anonymous_poll_answers_never_appear_next_to_the_member(kari):
    named = make_poll(questions=QUESTIONS, title="Named poll")
    secret = make_poll(questions=QUESTIONS, anonymous=True, title="Secret poll")
    cast(named, kari, "Premium", "Named reason")
    cast(secret, kari, "Cheap", "Secret reason")
    client = __import__("django.test", fromlist=["Client"]).Client()
    client.force_login(StaffFactory(is_superuser=True))
    page = panel(client, kari).content.decode()
    assert "Named poll" in page and "Premium" in page and "Named reason" in page
    assert "Secret poll" in page and "anonymous poll" in page
    assert "Secret reason" not in page
    # "Cheap" is an option of both polls: it must not be shown for the secret poll.
    secret_entry = page.split("Secret poll", 1)[1].split("</li>", 1)[0]
    assert "Cheap" not in secret_entry and "Premium" not in secret_entry


def test_other_teams_feedback_shows_without_its_text_or_notes(client, kari):
    tv, billing = TeamFactory(name="TV", slug="tv"), TeamFactory(name="Billing", slug="billing")
    programme = make_programme(title="Guide beta", owner_team=tv)
    Membership.objects.create(programme=programme, member=kari, state=Membership.State.ACTIVE)
    thread = make_thread(programme=programme, author=kari, title="Secret guide crash")
    item = FeedbackItem.objects.get(thread=thread)
    assert item.team == tv
    InternalNote.objects.create(item=item, author=StaffFactory(staff=[tv]), body_source="x", body_html="Internal TV note")
    touchpoint = TouchpointFactory(name="TV app", owner_team=tv)
    answer(touchpoint, kari, 2, comment="Hidden comment text")

    client.force_login(StaffFactory(staff=[billing]))
    page = panel(client, kari).content.decode()
    assert "Feedback handled by the TV team" in page
    for secret in ("Secret guide crash", "Internal TV note", "Hidden comment text"):
        assert secret not in page
    client.force_login(StaffFactory(staff=[tv]))
    page = panel(client, kari).content.decode()
    assert "Secret guide crash" in page and "Hidden comment text" in page
    assert "Internal TV note" not in page  # the panel never shows internal notes at all


# --- Order, pages and queries -------------------------------------------------------------------


def _history(member, n):
    board = make_board()
    now = timezone.now()
    for i in range(n):
        idea = IdeaFactory(board=board, author=member, title=f"Idea {i}")
        Idea.objects.filter(pk=idea.pk).update(created_at=now - timedelta(hours=3 * i))
        vote = VoteFactory(idea=IdeaFactory(board=board, title=f"Voted {i}"), member=member)
        type(vote).objects.filter(pk=vote.pk).update(created_at=now - timedelta(hours=3 * i + 1))
        comment = CommentFactory(idea=idea, author=member)
        type(comment).objects.filter(pk=comment.pk).update(created_at=now - timedelta(hours=3 * i + 2))


def test_timeline_is_newest_first_and_pages_without_gaps_or_repeats(kari):
    _history(kari, 15)  # 45 entries
    viewer = StaffFactory(is_superuser=True)
    seen, before = [], None
    for _ in range(5):
        page = timeline.timeline(kari, viewer=viewer, before=before, limit=20)
        seen.extend(page.entries)
        if page.next_before is None:
            break
        before = timeline.from_cursor(page.next_before)
    assert len(seen) == 45
    whens = [e.when for e in seen]
    assert whens == sorted(whens, reverse=True)
    assert len({(e.kind, e.when) for e in seen}) == 45


def test_entries_at_the_same_moment_are_never_split_across_pages(kari):
    board = make_board()
    moment = timezone.now()
    for i in range(5):
        idea = IdeaFactory(board=board, author=kari)
        Idea.objects.filter(pk=idea.pk).update(created_at=moment - timedelta(minutes=i // 2))
    viewer = StaffFactory(is_superuser=True)
    first = timeline.timeline(kari, viewer=viewer, limit=3)
    second = timeline.timeline(kari, viewer=viewer, limit=3, before=timeline.from_cursor(first.next_before))
    assert len(first.entries) + len(second.entries) == 5


def test_show_older_link_leads_to_the_rest(staff_client, kari):
    _history(kari, 10)
    first = panel(staff_client, kari)
    assert first.context["page"].next_before
    older = panel(staff_client, kari, before=first.context["page"].next_before)
    assert len(first.context["page"].entries) + len(older.context["page"].entries) == 30


def _everything(member, n):
    board = make_board()
    programme = make_programme()
    touchpoint = TouchpointFactory()
    for i in range(n):
        idea = IdeaFactory(board=board, author=member)
        VoteFactory(idea=idea, member=MemberFactory())
        VoteFactory(idea=IdeaFactory(board=board), member=member)
        CommentFactory(idea=idea, author=member)
        answer(touchpoint, member, i % 11, days_ago=i)
        cast(make_poll(questions=QUESTIONS, anonymous=bool(i % 2)), member, "Cheap", "why")
    Membership.objects.create(programme=programme, member=member, state=Membership.State.ACTIVE)
    for i in range(n):
        make_thread(programme=programme, author=member, title=f"Thread {i}")


@pytest.mark.parametrize("n", [2, 12])
def test_panel_runs_a_fixed_number_of_queries(client, kari, n, django_assert_max_num_queries):
    _everything(kari, n)
    client.force_login(StaffFactory(staff=[triage_team()]))
    panel(client, kari)  # warm the page-visibility cache like any running site
    with django_assert_max_num_queries(26):
        response = panel(client, kari)
    assert response.status_code == 200


# --- Links to the panel -------------------------------------------------------------------------


def test_staff_reach_the_panel_from_feedback_ideas_and_the_admin(client, kari):
    panel_url = reverse("customer_panel", args=[kari.pk])
    answer(TouchpointFactory(), kari, 4)
    idea = IdeaFactory(board=make_board(), author=kari)
    client.force_login(StaffFactory(is_superuser=True))
    assert panel_url in client.get(reverse("feedback_staff")).content.decode()
    assert panel_url in client.get(idea.get_absolute_url()).content.decode()
    assert panel_url in client.get("/admin/customers/").content.decode()
    client.force_login(MemberFactory())
    assert panel_url not in client.get(idea.get_absolute_url()).content.decode()
