"""Seed a believable telecom community: staff in teams, customers, the home page.

Idempotent: running it again changes nothing that exists. Apps extend the demo through
`seeders` (see ideas/demo.py). Prints the demo logins.
"""

import random
from datetime import date, time, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation
from django.utils.module_loading import autodiscover_modules
from wagtail.models import Page, Site

from community.models import Member, Team
from community.pages import HomePage
from community.services import grant_staff

DEMO_PASSWORD = "cocreate-demo"

TEAMS = [
    ("Billing", "billing", "Invoices, payment and prices."),
    ("Network", "network", "Mobile coverage, 5G and fixed network."),
    ("TV & Broadband", "tv-broadband", "TV service, channels, routers and fibre."),
    ("Mobile app", "mobile-app", "The My Account app on iOS and Android."),
    ("Customer service", "customer-service", "Chat, phone and shops."),
]
# Each team's clock: response targets in working hours, its working days and hours, its time
# zone. Customer service is the triage team: it receives what no routing rule places, and is open
# longer, Saturdays too.
TEAM_HOURS = {
    "billing": {"first_response_hours": 8, "resolution_hours": 40},
    "network": {"first_response_hours": 4, "resolution_hours": 24},
    "tv-broadband": {"first_response_hours": 8, "resolution_hours": 40, "time_zone": "Europe/Copenhagen"},
    "mobile-app": {"first_response_hours": 16, "resolution_hours": 80, "time_zone": "Europe/Stockholm"},
    "customer-service": {"first_response_hours": 4, "resolution_hours": 16, "working_days": "123456",
                         "day_starts": time(8, 0), "day_ends": time(20, 0), "is_triage": True},
}
STAFF = [
    ("ingrid@cocreate.example", "Ingrid (Billing)", ["billing"]),
    ("lars@cocreate.example", "Lars (Network)", ["network"]),
    ("sofie@cocreate.example", "Sofie (TV & Broadband)", ["tv-broadband"]),
    ("emil@cocreate.example", "Emil (Mobile app)", ["mobile-app"]),
    ("anna@cocreate.example", "Anna (Customer service)", ["customer-service", "billing"]),
]
FIRST = [
    "Kari",
    "Ola",
    "Mette",
    "Jens",
    "Astrid",
    "Bjørn",
    "Freja",
    "Lucas",
    "Emma",
    "Noah",
    "Saga",
    "Oskar",
    "Liv",
    "Magnus",
    "Ida",
    "Daan",
    "Sanne",
    "Pieter",
    "Nora",
    "Henrik",
    "Maja",
    "Elias",
    "Tuva",
    "William",
    "Ebba",
    "Finn",
    "Julie",
    "Sem",
    "Lotte",
    "Aksel",
]
REGIONS = [
    "Oslo",
    "Vestland",
    "Trøndelag",
    "Nordland",
    "Copenhagen",
    "Aarhus",
    "Stockholm",
    "Gothenburg",
    "Amsterdam",
    "Utrecht",
]
# Each customer's language matches their name and what they write (ideas/demo.py picks authors by
# the language of the idea): Norwegian, Danish, Swedish, Dutch and English speakers.
LANGUAGE_OF = {
    "nb": {"Kari", "Ola", "Astrid", "Bjørn", "Liv", "Magnus", "Nora", "Henrik", "Tuva", "Aksel"},
    "da": {"Mette", "Jens", "Freja", "Ida", "Julie", "Finn"},
    "sv": {"Saga", "Oskar", "Maja", "Elias", "Ebba"},
    "nl": {"Daan", "Sanne", "Pieter", "Sem", "Lotte"},
    "en": {"Lucas", "Emma", "Noah", "William"},
}


def language_of(first_name: str) -> str:
    return next((code for code, names in LANGUAGE_OF.items() if first_name in names), "en")

UNREAD_KEPT = 4  # unread notifications a demo customer is left with
seeders = []  # other apps append callables(*, stdout, rng) -> None


def verified_member(email, *, password=DEMO_PASSWORD, **fields):
    member = Member.objects.filter(email=email).first()
    if member is None:
        member = Member.objects.create_user(email=email, password=password, **fields)
    EmailAddress.objects.get_or_create(user=member, email=email, defaults={"verified": True, "primary": True})
    return member


class Command(BaseCommand):
    help = "Create demo content (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        rng = random.Random(42)
        with transaction.atomic():
            self.home_page()
            teams = {}
            for name, slug, description in TEAMS:
                teams[slug], _ = Team.objects.get_or_create(
                    slug=slug, defaults={"name": name, "description": description, **TEAM_HOURS.get(slug, {})}
                )
            admin = verified_member(
                "admin@cocreate.example", display_name="Site admin", is_staff=True, is_superuser=True
            )
            for email, name, team_slugs in STAFF:
                member = verified_member(email, display_name=name)
                grant_staff(member, teams=[teams[slug] for slug in team_slugs])
                lead_of = teams[team_slugs[0]]  # each demo staff member leads their first team
                if lead_of.lead_id is None:
                    lead_of.lead = member
                    lead_of.save(update_fields=["lead"])
            today = date.today()
            for i, first in enumerate(FIRST):
                verified_member(
                    f"{first.lower().replace('ø', 'o')}{i}@example.com",
                    display_name=f"{first} {chr(65 + i % 26)}.",
                    preferred_language=language_of(first),
                    plan=rng.choice(Member.Plan.values),
                    region=rng.choice(REGIONS),
                    # A mix of new and very loyal customers (up to 25 years).
                    customer_since=today - timedelta(days=int(rng.triangular(30, 9000, 2500))),
                )
        # Each app's demo.py appends its seeder to `seeders` when imported (like admin.py modules).
        # Seeders run after the commit above, each in its own transaction, so they control what
        # runs when their writes commit (ideas/demo.py keeps demo e-mails off the console).
        autodiscover_modules("demo")
        for seed in seeders:
            seed(stdout=self.stdout, rng=rng)
        self.settle_notifications()
        self.stdout.write(
            self.style.SUCCESS("Demo data is ready. Log in at http://127.0.0.1:8000/accounts/login/ with:")
        )
        self.stdout.write(f"  admin (staff, superuser):  {admin.email} / {DEMO_PASSWORD}")
        self.stdout.write(f"  staff (Billing):           {STAFF[0][0]} / {DEMO_PASSWORD}")
        # One customer per language, to see the site (and their e-mails) as they do.
        for code, _name in settings.LANGUAGES:
            customer = (
                Member.objects.filter(is_staff=False, preferred_language=code, email__endswith="@example.com")
                .order_by("pk").first()
            )
            if customer is not None:
                label = f"customer ({translation.get_language_info(code)['name_local']}):"
                self.stdout.write(f"  {label:<26} {customer.email} / {DEMO_PASSWORD}")

    def settle_notifications(self, keep: int = UNREAD_KEPT):
        """A returning member has read most of what happened: seeding told every voter about every
        status change, so leave each demo customer only their few newest notifications unread."""
        from community.services import mark_notifications_read

        for member in Member.objects.filter(is_staff=False, notifications__read_at__isnull=True).distinct():
            older = member.notifications.filter(read_at__isnull=True).order_by("-created_at", "-id")[keep:]
            ids = list(older.values_list("pk", flat=True))
            if ids:
                mark_notifications_read(member, ids=ids)

    def home_page(self):
        if HomePage.objects.exists():
            return
        root = Page.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="Welcome to Cocreate",
                slug="home-cocreate",
                intro="<p>This is where our customers and our teams build better mobile, TV and "
                "broadband services together. Post an idea, vote for the ones you want, and follow "
                "them from <b>New</b> to <b>Shipped</b>.</p>",
            )
        )
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site is None:
            Site.objects.create(
                hostname="localhost", root_page=home, is_default_site=True, site_name="Cocreate"
            )
        else:
            site.root_page = home
            site.site_name = "Cocreate"
            site.save()
        # Wagtail's placeholder "Welcome" page is not ours; remove it once the home page replaces it.
        if old_root is not None and old_root.pk != home.pk and old_root.specific_class is Page:
            old_root.delete()
