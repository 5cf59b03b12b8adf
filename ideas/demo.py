"""Demo idea boards for `manage.py seed_demo`: three boards, ~60 telecom ideas, votes, comments
and answers at every status, all written through ideas.services like real activity.

Idempotent: if the "ideas" board index exists, nothing is added.
"""

from datetime import timedelta
from typing import NamedTuple

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from community import teams
from community.management.commands.seed_demo import seeders
from community.models import Member, Team
from community.pages import HomePage
from ideas import services
from ideas.models import Comment, Idea, IdeaTag, Status, StatusChange, trending_score
from ideas.pages import IdeaBoardIndexPage, IdeaBoardPage

BOARDS = {
    # key: (title, slug, owner team, tags offered, needs approval, intro)
    "mobile": (
        "Mobile",
        "mobile",
        "network",
        ["5G", "Roaming", "Coverage", "App", "eSIM", "Price"],
        False,
        "Coverage, 5G, roaming, eSIM and the My Account app: tell us what would make your mobile plan better.",
    ),
    "tv": (
        "TV & Broadband",
        "tv-broadband",
        "tv-broadband",
        ["Router", "Channels", "Streaming", "Fibre", "App", "Price"],
        False,
        "Channels, the TV app, routers and fibre: what should we build next?",
    ),
    "billing": (
        "Billing & Invoice",
        "billing",
        "billing",
        ["Invoice", "Price", "Payment", "App"],
        True,
        "Ideas for clearer invoices and easier payment. New ideas are read by our billing team before "
        "they are published: questions about your own invoice are best asked in the chat.",
    ),
}
# Who answers on each board (the app team answers ideas tagged App).
ANSWERED_BY = {
    "mobile": "lars@cocreate.example",
    "tv": "sofie@cocreate.example",
    "billing": "ingrid@cocreate.example",
}
APP_TEAM = "emil@cocreate.example"


class DemoIdea(NamedTuple):
    board: str
    language: str
    title: str
    body: str
    tags: tuple = ()
    outcome: str = ""  # a status slug, "merge", "pending" or "rejected"
    response: str = ""  # the staff response (for "merge": the title of the idea it goes into)


IDEAS = [
    # --- Mobile -------------------------------------------------------------------------------------
    DemoIdea(
        "mobile",
        "en",
        "Include the USA and Canada in roaming packages",
        "I travel to the US for work twice a year and pay per MB. A monthly add-on for North America, "
        "like the one we have for the EU, would be perfect.",
        ("Roaming", "Price"),
        "planned",
        "A “Roam Like Home+” add-on covering the USA and Canada is on our roadmap for the first half of "
        "next year. We will post the price here before it launches.",
    ),
    DemoIdea(
        "mobile",
        "en",
        "Cheaper data when travelling in the United States",
        "Paying for data in the US is far too expensive. Please make a travel pass for America.",
        ("Roaming",),
        "merge",
        "Include the USA and Canada in roaming packages",
    ),
    DemoIdea(
        "mobile",
        "en",
        "Better 4G and 5G coverage at mountain cabins",
        "Many of us spend weekends and holidays at the cabin, where there is barely one bar. "
        "Remote work from the cabin would be possible with decent coverage.",
        ("Coverage", "5G"),
        "in-progress",
        "We are building 14 new sites in mountain areas this year, starting with the areas with the most "
        "votes and comments. Tell us where your cabin is in the comments!",
    ),
    DemoIdea(
        "mobile",
        "en",
        "Show remaining data in a home-screen widget",
        "Opening the app just to see how much data is left is slow. A widget would show it at a glance.",
        ("App",),
        "shipped",
        "The home-screen widget with remaining data, minutes and days left is in version 6.2 of the app, "
        "out now on iOS and Android. Thank you for the votes!",
    ),
    DemoIdea(
        "mobile",
        "en",
        "eSIM for smartwatches on family plans",
        "My kids have smartwatches but we need a separate subscription for each. "
        "Could the watch share the number of the phone on our family plan?",
        ("eSIM",),
        "shipped",
        "Smartwatch eSIM is now available on all family plans for 49 kr a month. "
        "Activate it in the app under “My devices”.",
    ),
    DemoIdea(
        "mobile",
        "en",
        "Roll over unused data to next month",
        "Some months I use half my data, other months I run out. Letting the unused data roll over "
        "would feel much fairer.",
        ("Price",),
        "planned",
        "Data rollover (up to one month's allowance) is planned for all plans with the spring price "
        "update. We will confirm the date here.",
    ),
    DemoIdea(
        "mobile",
        "en",
        "5G on all plans, not just the expensive ones",
        "5G should be standard by now. Please include it on the smaller plans too.",
        ("5G", "Price"),
        "declined",
        "Thank you for all the votes. 5G is included in every plan from Medium and up; adding it to the "
        "smallest plans would mean raising their price for everyone, so we won't do this now. "
        "We will look at it again as more of the network becomes 5G-only.",
    ),
    DemoIdea(
        "mobile",
        "en",
        "Wi-Fi calling on all Android phones",
        "Wi-Fi calling works on my partner's iPhone but not on my Android phone. "
        "Our house has thick walls, so this really matters.",
        ("Coverage", "App"),
        "under-review",
        "We are testing Wi-Fi calling with more Samsung and Google phones and will share the results here.",
    ),
    DemoIdea(
        "mobile",
        "en",
        "Let me pause my subscription for a few months",
        "I work abroad every winter and keep paying for a plan I don't use. "
        "A low-cost pause that keeps my number would be great.",
        ("Price",),
    ),
    DemoIdea(
        "mobile",
        "en",
        "Warn me before I pay roaming charges outside the EU",
        "I got a big bill after a cruise where the ship used a satellite network. A warning would have "
        "saved me a lot of money.",
        ("Roaming", "App"),
        "shipped",
        "You now get a text and an app notification as soon as you connect to a network outside the "
        "EU/EEA or at sea, with the price per MB and a link to buy a travel pass.",
    ),
    DemoIdea(
        "mobile",
        "en",
        "Data-only SIM for the car",
        "Our new car has a SIM slot for in-car Wi-Fi. A cheap data-only SIM that shares our family data "
        "would be ideal.",
        ("eSIM", "Price"),
    ),
    DemoIdea(
        "mobile",
        "en",
        "Coverage map that shows indoor signal",
        "The coverage map says I have great 5G, but inside my flat I barely have 4G. "
        "Please show expected indoor coverage too.",
        ("Coverage",),
    ),
    DemoIdea(
        "mobile",
        "en",
        "Share data with family members in the app",
        "One of us always runs out while another has plenty left. Let us move data between family "
        "members in the app.",
        ("App", "Price"),
        "in-progress",
        "Data sharing between family members is being built right now. Beta testers will get it in the "
        "app next month, everyone else shortly after.",
    ),
    DemoIdea(
        "mobile",
        "en",
        "A cheaper travel pass for a weekend",
        "The weekly travel pass is too much for a weekend in London. A 3-day pass would be perfect.",
        ("Roaming", "Price"),
    ),
    DemoIdea(
        "mobile",
        "en",
        "Dark mode in the My Account app",
        "The app is very bright at night. Please follow the phone's dark mode setting.",
        ("App",),
    ),
    DemoIdea(
        "mobile",
        "en",
        "Coverage on coastal ferries",
        "The signal drops for most of the ferry crossing. Commuters like me lose half an hour of work "
        "every day.",
        ("Coverage",),
    ),
    DemoIdea(
        "mobile",
        "en",
        "Block premium SMS services with one switch",
        "My son subscribed to a game service by text without knowing. Give parents one switch to block "
        "premium SMS.",
        ("App",),
    ),
    DemoIdea(
        "mobile",
        "en",
        "Alert me at 80 % of my data",
        "Today the warning comes when the data is almost gone. An earlier heads-up would help me plan.",
        ("App",),
    ),
    DemoIdea(
        "mobile",
        "nb",
        "Bedre dekning på hytta i Valdres",
        "Vi har nesten ikke mobildekning på hytta i Valdres. Mange hytteeiere i området er kunder hos "
        "dere, så en ny mast hadde vært til stor hjelp.",
        ("Coverage",),
    ),
    DemoIdea(
        "mobile",
        "nb",
        "Egen roamingpakke for Sveits",
        "Sveits er ikke med i EU-roamingen. En egen pakke for Sveits hadde vært supert til skiferien.",
        ("Roaming", "Price"),
    ),
    DemoIdea(
        "mobile",
        "sv",
        "5G-täckning i Göteborgs skärgård",
        "Sommarstugan ligger på Styrsö och täckningen försvinner så fort man lämnar hamnen.",
        ("5G", "Coverage"),
    ),
    DemoIdea(
        "mobile",
        "da",
        "Billigt abonnement til pensionister",
        "Min mor bruger næsten ingen data. Et billigt abonnement med kun tale og sms ville være perfekt.",
        ("Price",),
    ),
    DemoIdea(
        "mobile",
        "nl",
        "Betere dekking in de trein tussen Utrecht en Amsterdam",
        "Op dit traject valt mijn verbinding steeds weg, vooral bij Breukelen. Voor forenzen zou een "
        "stabiele verbinding veel schelen.",
        ("Coverage",),
    ),
    # --- TV & Broadband -------------------------------------------------------------------------------
    DemoIdea(
        "tv",
        "en",
        "Pick-and-mix channel packages",
        "I pay for 40 channels and watch 8. Let me choose my own ten channels for a lower price.",
        ("Channels", "Price"),
        "planned",
        "Choose-your-own packages of 10 channels are planned for next autumn, together with the new "
        "TV app. Your comments here shape which channels are in the pool.",
    ),
    DemoIdea(
        "tv",
        "en",
        "Restart live TV from the beginning",
        "When I come home ten minutes late for the news or a match, I want to start it from the beginning.",
        ("Streaming",),
        "shipped",
        "Start-over is live on all channels whose rights allow it, on the TV box and in the app. "
        "Look for the ⟲ button.",
    ),
    DemoIdea(
        "tv",
        "en",
        "A router that doesn't need a restart every week",
        "Our Wi-Fi slows down every few days until I restart the router.",
        ("Router",),
        "under-review",
        "Thanks for the reports. A firmware update for the ZX-200 router is being tested now; we'll "
        "post here when it rolls out.",
    ),
    DemoIdea(
        "tv",
        "en",
        "Watch recordings on my phone when abroad",
        "Recordings are blocked outside the country. Within the EU they should work like at home.",
        ("Streaming", "App"),
    ),
    DemoIdea(
        "tv",
        "en",
        "Stream on three screens at the same time",
        "With two teenagers, two streams aren't enough in the evening.",
        ("Streaming",),
    ),
    DemoIdea(
        "tv",
        "en",
        "Tell me about planned outages at my address",
        "Last month the internet was down for a night of maintenance and nobody told us.",
        ("Fibre",),
        "shipped",
        "Planned maintenance is now sent by text and e-mail at least three days ahead to every address "
        "it affects, and shown in the app.",
    ),
    DemoIdea(
        "tv",
        "en",
        "Faster upload on fibre plans",
        "Video calls and cloud backups need more upload. Symmetric speeds would be great.",
        ("Fibre", "Price"),
    ),
    DemoIdea(
        "tv",
        "en",
        "Kids profile in the TV app",
        "A profile that only shows children's content and has no purchases would let the kids use "
        "the app on their own.",
        ("App", "Streaming"),
    ),
    DemoIdea(
        "tv",
        "en",
        "Bring your own router",
        "I already own a good mesh system. Let me use it instead of your router.",
        ("Router",),
        "declined",
        "We supply the router so we can troubleshoot remotely and keep it patched against security "
        "issues, so we will keep doing that. You can put our router in bridge mode and use your own "
        "mesh behind it: the guide is in the help centre under “Bridge mode”.",
    ),
    DemoIdea(
        "tv",
        "en",
        "A TV app for Apple TV",
        "We use an Apple TV in the living room and would rather not have a second box.",
        ("App", "Streaming"),
    ),
    DemoIdea(
        "tv",
        "en",
        "Pause the TV subscription in the summer",
        "We're at the cabin all July. Let us pause TV for a month or two.",
        ("Price", "Channels"),
    ),
    DemoIdea(
        "tv",
        "en",
        "All football in one sports package",
        "Today I need three packages to follow one league. One sports package, please.",
        ("Channels",),
    ),
    DemoIdea(
        "tv",
        "en",
        "Static IP address for home offices",
        "I work from home and need a fixed IP address for my work VPN.",
        ("Fibre",),
    ),
    DemoIdea(
        "tv",
        "en",
        "Parental controls per device on the router",
        "I'd like to switch off the internet on the kids' devices at bedtime, from the app.",
        ("Router", "App"),
    ),
    DemoIdea(
        "tv",
        "en",
        "Mesh Wi-Fi points included with the fastest plan",
        "At this price, the plan should come with enough Wi-Fi for a whole house.",
        ("Router", "Price"),
    ),
    DemoIdea(
        "tv",
        "nb",
        "Flere norske kanaler i grunnpakken",
        "Grunnpakken har mange utenlandske kanaler, men mangler flere av de norske vi faktisk ser på.",
        ("Channels",),
    ),
    DemoIdea(
        "tv",
        "nb",
        "Vis hvem som bruker båndbredden",
        "Når nettet går tregt vil jeg se i appen hvilken enhet som bruker mest.",
        ("Router", "App"),
    ),
    DemoIdea(
        "tv",
        "da",
        "Optag flere programmer på samme tid",
        "Når to gode programmer sendes samtidig, kan vi kun optage det ene.",
        ("Streaming",),
    ),
    DemoIdea(
        "tv",
        "sv",
        "Bättre wifi i stora hus",
        "Vi har ett hus i två plan och routern når inte övervåningen. Ett paket med extra wifi-punkter "
        "vore toppen.",
        ("Router",),
    ),
    DemoIdea(
        "tv",
        "nl",
        "Nederlandse ondertiteling bij alle films",
        "Veel films in de videotheek hebben geen Nederlandse ondertiteling. Dat zou ik graag zien.",
        ("Channels", "Streaming"),
    ),
    # --- Billing & Invoice (needs approval) ----------------------------------------------------------
    DemoIdea(
        "billing",
        "en",
        "One invoice for the whole family",
        "We get four invoices a month for four subscriptions. One invoice would be much easier.",
        ("Invoice",),
        "planned",
        "Collecting a family's subscriptions on one invoice is planned for the second quarter; you will "
        "choose who pays in the app.",
    ),
    DemoIdea(
        "billing",
        "en",
        "Pay invoices with Vipps, MobilePay and Swish",
        "Paying by bank transfer feels old-fashioned. Let me pay with the app I already use.",
        ("Payment", "App"),
        "shipped",
        "You can now pay your invoice with Vipps, MobilePay and Swish straight from the app and from the "
        "payment e-mail.",
    ),
    DemoIdea(
        "billing",
        "en",
        "Explain every line on the invoice",
        "I never understand what “usage outside the plan” means. A short explanation per line would help.",
        ("Invoice",),
    ),
    DemoIdea(
        "billing",
        "en",
        "Choose my own due date",
        "My salary comes on the 20th but the invoice is due on the 15th.",
        ("Invoice", "Payment"),
        "in-progress",
        "Choosing your due date (any day from the 1st to the 28th) is being built and will appear in "
        "the app under “Payment”.",
    ),
    DemoIdea(
        "billing",
        "en",
        "Tell me before a price change",
        "I found out about the last price increase on the invoice. A heads-up with the reason would be fair.",
        ("Price",),
        "under-review",
        "We agree that price changes should never be a surprise, and are reviewing how and when we tell you.",
    ),
    DemoIdea(
        "billing",
        "en",
        "E-invoice to my bank as the default",
        "Paper invoices cost a fee and get lost. Make e-invoice the default for new customers.",
        ("Invoice", "Payment"),
    ),
    DemoIdea(
        "billing",
        "en",
        "A loyalty discount for long-time customers",
        "I've been a customer for 15 years and new customers get better offers than me.",
        ("Price",),
        "declined",
        "We hear you. We'd rather give every customer the same price and the same upgrades at the same "
        "time than discount by tenure, so we won't add a loyalty discount. We know this is not the "
        "answer many of you hoped for.",
    ),
    DemoIdea(
        "billing",
        "en",
        "Show next invoice in the app before it is sent",
        "Let me see and check the coming invoice a week ahead.",
        ("Invoice", "App"),
    ),
    DemoIdea(
        "billing",
        "en",
        "Show the phone instalment apart from the subscription",
        "It's hard to see what the phone costs and what the plan costs.",
        ("Invoice",),
    ),
    DemoIdea(
        "billing",
        "en",
        "A discount for paying a year up front",
        "I'd happily pay for a whole year at once for a small discount.",
        ("Price", "Payment"),
    ),
    DemoIdea(
        "billing",
        "en",
        "Card payments without a fee",
        "Paying the invoice with a credit card costs a fee. Other companies don't charge for it.",
        ("Payment",),
        "pending",
    ),
    DemoIdea(
        "billing",
        "en",
        "My March invoice is wrong",
        "I was charged twice for the same month. Please refund me.",
        ("Invoice",),
        "rejected",
        "This is about your own invoice rather than an idea for everyone, so we have not published it. "
        "Our customer service can sort it out quickly in the chat in the app.",
    ),
    DemoIdea(
        "billing",
        "nb",
        "Faktura på nynorsk",
        "Eg vil gjerne få fakturaen på nynorsk. Det burde vere eit val på Min side.",
        ("Invoice",),
    ),
    DemoIdea(
        "billing",
        "da",
        "Samlet oversigt over betalinger for hele året",
        "Til selvangivelsen ville det være rart med en oversigt over alt, jeg har betalt i løbet af året.",
        ("Invoice", "App"),
    ),
    DemoIdea(
        "billing",
        "sv",
        "Påminnelse via sms innan förfallodagen",
        "Jag glömmer ibland att betala. En påminnelse tre dagar innan vore bra.",
        ("Payment",),
    ),
    DemoIdea(
        "billing",
        "nl",
        "Factuur als pdf per e-mail",
        "Ik wil mijn factuur als pdf in mijn mailbox, zodat ik hem makkelijk kan bewaren.",
        ("Invoice",),
    ),
]

COMMENTS = {
    "en": [
        "Yes please, this would make a real difference for our family.",
        "+1. This is the one thing that annoys me most today.",
        "Agreed. It would be great if it also worked for the kids' subscriptions.",
        "Any news on this? It's been a while.",
        "This would make me stay with you for many more years.",
        "I called customer service about exactly this last week.",
        "Good idea, but please keep it simple to set up.",
        "Same here, especially in the evenings.",
    ],
    "nb": [
        "Enig! Dette hadde vært veldig nyttig.",
        "Samme her, savner dette hver uke.",
        "Ja takk, gjerne snart!",
    ],
    "da": ["Helt enig, det ville gøre en stor forskel.", "Det savner jeg også.", "God idé!"],
    "sv": ["Håller med, det här skulle verkligen hjälpa.", "Samma problem här.", "Ja tack!"],
    "nl": ["Eens! Dit zou echt een verschil maken.", "Heb hier ook last van.", "Goed idee!"],
}
REPLIES = ["Agree with this!", "Same experience here.", "Good point.", "Exactly what I meant."]
STAFF_REPLIES = [
    "Thanks for the details, they help us prioritise. We'll post updates on this idea.",
    "Thanks! I've shared this with the team; keep the votes coming.",
    "Good question. We're looking into it and will answer here.",
]
# Everything is announced in answers; numbers per outcome are kept believable.
VOTES = {
    "planned": (10, 25),
    "in-progress": (10, 25),
    "shipped": (12, 25),
    "declined": (8, 20),
    "merge": (2, 8),
}


def seed(*, stdout, rng) -> None:
    home = HomePage.objects.first()
    customers = list(Member.objects.filter(is_staff=False, email__endswith="@example.com").order_by("pk"))
    staff = {m.email: m for m in Member.objects.filter(is_staff=True, is_active=True)}
    if home is None or len(customers) < 5 or not staff:
        stdout.write("Idea boards need the home page, customers and staff: skipped.")
        return
    # Services tell voters and followers by e-mail and push live events, as in real use. The demo's
    # people are fictional, so their mail goes nowhere (the dummy backend stays active while the
    # commits below run the notification tasks; with the database task backend a worker sends
    # them later), and no browser watches a demo being built, so there is no channel layer
    # (publishing thousands of events one by one would triple the seeding time).
    quiet = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", CHANNEL_LAYERS={})
    with quiet:
        added = DemoSeeder(home, customers, staff, rng).run()
    stdout.write(
        f"Idea boards: {added} ideas added." if added else "Idea boards exist already: nothing added."
    )


class DemoSeeder:
    def __init__(self, home, customers, staff, rng):
        self.home, self.customers, self.staff, self.rng = home, customers, staff, rng
        self.now = timezone.now()
        self.by_language = {}
        for member in customers:
            self.by_language.setdefault(member.preferred_language, []).append(member)

    def run(self) -> int:
        """Add what is missing, found by slug (pages) and title (ideas), so a second run adds nothing."""
        with transaction.atomic():
            index = IdeaBoardIndexPage.objects.filter(slug="ideas").first() or self.home.add_child(
                instance=IdeaBoardIndexPage(
                    title="Ideas",
                    slug="ideas",
                    intro="<p>Post an idea, vote for the ones you want, and follow them from New to Shipped.</p>",
                )
            )
            existing = {b.slug: b for b in IdeaBoardPage.objects.child_of(index)}
            boards = {key: existing.get(spec[1]) or self.board(index, *spec) for key, spec in BOARDS.items()}
        by_title = {
            i.title: i for i in Idea.objects.filter(board__in=boards.values()).select_related("status")
        }
        added = []
        for spec in IDEAS:
            if spec.title in by_title:
                continue
            # Each step commits on its own and the notification tasks run at each commit, so a
            # comment notifies the people following the idea at that moment, as in real use
            # (and seeding stays fast, because the voters who come later are not told of it).
            with transaction.atomic():
                idea = by_title[spec.title] = self.post(boards[spec.board], spec)
                self.discuss(spec, idea)
            with transaction.atomic():
                self.vote(spec, idea)
            added.append((spec, idea))
        for spec, idea in added:
            with transaction.atomic():
                self.answer(spec, idea, by_title)
        return len(added)

    def board(self, index, title, slug, team_slug, tag_names, requires_approval, intro) -> IdeaBoardPage:
        board = index.add_child(
            instance=IdeaBoardPage(
                title=title,
                slug=slug,
                intro=f"<p>{intro}</p>",
                requires_approval=requires_approval,
                owner_team=Team.objects.filter(slug=team_slug).first(),
            )
        )
        tags = [
            IdeaTag.objects.get_or_create(name=name, defaults={"slug": name.lower()})[0] for name in tag_names
        ]
        board.offered_tags.set(tags)
        board.save()
        return board

    def _when(self, idea, low: float, high: float):
        """A moment between the idea's creation and now, as a fraction of that time."""
        return idea.created_at + (self.now - idea.created_at) * self.rng.uniform(low, high)

    def post(self, board, spec) -> Idea:
        author = self.rng.choice(self.by_language.get(spec.language) or self.customers)
        idea = services.post_idea(
            author=author,
            board=board,
            title=spec.title,
            body=spec.body,
            tags=list(IdeaTag.objects.filter(name__in=spec.tags)),
            language=spec.language,  # known here; members' ideas have it detected
        )
        # Backdated (demo only) so the boards show ideas of different ages; trending follows.
        old = spec.outcome in {"shipped", "declined", "planned"}
        idea.created_at = self.now - timedelta(
            days=self.rng.randint(60, 300) if old else self.rng.randint(1, 90),
            minutes=self.rng.randint(0, 1440),
        )
        Idea.objects.filter(pk=idea.pk).update(
            created_at=idea.created_at,
            last_activity_at=idea.created_at,
            trending=trending_score(0, idea.created_at),
        )
        if board.requires_approval and spec.outcome not in {"pending", "rejected"}:
            approval = services.approve_idea(idea=idea, by=self.answerer(spec))
            self._backdate(StatusChange, approval, idea.created_at + timedelta(hours=self.rng.randint(1, 20)))
        return idea

    def answerer(self, spec) -> Member:
        """The board's owning team answers; the app team's Emil where he is on it."""
        board_team = IdeaBoardPage.objects.filter(slug=spec.board).values_list("owner_team_id", flat=True).first()
        for email in (APP_TEAM if "App" in spec.tags else None, ANSWERED_BY[spec.board]):
            member = self.staff.get(email)
            if member is not None and teams.acts_for(member, teams.owner_or_triage_id(board_team)):
                return member
        return self.staff.get(ANSWERED_BY[spec.board]) or next(iter(self.staff.values()))

    def _others(self, idea) -> list[Member]:
        return [m for m in self.customers if m.pk != idea.author_id]

    def vote(self, spec, idea) -> None:
        if spec.outcome in {"pending", "rejected"}:
            return
        others = self._others(idea)
        low, high = VOTES.get(spec.outcome, (0, 25))
        for voter in self.rng.sample(others, min(len(others), self.rng.randint(low, high))):
            services.cast_vote(member=voter, idea=idea)
        if self.rng.random() < 0.15:
            # A vote staff recorded for a customer who called in.
            voter = self.rng.choice(others)
            services.cast_vote(member=voter, idea=idea, recorded_by=self.answerer(spec), via="phone call")

    def discuss(self, spec, idea) -> None:
        if spec.outcome in {"pending", "rejected"}:
            return
        others = self._others(idea)
        latest = idea.created_at
        pool = COMMENTS.get(spec.language, COMMENTS["en"])
        times = sorted(self._when(idea, 0.05, 0.6) for _ in range(self.rng.choice([0, 1, 1, 2, 2, 3, 4])))
        for when in times:
            author = self.rng.choice(self.by_language.get(spec.language) or others)
            comment = services.add_comment(
                idea=idea, author=author, body=self.rng.choice(pool),
                language=spec.language if spec.language in COMMENTS else "en",
            )
            self._backdate(Comment, comment, when)
            latest = max(latest, when)
            if self.rng.random() < 0.4:
                staff_reply = self.rng.random() < 0.5
                replier = self.answerer(spec) if staff_reply else self.rng.choice(others)
                body = self.rng.choice(STAFF_REPLIES if staff_reply else REPLIES)
                reply = services.add_comment(idea=idea, author=replier, body=body, parent=comment, language="en")
                replied = when + timedelta(hours=self.rng.randint(1, 48))
                self._backdate(Comment, reply, replied)
                latest = max(latest, replied)
        Idea.objects.filter(pk=idea.pk).update(last_activity_at=min(latest, self.now))

    def answer(self, spec, idea, by_title) -> None:
        by = self.answerer(spec)
        when = self._when(idea, 0.65, 0.95)
        if spec.outcome == "merge":
            change = services.merge_ideas(source=idea, target=by_title[spec.response], by=by)
        elif spec.outcome == "rejected":
            change = services.reject_idea(idea=idea, by=by, response=spec.response)
        elif spec.outcome in {"", "pending"}:
            return
        else:
            if spec.outcome == "shipped":
                first = services.change_status(
                    idea=idea,
                    to=Status.by_slug("planned"),
                    by=by,
                    response="Good idea, and lots of you want it: it's on our roadmap now.",
                )
                self._backdate(StatusChange, first, when - timedelta(days=self.rng.randint(20, 50)))
            change = services.change_status(
                idea=idea, to=Status.by_slug(spec.outcome), response=spec.response, by=by
            )
        self._backdate(StatusChange, change, when)
        Idea.objects.filter(pk=idea.pk).update(last_activity_at=when)

    def _backdate(self, model, row, when) -> None:
        model.objects.filter(pk=row.pk).update(created_at=min(when, self.now))


if seed not in seeders:
    seeders.append(seed)
