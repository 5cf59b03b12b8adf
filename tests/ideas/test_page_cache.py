"""The cached board page and idea page (ideas/pagecache.py) never show something wrong: every
write that changes what they show shows at once, and no member sees another's vote state.

Each test loads the page first, so what follows is served from a warm cache."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from ideas import pagecache, services
from ideas.models import Idea, Status
from tests.factories import IdeaFactory, MemberFactory, StaffFactory, TagFactory, idea_status, make_board

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _after_commit_work_runs(monkeypatch):
    # Versions are bumped after the commit, as in production; a test's transaction never
    # commits, so run that work at once (the writes it follows are done by then).
    monkeypatch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())


@pytest.fixture
def board():
    board = make_board(title="Mobile", slug="mobile")
    board.offered_tags.set([TagFactory(name="5G", slug="5g")])
    board.save()
    return board


@pytest.fixture
def idea(board):
    return IdeaFactory(board=board, title="Free roaming in the Nordics", language="en")


def card(html: str, idea) -> str:
    match = re.search(rf'<li class="idea-card" id="idea-{idea.pk}".*?</li>', html, re.S)
    return match.group(0) if match else ""


def votes_on_card(html, idea) -> int:
    return int(re.search(r"data-vote-count>(\d+)<", card(html, idea)).group(1))


def pressed(html, idea) -> str:
    return re.search(r'aria-pressed="(\w+)"', card(html, idea)).group(1)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def signed_in(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_a_vote_shows_on_the_board_and_the_idea_page_at_once(client, board, idea):
    assert votes_on_card(page(client, board.url), idea) == 0
    page(client, idea.get_absolute_url())
    services.cast_vote(member=MemberFactory(), idea=idea)
    assert votes_on_card(page(client, board.url), idea) == 1
    assert "data-vote-count>1<" in page(client, idea.get_absolute_url())
    services.retract_vote(member=idea.votes.get().member, idea=idea)
    assert votes_on_card(page(client, board.url), idea) == 0


def test_a_vote_fills_the_cached_card_with_the_new_count_and_version(client, board, idea):
    page(client, board.url)
    services.cast_vote(member=MemberFactory(), idea=idea)
    idea.refresh_from_db()
    shown = card(page(client, board.url), idea)
    assert f'data-version="{idea.version}"' in shown and "data-vote-count>1<" in shown
    assert "<!--slot" not in shown


def test_a_closed_cards_word_follows_its_count(client, board, idea):
    shipped = idea_status("shipped")  # closed for votes: the card shows "1 vote", "2 votes"
    services.change_status(idea=idea, to=shipped, by=StaffFactory(), response="Shipped in May.")
    url = f"{board.url}?status=shipped"
    word = re.compile(r'data-vote-count>(\d+)</span>\s*<span class="vote-label">(\w+)<')
    Idea.objects.filter(pk=idea.pk).update(vote_count=1, version=F("version") + 1)  # as recount does
    pagecache.board_changed(board.pk)
    assert word.search(card(page(client, url), idea)).groups() == ("1", "vote")
    Idea.objects.filter(pk=idea.pk).update(vote_count=2, version=F("version") + 1)
    pagecache.board_changed(board.pk)
    assert word.search(card(page(client, url), idea)).groups() == ("2", "votes")


def test_a_vote_reorders_the_board(client, board, idea):
    other = IdeaFactory(board=board, title="Cheaper eSIM", created_at=idea.created_at)
    for voter in MemberFactory.create_batch(2):
        services.cast_vote(member=voter, idea=idea)
    html = page(client, f"{board.url}?sort=top")
    assert html.index(f'id="idea-{idea.pk}"') < html.index(f'id="idea-{other.pk}"')
    for voter in MemberFactory.create_batch(3):
        services.cast_vote(member=voter, idea=other)
    html = page(client, f"{board.url}?sort=top")
    assert html.index(f'id="idea-{other.pk}"') < html.index(f'id="idea-{idea.pk}"')


def test_a_status_change_shows_and_a_closed_idea_leaves_the_default_listing(client, board, idea):
    page(client, board.url)
    services.change_status(idea=idea, to=idea_status("planned"), response="We are on it.", by=StaffFactory())
    assert "status-planned" in card(page(client, board.url), idea)
    services.change_status(idea=idea, to=idea_status("declined"), response="Not this year.", by=StaffFactory())
    assert card(page(client, board.url), idea) == ""
    assert "status-declined" in card(page(client, f"{board.url}?status=declined"), idea)


def test_renaming_a_status_shows_on_every_card(client, board, idea):
    page(client, board.url)
    status = Status.objects.get(pk=idea.status_id)
    status.name = "Brand new"
    status.save()
    assert "Brand new" in card(page(client, board.url), idea)


def test_a_merge_moves_the_votes_and_removes_the_duplicate(client, board, idea):
    duplicate = IdeaFactory(board=board, title="Roaming for free in Sweden")
    services.cast_vote(member=MemberFactory(), idea=duplicate)
    html = page(client, board.url)
    assert card(html, duplicate) and votes_on_card(html, idea) == 0
    services.merge_ideas(source=duplicate, target=idea, by=StaffFactory())
    html = page(client, board.url)
    assert card(html, duplicate) == "" and votes_on_card(html, idea) == 1


def test_an_edit_shows_at_once(client, board, idea):
    page(client, board.url)
    page(client, idea.get_absolute_url())
    services.edit_idea(idea=idea, by=idea.author, title="Free roaming in all of Europe", body="Please")
    assert "Free roaming in all of Europe" in card(page(client, board.url), idea)
    assert "Free roaming in all of Europe" in page(client, idea.get_absolute_url())


def test_a_new_comment_shows_on_the_card_and_the_idea_page(client, board, idea):
    page(client, board.url)
    page(client, idea.get_absolute_url())
    services.add_comment(idea=idea, author=MemberFactory(), body="I would use this every summer")
    assert '<span data-comment-count>1</span>' in card(page(client, board.url), idea)
    assert "I would use this every summer" in page(client, idea.get_absolute_url())


def test_a_new_idea_appears_at_once(client, board, idea):
    page(client, f"{board.url}?sort=new")
    new = services.post_idea(author=MemberFactory(), board=board, title="Cheaper data abroad")
    assert card(page(client, f"{board.url}?sort=new"), new)


@pytest.mark.parametrize("how", ["withdrawn", "rejected"])
def test_a_withdrawn_or_hidden_idea_leaves_the_board_and_its_page(client, board, idea, how):
    page(client, board.url)
    page(client, idea.get_absolute_url())
    if how == "withdrawn":
        services.withdraw_idea(idea=idea, by=idea.author)
    else:
        idea.status = Status.objects.filter(stage="pending").first()  # awaiting approval, then rejected
        idea.save()
        services.reject_idea(idea=idea, by=StaffFactory(), response="Off topic here.")
    assert card(page(client, board.url), idea) == ""
    if how == "rejected":
        assert client.get(idea.get_absolute_url()).status_code == 404


def test_a_board_made_private_is_not_served_from_the_cache(client, board, idea):
    assert card(page(client, board.url), idea)
    restriction = PageViewRestriction.objects.create(page=board, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(Group.objects.create(name="Beta"))
    response = client.get(board.url)
    assert response.status_code in (302, 403) or idea.title not in response.content.decode()
    assert idea.title not in client.get(idea.get_absolute_url(), follow=True).content.decode()
    assert idea.title not in signed_in(MemberFactory()).get(board.url).content.decode()


def test_an_unpublished_board_is_not_served_from_the_cache(client, board, idea):
    page(client, board.url)
    board.unpublish()
    assert client.get(board.url).status_code == 404


def test_the_language_filter_is_part_of_what_is_cached(client, board):
    nb = IdeaFactory(board=board, title="Billigere roaming i Norden", language="nb")
    sv = IdeaFactory(board=board, title="Billigare roaming i Norden", language="sv")
    norwegian, swede = (
        signed_in(MemberFactory(preferred_language="nb", reading_languages=[])),
        signed_in(MemberFactory(preferred_language="sv", reading_languages=[])),
    )
    html = page(norwegian, board.url)
    assert card(html, nb) and not card(html, sv)
    html = page(swede, board.url)
    assert card(html, sv) and not card(html, nb)
    assert card(page(client, f"{board.url}?lang=sv"), sv) and not card(page(client, f"{board.url}?lang=sv"), nb)
    html = page(client, f"{board.url}?lang=nb")
    assert card(html, nb) and not card(html, sv)


def test_interface_languages_do_not_share_a_fragment(client, board, idea):
    english = page(client, board.url)
    client.cookies["django_language"] = "nb"
    norwegian = page(client, board.url)
    assert "Search ideas" in english and "Search ideas" not in norwegian


def test_no_member_sees_another_members_vote_state(board, idea):
    voter, other = MemberFactory(), MemberFactory()
    services.cast_vote(member=voter, idea=idea)
    voter_client, other_client, visitor = signed_in(voter), signed_in(other), Client()
    for _ in range(2):  # the second round is served from the cache the first filled
        assert pressed(page(voter_client, board.url), idea) == "true"
        assert 'name="action" value="unvote"' in card(page(voter_client, board.url), idea)
        assert pressed(page(other_client, board.url), idea) == "false"
        assert 'name="action" value="vote"' in card(page(other_client, board.url), idea)
        assert pressed(page(visitor, board.url), idea) == "false"


def test_each_request_gets_its_own_csrf_token_and_back_link(board, idea):
    first, second = signed_in(MemberFactory()), signed_in(MemberFactory())
    tokens = []
    for client in (first, second):
        html = page(client, f"{board.url}?sort=new")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card(html, idea)).group(1)
        tokens.append(token)
        assert 'name="next" value="/mobile/?sort=new"' in card(html, idea)
    assert tokens[0] != tokens[1]
    # The token works: a vote through the form of the cached page is accepted.
    strict = Client(enforce_csrf_checks=True)
    member = MemberFactory()
    strict.force_login(member)
    html = page(strict, board.url)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card(html, idea)).group(1)
    response = strict.post(reverse("idea_vote", args=[idea.pk]), {"csrfmiddlewaretoken": token, "action": "vote"})
    assert response.status_code == 302 and idea.votes.filter(member=member).exists()


def test_a_title_that_looks_like_a_slot_stays_text(client, board):
    sneaky = IdeaFactory(board=board, title="<!--slot:csrf--> and <!--slot:next-->")
    html = card(page(client, board.url), sneaky)
    assert "&lt;!--slot:csrf--&gt;" in html and html.count("csrfmiddlewaretoken") == 1


def board_queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("ideas", [5, 40])
def test_the_cached_board_costs_few_queries_whatever_its_size(client, board, ideas):
    IdeaFactory.create_batch(ideas, board=board)
    member = MemberFactory()
    assert board_queries(client, board.url) == 0
    # A vote makes the page read its rows again, and that is all: the count and the version
    # are filled into the cached card from its row, so no card is rendered again.
    services.cast_vote(member=member, idea=board.ideas.first())
    with CaptureQueriesContext(connection) as captured:
        client.get(board.url)
    assert len(captured) == 1
    # Signed in: session, member, verified address, the bell, the member's own votes.
    assert board_queries(signed_in(member), board.url) <= 5


def test_a_save_outside_the_services_shows_too(client, board, idea):
    page(client, board.url)
    idea.title = "Renamed in a shell"
    idea.version += 1
    idea.save()
    assert "Renamed in a shell" in card(page(client, board.url), idea)


def test_visitors_share_the_idea_page_but_not_its_token_or_nonce(board, idea):
    first, second = Client(), Client()
    pages = [first.get(idea.get_absolute_url()), second.get(idea.get_absolute_url())]
    tokens = [re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', p.content.decode()) for p in pages]
    nonces = [re.findall(r'nonce="([^"]+)"', p.content.decode()) for p in pages]
    for found_tokens, found_nonces, response in zip(tokens, nonces, pages, strict=True):
        assert found_tokens and not any("slot" in token for token in found_tokens)
        assert found_nonces and len(set(found_nonces)) == 1
        assert f"'nonce-{found_nonces[0]}'" in response["Content-Security-Policy"]
    assert not set(tokens[0]) & set(tokens[1]) and nonces[0] != nonces[1]


def test_members_never_get_the_visitors_idea_page(board, idea):
    Client().get(idea.get_absolute_url())
    member = MemberFactory()
    services.cast_vote(member=member, idea=idea)
    html = page(signed_in(member), idea.get_absolute_url())
    assert 'aria-pressed="true"' in html and member.public_name in html


def test_a_comment_edited_on_a_merged_idea_shows_on_its_target(client, board, idea):
    duplicate = IdeaFactory(board=board, title="Roaming for free in Sweden")
    comment = services.add_comment(idea=duplicate, author=MemberFactory(), body="First words")
    services.merge_ideas(source=duplicate, target=idea, by=StaffFactory())
    assert "First words" in page(client, idea.get_absolute_url())
    services.edit_comment(comment=comment, by=comment.author, body="Second thoughts")
    assert "Second thoughts" in page(client, idea.get_absolute_url())


def test_a_vote_shows_on_the_visitors_idea_page_without_emptying_its_cache(client, board, idea):
    html = page(client, idea.get_absolute_url())
    assert "data-vote-count>0<" in html and "0 votes" in html
    services.cast_vote(member=MemberFactory(), idea=idea)
    idea.refresh_from_db()
    with CaptureQueriesContext(connection) as captured:
        html = page(client, idea.get_absolute_url())
    assert "data-vote-count>1<" in html and "1 vote" in html and f'data-version="{idea.version}"' in html
    assert len(captured) == 1  # the idea itself: the page came from the cache


def test_a_cached_search_follows_edits_and_new_ideas(client, board, idea):
    assert card(page(client, f"{board.url}?q=roaming"), idea)
    services.edit_idea(idea=idea, by=idea.author, title="Cheaper eSIM for tablets", body="")
    assert card(page(client, f"{board.url}?q=roaming"), idea) == ""
    assert card(page(client, f"{board.url}?q=esim"), idea)
    new = services.post_idea(author=MemberFactory(), board=board, title="Roaming in the Baltics")
    assert card(page(client, f"{board.url}?q=roaming"), new)
    services.cast_vote(member=MemberFactory(), idea=new)  # a vote keeps the matches, not the count
    assert votes_on_card(page(client, f"{board.url}?q=roaming"), new) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("others", [0, 50])
def test_a_vote_is_five_queries_on_postgresql_whatever_the_votes(board, idea, others):
    from tests.postgres import require_postgresql

    require_postgresql()
    for voter in MemberFactory.create_batch(others):
        services.cast_vote(member=voter, idea=idea)
    member = MemberFactory()
    client = signed_in(member)
    url = reverse("idea_vote", args=[idea.pk])
    client.get(idea.get_absolute_url())  # fills the per-site caches (page visibility), as any page does
    for expected in (True, False):  # a vote, then the toggle takes it back
        with CaptureQueriesContext(connection) as captured:
            answer = client.post(url, headers={"accept": "application/json"}).json()
        # session, member, idea, verified address, and one statement for the vote itself
        assert len(captured) <= 5, [q["sql"][:90] for q in captured.captured_queries]
        assert answer["voted"] is expected and answer["votes"] == others + expected
