"""factory-boy factories for every model tests create."""

import factory
from allauth.account.models import EmailAddress

from community.models import Member, Notification, Team
from community.services import grant_staff

PASSWORD = "a-Strong-passw0rd"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    username = factory.Sequence(lambda n: f"m-test-{n}")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """MemberFactory(verified=False) makes a member whose e-mail is not confirmed."""
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )


class StaffFactory(MemberFactory):
    email = factory.Sequence(lambda n: f"staff{n}@cocreate.example")

    @factory.post_generation
    def staff(obj, create, extracted, **kwargs):
        """StaffFactory(staff=[team, ...]) puts them on those teams; without, on the triage team,
        which owns whatever has no owning team (boards, programmes and touchpoints the tests make)."""
        if create:
            grant_staff(obj, teams=extracted or [triage_team()])


def triage_team():
    team, _ = Team.objects.get_or_create(is_triage=True, defaults={"name": "Triage", "slug": "triage"})
    return team


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(MemberFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"Something happened {n}")
    key = factory.Sequence(lambda n: f"test:{n}")


# --- Ideas -------------------------------------------------------------------------------------


def make_board(parent=None, **fields):
    """An idea board under the site's root page, or `parent` (boards are Wagtail pages, not
    plain rows)."""
    from wagtail.models import Page

    from ideas.pages import IdeaBoardPage

    n = IdeaBoardPage.objects.count() + 1
    fields.setdefault("title", f"Board {n}")
    fields.setdefault("slug", f"board-{n}")
    if parent is None:
        root = Page.get_first_root_node()
        parent = root.get_children().first() or root
    return parent.add_child(instance=IdeaBoardPage(**fields))


class IdeaFactory(factory.django.DjangoModelFactory):
    """An open idea, written straight to the database (tests of services call the services)."""

    class Meta:
        model = "ideas.Idea"

    board = factory.LazyFunction(make_board)
    author = factory.SubFactory(MemberFactory)
    title = factory.Sequence(lambda n: f"Idea number {n}")
    body_source = "Some **text**"
    body_html = factory.LazyAttribute(lambda idea: _published(idea.body_source))
    status = factory.LazyFunction(lambda: _status("new"))


def _published(source):
    from community.content import render_user_text

    return render_user_text(source).html


def _status(slug):
    from ideas.models import Status

    return Status.objects.get(slug=slug)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ideas.IdeaTag"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.Sequence(lambda n: f"tag-{n}")


def idea_status(slug):
    """A status of the default workflow by slug ("planned", "shipped", ...)."""
    return _status(slug)


class VoteFactory(factory.django.DjangoModelFactory):
    """A vote row written straight to the database: keep Idea.vote_count in step yourself, or
    cast votes through ideas.services.cast_vote."""

    class Meta:
        model = "ideas.Vote"

    idea = factory.SubFactory(IdeaFactory)
    member = factory.SubFactory(MemberFactory)


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ideas.Comment"

    idea = factory.SubFactory(IdeaFactory)
    author = factory.SubFactory(MemberFactory)
    body_source = factory.Sequence(lambda n: f"Comment {n}")
    body_html = factory.LazyAttribute(lambda c: f"<p>{c.body_source}</p>")


# --- Polls -------------------------------------------------------------------------------------


def make_poll(*, questions=None, parent=None, publish=True, **fields):
    """A poll page, open now for a week, published through a revision like the admin does (so its
    options are made from the questions' lines). questions: (kind, text, options lines, extra)."""
    from datetime import timedelta

    from django.utils import timezone
    from wagtail.models import Page

    from ideas.polls.pages import PollPage, PollQuestion

    n = PollPage.objects.count() + 1
    fields.setdefault("title", f"Poll {n}")
    fields.setdefault("slug", f"poll-{n}")
    fields.setdefault("opens_at", timezone.now() - timedelta(hours=1))
    fields.setdefault("closes_at", timezone.now() + timedelta(days=7))
    if questions is None:
        questions = [("single", "Which first?", "Cheaper roaming\nBetter coverage\nA new app", {})]
    rows = [
        PollQuestion(kind=kind, text=text, options=options, sort_order=i, **extra)
        for i, (kind, text, options, extra) in enumerate(questions)
    ]
    if parent is None:
        root = Page.get_first_root_node()
        parent = root.get_children().first() or root
    poll = parent.add_child(instance=PollPage(questions=rows, **fields))
    if publish:
        poll.save_revision().publish()
        poll.refresh_from_db()
    return poll


def make_segment(**fields):
    from community.models import Segment

    fields.setdefault("name", "Segment")
    return Segment.objects.create(**fields)
# --- Feedback ----------------------------------------------------------------------------------


def make_programme(**fields):
    """A running beta programme under the site's root page (programmes are Wagtail pages)."""
    from wagtail.models import Page

    from feedback.pages import BetaProgramPage

    n = BetaProgramPage.objects.count() + 1
    fields.setdefault("title", f"Beta {n}")
    fields.setdefault("slug", f"beta-{n}")
    fields.setdefault("enrolment", BetaProgramPage.Enrolment.OPEN)
    root = Page.get_first_root_node()
    parent = root.get_children().first() or root
    return parent.add_child(instance=BetaProgramPage(**fields))


def make_member_of(programme, member=None):
    """An active member of the programme (a new customer unless one is given)."""
    from feedback.models import Membership

    member = member or MemberFactory()
    Membership.objects.update_or_create(
        programme=programme, member=member, defaults={"state": Membership.State.ACTIVE}
    )
    return member


def make_thread(programme=None, author=None, **fields):
    """A thread posted through the service (so it has its feedback item and rule tags)."""
    from feedback import services

    programme = programme or make_programme()
    author = author or make_member_of(programme)
    fields.setdefault("kind", "idea")
    fields.setdefault("title", "The guide is slow to load")
    fields.setdefault("body", "It takes ten seconds every evening.")
    return services.post_thread(author=author, programme=programme, **fields)


class TouchpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "feedback.Touchpoint"

    name = factory.Sequence(lambda n: f"Touchpoint {n}")
    slug = factory.Sequence(lambda n: f"touchpoint-{n}")
    allowed_origins = "https://minside.example.com\nhttp://testserver"
