"""The content pipeline for member text: Markdown to allow-listed HTML with personal data masked."""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from html import escape, unescape
from urllib.parse import unquote

import bleach
from bleach.html5lib_shim import Filter
from django.utils.translation import gettext, gettext_lazy
from markdown_it import MarkdownIt
from markdown_it.token import Token

EMAIL = gettext_lazy("e-mail address")
PHONE = gettext_lazy("phone number")
IBAN = gettext_lazy("IBAN")
ACCOUNT = gettext_lazy("customer or account number")


@dataclass(frozen=True)
class Rendered:
    html: str
    masked: tuple[str, ...]


# --- Personal data -------------------------------------------------------------------------------

# A number must stand alone, not glued to letters, "+" or other digit groups; nor be an amount.
_ALONE = r"(?<![\w+])(?<!\d[ .,-])"
_END = r"(?![ .,-]?\d)(?!\w)(?!\s*(?:kr|nok|dkk|sek|eur|euro|usd)\b|\s*[€$%]|,-)"
_CUE_WORDS = (
    r"customer|client|account|invoice|subscription|subscriber|contract|member(?:ship)?"
    r"|kunde|kund|klant|konto|rekening|faktura|factuur|abonnements?|abonnemangs|abonnent|abonnee"
    r"|avtale|avtals|aftale|kontrakt|medlems|lid(?:maatschaps)?"
)


def _iban_checksum_ok(match: re.Match) -> bool:
    iban = re.sub(r"\s", "", match.group()).upper()
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return 15 <= len(iban) <= 34 and int(digits) % 97 == 1


def _not_a_year_range(match: re.Match) -> bool:
    return not re.fullmatch(r"(?:19|20)\d\d[ -](?:19|20)\d\d", match.group())


def _nine_or_ten_digits(match: re.Match) -> bool:
    return 9 <= sum(char.isdigit() for char in match.group()) <= 10


def _not_thousands(match: re.Match) -> bool:
    # "1 000 000 000 000" is an amount, not an account.
    groups = re.split(r"[ .-]", match.group())
    return len(groups) == 1 or any(len(group) != 3 for group in groups[1:])


# (label, pattern, extra check); applied in this order, the first rule to claim a number wins.
# The masked part is the named group "pii" when there is one, else the whole match.
_RULES: list[tuple[str, re.Pattern, Callable[[re.Match], bool] | None]] = [
    (
        IBAN,
        re.compile(r"\b[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b", re.I),
        _iban_checksum_ok,
    ),
    (EMAIL, re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b"), None),
    # A cue word, up to 20 characters of filler ("kundenummeret mitt er"), then 6–14 digits.
    (
        ACCOUNT,
        re.compile(
            rf"\b(?:{_CUE_WORDS})[ -]?(?:num\w*|nr\b\.?|no\b\.?|id\b|#)[^\d\n]{{0,20}}?"
            r"(?P<pii>\d(?:[ .-]?\d){5,13})(?![ .-]?\d)",
            re.I,
        ),
        None,
    ),
    # International: +47 912 34 567, 0046 70 123 45 67, +31 (0)6 12345678.
    (
        PHONE,
        re.compile(rf"{_ALONE}(?:\+|00)\d{{1,3}}\)?[ .-]?(?:\(0\)[ .-]?)?\d(?:[ .-]?\d){{5,12}}{_END}"),
        None,
    ),
    # Norway and Denmark, eight digits: 912 34 567, 12 34 56 78, 2212 3456; unspaced only mobiles (4/9).
    (
        PHONE,
        re.compile(
            rf"{_ALONE}(?:[2-9]\d\d([ .-])\d\d\1\d{{3}}|[2-9]\d([ .-])\d\d\2\d\d\2\d\d"
            rf"|[2-9]\d{{3}}[ -]\d{{4}}|[49]\d{{7}}){_END}"
        ),
        _not_a_year_range,
    ),
    # Sweden and the Netherlands, trunk prefix 0, 9–10 digits: 070-123 45 67, 06-12345678, (020) 1234567.
    (
        PHONE,
        re.compile(rf"{_ALONE}\(?0[1-9]\d{{0,3}}(?:[ -]|\) ?)?\d(?:[ .-]?\d){{4,8}}{_END}"),
        _nine_or_ten_digits,
    ),
    # Any other run of 11–19 digits (bank accounts such as 1234.56.78903, card numbers).
    (ACCOUNT, re.compile(rf"{_ALONE}\d(?:[ .-]?\d){{10,18}}{_END}"), _not_thousands),
]
_EMAIL_RULES = [rule for rule in _RULES if rule[0] is EMAIL]


def _hide(match: re.Match, *, label: str, check, found: list[str]) -> str:
    if check and not check(match):
        return match.group()
    if label not in found:
        found.append(label)
    start, end = match.span("pii" if "pii" in match.re.groupindex else 0)
    # Translators: stands in for personal data in member text, e.g. "[phone number hidden]".
    hidden = gettext("[%(kind)s hidden]") % {"kind": label}
    return match.string[match.start() : start] + hidden + match.string[end : match.end()]


def _mask(text: str, found: list[str], rules=_RULES) -> str:
    for label, pattern, check in rules:
        text = pattern.sub(partial(_hide, label=label, check=check, found=found), text)
    return text


def mask_personal_data(text: str) -> tuple[str, tuple[str, ...]]:
    """Hide e-mail addresses, phone numbers, IBANs and account numbers; return the text and the kinds."""
    found: list[str] = []
    return _mask(text, found), tuple(found)


# --- Markdown ------------------------------------------------------------------------------------

_SCHEMES = frozenset({"http", "https", "mailto"})
# Invisible characters that could hide a scheme from a check but not from every browser.
_INVISIBLE = re.compile(
    r"[\x00-\x20\x7f-\xa0\xad\u115f\u1160\u180e\u200b-\u200f\u2028-\u202f\u2060-\u206f\ufeff]"
)


def _is_safe_url(url: str) -> bool:
    """True for relative URLs and http, https and mailto; decided on the decoded, de-obfuscated URL."""
    bare = _INVISIBLE.sub("", unquote(unescape(url)))
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", bare, re.I)
    return scheme is None or scheme.group(1).lower() in _SCHEMES


class _Markdown(MarkdownIt):
    def validateLink(self, url: str) -> bool:
        # Links, autolinks, reference links and images all pass here; a refused URL stays as text.
        return _is_safe_url(url)


def _image_as_alt_text(self, tokens: Sequence[Token], idx: int, options, env) -> str:
    # Members cannot upload or embed images; show what the image was meant to say.
    return escape(self.renderInlineAsText(tokens[idx].children, options, env), quote=False)


# maxNesting caps block and inline nesting separately: past it markdown-it drops the rest of the
# input instead of recursing, so 10,000 levels of ">" cost no more than 20.
_MD = _Markdown("commonmark", {"html": False, "breaks": True, "maxNesting": 20}).enable(
    ["table", "strikethrough"]
)
_MD.add_render_rule("image", _image_as_alt_text)
_MAX_INLINE_NESTING = 10


def _mask_inline(children: list[Token], found: list[str]) -> list[Token]:
    kept, depth, in_autolink, drop_close = [], 0, False, False
    for token in children:
        # Emphasis is paired after parsing, outside maxNesting: "*" * 10_000 would nest 5,000 deep.
        depth += max(token.nesting, 0)
        too_deep = depth > _MAX_INLINE_NESTING
        depth += min(token.nesting, 0)
        if too_deep:
            continue  # keep the text, drop the formatting
        if token.type == "link_open":
            in_autolink = token.markup == "autolink"
            # Keep the link text but not a link to somebody's address.
            href = unquote(str(token.attrGet("href") or ""))
            if _mask(href, found, _EMAIL_RULES) != href:
                drop_close = True
                continue
            if title := token.attrGet("title"):
                token.attrSet("title", _mask(str(title), found))
        elif token.type == "link_close":
            in_autolink = False
            if drop_close:
                drop_close = False
                continue
        elif token.type in ("s_open", "s_close"):
            token.tag = "del"  # markdown-it writes <s>; <del> is the allow-listed name
        elif token.type in ("text", "code_inline"):
            # A URL shown as text is judged like its href: long ids in URLs are not account numbers.
            token.content = _mask(token.content, found, _EMAIL_RULES if in_autolink else _RULES)
        elif token.children:
            token.children = _mask_inline(token.children, found)
        kept.append(token)
    return kept


def _parse(source: str) -> tuple[list[Token], tuple[str, ...]]:
    """Tokens with personal data masked in text, code and links, and headings moved below page headings."""
    tokens, found = _MD.parse(source), []
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 2, 6)}"
        elif token.type in ("code_block", "fence"):
            token.content = _mask(token.content, found)
        elif token.children:
            token.children = _mask_inline(token.children, found)
    return tokens, tuple(found)


def _top_level_runs(tokens: list[Token], size: int = 200):
    # html5lib's tree walker is quadratic in the number of siblings, so long texts are cleaned a few
    # whole top-level blocks at a time (1 MB: 5 s instead of 16 s). Each run is balanced HTML.
    start = 0
    for index, token in enumerate(tokens, start=1):
        if token.level == 0 and token.nesting <= 0 and index - start >= size:
            yield tokens[start:index]
            start = index
    yield tokens[start:]


def render_user_text(source: str) -> Rendered:
    """Markdown to publishable HTML; run once when the text is written and store both."""
    tokens, masked = _parse(source)
    runs = (_MD.renderer.render(run, _MD.options, {}) for run in _top_level_runs(tokens))
    return Rendered(html="".join(sanitize_html(run) for run in runs).strip(), masked=masked)


def plain_text(source: str) -> str:
    """Markdown to masked plain text, for excerpts, notifications and search."""
    tokens, _ = _parse(source)
    parts = []
    for token in tokens:
        if token.type in ("code_block", "fence"):
            parts.append(token.content.strip())
        elif token.type == "inline":
            parts.append(_MD.renderer.renderInlineAsText(token.children, _MD.options, {}).strip())
    return "\n".join(part for part in parts if part)


# --- HTML allow-list -----------------------------------------------------------------------------

_TAGS = frozenset(
    {"p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr"}
    | {"h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
)
_REL = "nofollow ugc noopener noreferrer"


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in ("title", "rel") or (name == "href" and _is_safe_url(value))
    return tag == "ol" and name == "start"


class _MemberLinks(Filter):
    """Every link gets the same rel, whatever the input said."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "StartTag" and token["name"] == "a":
                token["data"][(None, "rel")] = _REL
            yield token


def sanitize_html(html: str) -> str:
    """Keep only the allow-listed tags, attributes and URL schemes; the one place bleach is used."""
    # A Cleaner keeps parser state, so it is not shared between threads; one costs ~0.05 ms.
    cleaner = bleach.Cleaner(
        tags=_TAGS,
        attributes=_allowed_attribute,
        protocols=_SCHEMES,
        strip=True,
        strip_comments=True,
        filters=[_MemberLinks],
    )
    return cleaner.clean(html)
