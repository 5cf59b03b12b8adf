"""Lists run a fixed number of queries whatever their size: a programme with 10,000 threads."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feedback.models import FeedbackItem, ItemTag, Tag, Thread
from tests.factories import StaffFactory, TouchpointFactory, make_member_of, make_programme

pytestmark = pytest.mark.django_db

THREADS = 10_000


def _fill(programme, author, n):
    now = timezone.now()
    threads = Thread.objects.bulk_create([
        Thread(programme=programme, author=author, kind=("bug", "idea", "question", "praise")[i % 4],
               title=f"Thread {i}", body_html="<p>text</p>", created_at=now, last_activity_at=now)
        for i in range(n)
    ], batch_size=2000)
    items = FeedbackItem.objects.bulk_create([
        FeedbackItem(source="beta", thread=t, programme=programme, author=author, title=t.title) for t in threads
    ], batch_size=2000)
    tags = list(Tag.objects.all()[:2])
    ItemTag.objects.bulk_create([ItemTag(item=item, tag=tag) for item in items for tag in tags], batch_size=4000)


@pytest.fixture
def big_programme():
    programme = make_programme()
    author = make_member_of(programme)
    _fill(programme, author, THREADS)
    return programme, author


@pytest.mark.parametrize("params", [{}, {"kind": "bug"}, {"page": "40"}, {"q": "Thread 99"}, {"mine": "1"}])
def test_programme_page_queries_are_constant(client, big_programme, django_assert_max_num_queries, params):
    programme, author = big_programme
    client.force_login(author)
    client.get(programme.url)  # warm the visibility cache, as in production
    with django_assert_max_num_queries(16):
        response = client.get(programme.url, params)
    assert response.status_code == 200
    assert response.content.count(b'<li class="thread-card') == 25


def test_api_listing_queries_are_constant(client, big_programme, django_assert_max_num_queries):
    programme, author = big_programme
    client.force_login(author)
    client.get(reverse("api_beta_threads", args=[programme.pk]))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("api_beta_threads", args=[programme.pk]), {"page": 3})
    assert len(response.json()["results"]) == 25


def test_staff_list_and_my_feedback_are_constant(client, big_programme, django_assert_max_num_queries):
    from feedback import services

    programme, author = big_programme
    touchpoint = TouchpointFactory()
    for score in range(11):
        services.submit_answer(touchpoint=touchpoint, score=score, comment="Fakturaen er feil")
    client.force_login(StaffFactory())
    client.get(reverse("feedback_staff"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("feedback_staff"), {"tag": "invoice"}).status_code == 200
    client.force_login(author)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("feedback_mine")).status_code == 200
