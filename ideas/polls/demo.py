"""Demo polls for `manage.py seed_demo`: an open poll with live results and idea-linked options,
a closed poll with its results and conclusion, an anonymous poll, and a poll asked of a customer
segment. Ballots are cast through ideas.polls.services like real members do.

Idempotent: if the "polls" index exists, nothing is added.
"""

from datetime import timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from community import audience
from community.management.commands.seed_demo import seeders
from community.models import Member, Segment, Team
from community.pages import HomePage
from community.rules import NotAllowed
from ideas.models import Idea
from ideas.polls import services
from ideas.polls.pages import PollIndexPage, PollPage, PollQuestion


def _idea_line(title: str) -> str:
    idea = Idea.objects.filter(title=title).only("pk").first()
    return f"#{idea.pk}" if idea else title


def _polls(now):
    """(fields, questions, share of members who answer, conclusion or "")."""
    return [
        (
            dict(
                title="What should the My Account app do next?",
                slug="app-next",
                team="mobile-app",
                intro="<p>The app team can build two of these before summer. Help us choose: rank them, and tell "
                "us what else you miss.</p>",
                opens_at=now - timedelta(days=3),
                closes_at=now + timedelta(days=11),
                results_visibility=PollPage.Results.ALWAYS,
            ),
            [
                (PollQuestion.Kind.RANKING, "Rank these from the one you want most to the one you want least",
                 "\n".join(_idea_line(t) for t in (
                     "Show remaining data in a home-screen widget", "Dark mode in the My Account app",
                     "Share data with family members in the app", "Alert me at 80 % of my data",
                 )), {}),
                (PollQuestion.Kind.SINGLE, "How often do you open the app?",
                 "Every day\nA few times a week\nA few times a month\nAlmost never", {}),
                (PollQuestion.Kind.SCALE_10, "How likely are you to recommend the app to a friend?", "", {}),
                (PollQuestion.Kind.TEXT, "What else should the app do?", "", {"required": False}),
            ],
            0.55,
            "",
        ),
        (
            dict(
                title="How should the new invoice read?",
                slug="new-invoice",
                team="billing",
                intro="<p>We are redesigning the invoice. Which layout makes it easiest to see what you pay "
                "and why?</p>",
                opens_at=now - timedelta(days=30),
                closes_at=now - timedelta(days=9),
                results_visibility=PollPage.Results.AFTER_CLOSE,
            ),
            [
                (PollQuestion.Kind.SINGLE, "Which layout do you prefer?",
                 "One total first, details after\nOne section per subscription\nA short summary plus a PDF with "
                 "every line", {}),
                (PollQuestion.Kind.MULTIPLE, "What must be on the first page?",
                 "The amount to pay\nThe due date\nWhat changed since last month\nPhone instalments\nHow to pay",
                 {"max_choices": 3}),
                (PollQuestion.Kind.SCALE_5, "How easy is today's invoice to understand?", "", {}),
            ],
            0.7,
            "Thank you to everyone who answered! **One total first, details after** won clearly, and almost "
            "everyone wants *what changed since last month* on the first page. The new invoice follows that "
            "layout from the next billing period; phone instalments get their own line, as many of you asked.",
        ),
        (
            dict(
                title="What matters most in your price plan?",
                slug="price-plan",
                team="billing",
                intro="<p>An anonymous poll: nobody, our team included, can see what you chose. Be honest!</p>",
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=20),
                results_visibility=PollPage.Results.AFTER_ANSWER,
                anonymous=True,
            ),
            [
                (PollQuestion.Kind.MULTIPLE, "Pick the two that matter most to you",
                 "A low monthly price\nNo binding period\nData that rolls over\nRoaming included\nA loyalty discount",
                 {"max_choices": 2}),
                (PollQuestion.Kind.SCALE_5, "How fair is the price you pay today?", "", {}),
            ],
            0.45,
            "",
        ),
        (
            dict(
                title="Long-standing broadband customers: when should we replace your router?",
                slug="router-upgrade",
                team="tv-broadband",
                intro="<p>Customers with broadband or a bundle for three years or more get a new Wi-Fi 7 router "
                "this year. Tell us what suits you.</p>",
                opens_at=now - timedelta(days=2),
                closes_at=now + timedelta(days=12),
                results_visibility=PollPage.Results.AFTER_ANSWER,
                audience=audience.SEGMENT,
            ),
            [
                (PollQuestion.Kind.SINGLE, "How would you like to get the new router?",
                 "By post, I install it myself\nA technician installs it\nPick it up in a shop", {}),
                (PollQuestion.Kind.SINGLE, "When suits you best?", "Spring\nSummer\nAutumn", {}),
            ],
            0.8,
            "",
        ),
    ]


def seed(*, stdout, rng) -> None:
    home = HomePage.objects.first()
    customers = list(Member.objects.filter(is_staff=False, email__endswith="@example.com").order_by("pk"))
    if home is None or len(customers) < 5:
        stdout.write("Polls need the home page and customers: skipped.")
        return
    if PollIndexPage.objects.filter(slug="polls").exists():
        stdout.write("Polls exist already: nothing added.")
        return
    # As for ideas: fictional people's mail goes nowhere and no browser watches the seeding.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", CHANNEL_LAYERS={}):
        added = _seed(home, customers, rng)
    stdout.write(f"Polls: {added} polls added.")


def _seed(home, customers, rng) -> int:
    now = timezone.now()
    with transaction.atomic():
        index = home.add_child(instance=PollIndexPage(
            title="Polls", slug="polls",
            intro="<p>Our teams ask, you decide: answer a poll in a minute, and hear what we do with the result.</p>",
        ))
        index.save_revision().publish()
    segment, _created = Segment.objects.get_or_create(
        name="Long-standing broadband customers",
        defaults={"team": Team.objects.filter(slug="tv-broadband").first(), "plans": ["broadband", "bundle"], "min_years": 3},
    )
    staff_by_team = {t.slug: t.members.filter(is_active=True).first() for t in Team.objects.all()}
    for fields, questions, share, conclusion in _polls(now):
        fields = dict(fields)
        team = Team.objects.filter(slug=fields.pop("team")).first()
        closes_at = fields["closes_at"]
        closed = closes_at <= now
        if closed:
            # Ballots are cast while the poll is open, as they would have been; it closes after.
            fields["closes_at"] = now + timedelta(hours=1)
        if fields.get("audience") == audience.SEGMENT:
            fields["segment"] = segment
        rows = [PollQuestion(kind=k, text=t, options=o, sort_order=i, **extra) for i, (k, t, o, extra) in enumerate(questions)]
        with transaction.atomic():
            poll = index.add_child(instance=PollPage(owner_team=team, questions=rows, **fields))
            poll.save_revision().publish()
        poll.refresh_from_db()
        _answer(poll, customers, share, rng)
        if closed:
            poll.closes_at = closes_at
            poll.save_revision().publish()
            poll.refresh_from_db()
            services.close_poll(poll)
            author = staff_by_team.get(team.slug) if team else None
            if conclusion and author is not None:
                services.conclude_poll(poll=poll, by=author, text=conclusion)
    return 4


def _answer(poll, customers, share, rng) -> None:
    from ideas.polls.queries import questions_of

    questions = questions_of(poll)
    people = [m for m in customers if rng.random() < share]
    comments = ["Let me see my bill split per person in the family.", "A widget for the lock screen, please!",
                "Faster log-in with face ID.", "Show when the next invoice comes."]
    for member in people:
        answers = {}
        for q in questions:
            ids = [o.pk for o in q.option_list]
            if q.kind == PollQuestion.Kind.SINGLE:
                # Skewed, so results tell a story: the first options are chosen more often.
                answers[q.pk] = rng.choices(ids, weights=[(len(ids) - i) ** 2 for i in range(len(ids))])
            elif q.kind == PollQuestion.Kind.MULTIPLE:
                answers[q.pk] = rng.sample(ids, k=min(q.max_choices or 2, len(ids)))
            elif q.kind == PollQuestion.Kind.RANKING:
                answers[q.pk] = sorted(ids, key=lambda i: rng.random() + ids.index(i) * 0.3)
            elif q.scale:
                low, high = q.scale
                answers[q.pk] = round(rng.triangular(low, high, high - 1))
            elif rng.random() < 0.3:
                answers[q.pk] = rng.choice(comments)
        try:
            services.cast_ballot(member=member, poll=poll, answers=answers)
        except NotAllowed:
            continue  # outside the segment: refused, as on the site


seeders.append(seed)
