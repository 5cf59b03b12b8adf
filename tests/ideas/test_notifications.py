"""Closing the loop: status changes, merges and comments reach the right people, once, in their language."""

import pytest
from django.core import mail

from community.models import Member, Notification
from ideas import services, tasks
from tests.factories import IdeaFactory, MemberFactory, StaffFactory, idea_status

pytestmark = pytest.mark.django_db

INSTANT, DAILY, OFF = Member.Delivery.INSTANT, Member.Delivery.DAILY, Member.Delivery.OFF


@pytest.fixture
def run_after_commit(django_capture_on_commit_callbacks):
    """Run what services register for after the commit (tasks, e-mail, live events)."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def notified(kind="idea_status"):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


@pytest.fixture
def planned_idea(run_after_commit):
    """An idea with its author, two voters, a follower and a bystander, then set "Planned"."""
    people = {
        "author": MemberFactory(email_delivery=INSTANT),
        "voter": MemberFactory(email_delivery=INSTANT),
        "daily_voter": MemberFactory(email_delivery=DAILY),
        "follower": MemberFactory(email_delivery=OFF),
        "bystander": MemberFactory(email_delivery=INSTANT),
        "staff": StaffFactory(email_delivery=INSTANT),
    }
    idea = IdeaFactory(author=people["author"], title="Wi-Fi calling")
    services.set_following(member=people["author"], idea=idea, follow=True)
    for voter in ("voter", "daily_voter", "staff"):  # the staff member who answers voted too
        services.cast_vote(member=people[voter], idea=idea)
    services.set_following(member=people["follower"], idea=idea, follow=True)
    mail.outbox.clear()
    change = run_after_commit(
        services.change_status,
        idea=idea,
        to=idea_status("planned"),
        response="Coming in **May** to all plans.",
        by=people["staff"],
    )
    return idea, change, people


def test_author_voters_and_followers_are_notified_once_when_idea_is_planned(planned_idea):
    idea, change, people = planned_idea
    expected = sorted(people[p].pk for p in ("author", "voter", "daily_voter", "follower"))
    assert notified() == expected
    for note in Notification.objects.filter(kind="idea_status"):
        assert note.url == idea.get_absolute_url()
        assert "Coming in May to all plans." in note.body  # plain text of the Markdown
        assert note.title == "“Wi-Fi calling” is now Planned"
        assert note.key == f"idea-status:{change.pk}"


def test_the_staff_member_who_changed_the_status_is_not_notified(planned_idea):
    _, _, people = planned_idea
    assert not Notification.objects.filter(recipient=people["staff"]).exists()
    assert not Notification.objects.filter(recipient=people["bystander"]).exists()


def test_only_instant_preference_members_get_one_email_each(planned_idea):
    idea, _, people = planned_idea
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["author"].email, people["voter"].email])
    message = mail.outbox[0]
    assert message.subject == "“Wi-Fi calling” is now Planned"
    assert "Coming in May to all plans." in message.body and idea.get_absolute_url() in message.body


def test_running_the_task_again_notifies_no_one_twice(planned_idea, run_after_commit):
    _, change, _ = planned_idea
    before, emails = Notification.objects.count(), len(mail.outbox)
    assert run_after_commit(tasks.notify_status_change.call, change.pk) == 0
    assert run_after_commit(tasks.notify_status_change.call, change.pk, []) == 0
    assert Notification.objects.count() == before and len(mail.outbox) == emails


def test_each_status_change_is_a_new_notification(planned_idea, run_after_commit):
    idea, _, people = planned_idea
    run_after_commit(
        services.change_status, idea=idea, to=idea_status("shipped"), response="Live now!", by=people["staff"]
    )
    assert Notification.objects.filter(recipient=people["voter"], kind="idea_status").count() == 2


def test_merged_ideas_voters_are_told_where_their_vote_went(run_after_commit):
    staff = StaffFactory()
    source, target = IdeaFactory(title="Roaming in Sweden"), IdeaFactory(title="Nordic roaming")
    only_source, both, only_target = MemberFactory.create_batch(3)
    for voter in (only_source, both):
        services.cast_vote(member=voter, idea=source)
    for voter in (both, only_target):
        services.cast_vote(member=voter, idea=target)
    # A voter who later unfollowed the duplicate is still told: their vote moved.
    services.set_following(member=only_source, idea=source, follow=False)

    run_after_commit(services.merge_ideas, source=source, target=target, by=staff)

    assert notified() == sorted([only_source.pk, both.pk, source.author_id])
    note = Notification.objects.get(recipient=only_source)
    assert "Nordic roaming" in note.body and note.url == source.get_absolute_url()


def test_a_new_comment_notifies_followers_except_its_author(run_after_commit):
    idea = IdeaFactory()
    follower, commenter, unfollowed = MemberFactory.create_batch(3)
    services.set_following(member=idea.author, idea=idea, follow=True)
    services.set_following(member=follower, idea=idea, follow=True)
    services.set_following(member=unfollowed, idea=idea, follow=True)
    services.set_following(member=unfollowed, idea=idea, follow=False)

    comment = run_after_commit(services.add_comment, idea=idea, author=commenter, body="I want this too")

    assert notified("idea_comment") == sorted([idea.author_id, follower.pk])
    note = Notification.objects.get(recipient=follower)
    assert note.url == f"{idea.get_absolute_url()}#comment-{comment.pk}"
    assert "I want this too" in note.body
    # The commenter now follows: the next comment by someone else reaches them.
    run_after_commit(services.add_comment, idea=idea, author=follower, body="Me too")
    assert Notification.objects.filter(recipient=commenter, kind="idea_comment").count() == 1
    assert run_after_commit(tasks.notify_new_comment.call, comment.pk) == 0


def test_a_comment_deleted_before_the_task_runs_notifies_no_one():
    idea = IdeaFactory()
    services.set_following(member=idea.author, idea=idea, follow=True)
    comment = services.add_comment(idea=idea, author=MemberFactory(), body="Oops")  # task not run yet
    services.delete_comment(comment=comment, by=comment.author)
    assert tasks.notify_new_comment.call(comment.pk) == 0
    assert not Notification.objects.exists()


def test_authors_hear_when_their_pending_idea_is_approved_or_rejected(run_after_commit):
    staff = StaffFactory()
    approved = IdeaFactory(status=idea_status("awaiting-approval"))
    rejected = IdeaFactory(status=idea_status("awaiting-approval"))
    run_after_commit(services.approve_idea, idea=approved, by=staff)
    run_after_commit(services.reject_idea, idea=rejected, by=staff, response="This is a support question")
    assert notified() == sorted([approved.author_id, rejected.author_id])
    assert "support question" in Notification.objects.get(recipient=rejected.author).body


def test_followers_hear_when_the_author_withdraws(run_after_commit):
    idea, follower = IdeaFactory(), MemberFactory()
    services.set_following(member=follower, idea=idea, follow=True)
    run_after_commit(services.withdraw_idea, idea=idea, by=idea.author, reason="Solved another way")
    assert notified() == [follower.pk]


def test_deactivated_members_are_not_notified(run_after_commit):
    idea, gone = IdeaFactory(), MemberFactory()
    services.cast_vote(member=gone, idea=idea)
    Member.objects.filter(pk=gone.pk).update(is_active=False)
    run_after_commit(
        services.change_status, idea=idea, to=idea_status("declined"), response="Not now", by=StaffFactory()
    )
    assert not Notification.objects.filter(recipient=gone).exists()


def test_notifications_are_in_each_members_preferred_language(run_after_commit):
    norwegian = MemberFactory(preferred_language="nb", email_delivery=INSTANT, display_name="Kari")
    english = MemberFactory(preferred_language="en", email_delivery=INSTANT)
    idea = IdeaFactory(title="Wi-Fi calling", author=norwegian)
    services.set_following(member=norwegian, idea=idea, follow=True)
    services.cast_vote(member=english, idea=idea)
    run_after_commit(
        services.change_status, idea=idea, to=idea_status("planned"), response="Soon", by=StaffFactory()
    )
    titles = dict(Notification.objects.filter(kind="idea_status").values_list("recipient_id", "title"))
    assert titles == {
        norwegian.pk: "«Wi-Fi calling» er nå Planlagt",
        english.pk: "“Wi-Fi calling” is now Planned",
    }
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects[norwegian.email] == "«Wi-Fi calling» er nå Planlagt"

    run_after_commit(services.add_comment, idea=idea, author=english, body="Takk!")
    assert Notification.objects.get(recipient=norwegian, kind="idea_comment").title.endswith(
        "kommenterte «Wi-Fi calling»"
    )


def test_a_swedish_members_email_is_in_swedish_when_a_norwegian_staff_member_changes_the_status(
    client, django_capture_on_commit_callbacks
):
    """The e-mail follows the recipient's language, not the language the staff member works in."""
    swede = MemberFactory(preferred_language="sv", email_delivery=INSTANT, display_name="Sara")
    idea = IdeaFactory(title="eSIM för klockan")
    services.cast_vote(member=swede, idea=idea)
    norwegian_staff = StaffFactory(preferred_language="nb")
    client.force_login(norwegian_staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/idea/{idea.pk}/status/",
            {"status-status": "planned", "status-response": "Vi lanserer dette i mai."},
            HTTP_ACCEPT_LANGUAGE="nb",
        )
    assert response.status_code == 302
    assert response.headers["Content-Language"] == "nb"  # the staff member's page spoke Norwegian
    [message] = [m for m in mail.outbox if m.to == [swede.email]]
    assert message.subject == "”eSIM för klockan” är nu Planerad"
    assert message.body.startswith("Hej Sara,")
    assert "Ändra hur ofta vi mejlar dig:" in message.body
    assert Notification.objects.get(recipient=swede).title == "”eSIM för klockan” är nu Planerad"
