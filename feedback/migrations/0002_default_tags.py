"""The starting taxonomy of feedback tags, named and described in the five languages, and a
keyword rule for each (staff change both in the admin)."""

from django.db import migrations

# slug: (names en/nb/da/sv/nl, descriptions en/nb/da/sv/nl, keywords)
TAGS = {
    "billing": (
        ("Billing", "Fakturering", "Fakturering", "Fakturering", "Facturering"),
        ("Charges, payments and direct debit", "Belastninger, betaling og avtalegiro",
         "Opkrævninger, betaling og Betalingsservice", "Debiteringar, betalning och autogiro",
         "Kosten, betalingen en automatische incasso"),
        "billing, payment, charge, betaling, betale, trekk, opkrævning, betalning, debitering, betaling, incasso, afschrijving",
    ),
    "invoice": (
        ("Invoice", "Faktura", "Faktura", "Faktura", "Factuur"),
        ("The invoice itself: what it says and how it looks", "Selve fakturaen: hva den sier og hvordan den ser ut",
         "Selve fakturaen: hvad den siger, og hvordan den ser ud", "Själva fakturan: vad den säger och hur den ser ut",
         "De factuur zelf: wat erop staat en hoe die eruitziet"),
        "invoice, faktura, regning, räkning, factuur, rekening",
    ),
    "coverage": (
        ("Coverage", "Dekning", "Dækning", "Täckning", "Dekking"),
        ("Where the network reaches and where it does not", "Hvor nettet når, og hvor det ikke gjør det",
         "Hvor nettet når ud, og hvor det ikke gør", "Var nätet når och var det inte gör det",
         "Waar het netwerk wel en niet komt"),
        "coverage, signal, dekning, dækning, täckning, dekking, bereik, mottak, signaal",
    ),
    "speed": (
        ("Speed", "Hastighet", "Hastighed", "Hastighet", "Snelheid"),
        ("How fast mobile data and broadband are", "Hvor raskt mobildata og bredbånd er",
         "Hvor hurtigt mobildata og bredbånd er", "Hur snabbt mobildata och bredband är",
         "Hoe snel mobiele data en internet zijn"),
        "speed, slow, hastighet, hastighed, snelheid, treg, langsom, långsam, traag, mbps",
    ),
    "tv": (
        ("TV", "TV", "TV", "TV", "Tv"),
        ("TV channels, the TV box and the TV app", "TV-kanaler, TV-boksen og TV-appen",
         "Tv-kanaler, tv-boksen og tv-appen", "TV-kanaler, TV-boxen och TV-appen",
         "Tv-zenders, de tv-box en de tv-app"),
        "tv, channel, kanal, zender, decoder, tv-box",
    ),
    "app": (
        ("App", "App", "App", "App", "App"),
        ("The My Account app on iOS and Android", "Min side-appen på iOS og Android",
         "Min side-appen på iOS og Android", "Mina sidor-appen på iOS och Android",
         "De Mijn account-app op iOS en Android"),
        "app, application, applikasjon, applikation, applicatie, iphone, android",
    ),
    "roaming": (
        ("Roaming", "Roaming", "Roaming", "Roaming", "Roaming"),
        ("Using your phone abroad", "Bruk av mobilen i utlandet", "Brug af mobilen i udlandet",
         "Använda mobilen utomlands", "Je telefoon gebruiken in het buitenland"),
        "roaming, abroad, utlandet, udlandet, utomlands, buitenland",
    ),
    "pricing": (
        ("Pricing", "Priser", "Priser", "Priser", "Prijzen"),
        ("Prices, plans and what they include", "Priser, abonnementer og hva de inneholder",
         "Priser, abonnementer og hvad de indeholder", "Priser, abonnemang och vad de innehåller",
         "Prijzen, abonnementen en wat erin zit"),
        "price, expensive, pris, dyr, dyrt, prijs, duur",
    ),
    "loyalty": (
        ("Loyalty", "Lojalitet", "Loyalitet", "Lojalitet", "Loyaliteit"),
        ("Recognising customers who have stayed with us", "Å verdsette kunder som har vært lenge hos oss",
         "At værdsætte kunder, der har været hos os længe", "Att uppskatta kunder som stannat länge hos oss",
         "Klanten waarderen die al lang bij ons zijn"),
        "loyal, loyalty, lojal, lojalitet, loyalitet, trouw, loyaliteit",
    ),
    "support": (
        ("Support", "Kundeservice", "Kundeservice", "Kundtjänst", "Klantenservice"),
        ("Help by chat, phone or in a shop", "Hjelp på chat, telefon eller i butikk",
         "Hjælp på chat, telefon eller i butikken", "Hjälp via chatt, telefon eller i butik",
         "Hulp via chat, telefoon of in de winkel"),
        "support, kundeservice, kundtjänst, klantenservice, helpdesk, chat, chatt",
    ),
}
LANGUAGES = ("en", "nb", "da", "sv", "nl")


def create_tags(apps, schema_editor):
    Tag = apps.get_model("feedback", "Tag")
    KeywordRule = apps.get_model("feedback", "KeywordRule")
    for slug, (names, descriptions, keywords) in TAGS.items():
        fields = {f"name_{code}": name for code, name in zip(LANGUAGES, names)}
        fields.update({f"description_{code}": text for code, text in zip(LANGUAGES, descriptions)})
        tag, created = Tag.objects.get_or_create(slug=slug, defaults=fields)
        if created:
            KeywordRule.objects.create(tag=tag, name=names[0], keywords=keywords)


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create_tags, migrations.RunPython.noop)]
