"""Demo feedback for `manage.py seed_demo`: a running beta ("New TV app") with members, threads of
every kind, replies, answers and an internal note, an upcoming beta to apply to, and two
touchpoints ("Invoice", "App") with about 200 NPS answers spread over 90 days. Routing rules send
it to the demo teams (feedback.routing, as new feedback is); older answers are answered and
resolved, recent ones wait, some are overdue and the oldest of those escalated to the team lead.
Everything is written through feedback.services like real activity; only the clocks are moved
back (creation, answers, due moments) so the demo has a history.

Idempotent: if the beta index exists, nothing is added.
"""

from datetime import timedelta

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from community.management.commands.seed_demo import seeders
from community.models import Member, Team
from community.pages import HomePage
from community.teams import add_working_hours
from feedback import routing_services, services
from feedback.models import (
    CustomerNumber,
    FeedbackItem,
    ItemStatusChange,
    Membership,
    Post,
    Status,
    Tag,
    Thread,
    Touchpoint,
    TouchpointAnswer,
)
from feedback.pages import BetaProgramIndexPage, BetaProgramPage

THREADS = [
    # (kind, language, title, body, device, app version, outcome, staff answer)
    ("bug", "nb", "Appen krasjer når jeg bytter kanal raskt",
     "Når jeg zapper fort mellom NRK1 og TV 2 fryser bildet og appen lukkes. Skjer hver kveld.",
     "Apple TV 4K", "0.9.2", "in_progress", "Takk! Vi har funnet feilen og retter den i neste versjon."),
    ("bug", "da", "Undertekster forsvinder efter reklamepausen",
     "Underteksterne slår sig fra, hver gang der har været reklamer. Jeg skal slå dem til igen hver gang.",
     "Android TV", "0.9.2", "resolved", "Rettet i version 0.9.3: underteksterne husker nu dit valg."),
    ("bug", "en", "Guide takes ten seconds to open",
     "The programme guide is really slow to open in the evening. It was instant in the old app.",
     "Chromecast with Google TV", "0.9.1", "acknowledged", "We can reproduce it and are looking into it."),
    ("idea", "sv", "Fortsätt titta där jag slutade på mobilen",
     "Det vore toppen om jag kunde börja en film på TV:n och fortsätta på mobilen på bussen.",
     "", "", "", ""),
    ("idea", "nl", "Kinderprofiel met eigen zenders",
     "Een apart profiel voor de kinderen met alleen kinderzenders en een tijdslimiet.",
     "", "", "wont_do", "Goed idee, maar niet in deze eerste versie. We nemen het mee voor later."),
    ("question", "en", "Will recordings from the old box move to the new app?",
     "I have a lot of recordings on my current decoder. Will I lose them?", "", "", "resolved",
     "Yes: recordings from the last 12 months move automatically when you switch."),
    ("question", "nb", "Koster det noe ekstra å bruke appen på to TV-er?",
     "Jeg har to TV-er hjemme. Må jeg betale for to abonnementer?", "", "", "", ""),
    ("praise", "da", "Den nye forside er virkelig flot",
     "Meget lettere at finde det, jeg plejer at se. Godt arbejde!", "", "", "", ""),
    ("praise", "en", "Start-up is so much faster",
     "The app starts in two seconds instead of fifteen. Love it.", "", "", "", ""),
]
REPLIES = {
    "nb": ["Samme her, på Apple TV også.", "Jeg ser det samme hjemme."],
    "da": ["Det sker også hos mig.", "Enig, det ville være super."],
    "sv": ["Håller med, det vore toppen!", "Samma här."],
    "nl": ["Dat zou ik ook graag willen.", "Hier precies hetzelfde."],
    "en": ["Same here.", "+1, this would help a lot."],
}
# (name, team slug, tag slugs, other criteria): tried in this order, as staff would set them up.
# A beta's feedback goes to the team building it, whatever words it uses ("slow" in a TV app
# thread is not the network's), so the programme rules come first.
ROUTING_RULES = [
    ("New TV app beta", "tv-broadband", [], {"programme": "new-tv-app"}),
    ("Bugs in the eSIM beta", "mobile-app", [], {"kind": "bug", "programme": "esim-in-the-app"}),
    ("Invoice questions", "billing", ["invoice", "billing"], {}),
    ("Coverage and network", "network", ["coverage", "speed"], {}),
    ("TV and streaming", "tv-broadband", ["tv"], {}),
    ("Chat, phone and shops", "customer-service", ["support"], {}),
    ("The app", "mobile-app", ["app"], {}),
]
INTERNAL_NOTE = "Reproduced on Apple TV 4K with build 0.9.2; crash log attached in Jira TVAPP-412. Fix in 0.9.3."
COMMENTS = {
    "Invoice": [
        ("nb", "Fakturaen er vanskelig å forstå, hva er «tjenester fra tredjepart»?"),
        ("da", "Fakturaen kom alt for sent denne måned."),
        ("sv", "Fakturan är tydlig och enkel, tack!"),
        ("nl", "Mijn factuur is hoger dan vorige maand zonder uitleg."),
        ("en", "The invoice is clear, but the price went up again."),
        ("nb", "Fin oversikt over hva jeg betaler for."),
        ("da", "Jeg kan ikke finde roaming-forbruget på fakturaen."),
        ("en", "Please send the invoice earlier in the month."),
    ],
    "App": [
        ("nb", "Appen er rask og enkel å bruke."),
        ("en", "The app logs me out every week."),
        ("sv", "Appen kraschar när jag öppnar fakturan."),
        ("nl", "Handig dat ik mijn verbruik in de app zie."),
        ("da", "Appen viser forkert dataforbrug ved roaming."),
        ("nb", "Appen sier 5G, men dekningen hjemme på hytta er elendig."),
        ("sv", "Ingen täckning i källaren, och appen säger att allt är bra."),
        ("en", "I tried the support chat in the app and waited forty minutes."),
        ("nl", "De chat met de klantenservice in de app werkt niet."),
    ],
}


def seed(*, stdout, rng) -> None:
    home = HomePage.objects.first()
    customers = list(Member.objects.filter(is_staff=False, email__endswith="@example.com").order_by("pk"))
    staff = {m.email: m for m in Member.objects.filter(is_staff=True, is_active=True)}
    if home is None or len(customers) < 10 or not staff:
        stdout.write("Betas and touchpoints need the home page, customers and staff: skipped.")
        return
    if BetaProgramIndexPage.objects.exists():
        stdout.write("Betas and touchpoints exist already: nothing added.")
        return
    # As in ideas/demo.py: demo people are fictional (mail goes nowhere) and no browser watches.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", CHANNEL_LAYERS={}):
        threads = DemoFeedback(home, customers, staff, rng).run()
    stdout.write(f"Betas and touchpoints: {threads} beta threads and {TouchpointAnswer.objects.count()} NPS answers.")


class DemoFeedback:
    def __init__(self, home, customers, staff, rng):
        self.home, self.customers, self.staff, self.rng = home, customers, staff, rng
        self.now = timezone.now()
        self.tv = staff.get("sofie@cocreate.example") or next(iter(staff.values()))

    def run(self) -> int:
        with transaction.atomic():
            index = self.home.add_child(instance=BetaProgramIndexPage(
                title="Betas", slug="betas",
                intro="<p>Try what we are building before everyone else, and tell the team what works and what "
                      "breaks. What you write in a beta stays between its members and our team.</p>",
            ))
            tv_app = self.programme(index)
            esim = self.upcoming(index)
            self.routing_rules({"new-tv-app": tv_app, "esim-in-the-app": esim})
        members = self.enrol(tv_app)
        count = self.threads(tv_app, members)
        self.touchpoints()
        self.answer_touchpoint_feedback()
        # What was overdue two days ago has been escalated to the lead; newer delays not yet.
        routing_services.escalate_overdue(now=self.now - timedelta(days=2))
        return count

    def routing_rules(self, programmes) -> None:
        admin = Member.objects.filter(is_superuser=True, is_active=True).order_by("pk").first() or self.tv
        teams = {team.slug: team for team in Team.objects.all()}
        for name, slug, tags, criteria in ROUTING_RULES:
            if slug not in teams:
                continue
            criteria = dict(criteria)
            if "programme" in criteria:
                criteria["programme"] = programmes.get(criteria["programme"])
            routing_services.save_routing_rule(by=admin, name=name, team=teams[slug],
                                               tags=list(Tag.objects.filter(slug__in=tags)), **criteria)

    def backdate(self, item_filter, when, *, answered=None, closed=None) -> None:
        """Move an item's clock back to `when`: its creation and its due moments (from its team's
        targets, as routing set them), and when it was first answered and closed."""
        item = FeedbackItem.objects.select_related("team").get(**item_filter)
        changes = {"created_at": when, "updated_at": max(when, answered or when, closed or when)}
        if item.team is not None:
            changes["response_due_at"] = add_working_hours(item.team, when, item.team.first_response_hours)
            changes["resolution_due_at"] = add_working_hours(item.team, when, item.team.resolution_hours)
        if item.first_response_at is not None:
            changes["first_response_at"] = answered or when
        if item.resolved_at is not None:
            changes["resolved_at"] = closed or answered or when
        FeedbackItem.objects.filter(pk=item.pk).update(**changes)

    def programme(self, index) -> BetaProgramPage:
        today = timezone.localdate()
        return index.add_child(instance=BetaProgramPage(
            title="New TV app", slug="new-tv-app",
            search_description="The new TV app for Apple TV, Android TV and Chromecast.",
            owner_team=Team.objects.filter(slug="tv-broadband").first(),
            intro="<p>Our new TV app is faster, has a new guide and remembers where you stopped. Help us make it "
                  "great before it reaches every customer.</p>",
            what_is_tested="<ul><li>The new start page and programme guide</li><li>Switching channels</li>"
                           "<li>Subtitles and recordings</li></ul>",
            starts_on=today - timedelta(days=21), ends_on=today + timedelta(days=40), capacity=200,
            enrolment=BetaProgramPage.Enrolment.APPLY, eligible_plans=["tv", "bundle"],
            devices="Apple TV 4K\nAndroid TV\nChromecast with Google TV",
            consent_text="The new TV app is not public yet. Please do not share screenshots or details outside "
                         "this beta.",
        ))

    def upcoming(self, index) -> BetaProgramPage:
        today = timezone.localdate()
        return index.add_child(instance=BetaProgramPage(
            title="eSIM in the app", slug="esim-in-the-app",
            search_description="Activate and move your eSIM from the My Account app.",
            owner_team=Team.objects.filter(slug="mobile-app").first(),
            intro="<p>Move your number to a new phone in two minutes, without waiting for a SIM card.</p>",
            what_is_tested="<p>Activating an eSIM, moving it to a new phone, and what to do when it fails.</p>",
            starts_on=today + timedelta(days=10), ends_on=today + timedelta(days=70), capacity=50,
            enrolment=BetaProgramPage.Enrolment.OPEN,
        ))

    def enrol(self, programme) -> list:
        """Most TV customers apply; staff admit two waves, decline one, and leave a few waiting."""
        devices = programme.device_list
        applicants = [c for c in self.customers if c.plan in {"tv", "bundle"}] or self.customers[:12]
        others = [c for c in self.customers if c not in applicants]
        applicants = (applicants + others)[:16]
        for customer in applicants:
            if customer.plan not in {"tv", "bundle"}:
                Member.objects.filter(pk=customer.pk).update(plan="tv")
                customer.plan = "tv"
            services.apply_to_programme(
                member=customer, programme=programme, device=self.rng.choice(devices), consent=True,
                reason=self.rng.choice(["I watch TV every evening and the old app is slow.",
                                        "We have three TVs and kids who know every button.",
                                        "I test apps for a living and love finding bugs."]),
            )
        services.admit_wave(programme=programme, by=self.tv, size=8)
        services.admit_wave(programme=programme, by=self.tv, size=4)
        waiting = list(Membership.objects.filter(programme=programme, state=Membership.State.APPLIED))
        if waiting:
            services.decline_application(membership=waiting[0], by=self.tv)
        return [m.member for m in Membership.objects.filter(programme=programme, state=Membership.State.ACTIVE)
                .select_related("member")]

    def threads(self, programme, members) -> int:
        by_language = {}
        for member in members:
            by_language.setdefault(member.preferred_language, []).append(member)
        for n, (kind, language, title, body, device, version, outcome, answer) in enumerate(THREADS):
            author = self.rng.choice(by_language.get(language) or members)
            thread = services.post_thread(author=author, programme=programme, kind=kind, title=title, body=body,
                                          device=device, app_version=version, language=language)
            when = self.now - timedelta(days=20 - 2 * n, hours=self.rng.randint(0, 12))
            Thread.objects.filter(pk=thread.pk).update(created_at=when, last_activity_at=when)
            for reply in self.rng.sample(REPLIES[language], self.rng.randint(0, 2)):
                others = [m for m in by_language.get(language, members) if m.pk != author.pk] or members
                services.reply(thread=thread, author=self.rng.choice(others), body=reply, language=language)
            item = FeedbackItem.objects.get(thread=thread)
            if n == 0:
                services.add_internal_note(item=item, by=self.tv, body=INTERNAL_NOTE)
            if answer:
                services.reply(thread=thread, author=self.tv, body=answer, language=language)
            decided = min(when + timedelta(days=1), self.now)
            if outcome:
                change = services.change_item_status(item=item, to=outcome, by=self.tv, response=answer)
                ItemStatusChange.objects.filter(pk=change.pk).update(created_at=decided)
            later = min(when + timedelta(days=1, hours=3), self.now)
            Post.objects.filter(thread=thread).update(created_at=later)
            Thread.objects.filter(pk=thread.pk).update(last_activity_at=later)
            self.backdate({"thread": thread}, when, answered=decided, closed=decided)
        return len(THREADS)

    def touchpoints(self) -> None:
        """Invoice and App, each answered about a hundred times over 90 days; some customers are
        known by their customer number (a signed reference), most are anonymous."""
        billing = Team.objects.filter(slug="billing").first()
        app_team = Team.objects.filter(slug="mobile-app").first()
        origins = "https://minside.example.com\nhttp://127.0.0.1:8000\nhttp://localhost:8000"
        invoice = Touchpoint.objects.create(name="Invoice", slug="invoice", owner_team=billing, allowed_origins=origins)
        app = Touchpoint.objects.create(name="App", slug="app", owner_team=app_team, allowed_origins=origins)
        for n, customer in enumerate(self.customers[:20]):
            CustomerNumber.objects.get_or_create(member=customer, defaults={"number": f"{100200 + n}"})
        numbers = list(CustomerNumber.objects.values_list("number", flat=True))
        for touchpoint, mean in ((invoice, 6.8), (app, 7.6)):
            for _ in range(100):
                score = max(0, min(10, round(self.rng.gauss(mean, 2.3))))
                comment = ""
                language = "en"
                if self.rng.random() < 0.35:
                    language, comment = self.rng.choice(COMMENTS[touchpoint.name])
                reference = self.rng.choice(numbers) if self.rng.random() < 0.3 else ""
                answer = services.submit_answer(
                    touchpoint=touchpoint, score=score, comment=comment, language=language, reference=reference,
                    signature=services.sign_reference(touchpoint, reference) if reference else "",
                    origin="https://minside.example.com",
                )
                when = self.now - timedelta(days=self.rng.uniform(0, 90))
                TouchpointAnswer.objects.filter(pk=answer.pk).update(created_at=when)
                self.backdate({"answer": answer}, when)

    def answer_touchpoint_feedback(self) -> None:
        """The owning teams answer, a few hours to a day after each answer came: what is older
        than three weeks is resolved, newer comments acknowledged. Some slip (one in ten older,
        one in four newer) and what came in the last days waits: those are due or overdue."""
        team_staff = {}
        for member in Member.objects.filter(is_staff=True, is_active=True, is_superuser=False).prefetch_related("teams"):
            for team in member.teams.all():
                team_staff.setdefault(team.pk, member)
        items = FeedbackItem.objects.filter(answer__isnull=False).select_related("team").order_by("created_at")
        for item in items:
            age = self.now - item.created_at
            by = team_staff.get(item.team_id)
            old = age > timedelta(days=21)
            if by is None or age < timedelta(days=3) or self.rng.random() < (0.1 if old else 0.25):
                continue
            if not item.text and not old:
                continue  # a score without a comment is read with the others, at the end of the month
            replied = min(item.created_at + timedelta(hours=self.rng.randint(3, 30)), self.now)
            if not item.text:
                to, response = Status.RESOLVED, "Thank you for your score: it tells us how we are doing."
            elif old:
                to, response = Status.RESOLVED, f"Thank you: the {item.team.name} team has looked into this and sorted it out."
            else:
                to, response = Status.ACKNOWLEDGED, f"Thank you: the {item.team.name} team has read this and is looking into it."
            change = services.change_item_status(item=item, to=to, by=by, response=response)
            ItemStatusChange.objects.filter(pk=change.pk).update(created_at=replied)
            self.backdate({"pk": item.pk}, item.created_at, answered=replied, closed=replied)


if seed not in seeders:
    seeders.append(seed)
