"""Two staff on one item at the same moment: the later save is told, never silently applied.
PostgreSQL with threads released together; the same story one after the other on any database."""

import pytest

from feedback import services
from feedback.models import FeedbackItem, ItemStatusChange
from tests.feedback.inbox_world import invoice_feedback, make_world
from tests.ideas.test_concurrency import require_postgresql, run_together


def _both_answer(world, item):
    seen = item.version
    return [
        (lambda who=who, text=text: services.change_item_status(
            item=FeedbackItem.objects.get(pk=item.pk), to="resolved", by=who, response=text, expected_version=seen))
        for who, text in ((world.ingrid, "We refunded the double charge"), (world.bo, "The charge was correct"))
    ]


@pytest.mark.django_db
def test_one_after_the_other_the_second_is_told():
    world = make_world()
    item = invoice_feedback(world)
    first, second = _both_answer(world, item)
    first()
    with pytest.raises(services.ItemChanged):
        second()
    assert ItemStatusChange.objects.filter(item=item).count() == 1


@pytest.mark.django_db
def test_a_stale_assignment_is_told_too():
    world = make_world()
    item = invoice_feedback(world)
    seen = item.version
    services.assign_item(item=item, assignee=world.bo, by=world.ingrid, expected_version=seen)
    with pytest.raises(services.ItemChanged):
        services.assign_item(item=FeedbackItem.objects.get(pk=item.pk), assignee=world.ingrid, by=world.bo,
                             expected_version=seen)
    assert FeedbackItem.objects.get(pk=item.pk).assignee == world.bo


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_staff_resolving_at_once_one_wins_and_one_is_told():
    require_postgresql()
    world = make_world()
    item = invoice_feedback(world)
    errors, results = run_together(_both_answer(world, item))
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], services.ItemChanged)
    changes = list(ItemStatusChange.objects.filter(item=item))
    assert len(changes) == 1 and changes[0].response_source == results[0].response_source
    assert FeedbackItem.objects.get(pk=item.pk).version == item.version + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_receipt_is_stamped_once_when_two_open_at_once():
    require_postgresql()
    world = make_world()
    item = invoice_feedback(world)
    errors, results = run_together([
        (lambda who=who: services.mark_read(item=FeedbackItem.objects.get(pk=item.pk), by=who))
        for who in (world.ingrid, world.bo)
    ])
    assert not errors and sorted(results) == [False, True]
