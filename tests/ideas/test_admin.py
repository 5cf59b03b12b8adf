"""Staff tools for ideas in the Wagtail admin (and the Django admin's back room)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Notification
from ideas import services
from ideas.models import Idea, Stage, Status, StatusChange, Vote
from tests.factories import IdeaFactory, MemberFactory, TagFactory, idea_status, make_board

pytestmark = pytest.mark.django_db


def admin_url(name, idea=None):
    return reverse(f"ideas:{name}", args=[idea.pk] if idea else [])


def fresh(idea) -> Idea:
    return Idea.objects.select_related("status").get(pk=idea.pk)


# --- Access ----------------------------------------------------------------------------------------


def test_staff_lists_ideas_with_their_counts(staff_client):
    idea = IdeaFactory(title="Cheaper roaming in Europe", vote_count=7)
    response = staff_client.get(admin_url("index"))
    assert response.status_code == 200
    assert "Cheaper roaming in Europe" in response.text
    assert idea.board.title in response.text
    assert admin_url("change_status", idea) in response.text
    # Members post ideas; there is no "Add idea" in the admin.
    assert reverse("ideas:index") + "new/" not in response.text


def test_the_idea_list_runs_a_constant_number_of_queries(staff_client):
    board = make_board()
    counts = []
    for n in (2, 20):
        while Idea.objects.count() < n:
            IdeaFactory(board=board)
        staff_client.get(admin_url("index"))  # warms the shared cache (the triage team's id)
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(admin_url("index")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_staff_search_and_filters(staff_client):
    board = make_board(title="TV & Broadband")
    IdeaFactory(title="More sports channels", board=board)
    IdeaFactory(title="Faster router")
    found = staff_client.get(admin_url("index"), {"q": "sports"}).text
    assert "More sports channels" in found and "Faster router" not in found
    by_board = staff_client.get(admin_url("index"), {"board": board.pk}).text
    assert "More sports channels" in by_board and "Faster router" not in by_board


def test_awaiting_approval_lists_only_pending_ideas(staff_client):
    board = make_board(requires_approval=True)
    IdeaFactory(title="Waiting for a yes", board=board, status=idea_status("awaiting-approval"))
    IdeaFactory(title="Already open")
    response = staff_client.get(admin_url("index"), {"stage": Stage.PENDING})
    assert "Waiting for a yes" in response.text and "Already open" not in response.text
    assert "Awaiting approval" in staff_client.get(reverse("wagtailadmin_home")).text


@pytest.mark.parametrize("name", ["index", "edit", "inspect", "change_status", "merge"])
def test_a_customer_gets_no_access(member_client, name):
    idea = IdeaFactory()
    response = member_client.get(admin_url(name, None if name == "index" else idea))
    assert response.status_code == 403  # the "admin is for staff" page (community middleware)
    assert idea.title not in response.text


def test_a_customer_cannot_change_a_status_by_posting(member_client):
    idea = IdeaFactory()
    member_client.post(
        admin_url("change_status", idea), {"status": idea_status("planned").pk, "response": "Yes!"}
    )
    assert fresh(idea).status.slug == "new"
    assert not StatusChange.objects.exists()


# --- Changing a status ---------------------------------------------------------------------------------


def test_staff_changes_a_status_and_voters_are_notified(staff_client, django_capture_on_commit_callbacks):
    idea = IdeaFactory()
    voter = MemberFactory()
    services.cast_vote(member=voter, idea=idea)
    form = staff_client.get(admin_url("change_status", idea))
    assert form.status_code == 200
    assert "Public response" in form.text
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            admin_url("change_status", idea),
            {"status": "planned", "response": "Planned for the autumn release."},
        )
    assert response.status_code == 302 and response.url == admin_url("edit", idea)
    assert fresh(idea).status.slug == "planned"
    change = StatusChange.objects.get(idea=idea)
    assert change.response_source == "Planned for the autumn release."
    assert Notification.objects.filter(recipient=voter, kind="idea_status").count() == 1


def test_a_status_change_needs_a_response_and_an_allowed_status(staff_client):
    idea = IdeaFactory(status=idea_status("shipped"))
    form = staff_client.get(admin_url("change_status", idea)).context["form"]
    offered = {slug for slug, _label in form.fields["status"].choices}
    assert offered == {"planned", "in-progress"}
    response = staff_client.post(admin_url("change_status", idea), {"status": "planned", "response": ""})
    assert response.status_code == 200
    assert "Please write a response." in response.text  # the service's own wording
    response = staff_client.post(admin_url("change_status", idea), {"status": "new", "response": "Reopen"})
    assert response.status_code == 200
    assert fresh(idea).status.slug == "shipped"
    assert not StatusChange.objects.exists()


def test_the_edit_form_has_no_status_and_saves_through_the_service(staff_client):
    tag, other = TagFactory(name="Roaming", slug="roaming"), TagFactory(name="TV", slug="tv")
    board = make_board()
    board.offered_tags.add(tag)
    board.save()
    idea = IdeaFactory(board=board)
    page = staff_client.get(admin_url("edit", idea))
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {"title", "body_source", "tags"}
    assert admin_url("change_status", idea) in page.text and admin_url("merge", idea) in page.text
    response = staff_client.post(
        admin_url("edit", idea), {"title": "Free *roaming*", "body_source": "**Now**", "tags": [tag.pk]}
    )
    assert response.status_code == 302
    idea = fresh(idea)
    assert idea.title == "Free *roaming*"
    assert idea.body_html == "<p><strong>Now</strong></p>"
    assert list(idea.tags.all()) == [tag]
    assert idea.edited_at is not None and idea.status.slug == "new"
    # A tag the board does not offer is not a choice.
    bad = staff_client.post(
        admin_url("edit", idea), {"title": "Free roaming", "body_source": "", "tags": [other.pk]}
    )
    assert bad.status_code == 200 and fresh(idea).tags.count() == 1


def test_the_edit_form_shows_the_services_messages(staff_client):
    idea = IdeaFactory(title="A good title")
    response = staff_client.post(admin_url("edit", idea), {"title": "Hey", "body_source": ""})
    assert response.status_code == 200
    assert "at least 5 characters" in response.text
    assert fresh(idea).title == "A good title"


def test_inspect_shows_the_idea_and_its_actions(staff_client):
    idea = IdeaFactory(body_html="<p>Some <strong>text</strong></p>")
    response = staff_client.get(admin_url("inspect", idea))
    assert response.status_code == 200
    assert "<strong>text</strong>" in response.text
    assert admin_url("change_status", idea) in response.text


# --- Merge, approve, reject ------------------------------------------------------------------------------


def test_staff_merges_a_duplicate(staff_client, django_capture_on_commit_callbacks):
    source, target = IdeaFactory(), IdeaFactory()
    both, only_source = MemberFactory(), MemberFactory()
    for member in (both, only_source):
        services.cast_vote(member=member, idea=source)
    services.cast_vote(member=both, idea=target)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(admin_url("merge", source), {"target": target.pk, "response": ""})
    assert response.status_code == 302
    assert fresh(source).merged_into_id == target.pk
    assert fresh(target).vote_count == 2 == Vote.objects.filter(idea=target).count()
    assert Notification.objects.filter(recipient=only_source, kind="idea_status").exists()
    # Merged ideas offer no more actions.
    again = staff_client.get(admin_url("merge", source))
    assert again.status_code == 302


def test_merging_into_a_missing_or_the_same_idea_is_refused(staff_client):
    idea = IdeaFactory()
    missing = staff_client.post(admin_url("merge", idea), {"target": 999999})
    assert "There is no idea number 999999." in missing.text
    huge = staff_client.post(admin_url("merge", idea), {"target": "9" * 30})
    assert huge.status_code == 200 and "Enter the idea" in huge.text
    same = staff_client.post(admin_url("merge", idea), {"target": idea.pk})
    assert "cannot be merged into itself" in same.text
    assert fresh(idea).merged_into_id is None


def test_staff_approves_and_rejects_pending_ideas(staff_client, django_capture_on_commit_callbacks):
    board = make_board(requires_approval=True)
    good = IdeaFactory(board=board, status=idea_status("awaiting-approval"))
    bad = IdeaFactory(board=board, status=idea_status("awaiting-approval"))
    assert staff_client.post(admin_url("approve", good)).status_code == 302
    assert fresh(good).status.stage == Stage.OPEN
    assert staff_client.post(admin_url("reject", bad), {"response": ""}).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            staff_client.post(
                admin_url("reject", bad), {"response": "Please call customer service."}
            ).status_code
            == 302
        )
    assert fresh(bad).status.stage == Stage.REJECTED
    assert Notification.objects.filter(recipient=bad.author, kind="idea_status").exists()
    # Approving an open idea is not offered.
    assert staff_client.get(admin_url("approve", good)).status_code == 302


# --- Statuses and tags -------------------------------------------------------------------------------------


def test_default_statuses_keep_their_slug_and_stage(staff_client):
    planned = idea_status("planned")
    url = reverse("idea_statuses:edit", args=[planned.pk])
    response = staff_client.post(
        url,
        {"name": "On the roadmap", "slug": "hacked", "stage": "declined", "color": "#123456", "position": 3},
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.name, planned.slug, planned.stage, planned.color) == (
        "On the roadmap",
        "planned",
        "planned",
        "#123456",
    )


def test_staff_adds_a_status_in_a_visible_stage(staff_client):
    add = reverse("idea_statuses:add")
    hidden = staff_client.post(
        add, {"name": "Secret", "slug": "secret", "stage": "withdrawn", "color": "#123456", "position": 20}
    )
    assert hidden.status_code == 200 and not Status.objects.filter(slug="secret").exists()
    bad_colour = staff_client.post(
        add, {"name": "Testing", "slug": "testing", "stage": "in_progress", "color": "red", "position": 20}
    )
    assert bad_colour.status_code == 200
    ok = staff_client.post(
        add,
        {"name": "Testing", "slug": "testing", "stage": "in_progress", "color": "#aa00ff", "position": 20},
    )
    assert ok.status_code == 302
    assert Status.objects.get(slug="testing").stage == Stage.IN_PROGRESS


def test_statuses_in_use_cannot_be_deleted(client, django_user_model):
    admin = MemberFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    planned = idea_status("planned")
    client.post(reverse("idea_statuses:delete", args=[planned.pk]))
    assert Status.objects.filter(pk=planned.pk).exists()


def test_staff_manages_tags(staff_client):
    response = staff_client.post(reverse("idea_tags:add"), {"name": "5G", "slug": "5g"})
    assert response.status_code == 302
    assert staff_client.get(reverse("idea_tags:index")).status_code == 200


# --- Django admin ----------------------------------------------------------------------------------------------


def test_superusers_back_room_is_read_mostly(client):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    idea = IdeaFactory()
    services.cast_vote(member=MemberFactory(), idea=idea)
    for model in ("idea", "status", "ideatag", "vote", "comment", "statuschange"):
        assert client.get(reverse(f"admin:ideas_{model}_changelist")).status_code == 200
    assert client.get(reverse("admin:ideas_vote_add")).status_code == 403
    assert client.get(reverse("admin:ideas_idea_add")).status_code == 403
    response = client.post(
        reverse("admin:ideas_idea_change", args=[idea.pk]), {"title": "Hi", "body_source": ""}
    )
    assert response.status_code == 200 and "at least 5 characters" in response.text
    response = client.post(
        reverse("admin:ideas_idea_change", args=[idea.pk]),
        {"title": "A _new_ title", "body_source": "*Body*"},
    )
    assert response.status_code == 302
    assert fresh(idea).body_html == "<p><em>Body</em></p>"


# --- One rule, one place: the admin, the site and the API refuse alike -------------------------------


def test_a_pending_idea_cannot_be_merged_from_the_site_or_the_admin(staff_client):
    board = make_board(requires_approval=True)
    pending = IdeaFactory(board=board, status=idea_status("awaiting-approval"))
    target = IdeaFactory(board=board)
    site = staff_client.post(reverse("idea_merge", args=[pending.pk]), {"merge-target": str(target.pk)})
    assert "approve or reject this one first" in site.text
    admin = staff_client.post(admin_url("merge", pending), {"target": str(target.pk)})
    assert admin.status_code == 302  # the action is not offered for a pending idea
    assert fresh(pending).merged_into_id is None


def test_the_admin_reject_form_validates_like_the_service(staff_client):
    pending = IdeaFactory(board=make_board(requires_approval=True), status=idea_status("awaiting-approval"))
    response = staff_client.post(admin_url("reject", pending), {"response": "\u200b\u200b\u200b"})
    assert response.status_code == 200 and "Please write a reason." in response.text
    assert fresh(pending).status.slug == "awaiting-approval"


def test_staff_withdraw_an_idea_from_the_admin_with_a_reason(staff_client, django_capture_on_commit_callbacks):
    idea = IdeaFactory()
    empty = staff_client.post(admin_url("withdraw", idea), {"reason": ""})
    assert empty.status_code == 200 and fresh(idea).status.slug == "new"
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(admin_url("withdraw", idea), {"reason": "A duplicate of idea 12."})
    assert done.status_code == 302 and fresh(idea).status.slug == "withdrawn"
    assert Notification.objects.filter(recipient=idea.author, kind="idea_status").exists()


# --- The Django admin is a superuser's window, not a second write path -------------------------------


@pytest.fixture
def superuser_client(client):
    from tests.factories import StaffFactory

    client.force_login(StaffFactory(is_superuser=True))
    return client


def test_the_django_admin_cannot_delete_ideas(superuser_client):
    idea = IdeaFactory()
    response = superuser_client.get(reverse("admin:ideas_idea_delete", args=[idea.pk]))
    assert response.status_code == 403
    changelist = superuser_client.post(
        reverse("admin:ideas_idea_changelist"), {"action": "delete_selected", "_selected_action": [idea.pk]}
    )
    assert changelist.status_code in (200, 302)
    assert Idea.objects.filter(pk=idea.pk).exists()


def test_the_django_admin_keeps_the_default_statuses_and_their_stages(superuser_client):
    rejected = Status.by_slug("rejected")
    assert superuser_client.get(reverse("admin:ideas_status_delete", args=[rejected.pk])).status_code == 403
    superuser_client.post(
        reverse("admin:ideas_status_changelist"),
        {"action": "delete_selected", "_selected_action": [rejected.pk], "post": "yes"},
    )
    superuser_client.post(
        reverse("admin:ideas_status_change", args=[rejected.pk]),
        {"name": "Rejected", "slug": "gone", "stage": Stage.OPEN, "color": "#868e96", "position": 1},
    )
    rejected.refresh_from_db()
    assert (rejected.slug, rejected.stage) == ("rejected", Stage.REJECTED)
    # Rejecting still works: the status it needs is there.
    pending = IdeaFactory(status=idea_status("awaiting-approval"))
    from tests.factories import StaffFactory

    services.reject_idea(idea=pending, by=StaffFactory(), response="Not for this board.")
    assert fresh(pending).status.slug == "rejected"
