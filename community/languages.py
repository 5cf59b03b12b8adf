"""The five languages: which code to use for a member or a request, and what language a text is in."""

import functools
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

# Codes members may meet that mean one of ours: Norwegian without a variant is Bokmål here.
ALIASES = {"no": "nb", "nn": "nb"}
# Below this many letters ("Takk!", "+1", emoji) detection guesses; the author's language is better.
MIN_LETTERS = 10
# Detection may be this much less sure of the author's own language than of its top guess and
# still keep it: Bokmål and Danish share most short words, and the author knows what they write.
AUTHOR_MARGIN = 0.25
# Below this confidence the top guess is no better than the author's language.
MIN_CONFIDENCE = 0.5
# Enough text to decide; longer texts only cost time.
SAMPLE_CHARS = 1000


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def supported(code) -> str | None:
    """Our code for a language code from a URL, cookie, form or header; None if it is none of ours."""
    if not isinstance(code, str):
        return None
    code = code.strip().lower().replace("_", "-")[:20]
    if code in codes():
        return code
    base = code.split("-")[0]
    base = ALIASES.get(base, base)
    return base if base in codes() else None


def of_member(member) -> str:
    """The language to write to a member in: their preference, else the site's default."""
    return supported(getattr(member, "preferred_language", None)) or settings.LANGUAGE_CODE


def parse_list(raw) -> list[str]:
    """Codes from a comma-separated or repeated parameter, ours only, each once, in order."""
    if isinstance(raw, str):
        raw = raw.split(",")
    found = []
    for item in list(raw or [])[:20]:
        code = supported(item)
        if code and code not in found:
            found.append(code)
    return found


def validate_codes(value) -> None:
    """Model validator for a list of language codes (Member.reading_languages)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    if not isinstance(value, list) or any(supported(code) != code for code in value):
        raise ValidationError(gettext("Choose languages from the list."), code="invalid_language")


def choose(text: str, *, author, chosen=None) -> str:
    """The language of what a member writes: the one they chose if it is ours, else detected
    from the text, else their own language."""
    return supported(chosen) or detect(text, fallback=of_member(author))


@functools.cache
def _detector():
    # lingua ships its models in the wheel (no download). Low-accuracy mode uses trigrams only:
    # ~30 MB per process instead of ~200 MB, and texts shorter than MIN_LETTERS never reach it.
    from lingua import Language, LanguageDetectorBuilder

    ours = {
        Language.ENGLISH: "en", Language.BOKMAL: "nb", Language.DANISH: "da",
        Language.SWEDISH: "sv", Language.DUTCH: "nl",
    }
    languages = {language: code for language, code in ours.items() if code in codes()}
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build(), languages


def detect(text: str, *, fallback: str) -> str:
    """The language text is written in, among ours; `fallback` (the author's language) when the
    text is too short or detection is unsure."""
    fallback = supported(fallback) or settings.LANGUAGE_CODE
    text = (text or "")[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        return fallback
    try:
        detector, languages = _detector()
        confidences = {languages[c.language]: c.value for c in detector.compute_language_confidence_values(text)}
    except Exception:  # detection is a nicety: never let it stop a member from posting
        logger.exception("Language detection failed")
        return fallback
    if not confidences:
        return fallback
    best = max(confidences, key=confidences.get)
    if confidences[best] < MIN_CONFIDENCE or confidences.get(fallback, 0) >= confidences[best] - AUTHOR_MARGIN:
        return fallback
    return best
