"""What customers write has a language: detected on write, correctable, marked in the HTML, filtered on boards."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse

from community import languages
from ideas import services
from ideas.models import Comment, Idea
from tests.factories import CommentFactory, IdeaFactory, MemberFactory, make_board

pytestmark = pytest.mark.django_db

WRITTEN = {
    "nb": "Kan dere gjøre det mulig å betale regningen med Vipps?",
    "da": "Jeg vil gerne have bedre dækning i sommerhuset",
    "sv": "Kan ni göra det möjligt att betala fakturan med Swish?",
    "nl": "Kunnen jullie het mogelijk maken om de rekening met iDEAL te betalen?",
    "en": "Could you make it possible to pay the bill with Apple Pay?",
}


@pytest.fixture
def board(db):
    return make_board(title="Mobile")


@pytest.mark.parametrize("code", sorted(WRITTEN))
def test_the_language_is_detected_from_the_text(code):
    other = "nl" if code != "nl" else "sv"
    assert languages.detect(WRITTEN[code], fallback=other) == code


@pytest.mark.parametrize("text", ["", "   ", "👍👍🎉", "+1", "Tak!", "OK", "!!!???", "1234567890 1234", "\x00\u202e"])
def test_short_empty_or_emoji_text_falls_back_to_the_authors_language(text):
    assert languages.detect(text, fallback="da") == "da"


def test_bokmal_and_danish_are_close_so_the_authors_language_wins_when_unsure():
    # "Takk for svaret" is Bokmål, but could almost be Danish: a Dane who writes it is not overruled.
    assert languages.detect("Takk for svaret alle sammen", fallback="da") == "da"
    assert languages.detect("Takk for svaret alle sammen", fallback="nl") == "nb"


def test_a_bad_fallback_becomes_the_site_default():
    assert languages.detect("", fallback="klingon") == "en"


def test_posting_and_commenting_record_the_detected_language(board):
    norwegian = MemberFactory(preferred_language="nb")
    idea = services.post_idea(author=norwegian, board=board, title=WRITTEN["sv"], body="")
    assert idea.language == "sv"
    comment = services.add_comment(idea=idea, author=norwegian, body="Takk!")
    assert comment.language == "nb"  # too short to tell: the author's language
    comment = services.add_comment(idea=idea, author=norwegian, body=WRITTEN["nl"])
    assert comment.language == "nl"


def test_the_author_can_correct_the_language_on_the_forms(client, board):
    author = MemberFactory(preferred_language="nb")
    client.force_login(author)
    response = client.post(
        reverse("idea_new", args=[board.pk]),
        {"title": WRITTEN["nb"], "body": "", "language": "da", "confirmed": "1"},
    )
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert idea.language == "da"
    edit = client.get(reverse("idea_edit", args=[idea.pk])).content.decode()
    assert '<option value="da" selected>' in edit
    client.post(reverse("idea_edit", args=[idea.pk]), {"title": WRITTEN["nb"], "body": "", "language": "nb"})
    assert Idea.objects.get().language == "nb"

    comment = services.add_comment(idea=idea, author=author, body=WRITTEN["en"])
    assert comment.language == "en"
    response = client.post(
        reverse("comment_edit", args=[comment.pk]), {"comment-body": WRITTEN["en"], "comment-language": "sv"}
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).language == "sv"


@pytest.mark.parametrize("garbage", ["klingon", "de", "<script>", "nb" * 50])
def test_an_unknown_language_on_the_form_is_a_form_error_not_a_500(client, board, garbage):
    client.force_login(MemberFactory())
    response = client.post(
        reverse("idea_new", args=[board.pk]), {"title": WRITTEN["en"], "language": garbage, "confirmed": "1"}
    )
    assert response.status_code == 200
    assert not Idea.objects.exists()


def test_the_html_marks_the_language_of_ideas_and_comments(client, board):
    idea = IdeaFactory(board=board, title="Bedre dekning på hytta", language="nb")
    CommentFactory(idea=idea, body_source="Eens!", body_html="<p>Eens!</p>", language="nl")
    page = client.get(idea.get_absolute_url()).content.decode()
    assert '<h1 id="idea-title" lang="nb">' in page
    assert 'lang="nl" class="prose comment-text"' in page
    listing = client.get(board.url + "?lang=all").content.decode()
    assert f'<article class="idea-card-text" lang="nb" aria-labelledby="idea-{idea.pk}-title">' in listing


def test_existing_rows_get_a_language_from_the_migration(board):
    dane = MemberFactory(preferred_language="da")
    written = IdeaFactory(board=board, author=dane, title=WRITTEN["sv"], language="en")
    short = IdeaFactory(board=board, author=dane, title="Wi-Fi", body_source="", language="en")
    comment = CommentFactory(idea=written, author=dane, body_source=WRITTEN["nl"], language="en")
    migration = importlib.import_module("ideas.migrations.0004_language")
    migration.fill_languages(apps, None)
    languages_now = dict(Idea.objects.values_list("pk", "language"))
    assert (languages_now[written.pk], languages_now[short.pk]) == ("sv", "da")
    assert Comment.objects.get(pk=comment.pk).language == "nl"


# --- The board's language filter -------------------------------------------------------------


@pytest.fixture
def ideas_in_every_language(board):
    return {code: IdeaFactory(board=board, title=f"Idea in {code}", language=code) for code in WRITTEN}


def titles(response) -> set:
    # From the HTML: the listing is a cached fragment, not a template context (ideas/pagecache.py).
    return set(re.findall(r'class="idea-card-title"[^>]*><a href="[^"]*">([^<]*)</a>', response.content.decode()))


def test_members_see_their_languages_by_default_and_can_choose_all(client, board, ideas_in_every_language):
    member = MemberFactory(preferred_language="nb", reading_languages=["sv"])
    client.force_login(member)
    assert titles(client.get(board.url)) == {"Idea in nb", "Idea in sv"}
    response = client.get(board.url + "?lang=all")
    assert len(titles(response)) == 5
    # The choice is kept by the sort links, so it is a shareable URL.
    assert "lang=all&amp;sort=top" in response.content.decode()
    assert titles(client.get(board.url + "?lang=da")) == {"Idea in da"}
    assert titles(client.get(board.url + "?lang=da,nl")) == {"Idea in da", "Idea in nl"}


def test_visitors_see_all_languages_by_default(client, board, ideas_in_every_language):
    assert len(titles(client.get(board.url))) == 5
    assert titles(client.get(board.url + "?lang=mine", HTTP_ACCEPT_LANGUAGE="sv")) == {"Idea in sv"}


@pytest.mark.parametrize("garbage", ["klingon", "", ",,,", "de,fr", "<b>", "nb" * 100, "mine,all", "%00"])
def test_garbage_in_the_language_filter_falls_back_quietly(client, board, ideas_in_every_language, garbage):
    response = client.get(board.url, {"lang": garbage})
    assert response.status_code == 200
    assert len(titles(response)) == 5  # a visitor's default: all


def test_the_filter_is_a_plain_form_that_works_without_javascript(client, board, ideas_in_every_language):
    page = client.get(board.url).content.decode()
    assert '<select id="board-lang" name="lang">' in page
    assert '<option value="all" selected>' in page


def test_an_empty_language_filter_offers_all_languages(client, board):
    IdeaFactory(board=board, title="Only Dutch here", language="nl")
    client.force_login(MemberFactory(preferred_language="sv"))
    page = client.get(board.url).content.decode()
    assert "lang=all" in page and "Only Dutch here" not in page


def test_the_language_filter_keeps_the_board_query_count(client, board, ideas_in_every_language):
    from tests.ideas.test_views import BOARD_MAX_QUERIES, count_queries

    client.force_login(MemberFactory(preferred_language="nb", reading_languages=["da", "sv"]))
    assert count_queries(client, board.url) <= BOARD_MAX_QUERIES["member"]
    assert count_queries(client, board.url + "?lang=nl") <= BOARD_MAX_QUERIES["member"]


def test_the_api_filters_by_language_too(client, board, ideas_in_every_language):
    url = reverse("api_board_ideas", args=[board.pk])
    assert len(client.get(url).json()["results"]) == 5
    results = client.get(url, {"lang": "nb,sv"}).json()["results"]
    assert sorted(r["language"] for r in results) == ["nb", "sv"]
    assert len(client.get(url, {"lang": "???"}).json()["results"]) == 5
    client.force_login(MemberFactory(preferred_language="da"))
    assert [r["title"] for r in client.get(url).json()["results"]] == ["Idea in da"]


def test_members_choose_the_languages_they_read_in_their_profile(client):
    member = MemberFactory(preferred_language="nb")
    client.force_login(member)
    response = client.post(
        "/members/me/",
        {"display_name": "Kari", "preferred_language": "nb", "reading_languages": ["sv", "da"],
         "email_delivery": "instant"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.reading_languages == ["da", "sv"] or member.reading_languages == ["sv", "da"]
    assert member.languages_read[0] == "nb"
    response = client.post(
        "/members/me/",
        {"display_name": "Kari", "preferred_language": "nb", "reading_languages": ["xx"],
         "email_delivery": "instant"},
    )
    assert response.status_code == 200  # the form says it is not a valid choice
