"""Private boards: a board restricted with Wagtail's privacy settings (signed-in members, a group,
a password) or under an unpublished page hides its ideas on every path, not only its own page.

Every path × a visitor, a member outside the group and a member inside it."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from community import live
from community.models import Notification
from community.queries import latest_activity
from ideas import queries, services
from tests.factories import IdeaFactory, MemberFactory, StaffFactory, idea_status, make_board

pytestmark = pytest.mark.django_db

TITLE = "Secret plan for cheaper roaming"


@pytest.fixture
def insiders():
    return Group.objects.create(name="Beta testers")


@pytest.fixture
def private_board(insiders):
    board = make_board(title="Private beta", slug="private-beta")
    restriction = PageViewRestriction.objects.create(page=board, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(insiders)
    return board


@pytest.fixture
def people(insiders):
    inside = MemberFactory()
    inside.groups.add(insiders)
    return {"visitor": AnonymousUser(), "outsider": MemberFactory(), "insider": inside}


def as_client(client, person):
    if person.is_authenticated:
        client.force_login(person)
    return client


def planned_idea(board, title=TITLE):
    return IdeaFactory(board=board, title=title, status=idea_status("planned"), body_source="roaming")


WHO = [("visitor", False), ("outsider", False), ("insider", True)]


@pytest.mark.parametrize(("who", "sees"), WHO)
def test_the_idea_page_and_its_api_answer_only_those_who_may_see_the_board(
    client, private_board, people, who, sees
):
    idea = planned_idea(private_board)
    client = as_client(client, people[who])
    expected = 200 if sees else 404
    assert client.get(reverse("idea_detail_short", args=[idea.pk]), follow=True).status_code == expected
    assert client.get(reverse("api_idea", args=[idea.pk])).status_code == expected
    listing = client.get(reverse("api_board_ideas", args=[private_board.pk]), {"q": "roaming"})
    assert listing.status_code == expected
    if sees:
        assert [i["title"] for i in listing.json()["results"]] == [TITLE]
    similar = client.get(reverse("idea_similar", args=[private_board.pk]), {"q": "Secret plan roaming"})
    assert similar.status_code == expected
    comments = client.get(reverse("api_idea_comments", args=[idea.pk]))
    assert comments.status_code == expected


@pytest.mark.parametrize(("who", "sees"), WHO)
def test_roadmap_shipped_and_latest_activity_leave_out_private_ideas(client, private_board, people, who, sees):
    planned = planned_idea(private_board)
    shipped = IdeaFactory(board=private_board, title="Secret shipped", status=idea_status("shipped"))
    public = IdeaFactory(board=make_board(), title="Public planned", status=idea_status("planned"))
    person = people[who]
    client = as_client(client, person)
    roadmap = client.get(reverse("roadmap")).text
    assert ("Public planned" in roadmap) and ((planned.title in roadmap) is sees)
    assert (shipped.title in client.get(reverse("shipped")).text) is sees
    recent = {a.title for a in latest_activity(viewer=person)}
    assert public.title in recent and (planned.title in recent) is sees


@pytest.mark.parametrize(("who", "sees"), WHO)
def test_the_live_topic_is_refused_to_those_who_may_not_see_the_board(private_board, people, who, sees):
    idea = planned_idea(private_board)
    assert (live.resolve(people[who], f"idea.{idea.pk}") is not None) is sees


def test_a_status_change_notifies_only_followers_who_may_still_see_the_board(
    private_board, people, django_capture_on_commit_callbacks
):
    idea = planned_idea(private_board)
    # The outsider followed while they were in the group; they have left it since.
    for who in ("outsider", "insider"):
        services.set_following(member=people["insider"], idea=idea, follow=True)
        idea.follows.get_or_create(member=people[who])
    with django_capture_on_commit_callbacks(execute=True):
        services.change_status(idea=idea, to=idea_status("in-progress"), response="Building it now.", by=StaffFactory())
    told = set(Notification.objects.filter(kind="idea_status").values_list("recipient_id", flat=True))
    assert people["insider"].pk in told and people["outsider"].pk not in told


def test_superusers_pass_group_restrictions_like_on_wagtail_pages(client, private_board):
    idea = planned_idea(private_board)
    admin = MemberFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("api_idea", args=[idea.pk])).status_code == 200


def test_a_login_restriction_hides_ideas_from_visitors_only(client):
    board = make_board()
    PageViewRestriction.objects.create(page=board, restriction_type=PageViewRestriction.LOGIN)
    idea = planned_idea(board)
    url = reverse("api_idea", args=[idea.pk])
    assert client.get(url).status_code == 404
    client.force_login(MemberFactory())
    assert client.get(url).status_code == 200


def test_a_password_board_opens_its_ideas_once_the_password_was_given(client):
    board = make_board()
    PageViewRestriction.objects.create(
        page=board, restriction_type=PageViewRestriction.PASSWORD, password="letmein"
    )
    idea = planned_idea(board)
    url = reverse("api_idea", args=[idea.pk])
    assert client.get(url).status_code == 404
    assert TITLE not in client.get(reverse("roadmap")).text
    # Wagtail's own password form on the board page records the pass in the session.
    restriction = PageViewRestriction.objects.get(page=board)
    form_url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, board.pk])
    answer = client.post(form_url, {"password": "letmein", "return_url": "/"})
    assert answer.status_code == 302
    assert client.get(url).status_code == 200
    assert TITLE in client.get(reverse("roadmap")).text


def test_a_board_under_an_unpublished_page_is_hidden_with_everything_in_it(client):
    section = Page.get_first_root_node().get_children().first().add_child(
        instance=Page(title="Drafts", slug="drafts")
    )
    board = make_board()
    board.move(section, pos="last-child")
    section.unpublish()
    idea = planned_idea(board.specific.__class__.objects.get(pk=board.pk))
    assert client.get(reverse("api_idea", args=[idea.pk])).status_code == 404
    assert client.get(reverse("api_board_ideas", args=[board.pk])).status_code == 404
    assert queries.roadmap(viewer=StaffFactory())[0]["ideas"] == []


def test_unpublishing_or_restricting_a_board_takes_effect_at_once(client):
    """The page facts are cached; a change to the tree or its restrictions must not wait for it."""
    board = make_board()
    idea = planned_idea(board)
    url = reverse("api_idea", args=[idea.pk])
    assert client.get(url).status_code == 200  # fills the cache
    restriction = PageViewRestriction.objects.create(page=board, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(url).status_code == 404
    restriction.delete()
    assert client.get(url).status_code == 200
    board.unpublish()
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_socket_honours_a_board_password_given_in_the_same_browser(client):
    from channels.db import database_sync_to_async
    from django.conf import settings

    from tests.community.test_live import connect

    def setup():
        board = make_board()
        restriction = PageViewRestriction.objects.create(
            page=board, restriction_type=PageViewRestriction.PASSWORD, password="letmein"
        )
        return restriction, planned_idea(board)

    restriction, idea = await database_sync_to_async(setup)()

    async def subscribe():
        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()
        ws, connected = await connect(cookie)
        assert connected
        await ws.send_json_to({"subscribe": [f"idea.{idea.pk}"]})
        answered = not await ws.receive_nothing(timeout=0.3)
        await ws.disconnect()
        return answered

    def give_password():
        url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, idea.board_id])
        assert client.post(url, {"password": "letmein", "return_url": "/"}).status_code == 302

    await database_sync_to_async(lambda: client.session)()  # the test client makes a session and its cookie
    assert await subscribe() is False
    await database_sync_to_async(give_password)()
    assert await subscribe() is True


def test_a_lost_version_never_brings_back_facts_cached_under_an_older_one(client):
    """The version key never expires, and a new one starts from the clock: facts cached before a
    restriction was added cannot come back when the key is lost."""
    from django.core.cache import cache

    from community import visibility

    board = make_board()
    idea = planned_idea(board)
    url = reverse("api_idea", args=[idea.pk])
    assert client.get(url).status_code == 200  # facts cached: the board is public
    before = cache.get(visibility._VERSION_KEY)
    PageViewRestriction.objects.create(page=board, restriction_type=PageViewRestriction.LOGIN)
    cache.delete(visibility._VERSION_KEY)  # evicted, or Redis restarted keeping the old facts
    assert client.get(url).status_code == 404
    assert cache.get(visibility._VERSION_KEY) != before


def test_a_change_the_cache_could_not_record_is_recorded_once_it_answers(monkeypatch):
    from django.core.cache import cache

    from community import visibility

    visibility._version()
    before = cache.get(visibility._VERSION_KEY)

    def down(*args, **kwargs):
        raise ConnectionError("the cache is unreachable")

    with monkeypatch.context() as patched:
        patched.setattr(cache, "incr", down)
        patched.setattr(cache, "set", down)
        patched.setattr(cache, "get", lambda *a, **k: None)
        visibility.forget()
    assert visibility._unrecorded_change
    assert visibility._version() != before  # the pending change is recorded first
    assert not visibility._unrecorded_change
