"""`manage.py seed_demo` adds believable idea boards, through the services, once."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Count

from community.models import Notification
from ideas.models import Comment, Idea, Stage, StatusChange, Vote
from ideas.pages import IdeaBoardIndexPage, IdeaBoardPage

# Real commits, so the notification tasks run as they do in development;
# tests/conftest.py restores the rows migrations create (statuses, the Staff group) after each flush.
pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict:
    return {
        "boards": IdeaBoardPage.objects.count(),
        "ideas": Idea.objects.count(),
        "votes": Vote.objects.count(),
        "comments": Comment.objects.count(),
        "changes": StatusChange.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_seed_demo_adds_idea_boards_once():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Idea boards: 59 ideas added." in out.getvalue()

    index = IdeaBoardIndexPage.objects.get(slug="ideas")
    boards = {b.title: b for b in IdeaBoardPage.objects.child_of(index)}
    assert set(boards) == {"Mobile", "TV & Broadband", "Billing & Invoice"}
    assert boards["Billing & Invoice"].requires_approval
    assert boards["Mobile"].owner_team.slug == "network"
    assert {t.name for t in boards["Mobile"].offered_tags.all()} >= {"5G", "Roaming", "Coverage"}

    stages = dict(Idea.objects.values_list("status__stage").annotate(n=Count("pk")))
    assert stages[Stage.PLANNED] >= 3 and stages[Stage.IN_PROGRESS] >= 2 and stages[Stage.DONE] >= 4
    assert stages[Stage.DECLINED] >= 2 and stages[Stage.MERGED] == 1 and stages[Stage.PENDING] == 1
    assert Idea.objects.filter(title="Faktura på nynorsk").exists()
    assert Idea.objects.filter(title="Bättre wifi i stora hus").exists()
    assert Comment.objects.filter(by_staff=True).exists() and Comment.objects.exclude(parent=None).exists()
    # Every status answer was heard by the voters, in the bell; no demo e-mail went anywhere.
    planned = Idea.objects.filter(status__slug="planned").first()
    voter = Vote.objects.filter(idea=planned).first().member
    assert Notification.objects.filter(
        recipient=voter, kind="idea_status", url=planned.get_absolute_url()
    ).exists()
    assert mail.outbox == []
    # A returning customer has read most of it: only a handful stays unread.
    unread = Notification.objects.filter(read_at__isnull=True, recipient__is_staff=False)
    per_member = unread.values("recipient").annotate(n=Count("pk")).values_list("n", flat=True)
    assert per_member and max(per_member) <= 4
    check = StringIO()
    call_command("recount", "--check", stdout=check)
    assert "counts equal their rows" in check.getvalue()

    before = snapshot()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "Idea boards exist already: nothing added." in out.getvalue()
    assert snapshot() == before
