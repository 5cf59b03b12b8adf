"""`manage.py messages`: the check names untranslated and fuzzy strings and changes no file; compiling needs no gettext."""

import gettext
import hashlib
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from community.management.commands import messages

needs_gettext = pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")


@pytest.fixture
def catalogues(tmp_path, settings, monkeypatch):
    """A copy of the committed catalogues, used instead of locale/."""
    copy = tmp_path / "locale"
    shutil.copytree(Path(settings.BASE_DIR) / "locale", copy, ignore=shutil.ignore_patterns("*.mo"))
    settings.LOCALE_PATHS = [copy]
    monkeypatch.chdir(settings.BASE_DIR)  # makemessages extracts from the working directory
    return copy


def fingerprint(folder: Path) -> dict:
    return {p.name + str(p.parent): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.po")}


@needs_gettext
def test_the_check_names_each_untranslated_or_fuzzy_string_and_changes_no_file(catalogues):
    po_path = catalogues / "sv" / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(po_path))
    catalogue.find("Log in").msgstr = ""
    catalogue.find("Sign up").flags.append("fuzzy")
    catalogue.save()
    before = fingerprint(catalogues)

    problems = messages.find_untranslated()

    assert "sv  untranslated  'Log in'  (django.po)" in problems
    assert "sv  fuzzy         'Sign up'  (django.po)" in problems
    assert not any(p.startswith("nb") and "'Log in'" in p for p in problems)
    assert fingerprint(catalogues) == before
    assert not list(catalogues.rglob("*.pot"))


@needs_gettext
def test_the_check_fails_with_what_to_run(catalogues, capsys):
    catalogue = polib.pofile(str(catalogues / "nl" / "LC_MESSAGES" / "djangojs.po"))
    catalogue.find("Similar ideas — vote instead?").msgstr = ""
    catalogue.save()
    with pytest.raises(SystemExit) as exit:
        call_command("messages", check=True)
    assert exit.value.code == 1
    err = capsys.readouterr().err
    assert "nl  untranslated  'Similar ideas — vote instead?'  (djangojs.po)" in err
    assert "make messages" in err


def test_compiling_needs_no_gettext_and_leaves_fuzzy_entries_out(catalogues, monkeypatch):
    catalogue = polib.pofile(str(catalogues / "da" / "LC_MESSAGES" / "django.po"))
    catalogue.find("Sign up").flags.append("fuzzy")
    catalogue.save()
    monkeypatch.setenv("PATH", "")  # no msgfmt
    assert messages.compile_catalogues() == 8
    compiled = gettext.GNUTranslations(open(catalogues / "da" / "LC_MESSAGES" / "django.mo", "rb"))
    assert compiled.gettext("Log in") == "Log ind"
    assert compiled.gettext("Sign up") == "Sign up"
    assert settings.LOCALE_PATHS == [catalogues]
