"""Who a thing is for and who answered it, in privacy-safe bands: plan, region and years as a
customer, never a group small enough to point at a person. Idea boards ("who wants this") and
polls (results by band, who a poll asks) both use it.

Audience kinds (everyone signed in, a customer segment, later a beta programme's members) are a
registry, so an app adds its kind with one `register_audience_kind` call instead of editing
every rule and query that asks "is this member in the audience?".
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MIN_BAND = 5  # never show a group smaller than this: it could identify people
YEAR_BANDS = [(0, 1, _("Less than 1 year")), (1, 3, _("1–3 years")), (3, 10, _("3–10 years")), (10, None, _("10+ years"))]
UNKNOWN_BAND = -1
DIMENSIONS = ("plan", "region", "years")


def years_band_case(field: str = "customer_since") -> Case:
    """A database expression giving the YEAR_BANDS index of a date field (-1 when unknown)."""
    today = timezone.localdate()
    whens = []
    for index, (low, high, _label) in enumerate(YEAR_BANDS):
        condition = Q(**{f"{field}__lte": today - timedelta(days=int(low * 365.25))})
        if high is not None:
            condition &= Q(**{f"{field}__gt": today - timedelta(days=int(high * 365.25))})
        whens.append(When(condition, then=Value(index)))
    return Case(*whens, default=Value(UNKNOWN_BAND), output_field=IntegerField())


def years_band_of(member) -> int:
    """The same band in Python, for one member (a ballot records its voter's band)."""
    years = member.years_as_customer
    if years is None:
        return UNKNOWN_BAND
    for index, (low, high, _label) in enumerate(YEAR_BANDS):
        if years >= low and (high is None or years < high):
            return index
    return UNKNOWN_BAND


def band_label(dimension: str, value):
    """What a band is called: a plan's name, a region as typed, a years band; "Unknown" if empty."""
    from community.models import Member

    if dimension == "plan":
        return dict(Member.Plan.choices).get(value) or _("Unknown")
    if dimension == "years":
        return YEAR_BANDS[value][2] if value is not None and 0 <= value < len(YEAR_BANDS) else _("Unknown")
    return value or _("Unknown")


def bands(rows, label) -> list[tuple]:
    """(label, n) for each (value, n) row with at least MIN_BAND people, largest first; smaller
    groups are folded into "Other", which shows a number only if it is itself large enough."""
    shown, other = [], 0
    for value, n in rows:
        if n >= MIN_BAND:
            shown.append((label(value), n))
        else:
            other += n
    shown.sort(key=lambda item: -item[1])
    if other:
        shown.append((_("Other"), other) if other >= MIN_BAND else (_("Other (fewer than 5)"), None))
    return shown


def member_breakdown(members, total: int) -> dict:
    """A Member queryset counted by plan, region and years band (three grouped queries).
    Under MIN_BAND people in all: no groups at all, as any group would be too small."""
    if total < MIN_BAND:
        return {"total": total, "plan": [], "region": [], "years": []}
    years = members.annotate(band=years_band_case())
    return {
        "total": total,
        "plan": bands(members.values_list("plan").annotate(n=Count("pk")), lambda v: band_label("plan", v)),
        "region": bands(members.values_list("region").annotate(n=Count("pk")), lambda v: band_label("region", v)),
        "years": bands(years.values_list("band").annotate(n=Count("pk")), lambda v: band_label("years", v)),
    }


# --- Audience kinds ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceKind:
    """members(page, queryset) narrows Member rows to the audience, in SQL: the rule for one
    member and the invitation list for all of them use it, so they can never disagree. A private
    kind (a beta programme's members) also hides the page from everyone else but staff."""

    key: str
    label: object
    members: Callable
    private: bool = False


_kinds: dict[str, AudienceKind] = {}


def register_audience_kind(key: str, label, *, members: Callable, private: bool = False) -> None:
    _kinds[key] = AudienceKind(key, label, members, private)


def private_kinds() -> list[str]:
    return [key for key, kind in _kinds.items() if kind.private]


def audience_kind(key: str) -> AudienceKind | None:
    return _kinds.get(key)


def audience_members(page, members):
    """The members of a Member queryset who are in the page's audience (page.audience names
    the kind); an unknown kind (an app removed) includes nobody rather than everybody."""
    kind = _kinds.get(getattr(page, "audience", ""))
    return kind.members(page, members) if kind else members.none()


def in_audience(member, page) -> bool:
    from community.models import Member

    return audience_members(page, Member.objects.filter(pk=member.pk)).exists()


EVERYONE = "members"
SEGMENT = "segment"
PROGRAMME = "programme"  # registered by the feedback app: the members of the poll's beta programme


def _segment_members(page, members):
    segment = getattr(page, "segment", None)
    return segment.narrow(members) if segment is not None else members.none()


register_audience_kind(EVERYONE, _("Everyone signed in"), members=lambda page, members: members)
register_audience_kind(SEGMENT, _("A customer segment"), members=_segment_members)
