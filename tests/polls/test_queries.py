"""Results and the staff breakdown: right figures, aggregated in the database, a fixed number of queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from community.audience import MIN_BAND
from ideas.polls import queries, services
from tests.factories import MemberFactory, make_poll
from tests.polls.conftest import full_answers

pytestmark = pytest.mark.django_db


def cast(poll, n, **choices):
    for member in MemberFactory.create_batch(n, **choices.pop("attributes", {})):
        services.cast_ballot(member=member, poll=poll, answers=full_answers(poll, **choices))


def test_counts_percentages_means_and_borda(poll):
    cast(poll, 3, single="Roaming", multiple=("Invoice", "Chat"), scale5=5, ranking=("Alpha", "Beta", "Gamma"))
    cast(poll, 1, single="App", multiple=("Invoice",), scale5=2, ranking=("Gamma", "Beta", "Alpha"))
    found = {q.text: q for q in queries.results(poll).questions}
    single = {o.label: (o.count, o.percent) for o in found["Which first?"].options}
    assert single == {"Roaming": (3, 75), "Coverage": (0, 0), "App": (1, 25)}
    multiple = {o.label: o.percent for o in found["Which also?"].options}
    assert multiple == {"Invoice": 100, "Chat": 75, "Shops": 0, "App": 0}  # of the 4 who answered
    assert found["How happy are you?"].mean == 4.2  # (5+5+5+2)/4 = 4.25, shown with one decimal
    scale = {value: n for value, n, _percent in found["How happy are you?"].scale}
    assert scale == {1: 0, 2: 1, 3: 0, 4: 0, 5: 3}
    ranking = [(o.label, o.points, o.average_place) for o in found["Rank these"].options]
    # Borda: first place 2 points, second 1, last 0.
    assert ranking == [("Alpha", 6, 1.5), ("Beta", 4, 2.0), ("Gamma", 2, 2.5)]
    assert queries.results(poll).ballots == 4


def test_results_take_a_fixed_number_of_queries(poll, django_assert_num_queries):
    cast(poll, 2)
    with django_assert_num_queries(4):
        queries.results(poll)
    cast(poll, 8, single="App")
    with django_assert_num_queries(4):
        queries.results(poll)


def test_the_poll_page_takes_a_fixed_number_of_queries_for_staff(poll, client, django_assert_max_num_queries):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory())
    cast(poll, 6, attributes={"plan": "mobile", "region": "Oslo"})
    client.get(poll.url)  # warm caches (visibility, site root)
    with django_assert_max_num_queries(45) as few:
        client.get(poll.url)
    cast(poll, 12, attributes={"plan": "tv"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(poll.url).status_code == 200


def test_bands_hide_groups_under_five_and_note_over_representation(poll):
    today = timezone.localdate()
    # The audience: 20 long-standing customers who did not answer, and the newcomers who did.
    MemberFactory.create_batch(20, customer_since=today - timedelta(days=12 * 365), plan="mobile")
    cast(poll, 6, attributes={"customer_since": today - timedelta(days=100), "plan": "mobile", "region": "oslo"},
         single="App")
    cast(poll, 2, attributes={"customer_since": today - timedelta(days=100), "plan": "tv", "region": "Bergen"})
    found = queries.breakdown(poll, queries.results(poll))
    dims = {d["key"]: d for d in found["dimensions"]}
    plans = [(b.label, b.ballots) for b in dims["plan"]["bands"]]
    assert plans == [("Mobile", 6), ("Other", None)]
    regions = [(b.label, b.ballots) for b in dims["region"]["bands"]]
    assert regions == [("Oslo", 6), ("Other", None)]
    assert all(b.ballots is None or b.ballots >= MIN_BAND for d in found["dimensions"] for b in d["bands"])
    years = dims["years"]["bands"][0]
    assert (str(years.label), years.share) == ("Less than 1 year", 100)
    assert any("Less than 1 year" in str(note) for note in found["notes"])
    crosstab = next(t for t in dims["plan"]["crosstabs"] if t["question"].text == "Which first?")
    assert crosstab["rows"] == [("Mobile", ["0%", "0%", "100%"])]
    tables = {t["question"].text: t for t in dims["plan"]["crosstabs"]}
    assert tables["How happy are you?"]["rows"] == [("Mobile", [4.0])]
    assert tables["Rank these"]["rows"] == [("Mobile", [1.0, 2.0, 3.0])]
    assert found["audience"] == 28  # 20 + 6 + 2 customers, all asked


def test_no_groups_under_five_ballots_in_all(poll):
    cast(poll, 4)
    assert queries.breakdown(poll, queries.results(poll))["dimensions"] == []


def test_listing_and_home_activity_show_visible_polls(db):
    from ideas.polls.queries import latest_polls

    shown = make_poll(title="Open poll")
    hidden = make_poll(title="Draft poll")
    hidden.unpublish()
    titles = [item.title for item in latest_polls(viewer=None)]
    assert "Open poll" in titles and "Draft poll" not in titles
    assert shown.pk


def test_counters_follow_changed_ballots_and_equal_a_recount(poll):
    member = MemberFactory()
    services.cast_ballot(member=member, poll=poll, answers=full_answers(poll, single="Roaming", scale5=2,
                                                                        ranking=("Gamma", "Beta", "Alpha"), text="Hi"))
    cast(poll, 3, single="App", multiple=("Chat", "Shops"))
    services.cast_ballot(member=member, poll=poll, answers=full_answers(poll, single="Coverage", scale5=5))
    found = {q.text: q for q in queries.results(poll).questions}
    assert {o.label: o.count for o in found["Which first?"].options} == {"Roaming": 0, "Coverage": 1, "App": 3}
    assert found["Anything else?"].respondents == 0  # the changed ballot left the text out
    assert services.recount(poll) is False  # every counter already equals its rows
    from ideas.polls.models import PollOption

    PollOption.objects.filter(question__poll=poll).update(count=99)
    assert services.recount(poll) is True
    assert {o.label: o.count for o in queries.results(poll).questions[0].options} == {"Roaming": 0, "Coverage": 1, "App": 3}


def test_recount_polls_checks_and_repairs(poll):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from ideas.polls.models import QuestionTally

    cast(poll, 2)
    out = StringIO()
    call_command("recount_polls", "--check", stdout=out)
    assert "equal its answers" in out.getvalue()
    QuestionTally.objects.filter(question__poll=poll).update(respondents=7)
    with pytest.raises(CommandError):
        call_command("recount_polls", "--check", stdout=StringIO())
    assert QuestionTally.objects.filter(respondents=7).exists()  # --check changes nothing
    call_command("recount_polls", stdout=StringIO())
    assert not QuestionTally.objects.filter(respondents=7).exists()
