"""Personal data the content pipeline masks is not findable by any search path: the index holds
only what is published (the masked title and the cleaned, masked description)."""

import pytest
from django.urls import reverse

from ideas import queries, services
from tests.factories import MemberFactory, make_board

pytestmark = pytest.mark.django_db

BODY = (
    "Call me on +47 912 34 567 or mail kari.nordmann@example.no, "
    "my customer number is 12345678 and my IBAN NO93 8601 1117 947."
)
# What a visitor might type to find the hidden data back, kind by kind, digit group by digit group.
PROBES = ["kari.nordmann", "nordmann", "example.no", "12345678", "912", "34 567", "NO93", "86011117947", "8601"]


@pytest.fixture
def board():
    return make_board()


@pytest.fixture
def idea(board):
    return services.post_idea(author=MemberFactory(), board=board, title="Invoice reminders by text", body=BODY)


def test_the_published_text_hides_each_kind_and_the_search_index_holds_only_it(idea):
    published = idea.published_text
    for probe in ("kari.nordmann", "12345678", "912 34 567", "NO93"):
        assert probe not in published
    assert "Invoice reminders" in idea.title


@pytest.mark.parametrize("probe", PROBES)
def test_masked_data_is_not_found_by_board_search_api_search_or_similar_ideas(client, board, idea, probe):
    assert queries.board_listing(board, viewer=None, q=probe).ideas == []
    api = client.get(reverse("api_board_ideas", args=[board.pk]), {"q": probe})
    assert api.status_code == 200 and api.json()["results"] == []
    similar = client.get(reverse("idea_similar", args=[board.pk]), {"q": f"{probe} {probe}"})
    assert [i["id"] for i in similar.json()] == []
    page = client.get(board.url, {"q": probe})
    assert idea.title not in page.text


def test_published_words_are_still_found(client, board, idea):
    assert [i.pk for i in queries.board_listing(board, viewer=None, q="reminders").ideas] == [idea.pk]
    assert [i.pk for i in queries.board_listing(board, viewer=None, q="customer").ideas] == [idea.pk]


def test_an_edit_reindexes_the_published_text_only(board, idea):
    services.edit_idea(idea=idea, by=idea.author, title=idea.title, body="Reach me at ola@example.com, thanks")
    assert queries.board_listing(board, viewer=None, q="ola").ideas == []
    assert [i.pk for i in queries.board_listing(board, viewer=None, q="thanks").ideas] == [idea.pk]
