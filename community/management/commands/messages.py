"""`manage.py messages`: update, check (for `make test`) or compile the nb, da, sv and nl catalogues."""

import shutil
import sys
import tempfile
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands import makemessages

# English is the source language: its strings are the msgids, so it has no catalogue.
LANGUAGES = ["nb", "da", "sv", "nl"]
DOMAINS = {"django": ["html", "txt", "py"], "djangojs": ["js"]}
# Tests, benchmarks and generated folders hold no strings a member reads.
IGNORE = [
    "tests/*", "bench/*", "var/*", "staticfiles/*", "docs/*", "locale/*", "node_modules/*",
    ".venv/*", "*.egg-info/*", "*/migrations/*",
]
UPDATE_HINT = (
    "Update the catalogues with `make messages` (manage.py messages), translate the empty and "
    "fuzzy entries it lists in locale/<language>/LC_MESSAGES/django.po and djangojs.po (remove the "
    "`#, fuzzy` line once a suggestion is checked; one term per concept: locale/GLOSSARY.md), and "
    "commit the .po files."
)


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def _makemessages_options(domain: str) -> dict:
    return {
        "locale": LANGUAGES,
        "domain": domain,
        "extensions": DOMAINS[domain],
        "ignore_patterns": IGNORE,
        # Locations and obsolete entries would change with every edit elsewhere: quiet diffs.
        "no_location": True,
        "no_obsolete": True,
        "verbosity": 0,
    }


class _ExtractInto(makemessages.Command):
    """makemessages that writes into another folder instead of the project's locale/ (so a
    check never changes the working tree). Everything else is Django's own extraction."""

    def __init__(self, target: Path, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = str(target)

    def find_files(self, root):
        files = super().find_files(root)
        for found in files:
            found.locale_dir = self.target
        if self.target not in self.locale_paths:
            self.locale_paths.insert(0, self.target)
        return files


def problems_in(po_path: Path, language: str) -> list[str]:
    catalogue = polib.pofile(str(po_path))
    found = [f"{language}  untranslated  {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    found += [f"{language}  fuzzy         {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    return found


def find_untranslated() -> list[str]:
    """Extract every string again into a temporary copy of the catalogues, merge (msgmerge) and
    list what is untranslated or fuzzy there: what `make messages` would leave to translate."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="cocreate-messages-") as tmp:
        target = Path(tmp)
        for language in LANGUAGES:
            source = locale_dir() / language / "LC_MESSAGES"
            (target / language / "LC_MESSAGES").mkdir(parents=True)
            for domain in DOMAINS:
                if (source / f"{domain}.po").exists():
                    shutil.copy(source / f"{domain}.po", target / language / "LC_MESSAGES" / f"{domain}.po")
        for domain in DOMAINS:
            command = _ExtractInto(target)
            call_command(command, **_makemessages_options(domain))
            for language in LANGUAGES:
                po = target / language / "LC_MESSAGES" / f"{domain}.po"
                if not po.exists():  # makemessages writes no catalogue for a domain without strings
                    continue
                problems += [f"{p}  ({domain}.po)" for p in problems_in(po, language)]
    return problems


def compile_catalogues() -> int:
    """Write the .mo files with polib (pure Python: running the site needs no gettext tools).
    Fuzzy entries are left out, as msgfmt does."""
    compiled = 0
    for po_path in sorted(locale_dir().glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(po_path))
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        # Written aside and renamed: a server or test worker never reads half a file.
        partial = po_path.with_suffix(".mo.partial")
        catalogue.save_as_mofile(str(partial))
        partial.replace(po_path.with_suffix(".mo"))
        compiled += 1
    return compiled


class Command(BaseCommand):
    help = "Update the nb, da, sv and nl catalogues from the source (default), check them, or compile them."

    def add_arguments(self, parser):
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--check", action="store_true",
            help="Fail, naming each string, if any is untranslated or fuzzy. Changes no file.",
        )
        mode.add_argument("--compile", action="store_true", help="Build the .mo files from the .po files.")

    def handle(self, *args, check: bool = False, compile: bool = False, **options):
        if compile:
            count = compile_catalogues()
            if options["verbosity"]:
                self.stdout.write(f"Compiled {count} catalogues.")
            return
        if shutil.which("xgettext") is None:
            raise CommandError("xgettext is missing: install GNU gettext (apt-get install gettext).")
        if check:
            problems = find_untranslated()
            if problems:
                self.stderr.write(
                    f"{len(problems)} strings are not translated in every language:\n  "
                    + "\n  ".join(problems) + "\n\n" + UPDATE_HINT
                )
                sys.exit(1)
            self.stdout.write(f"Every string is translated into {', '.join(LANGUAGES)}.")
            return
        for domain in DOMAINS:
            call_command("makemessages", **_makemessages_options(domain))
        self.stdout.write(
            "Catalogues updated in locale/. Translate the empty and fuzzy entries; "
            "`manage.py messages --check` lists them."
        )
