"""Feedback services: joining and applying, threads with their items, statuses, tags, notes."""

import pytest
from django.core.exceptions import ValidationError

from community.rules import NotAllowed
from feedback import services
from feedback.models import FeedbackItem, ItemStatusChange, Membership, Status, TagChange, Thread
from tests.factories import MemberFactory, StaffFactory, make_member_of, make_programme, make_thread

pytestmark = pytest.mark.django_db


def test_open_programme_joins_at_once(member):
    programme = make_programme()
    membership = services.join_programme(member=member, programme=programme)
    assert membership.state == Membership.State.ACTIVE


def test_apply_then_staff_approve_tells_the_applicant(member, staff, mailoutbox):
    programme = make_programme(enrolment="apply")
    membership = services.apply_to_programme(member=member, programme=programme, reason="I watch TV daily")
    assert membership.state == Membership.State.APPLIED
    services.approve_application(membership=membership, by=staff)
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACTIVE
    assert member.notifications.filter(kind="beta_decision").exists()


def test_decline_tells_the_applicant(member, staff):
    programme = make_programme(enrolment="apply")
    membership = services.apply_to_programme(member=member, programme=programme, reason="Please")
    services.decline_application(membership=membership, by=staff)
    assert Membership.objects.get(pk=membership.pk).state == Membership.State.DECLINED
    assert member.notifications.filter(kind="beta_decision").count() == 1
    with pytest.raises(NotAllowed):
        services.decline_application(membership=membership, by=staff)


def test_apply_needs_a_reason(member):
    programme = make_programme(enrolment="apply")
    with pytest.raises(ValidationError):
        services.apply_to_programme(member=member, programme=programme, reason="  \u200b ")


def test_consent_is_required_when_the_programme_asks(member):
    programme = make_programme(consent_text="Keep it secret.")
    with pytest.raises(ValidationError):
        services.join_programme(member=member, programme=programme)
    services.join_programme(member=member, programme=programme, consent=True)


def test_capacity_is_kept(member):
    programme = make_programme(capacity=1)
    make_member_of(programme)
    with pytest.raises(NotAllowed):
        services.join_programme(member=member, programme=programme)


def test_invite_only_needs_the_link(member):
    programme = make_programme(enrolment="invite")
    with pytest.raises(NotAllowed):
        services.join_programme(member=member, programme=programme, token="wrong")
    services.join_programme(member=member, programme=programme, token=programme.invite_token)


@pytest.mark.parametrize(
    "fields, attrs, device, allowed",
    [
        ({"eligible_plans": ["tv"]}, {"plan": "tv"}, "", True),
        ({"eligible_plans": ["tv"]}, {"plan": "mobile"}, "", False),
        ({"eligible_regions": "Oslo\nBergen"}, {"region": "oslo"}, "", True),
        ({"eligible_regions": "Oslo"}, {"region": "Aarhus"}, "", False),
        ({"devices": "Apple TV\nAndroid TV"}, {}, "Apple TV", True),
        ({"devices": "Apple TV"}, {}, "Roku", False),
    ],
)
def test_eligibility(fields, attrs, device, allowed):
    programme = make_programme(**fields)
    member = MemberFactory(**attrs)
    if allowed:
        services.join_programme(member=member, programme=programme, device=device)
    else:
        with pytest.raises(NotAllowed):
            services.join_programme(member=member, programme=programme, device=device)


def test_wave_admits_the_oldest_applicants_up_to_capacity(staff):
    programme = make_programme(enrolment="apply", capacity=3)
    make_member_of(programme)
    applicants = [MemberFactory() for _ in range(4)]
    for applicant in applicants:
        services.apply_to_programme(member=applicant, programme=programme, reason="Me!")
    wave = services.admit_wave(programme=programme, by=staff, size=10)
    admitted = set(Membership.objects.filter(wave=wave).values_list("member_id", flat=True))
    assert admitted == {applicants[0].pk, applicants[1].pk}
    assert services.admit_wave(programme=programme, by=staff, size=1) is None  # full


def test_a_thread_is_a_feedback_item_tagged_by_rules():
    thread = make_thread(title="Fakturaen kommer ikke i appen", body="Jeg finner ikke fakturaen.", language="nb")
    item = FeedbackItem.objects.get(thread=thread)
    assert item.source == "beta" and item.status == Status.NEW
    assert {"invoice", "app"} <= set(item.tags.values_list("slug", flat=True))
    change = TagChange.objects.filter(item=item, tag__slug="invoice").get()
    assert change.rule_name == "Invoice" and change.by is None


def test_bug_reports_need_a_device():
    programme = make_programme()
    author = make_member_of(programme)
    with pytest.raises(ValidationError) as error:
        services.post_thread(author=author, programme=programme, kind="bug", title="It crashes", body="Crash")
    assert error.value.code == "device"


def test_non_member_cannot_post():
    programme = make_programme()
    with pytest.raises(NotAllowed):
        services.post_thread(author=MemberFactory(), programme=programme, kind="idea", title="Hello there")


def test_reply_notifies_the_author_not_a_former_member():
    programme = make_programme()
    author = make_member_of(programme)
    thread = make_thread(programme, author)
    other = make_member_of(programme)
    services.reply(thread=thread, author=other, body="Same here")
    assert author.notifications.filter(kind="beta_reply").count() == 1
    services.leave_programme(member=author, programme=programme)
    services.reply(thread=thread, author=other, body="Still broken")
    assert author.notifications.filter(kind="beta_reply").count() == 1
    assert Thread.objects.get(pk=thread.pk).post_count == 2


def test_closing_needs_an_answer_and_tells_the_author():
    thread = make_thread()
    item = FeedbackItem.objects.get(thread=thread)
    staff = StaffFactory()
    with pytest.raises(ValidationError):
        services.change_item_status(item=item, to=Status.RESOLVED, by=staff, response="")
    services.change_item_status(item=item, to=Status.RESOLVED, by=staff, response="Fixed in 2.1")
    assert thread.author.notifications.filter(kind="feedback_status").count() == 1
    assert ItemStatusChange.objects.get(item=item).response_source == "Fixed in 2.1"


def test_transitions_table_is_enforced():
    item = FeedbackItem.objects.get(thread=make_thread())
    staff = StaffFactory()
    services.change_item_status(item=item, to=Status.RESOLVED, by=staff, response="Done")
    with pytest.raises(NotAllowed):
        services.change_item_status(item=item, to=Status.WONT_DO, by=staff, response="No")


def test_customers_cannot_change_status(member):
    item = FeedbackItem.objects.get(thread=make_thread())
    with pytest.raises(NotAllowed):
        services.change_item_status(item=item, to=Status.ACKNOWLEDGED, by=item.author)


def test_retag_keeps_history_and_rules_do_not_undo_a_hand():
    from feedback.models import Tag

    thread = make_thread(title="Fakturaen er feil", body="Beløpet stemmer ikke.", language="nb")
    item = FeedbackItem.objects.get(thread=thread)
    staff = StaffFactory()
    services.set_tags(item=item, tags=[Tag.objects.get(slug="billing")], by=staff)
    assert set(item.tags.values_list("slug", flat=True)) == {"billing"}
    services.apply_rules(item)
    assert set(item.tags.values_list("slug", flat=True)) == {"billing"}
    actions = list(TagChange.objects.filter(item=item).values_list("tag__slug", "action", "by"))
    assert ("invoice", "added", None) in actions and ("invoice", "removed", staff.pk) in actions


def test_internal_note_is_for_staff_only(member):
    item = FeedbackItem.objects.get(thread=make_thread())
    with pytest.raises(NotAllowed):
        services.add_internal_note(item=item, by=item.author, body="sneaky")
    note = services.add_internal_note(item=item, by=StaffFactory(), body="Known issue in build 41")
    assert note.body_html
    assert not item.author.notifications.exists()


def test_programme_end_thanks_members_once_with_what_changed():
    import datetime

    from django.utils import timezone

    programme = make_programme()
    author = make_member_of(programme)
    thread = make_thread(programme, author, title="Add a sleep timer")
    item = FeedbackItem.objects.get(thread=thread)
    services.change_item_status(item=item, to=Status.RESOLVED, by=StaffFactory(), response="Added in 2.0")
    programme.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    programme.save()
    assert services.end_programme(programme=programme)
    assert not services.end_programme(programme=programme)
    note = author.notifications.get(kind="beta_ended")
    assert "Add a sleep timer" in note.body
