"""Read paths: board listing (sorts, filters, search, pages), idea page, roadmap, "who wants this"."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ideas import queries, services
from ideas.models import Idea, Status, trending_score
from tests.factories import (
    CommentFactory,
    IdeaFactory,
    MemberFactory,
    StaffFactory,
    TagFactory,
    VoteFactory,
    idea_status,
    make_board,
)

pytestmark = pytest.mark.django_db


def titles(listing):
    return [idea.title for idea in listing.ideas]


def count_queries(fn, *args, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        fn(*args, **kwargs)
    return len(captured.captured_queries)


def idea_with_votes(board, title, votes, **fields):
    idea = IdeaFactory(board=board, title=title, vote_count=votes, **fields)
    VoteFactory.create_batch(votes, idea=idea)
    return idea


# --- Sorting ----------------------------------------------------------------------------------


def test_board_listing_sorts_by_top_new_updated_and_trending(db):
    board = make_board()
    now = timezone.now()
    IdeaFactory(
        board=board,
        title="Old and popular",
        vote_count=90,
        trending=3.0,
        created_at=now - timedelta(days=60),
        last_activity_at=now - timedelta(minutes=5),
    )
    IdeaFactory(
        board=board,
        title="Fresh",
        vote_count=2,
        trending=5.0,
        created_at=now - timedelta(hours=1),
        last_activity_at=now - timedelta(hours=1),
    )
    IdeaFactory(
        board=board,
        title="Middle",
        vote_count=40,
        trending=4.0,
        created_at=now - timedelta(days=5),
        last_activity_at=now - timedelta(days=2),
    )

    assert titles(queries.board_listing(board, viewer=None, sort="top")) == [
        "Old and popular",
        "Middle",
        "Fresh",
    ]
    assert titles(queries.board_listing(board, viewer=None, sort="new")) == [
        "Fresh",
        "Middle",
        "Old and popular",
    ]
    assert titles(queries.board_listing(board, viewer=None, sort="updated")) == [
        "Old and popular",
        "Fresh",
        "Middle",
    ]
    assert titles(queries.board_listing(board, viewer=None, sort="trending")) == [
        "Fresh",
        "Middle",
        "Old and popular",
    ]
    assert queries.board_listing(board, viewer=None, sort="nonsense").sort == "trending"


def test_trending_lets_a_fresh_idea_with_momentum_beat_an_old_favourite(db):
    board, member = make_board(), MemberFactory()
    old = IdeaFactory(board=board, title="Old favourite", created_at=timezone.now() - timedelta(days=30))
    new = IdeaFactory(board=board, title="New and rising")
    for voter in MemberFactory.create_batch(20):
        services.cast_vote(member=voter, idea=old)
    for voter in MemberFactory.create_batch(3):
        services.cast_vote(member=voter, idea=new)
    services.cast_vote(member=member, idea=new)
    assert titles(queries.board_listing(board, viewer=None, sort="trending")) == [
        "New and rising",
        "Old favourite",
    ]
    assert titles(queries.board_listing(board, viewer=None, sort="top")) == [
        "Old favourite",
        "New and rising",
    ]
    for idea in Idea.objects.all():
        assert idea.trending == pytest.approx(trending_score(idea.vote_count, idea.created_at), abs=1e-6)


def test_ties_are_broken_by_newest_id_so_pages_never_overlap(db):
    board = make_board()
    ideas = IdeaFactory.create_batch(25, board=board, vote_count=7)
    first = queries.board_listing(board, viewer=None, sort="top")
    second = queries.board_listing(board, viewer=None, sort="top", page=2)
    seen = [i.pk for i in first.ideas] + [i.pk for i in second.ideas]
    assert seen == sorted((i.pk for i in ideas), reverse=True)


# --- Filters and search ----------------------------------------------------------------------


def test_filter_by_status_and_tag(db):
    board = make_board()
    roaming, tv = TagFactory(slug="roaming"), TagFactory(slug="tv")
    planned = IdeaFactory(board=board, title="Planned roaming", status=idea_status("planned"))
    planned.tags.add(roaming)
    IdeaFactory(board=board, title="New roaming").tags.add(roaming)
    IdeaFactory(board=board, title="New TV").tags.add(tv)

    assert titles(queries.board_listing(board, viewer=None, status="planned")) == ["Planned roaming"]
    assert sorted(titles(queries.board_listing(board, viewer=None, tag="roaming"))) == [
        "New roaming",
        "Planned roaming",
    ]
    assert titles(queries.board_listing(board, viewer=None, status="new", tag="tv")) == ["New TV"]
    assert titles(queries.board_listing(board, viewer=None, tag="nosuch")) == []
    # A hidden status cannot be asked for through the filter.
    IdeaFactory(board=board, title="Pending one", status=idea_status("awaiting-approval"))
    assert titles(queries.board_listing(board, viewer=None, status="awaiting-approval")) == []


def test_listing_shows_each_idea_once_with_its_tags(db):
    board = make_board()
    idea = IdeaFactory(board=board)
    idea.tags.add(TagFactory(slug="a"), TagFactory(slug="b"))
    listing = queries.board_listing(board, viewer=None)
    assert [i.pk for i in listing.ideas] == [idea.pk]
    assert sorted(t.slug for t in listing.ideas[0].tags.all()) == ["a", "b"]


def test_search_finds_ideas_by_words_in_title_and_body(db):
    board = make_board()
    IdeaFactory(board=board, title="Cheaper roaming in Europe")
    IdeaFactory(board=board, title="Better TV guide", body_source="The roaming charges are also silly")
    IdeaFactory(board=board, title="Faster invoices")
    IdeaFactory(board=make_board(), title="Roaming on another board")
    IdeaFactory(board=board, title="Hidden roaming", status=idea_status("awaiting-approval"))

    found = titles(queries.board_listing(board, viewer=None, q="roaming"))
    assert sorted(found) == ["Better TV guide", "Cheaper roaming in Europe"]
    assert titles(queries.board_listing(board, viewer=None, q="invoices")) == ["Faster invoices"]
    assert titles(queries.board_listing(board, viewer=None, q="zebra")) == []


def test_search_is_combined_with_sort_filters_and_pages(db):
    board = make_board()
    for n in range(23):
        IdeaFactory(board=board, title=f"Roaming wish {n}", vote_count=n)
    IdeaFactory(board=board, title="Something else", vote_count=99)
    first = queries.board_listing(board, viewer=None, q="roaming", sort="top")
    assert first.ideas[0].title == "Roaming wish 22" and first.has_next
    second = queries.board_listing(board, viewer=None, q="roaming", sort="top", page=2)
    assert titles(second) == ["Roaming wish 2", "Roaming wish 1", "Roaming wish 0"]
    assert not second.has_next


@pytest.mark.parametrize(
    "q",
    ["'", '"', 'roaming "eu', "OR", "a AND", "NOT", "-", "*", "roaming)", "é" * 300, "%", "\\", "a:b", "^x"],
)
def test_odd_search_text_never_fails(db, q):
    board = make_board()
    IdeaFactory(board=board, title="Roaming idea")
    queries.board_listing(board, viewer=None, q=q)
    queries.similar_ideas(board, q)


# --- Pagination and what is listed ------------------------------------------------------------


def test_pagination(db):
    board = make_board()
    IdeaFactory.create_batch(25, board=board)
    first = queries.board_listing(board, viewer=None, sort="new")
    assert len(first.ideas) == 20 and first.has_next and not first.has_previous and first.page == 1
    second = queries.board_listing(board, viewer=None, sort="new", page="2")
    assert len(second.ideas) == 5 and not second.has_next and second.has_previous
    assert not {i.pk for i in first.ideas} & {i.pk for i in second.ideas}
    assert queries.board_listing(board, viewer=None, page="junk").page == 1
    assert queries.board_listing(board, viewer=None, page=99).ideas == []


def test_a_board_lists_open_ideas_by_default_and_closed_ones_behind_the_status_filter(db):
    board = make_board()
    shown = {
        IdeaFactory(board=board, status=idea_status(s)).pk for s in ("new", "under-review", "planned", "in-progress")
    }
    target = IdeaFactory(board=board)
    shown.add(target.pk)
    shipped = IdeaFactory(board=board, status=idea_status("shipped"))
    declined = IdeaFactory(board=board, status=idea_status("declined"))
    for slug in ("awaiting-approval", "rejected", "withdrawn"):
        IdeaFactory(board=board, status=idea_status(slug))
    IdeaFactory(board=board, status=idea_status("merged"), merged_into=target)
    IdeaFactory(board=make_board())  # another board
    assert {i.pk for i in queries.board_listing(board, viewer=None).ideas} == shown
    assert [i.pk for i in queries.board_listing(board, viewer=None, status="shipped").ideas] == [shipped.pk]
    assert [i.pk for i in queries.board_listing(board, viewer=None, status="declined").ideas] == [declined.pk]
    assert queries.board_listing(board, viewer=None, status="withdrawn").ideas == []


def test_listing_marks_the_ideas_the_viewer_voted_for(member):
    board = make_board()
    voted, other = IdeaFactory(board=board), IdeaFactory(board=board)
    services.cast_vote(member=member, idea=voted)
    assert queries.board_listing(board, viewer=member).voted == {voted.pk}
    assert queries.board_listing(board, viewer=None).voted == set()
    assert other.pk not in queries.board_listing(board, viewer=member).voted


# --- Constant query counts -------------------------------------------------------------------


def populate_board(board, n):
    tags = [TagFactory(slug=f"t{i}") for i in range(3)]
    for i in range(n):
        idea = IdeaFactory(board=board, title=f"Roaming idea {i}", vote_count=2)
        idea.tags.add(*tags[: i % 3 + 1])
        VoteFactory.create_batch(2, idea=idea)


@pytest.mark.parametrize("options", [{}, {"sort": "top", "page": 2}, {"tag": "t0"}, {"status": "new"}])
def test_board_listing_runs_at_most_four_queries_whatever_the_number_of_ideas(member, options):
    small, large = make_board(), make_board()
    populate_board(small, 5)
    populate_board(large, 50)
    VoteFactory(member=member, idea=Idea.objects.filter(board=large).first())
    queries.status_ids(())  # statuses are read once, then kept until one changes
    for viewer in (None, member):
        few = count_queries(queries.board_listing, small, viewer=viewer, **options)
        many = count_queries(queries.board_listing, large, viewer=viewer, **options)
        assert few == many or (options.get("page") == 2 and few < many)  # page 2 of 5 ideas is empty
        assert many <= 4


def test_board_listing_with_search_runs_a_constant_number_of_queries(db):
    small, large = make_board(), make_board()
    populate_board(small, 5)
    populate_board(large, 50)
    queries.status_ids(())  # statuses are read once, then kept until one changes
    few = count_queries(lambda: queries.board_listing(small, viewer=None, q="roaming"))
    many = count_queries(lambda: queries.board_listing(large, viewer=None, q="roaming"))
    assert few == many <= 6


def populate_idea(n_comments, staff, *, duplicates=1):
    idea = IdeaFactory()
    VoteFactory.create_batch(n_comments, idea=idea)
    tops = CommentFactory.create_batch(n_comments, idea=idea)
    for top in tops:
        CommentFactory(idea=idea, parent=top)
    for _ in range(duplicates):
        duplicate = IdeaFactory()
        CommentFactory.create_batch(n_comments, idea=duplicate)
        services.merge_ideas(source=duplicate, target=idea, by=staff)
    services.change_status(idea=idea, to=idea_status("planned"), response="Planned for spring", by=staff)
    return idea


def test_idea_page_runs_a_constant_number_of_queries_whatever_the_number_of_comments(member):
    staff = StaffFactory()
    small, large = populate_idea(5, staff), populate_idea(50, staff, duplicates=4)

    def page(idea, viewer):
        loaded = queries.get_idea(idea.pk)
        result = queries.idea_page(loaded, viewer=viewer)
        # What a template touches: authors, replies, history, merged comments.
        for comment in result.comments:
            str(comment.author.public_name)
            for reply in comment.reply_list:
                str(reply.author.public_name)
        for change in result.history:
            str(change.to_status.label), str(change.changed_by.public_name)
        for merged in result.merged_from:
            for comment in merged.comment_list:
                str(comment.author.public_name)
        return result

    for viewer in (None, member):
        few, many = count_queries(page, small, viewer), count_queries(page, large, viewer)
        assert few == many <= 7
    assert len(page(large, member).comments) == 50
    assert [len(m.comment_list) for m in page(large, member).merged_from] == [50] * 4


# --- Similar ideas --------------------------------------------------------------------------


def test_similar_ideas_suggests_roaming_ideas_while_typing_roam(db):
    board = make_board()
    roaming = IdeaFactory(board=board, title="Free roaming in the EU")
    IdeaFactory(board=board, title="Cheaper TV packages")
    IdeaFactory(board=board, title="Roaming hidden", status=idea_status("awaiting-approval"))
    IdeaFactory(board=make_board(), title="Roaming elsewhere")
    assert [i.pk for i in queries.similar_ideas(board, "roam")] == [roaming.pk]
    assert [i.pk for i in queries.similar_ideas(board, "Cheap roaming please")][0] == roaming.pk
    assert queries.similar_ideas(board, "ro") == []


def test_similar_ideas_are_limited(db):
    board = make_board()
    for n in range(8):
        IdeaFactory(board=board, title=f"Roaming wish {n}")
    assert len(queries.similar_ideas(board, "roaming", limit=5)) == 5


# --- Who wants this --------------------------------------------------------------------------


def voters_for(idea, n, **attributes):
    for voter in MemberFactory.create_batch(n, **attributes):
        VoteFactory(idea=idea, member=voter)
    Idea.objects.filter(pk=idea.pk).update(vote_count=idea.votes.count())


def test_audience_hides_groups_under_five(db):
    idea = IdeaFactory()
    voters_for(idea, 6, plan="mobile", region="Oslo")
    voters_for(idea, 2, plan="tv", region="Bergen")
    voters_for(idea, 2, plan="bundle", region="Bergen")
    result = queries.audience(Idea.objects.get(pk=idea.pk))
    assert result["total"] == 10
    assert [(str(label), n) for label, n in result["plan"]] == [("Mobile", 6), ("Other (fewer than 5)", None)]
    # Four from Bergen: not enough to show, and "Other" itself is too small to show a number.
    assert [(str(label), n) for label, n in result["region"]] == [("Oslo", 6), ("Other (fewer than 5)", None)]


def test_audience_folds_small_groups_into_other_when_other_is_large_enough(db):
    idea = IdeaFactory()
    voters_for(idea, 7, plan="mobile")
    for plan in ("tv", "bundle", "business"):
        voters_for(idea, 2, plan=plan)
    result = queries.audience(Idea.objects.get(pk=idea.pk))
    assert [(str(label), n) for label, n in result["plan"]] == [("Mobile", 7), ("Other", 6)]
    assert all(n is None or n >= 5 for _, n in result["plan"] + result["region"] + result["years"])


def test_audience_bands_years_as_a_customer(db):
    idea = IdeaFactory()
    today = timezone.localdate()
    voters_for(idea, 5, customer_since=today - timedelta(days=100))  # < 1 year
    voters_for(idea, 6, customer_since=today - timedelta(days=2 * 365))  # 1–3 years
    voters_for(idea, 7, customer_since=today - timedelta(days=5 * 365))  # 3–10 years
    voters_for(idea, 8, customer_since=today - timedelta(days=12 * 365))  # 10+ years
    voters_for(idea, 5)  # unknown
    years = {str(label): n for label, n in queries.audience(Idea.objects.get(pk=idea.pk))["years"]}
    assert years == {
        "Less than 1 year": 5,
        "1–3 years": 6,
        "3–10 years": 7,
        "10+ years": 8,
        "Unknown": 5,
    }


def test_audience_of_an_idea_without_votes_is_empty(db):
    result = queries.audience(IdeaFactory())
    assert result == {"total": 0, "plan": [], "region": [], "years": []}


# --- Roadmap and shipped ----------------------------------------------------------------------


def test_roadmap_has_planned_in_progress_and_shipped_columns_sorted_by_votes(db):
    board, hidden_board = make_board(), make_board()
    hidden_board.unpublish()
    IdeaFactory(board=board, title="Planned few", status=idea_status("planned"), vote_count=1)
    IdeaFactory(board=board, title="Planned many", status=idea_status("planned"), vote_count=9)
    IdeaFactory(board=make_board(), title="Building", status=idea_status("in-progress"))
    IdeaFactory(board=board, title="Done", status=idea_status("shipped"))
    IdeaFactory(board=board, title="Still open")
    IdeaFactory(board=hidden_board, title="Secret plan", status=idea_status("planned"))
    columns = queries.roadmap(viewer=None)
    assert [c["stage"] for c in columns] == ["planned", "in_progress", "done"]
    assert [[i.title for i in c["ideas"]] for c in columns] == [
        ["Planned many", "Planned few"],
        ["Building"],
        ["Done"],
    ]


def test_shipped_lists_shipped_ideas_with_their_response_and_votes(staff):
    board = make_board()
    idea = IdeaFactory(board=board, title="Wi-Fi calling")
    voters_for(idea, 3)
    services.change_status(idea=idea, to=idea_status("planned"), response="Planned", by=staff)
    services.change_status(
        idea=Idea.objects.get(pk=idea.pk),
        to=idea_status("shipped"),
        response="Live for **everyone**",
        by=staff,
    )
    IdeaFactory(board=board, title="Not shipped", status=idea_status("planned"))
    rows, page, has_next = queries.shipped(viewer=None)
    assert [(r.title, r.vote_count) for r in rows] == [("Wi-Fi calling", 3)]
    assert rows[0].shipped_response == "<p>Live for <strong>everyone</strong></p>"
    assert rows[0].shipped_at is not None and page == 1 and not has_next


def test_shipped_paginates(db):
    IdeaFactory.create_batch(3, status=idea_status("shipped"))
    rows, _, has_next = queries.shipped(viewer=None, per_page=2)
    assert len(rows) == 2 and has_next
    rows, page, has_next = queries.shipped(viewer=None, page=2, per_page=2)
    assert len(rows) == 1 and page == 2 and not has_next


def test_board_index_counts_listed_ideas_and_votes(db):
    from wagtail.models import Page

    from ideas.pages import IdeaBoardIndexPage, IdeaBoardPage

    index = (
        Page.get_first_root_node()
        .get_children()
        .first()
        .add_child(instance=IdeaBoardIndexPage(title="Boards", slug="boards"))
    )
    board = index.add_child(instance=IdeaBoardPage(title="Mobile", slug="mobile"))
    IdeaFactory(board=board, vote_count=3)
    IdeaFactory(board=board, vote_count=4)
    IdeaFactory(board=board, vote_count=50, status=idea_status("awaiting-approval"))
    [row] = queries.boards_with_counts(index, viewer=None)
    assert (row.idea_count, row.vote_total) == (2, 7)


def test_boards_follow_a_new_or_changed_status_at_once(db):
    board = make_board()
    idea = IdeaFactory(board=board)
    assert [i.pk for i in queries.board_listing(board, viewer=None).ideas] == [idea.pk]
    stage = Status.objects.create(name="Looked at", slug="looked-at", stage=idea.status.stage, position=99)
    Idea.objects.filter(pk=idea.pk).update(status=stage)
    assert [i.pk for i in queries.board_listing(board, viewer=None).ideas] == [idea.pk]
    stage.stage = "done"  # no longer open: off the default listing, on the status filter
    stage.save()
    assert queries.board_listing(board, viewer=None).ideas == []
    assert [i.pk for i in queries.board_listing(board, viewer=None, status="looked-at").ideas] == [idea.pk]
