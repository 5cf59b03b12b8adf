"""Keyword rules that tag feedback, in nb, da, sv, nl and en, by word stems.

Keywords may be written in any of our languages. A text is compared in its own language and in
English (loanwords: "app", "roaming"): a word matches a keyword when the word or its stem in that
language equals the keyword or its stem in the same language, or extends that stem by at most
MAX_ENDING letters. The prefix is needed because the stemmers treat base and inflected forms
differently ("faktura" → "faktur" but "fakturaen" → "faktura" in Norwegian): "fakturaen",
"fakturan", "factuur" and "invoices" all match a rule with "faktura, factuur, invoice".
Comparing only within one language keeps a Danish "billig" (cheap, stem "bil") from matching an
English "bill". A keyword of several words matches when each of its words does; stems shorter
than MIN_PREFIX letters match only exactly.

Rules are compiled once per process and version: a saved or deleted rule bumps the version in the
shared cache, so every worker recompiles at its next use.
"""

import functools
import re
from dataclasses import dataclass

import snowballstemmer

from community.compiled import Compiled

STEMMERS = {"nb": "norwegian", "da": "danish", "sv": "swedish", "nl": "dutch", "en": "english"}
MAX_ENDING = 3
MIN_PREFIX = 5
MAX_WORDS = 400  # a comment or thread longer than this is tagged by its beginning
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@functools.cache
def _stemmer(language: str):
    return snowballstemmer.stemmer(language)


@functools.lru_cache(maxsize=50_000)
def forms_of(word: str, language: str) -> frozenset:
    """The word, lower-cased, and its stem in `language` (one of ours)."""
    word = word.casefold()
    return frozenset([word, _stemmer(STEMMERS[language]).stemWord(word)])


def _languages(language: str) -> tuple:
    return tuple(dict.fromkeys([language if language in STEMMERS else "en", "en"]))


def words_of(text: str) -> list[str]:
    return _WORD.findall((text or "")[:20_000])[:MAX_WORDS]


@dataclass(frozen=True)
class CompiledRule:
    rule_id: int
    name: str
    tag_id: int
    # language -> keywords; each keyword a tuple of words, each word the set of its forms.
    keywords: dict


def compile_rule(rule) -> CompiledRule:
    keywords = {}
    for language in STEMMERS:
        compiled = (tuple(forms_of(word, language) for word in words_of(keyword)) for keyword in rule.keyword_list)
        keywords[language] = tuple(k for k in compiled if k)
    return CompiledRule(rule.pk, rule.name, rule.tag_id, keywords)


def _word_matches(text_forms: frozenset, keyword_forms: frozenset) -> bool:
    if text_forms & keyword_forms:
        return True
    return any(
        len(stem) >= MIN_PREFIX and form.startswith(stem) and len(form) - len(stem) <= MAX_ENDING
        for form in text_forms
        for stem in keyword_forms
    )


def matching_rules(text: str, rules, language: str = "en") -> list[CompiledRule]:
    """The rules (compiled) whose keywords occur in text, written in `language`."""
    words = list(dict.fromkeys(w.casefold() for w in words_of(text)))
    if not words:
        return []
    found = []
    for rule in rules:
        if any(_rule_matches(rule, [forms_of(w, code) for w in words], code) for code in _languages(language)):
            found.append(rule)
    return found


def _rule_matches(rule, text_forms, language) -> bool:
    return any(
        all(any(_word_matches(forms, word) for forms in text_forms) for word in keyword)
        for keyword in rule.keywords[language]
    )


# --- The active rules, compiled -------------------------------------------------------------------


def _build() -> tuple:
    from feedback.models import KeywordRule

    return tuple(compile_rule(rule) for rule in KeywordRule.objects.filter(active=True).order_by("pk"))


_active = Compiled("feedback:keyword-rules:version", _build)


def active_rules() -> tuple:
    return _active.get()


def rules_changed() -> None:
    """A rule was saved or deleted: every process recompiles."""
    _active.changed()
