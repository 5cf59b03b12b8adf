"""The API and the HTML views refuse the same things: who × what, by id, each asked through both.
Something the caller may not see is a 404 on both; something they see but may not do is a 403
with the same words (the rule's) on both.

Anonymous writes are left out: the site sends a visitor to the login page, the API answers 403
before looking anything up (so it says nothing about the id either).
"""

import html

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from feedback import services as feedback_services
from feedback.models import FeedbackItem
from ideas import services as idea_services
from ideas.polls.pages import PollPage
from tests.factories import (
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    TeamFactory,
    TouchpointFactory,
    idea_status,
    make_board,
    make_member_of,
    make_poll,
    make_programme,
    make_thread,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "customer", "other_customer", "programme_member", "staff", "other_team_staff"]


@pytest.fixture
def world():
    from django.contrib.auth.models import Group

    customer, other = MemberFactory(), MemberFactory()
    programme = make_programme()
    insider = make_member_of(programme)
    thread = make_thread(programme, insider, title="The guide is slow")
    pending = IdeaFactory(author=customer, board=make_board(requires_approval=True),
                          status=idea_status("awaiting-approval"))
    open_idea = IdeaFactory(author=customer)
    withdrawn = IdeaFactory(author=customer)
    idea_services.withdraw_idea(idea=withdrawn, by=customer)
    private = make_board()
    restriction = PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Insiders"))
    secret = IdeaFactory(board=private)
    poll = make_poll(results_visibility=PollPage.Results.AFTER_CLOSE)
    touchpoint = TouchpointFactory()
    feedback_services.submit_answer(touchpoint=touchpoint, score=3, comment="The invoice is wrong")
    item = FeedbackItem.objects.get(touchpoint=touchpoint)
    FeedbackItem.objects.filter(pk=item.pk).update(author=customer)
    people = {"anonymous": None, "customer": customer, "other_customer": other, "programme_member": insider,
              # Staff on the triage team, which owns what the test makes, and staff on another team.
              "staff": StaffFactory(), "other_team_staff": StaffFactory(staff=[TeamFactory(name="Billing")])}
    return {"people": people, "thread": thread, "pending": pending, "withdrawn": withdrawn, "open": open_idea, "secret": secret,
            "poll": poll, "item": item}


def client_for(world, role) -> Client:
    client = Client()
    if world["people"][role] is not None:
        client.force_login(world["people"][role])
    return client


def refusal(response) -> tuple[int, str | None]:
    """(status, message) of an answer from either side: the 403 page's message, the API's
    detail, the page script's JSON error, or a page (a form may show a refusal in place)."""
    is_json = response["Content-Type"].startswith("application/json")
    if response.status_code == 403 and is_json:
        body = response.json()
        return 403, body.get("detail") or body.get("error")
    if response.status_code in (200, 400, 403) and response["Content-Type"].startswith("text/html"):
        return response.status_code, html.unescape(response.content.decode())
    return response.status_code, None


def undone(call):
    """Answer a request and roll back what it wrote, so the other side meets the same state."""
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response


# what → (HTML request, API request); each a function of (client, world).
def _json(method, url, data=None):
    return lambda c: getattr(c, method)(url, data or {}, content_type="application/json")


CASES = {
    "thread": (
        lambda c, w: c.get(reverse("feedback_thread", args=[w["thread"].pk])),
        lambda c, w: c.get(reverse("api_beta_thread", args=[w["thread"].pk])),
    ),
    "thread_reply": (
        lambda c, w: c.post(reverse("feedback_reply", args=[w["thread"].pk]), {"body": "Me too"}),
        lambda c, w: _json("post", reverse("api_beta_thread_posts", args=[w["thread"].pk]), {"body": "Me too"})(c),
    ),
    "pending_idea": (
        lambda c, w: c.get(w["pending"].get_absolute_url()),
        lambda c, w: c.get(reverse("api_idea", args=[w["pending"].pk])),
    ),
    "pending_idea_vote": (
        lambda c, w: c.post(reverse("idea_vote", args=[w["pending"].pk]), {"action": "vote"},
                            HTTP_ACCEPT="application/json"),
        lambda c, w: c.put(reverse("api_idea_vote", args=[w["pending"].pk])),
    ),
    "withdrawn_idea_vote": (
        lambda c, w: c.post(reverse("idea_vote", args=[w["withdrawn"].pk]), {"action": "vote"},
                            HTTP_ACCEPT="application/json"),
        lambda c, w: c.put(reverse("api_idea_vote", args=[w["withdrawn"].pk])),
    ),
    "withdrawn_idea_edit": (
        lambda c, w: c.post(reverse("idea_edit", args=[w["withdrawn"].pk]), {"title": "Something else entirely"}),
        lambda c, w: _json("patch", reverse("api_idea", args=[w["withdrawn"].pk]),
                           {"title": "Something else entirely"})(c),
    ),
    "private_board_idea": (
        lambda c, w: c.get(w["secret"].get_absolute_url()),
        lambda c, w: c.get(reverse("api_idea", args=[w["secret"].pk])),
    ),
    "idea_status": (
        lambda c, w: c.post(reverse("idea_status", args=[w["open"].pk]),
                            {"status-status": "planned", "status-response": "On our plan."}),
        lambda c, w: _json("post", reverse("api_idea_status", args=[w["open"].pk]),
                           {"status": "planned", "response": "On our plan."})(c),
    ),
    "feedback_item": (
        lambda c, w: c.get(reverse("feedback_item", args=[w["item"].pk])),
        lambda c, w: c.get(reverse("api_feedback_item", args=[w["item"].pk])),
    ),
    "feedback_item_status": (
        lambda c, w: c.post(reverse("feedback_item_status", args=[w["item"].pk]),
                            {"status": "acknowledged", "response": ""}),
        lambda c, w: _json("post", reverse("api_feedback_item_status", args=[w["item"].pk]),
                           {"status": "acknowledged"})(c),
    ),
}

NOT_OPEN = "This idea is not open for votes."
NOT_OURS = "Only the team that owns this board can answer its ideas."
# "form": the site shows the refusal inside its form (the page again), the API answers 403.
EXPECTED = {
    #                      anonymous  customer  other_customer  programme_member  staff  other_team_staff
    "thread":              (404,      404,      404,            200,              200,   200),
    "thread_reply":        (None,     404,      404,            "ok",             "ok",  "ok"),
    "pending_idea":        (404,      200,      404,            404,              200,   200),
    "pending_idea_vote":   (None,     403,      404,            404,              403,   403),
    "withdrawn_idea_vote": (None,     403,      403,            403,              403,   403),
    "withdrawn_idea_edit": (None,     403,      403,            403,              "ok",  "ok"),
    "private_board_idea":  (404,      404,      404,            404,              404,   404),
    "idea_status":         (None,     403,      403,            403,              "ok",  403),
    "feedback_item":       (404,      200,      404,            404,              200,   404),
    "feedback_item_status": (None,    403,      404,            404,              "ok",  404),
}
MESSAGES = {
    ("pending_idea_vote", "customer"): NOT_OPEN,
    ("pending_idea_vote", "staff"): NOT_OPEN,
    ("pending_idea_vote", "other_team_staff"): NOT_OPEN,
    ("withdrawn_idea_vote", "other_team_staff"): NOT_OPEN,
    ("idea_status", "other_team_staff"): NOT_OURS,
    ("withdrawn_idea_vote", "customer"): NOT_OPEN,
    ("withdrawn_idea_vote", "other_customer"): NOT_OPEN,
    ("withdrawn_idea_vote", "programme_member"): NOT_OPEN,
    ("withdrawn_idea_vote", "staff"): NOT_OPEN,
    ("withdrawn_idea_edit", "customer"): "You can no longer edit this idea.",
    ("withdrawn_idea_edit", "other_customer"): "You can only edit your own ideas.",
    ("withdrawn_idea_edit", "programme_member"): "You can only edit your own ideas.",
    ("feedback_item_status", "customer"): "Only staff can do this.",
    ("idea_status", "customer"): "Only staff can change the status of an idea.",
    ("idea_status", "other_customer"): "Only staff can change the status of an idea.",
    ("idea_status", "programme_member"): "Only staff can change the status of an idea.",
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("what", list(CASES))
def test_the_site_and_the_api_refuse_the_same_things(world, what, role):
    expected = EXPECTED[what][ROLES.index(role)]
    html_view, api_view = CASES[what]
    if expected is None:
        # A visitor's write: the site asks them to log in, the API refuses before any lookup.
        site = undone(lambda: html_view(client_for(world, role), world))
        api = undone(lambda: api_view(client_for(world, role), world))
        # (a page redirects to log in; the page script's JSON endpoints answer 401)
        assert site.status_code in (302, 401, 404) and (site.status_code != 302 or "/login/" in site["Location"])
        assert api.status_code in (401, 403) and api["Content-Type"].startswith("application/json")
        return
    site = refusal(undone(lambda: html_view(client_for(world, role), world)))
    api = refusal(undone(lambda: api_view(client_for(world, role), world)))
    if expected == "ok":  # allowed: the site redirects after its write, the API answers 2xx
        assert site[0] in (200, 302) and 200 <= api[0] < 300, (site[0], api)
        return
    if expected == 200:
        assert site[0] == api[0] == 200
        return
    if expected == "form":
        message = MESSAGES[(what, role)]
        assert api == (403, message)
        assert site[0] in (200, 400) and message in site[1]
        return
    assert api[0] == expected, api
    assert site[0] == expected, site[0]
    if expected == 403:
        message = MESSAGES[(what, role)]
        assert api[1] == message
        assert message in site[1]


@pytest.mark.parametrize("role", ROLES)
def test_poll_results_are_withheld_with_the_same_words(world, role):
    """Results shown after the poll closes: before that, both say so in the same words; staff
    read them on both."""
    poll = world["poll"]
    page = client_for(world, role).get(poll.url)
    api = client_for(world, role).get(reverse("api_poll", args=[poll.pk])).json()
    assert page.status_code == 200
    if role in ("staff", "other_team_staff"):  # staff read every poll's results
        assert api["results"] is not None and api["why_no_results"] is None
        assert page.context["can_see_results"] is True
        return
    assert api["results"] is None
    assert api["why_no_results"].startswith("The results are shown when the poll closes")
    assert api["why_no_results"] == page.context["results_refusal"]
    assert api["why_no_results"] in html.unescape(page.content.decode())


def test_a_private_boards_idea_is_refused_on_every_api_path(world):
    """Acting on it by id through the API is a 404 like a missing id, for any member."""
    client = client_for(world, "other_customer")
    secret = world["secret"]
    for method, name in [("put", "api_idea_vote"), ("delete", "api_idea_vote"), ("put", "api_idea_follow"),
                         ("get", "api_idea_comments"), ("post", "api_idea_comments"), ("post", "api_idea_withdraw"),
                         ("patch", "api_idea")]:
        response = getattr(client, method)(reverse(name, args=[secret.pk]), {"body": "x"},
                                           content_type="application/json")
        assert response.status_code == 404, (method, name)
        assert response.json()["detail"] == "There is no such idea."
