"""The content pipeline: Markdown rendering, the HTML allow-list, XSS and personal-data masking."""

import html
import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest

from community.content import Rendered, mask_personal_data, plain_text, render_user_text, sanitize_html

ALLOWED_TAGS = {"p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr"}
ALLOWED_TAGS |= {"h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}
REL = "nofollow ugc noopener noreferrer"


class Outline(HTMLParser):
    """Every tag with its attributes, and how deep the elements nest."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.depth = self.max_depth = 0
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "hr"):
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)

    def handle_endtag(self, tag):
        self.depth -= 1

    def links(self) -> list[dict]:
        return [attrs for tag, attrs in self.tags if tag == "a"]


def assert_harmless(markup: str) -> None:
    outline = Outline(markup)
    assert not re.search(r"<\s*(script|iframe|style|svg|img|form|button|object|embed|math)", markup, re.I)
    for tag, attrs in outline.tags:
        assert tag in ALLOWED_TAGS, tag
        assert not [name for name in attrs if name.startswith("on") or name in ("formaction", "style")]
        for value in attrs.values():
            # Independent of the module's own check: squeeze out everything a browser might ignore.
            squeezed = re.sub(r"[^a-z:]", "", unquote(html.unescape(value or "")).lower())
            assert not squeezed.startswith(("javascript:", "vbscript:", "data:", "file:"))
    for attrs in outline.links():
        assert attrs.get("rel") == REL


MARKDOWN_ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<style>body { display: none }</style>",
    "<form><button formaction=javascript:alert(1)>go</button></form>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;vascript:alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](java\u200bscript:alert(1))",
    "[x](\u200bjavascript:alert(1))",
    "[x](java\ufeffscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[ref]\n\n[ref]: jav&#x09;ascript:alert(1)",
    "[x][ref]\n\n[ref]: <data:text/html,x> 'title'",
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    '![x" onerror="alert(1)](https://example.com/x.png)',
    '[x](https://example.com "a\\" onmouseover=\\"alert(1)")',
    "[<img src=x onerror=alert(1)>](https://example.com)",
    "```\n<script>alert(1)</script>\n```",
    "`<svg onload=alert(1)>`",
    "> <iframe srcdoc='<script>alert(1)</script>'>",
    "| a |\n|---|\n| <script>alert(1)</script> |",
]


@pytest.mark.parametrize("source", MARKDOWN_ATTACKS)
def test_markdown_attack_renders_harmless(source):
    assert_harmless(render_user_text(source).html)


@pytest.mark.parametrize("source", [attack for attack in MARKDOWN_ATTACKS if "https:" not in attack])
def test_dangerous_url_never_becomes_a_link(source):
    # Refused by the Markdown step already, not left to the allow-list as an <a> without href.
    assert "<a" not in render_user_text(source).html


def test_raw_html_is_shown_as_text():
    rendered = render_user_text("Use <b>bold</b>, not <script>alert(1)</script>")
    assert rendered.html == "<p>Use &lt;b&gt;bold&lt;/b&gt;, not &lt;script&gt;alert(1)&lt;/script&gt;</p>"


HTML_ATTACKS = [
    "<script>alert(1)</script>",
    "<p onclick=alert(1)>x</p>",
    "<img src=x onerror=alert(1)>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="java\u200bscript:alert(1)">x</a>',
    '<a href="java%0ascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="https://example.com" onmouseover="alert(1)" rel="opener">x</a>',
    "<button formaction=javascript:alert(1)>x</button>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<style>*{}</style><!-- <script>alert(1)</script> -->",
    "<h1 style=color:red>big</h1>",
]


@pytest.mark.parametrize("markup", HTML_ATTACKS)
def test_sanitize_html_removes_attack(markup):
    assert_harmless(sanitize_html(markup))


def test_sanitize_html_forces_rel_and_keeps_safe_links():
    cleaned = sanitize_html('<a href="https://example.com/a?b=1" rel="opener" title="t">x</a>')
    assert Outline(cleaned).links() == [{"href": "https://example.com/a?b=1", "rel": REL, "title": "t"}]


def test_markdown_features_render():
    source = (
        "*em* **strong** ~~gone~~ `code`\n\n- one\n- two\n\n3. three\n4. four\n\n> quoted\n\n"
        "```\nprint(1)\n```\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nfirst line\nsecond line"
    )
    rendered = render_user_text(source).html
    for fragment in (
        "<em>em</em>",
        "<strong>strong</strong>",
        "<del>gone</del>",
        "<code>code</code>",
        "<li>one</li>",
        '<ol start="3">',
        "<blockquote>",
        "<pre><code>print(1)\n</code></pre>",
        "<hr>",
        "<td>1</td>",
        "first line<br>",
    ):
        assert fragment in rendered
    assert_harmless(rendered)


@pytest.mark.parametrize("url", ["https://example.com/x?a=1&b=2", "http://example.com", "/ideas/12", "#top"])
def test_safe_links_render_with_rel(url):
    links = Outline(render_user_text(f"[see]({url})").html).links()
    assert links == [{"href": url, "rel": REL}]


def test_mailto_is_an_allowed_scheme_for_sanitize_html():
    links = Outline(sanitize_html('<a href="mailto:help@cocreate.example">help</a>')).links()
    assert links == [{"href": "mailto:help@cocreate.example", "rel": REL}]


def test_mailto_link_is_reduced_to_its_text_because_the_address_is_personal_data():
    rendered = render_user_text("[write to me](mailto:ola@example.no)")
    assert rendered.html == "<p>write to me</p>"
    assert rendered.masked == ("e-mail address",)


def test_user_headings_never_outrank_page_headings():
    rendered = render_user_text("# One\n\n## Two\n\n### Three\n\n###### Six")
    assert "<h1" not in rendered.html and "<h2" not in rendered.html
    assert [tag for tag, _ in Outline(rendered.html).tags] == ["h3", "h4", "h5", "h6"]


def test_images_render_only_their_alt_text():
    assert render_user_text("![a *cat*](https://example.com/cat.png)").html == "<p>a cat</p>"


def test_empty_input_renders_nothing():
    assert render_user_text("") == Rendered(html="", masked=())
    assert sanitize_html("") == ""
    assert mask_personal_data("") == ("", ())


PERSONAL_DATA = [
    # Norwegian
    ("Ring meg på +47 912 34 567", "phone number"),
    ("Ring 0047 912 34 567", "phone number"),
    ("mobil 912 34 567", "phone number"),
    ("mobil 91 23 45 67", "phone number"),
    ("mobil 91234567 etter kl. 16", "phone number"),
    ("tlf 22 12 34 56", "phone number"),
    ("kundenummeret mitt er 12345678", "customer or account number"),
    ("kontonummer 1234.56.78903", "customer or account number"),
    ("abonnementsnummer: 123456789", "customer or account number"),
    ("konto 1234 56 78903", "customer or account number"),
    # Danish
    ("Ring på +45 12 34 56 78", "phone number"),
    ("ring 20 12 34 56", "phone number"),
    ("kunde nr. 7654321", "customer or account number"),
    # Swedish
    ("ring 070-123 45 67", "phone number"),
    ("växel 08-123 456 78", "phone number"),
    ("+46 (0)70-123 45 67", "phone number"),
    ("kundnummer 1234567", "customer or account number"),
    # Dutch
    ("bel +31 6 12345678", "phone number"),
    ("bel 06-12345678", "phone number"),
    ("bel (020) 123 4567", "phone number"),
    ("klantnummer: 87654321", "customer or account number"),
    ("factuurnummer 2024-123456", "customer or account number"),
    # English and any language
    ("my customer number is 1234567", "customer or account number"),
    ("invoice number: 9876543", "customer or account number"),
    ("mail ola.nordmann@example.no please", "e-mail address"),
    ("Ola_N+tag@sub.example.co.uk", "e-mail address"),
    ("IBAN NO93 8601 1117 947", "IBAN"),
    ("NL91ABNA0417164300", "IBAN"),
    ("nl91 abna 0417 1643 00", "IBAN"),
    ("DK50 0040 0440 1162 43", "IBAN"),
    ("SE45 5000 0000 0583 9825 7466", "IBAN"),
    ("card 4111 1111 1111 1111", "customer or account number"),
]


@pytest.mark.parametrize(("text", "kind"), PERSONAL_DATA)
def test_personal_data_is_masked(text, kind):
    masked, kinds = mask_personal_data(text)
    assert kinds == (kind,)
    assert f"[{kind} hidden]" in masked
    assert not re.search(r"\d{3}|@", masked.replace(f"[{kind} hidden]", ""))


ORDINARY_TEXT = [
    "Jeg har vært kunde siden 2019 og betaler 199 kr i måneden.",
    "Prisen er 1 299,- eller 12 000 kr for et år.",
    "Det kostet 49900000 kr totalt.",
    "Rabatten var 45 % i 2023-2024.",
    "Dekningen for 5G og 4G er dårlig.",
    "Møtet er 12.03.2024 kl. 14.30, eller 01-03-2024 kl. 9:15–10:00.",
    "Tidsrommet 2019 2020 var rart.",
    "Jeg har 3 bestillinger og 12 returer.",
    "Vi har 1 000 000 kunder og 1 234 567 890 123 i omsetning.",
    "Levering til 0150 Oslo, uke 12.",
    "Versjon 1.2.3 av appen, π er 3.14159265.",
    "kundenummer 123 er for kort",
    "Ordre 123456 kom fram.",
    "IBAN NO93 8601 1117 948 har feil kontrollsiffer",
    "NL91ABNA0417164301",
    "@ola skrev det",
]


@pytest.mark.parametrize("text", ORDINARY_TEXT)
def test_ordinary_numbers_are_left_alone(text):
    assert mask_personal_data(text) == (text, ())


def test_every_kind_found_is_reported_once():
    rendered = render_user_text("Ring +47 912 34 567 eller 912 34 568, eller skriv til ola@example.no.")
    assert rendered.masked == ("e-mail address", "phone number")
    assert "912" not in rendered.html and "@" not in rendered.html


def test_personal_data_is_masked_in_code_titles_and_alt_text():
    source = '`91234567`\n\n    ola@example.no\n\n[x](https://example.com "ring 91234567") ![ola@example.no](a.png)'
    rendered = render_user_text(source)
    assert "91234567" not in rendered.html and "ola@example.no" not in rendered.html
    assert set(rendered.masked) == {"phone number", "e-mail address"}


def test_long_ids_in_urls_are_not_account_numbers():
    url = "https://example.com/status/12345678901234567"
    rendered = render_user_text(f"<{url}>")
    assert Outline(rendered.html).links()[0]["href"] == url
    assert rendered.masked == ()


def test_plain_text_strips_markdown_and_masks():
    assert plain_text("# Hei\n\n**Ring** [meg](https://x.no) på 912 34 567") == (
        "Hei\nRing meg på [phone number hidden]"
    )


@pytest.mark.parametrize(
    "source",
    [
        ">" * 10_000 + " deep",
        "- " * 10_000 + "deep",
        "> - " * 5_000 + "deep",
        "1. " * 10_000 + "deep",
        "".join("  " * level + "- item\n" for level in range(3_000)),
        "*" * 10_000 + "deep" + "*" * 10_000,
        "[" * 10_000 + "deep" + "]" * 10_000,
    ],
)
def test_deep_nesting_is_capped(source):
    rendered = render_user_text(source)
    # markdown-it stops at 20 block levels (+1 for a paragraph); inline formatting stops at 10.
    assert Outline(rendered.html).max_depth <= 31
    assert len(rendered.html) < 100_000
    assert_harmless(rendered.html)


def test_sanitize_html_survives_nesting_deeper_than_the_recursion_limit():
    cleaned = sanitize_html("<blockquote>" * 3_000 + "x" + "</blockquote>" * 3_000)
    assert cleaned.count("<blockquote>") == 3_000


def test_long_text_keeps_every_block_and_stays_balanced():
    source = "\n\n".join(f"Paragraph {n} with *emphasis*.\n\n- item {n}" for n in range(400))
    outline = Outline(render_user_text(source).html)
    assert [tag for tag, _ in outline.tags] == ["p", "em", "ul", "li"] * 400
    assert outline.depth == 0


def test_one_megabyte_body_renders():
    paragraph = (
        "Jeg har vært kunde siden 2019 og betaler 399 kr. Ring meg på 912 34 567 eller skriv til "
        "ola@example.no. Det er **viktig** at `5G` virker, se [siden](https://example.com/a).\n\n"
        "- punkt en\n- punkt to\n\n> sitat\n\n"
    )
    source = (paragraph * (1_000_000 // len(paragraph) + 1))[:1_000_000]
    rendered = render_user_text(source)
    assert rendered.masked == ("e-mail address", "phone number")
    assert rendered.html.count("[phone number hidden]") == source.count("912 34 567")
