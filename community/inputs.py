"""Parsing what arrives from outside (URLs, forms, JSON, websocket frames) within the bounds the
database and the rules accept, so bad input is refused with a message instead of a 500.

    parse_id("42") == 42;  parse_id("²") is None;  parse_id("9" * 30) is None
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Primary keys are signed 64-bit integers; anything larger cannot name a row.
MAX_ID = 2**63 - 1


def parse_id(raw) -> int | None:
    """A positive 64-bit id from a str or int, else None. "²" and "٣" pass str.isdigit() but
    are not ids; bool is refused though it is an int."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip() if raw is not None else ""
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            return None
        value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_ids(raws, *, limit: int = 500) -> list[int]:
    """The valid ids among raws (at most `limit`), dropping the rest."""
    ids = (parse_id(raw) for raw in list(raws)[:limit])
    return [i for i in ids if i is not None]


class IdConverter:
    """URL converter `<id:pk>`: ASCII digits that fit a 64-bit key. Longer numbers do not match,
    so /idea/99999999999999999999/ is a 404, not a database overflow."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


# --- Text ----------------------------------------------------------------------------------------

# Bidirectional controls reorder what a reader sees: "Invoice \u202egnp.exe" shows as
# "Invoice exe.png". Nobody needs them in a title, a comment or a name, so they are removed.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# C0 controls but tab and newline, DEL, and C1 controls: NUL breaks full-text search, CR/LF break
# e-mail headers, the rest only hide text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"}


def clean_text(text: str) -> str:
    """Member text as it is stored: line ends made \\n, bidi and control characters removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", _BIDI_CONTROLS.sub("", text))


def clean_line(text: str) -> str:
    """One line (titles): clean_text with every run of white space, newlines included, made one space."""
    return " ".join(clean_text(text).split())


def has_visible_character(text: str) -> bool:
    """False for text made only of spaces, zero-width and other invisible characters."""
    return any(unicodedata.category(char) not in _INVISIBLE_CATEGORIES for char in text or "")


def check_name(name: str) -> str:
    """A display name: one line of visible text. Control characters are refused, not dropped,
    so the member sees that the name they typed is not the one that would be shown."""
    name = name or ""
    if _CONTROL.search(name.replace("\t", "\x00")) or "\n" in name or "\r" in name:
        raise ValidationError(_("A name cannot contain line breaks or control characters."), code="name")
    name = " ".join(_BIDI_CONTROLS.sub("", name).split())
    if name and not has_visible_character(name):
        raise ValidationError(_("A name needs at least one visible character."), code="name")
    return name
