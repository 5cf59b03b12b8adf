"""Which team owns a piece of feedback, and why.

Staff's routing rules are tried in their order; the first whose every filled criterion matches
wins (tags: any of the rule's tags; keywords: any keyword, in any of its word forms, as the tag
rules match them). No rule matching, the item goes to the team that owns where it came from (the
programme, the touchpoint), and failing that to the triage team. The rules are compiled once per
process and version (community.compiled), so routing an item is one pass over them in memory.

`decide` is pure: the services write its answer (feedback.services.route_item) and a preview of
an unsaved rule asks it too (feedback.services.try_rule).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from community.compiled import Compiled
from feedback import tagging


@dataclass(frozen=True)
class CompiledRoutingRule:
    rule_id: int | None
    name: str
    team_id: int
    tags: dict  # tag id -> tag name
    source: str
    programme_id: int | None
    touchpoint_id: int | None
    kind: str
    language: str
    keywords: tuple  # (keyword as written, compiled keyword)

    @property
    def is_empty(self) -> bool:
        return not (self.tags or self.source or self.programme_id or self.touchpoint_id or self.kind
                    or self.language or self.keywords)


@dataclass(frozen=True)
class Route:
    team_id: int | None
    reason: str  # RoutingDecision.Reason
    rule_id: int | None = None
    rule_name: str = ""
    matched: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """What routing reads of an item: built once per item by the caller (feedback.services)."""

    source: str
    programme_id: int | None
    touchpoint_id: int | None
    kind: str
    language: str
    text: str
    tag_ids: frozenset
    owner_team_id: int | None


def keyword_list(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()][:50]


def compile_rule(rule, tags: dict) -> CompiledRoutingRule:
    keywords = tuple(
        (keyword, tagging.compile_rule(_Keyword(keyword)))
        for keyword in keyword_list(rule.keywords)
    )
    return CompiledRoutingRule(
        rule_id=rule.pk, name=rule.name, team_id=rule.team_id, tags=tags, source=rule.source,
        programme_id=rule.programme_id, touchpoint_id=rule.touchpoint_id, kind=rule.kind,
        language=rule.language, keywords=tuple(k for k in keywords if any(k[1].keywords.values())),
    )


@dataclass(frozen=True)
class _Keyword:
    """One keyword in the shape tagging.compile_rule reads."""

    keyword: str
    pk: None = None
    name: str = ""
    tag_id: None = None

    @property
    def keyword_list(self):
        return [self.keyword]


def match(rule: CompiledRoutingRule, facts: Facts) -> dict | None:
    """What the rule matched ({"tag": "invoice", "language": "nb"}), or None when it does not."""
    if rule.is_empty:
        return None
    found = {}
    if rule.tags:
        hit = next((rule.tags[pk] for pk in sorted(rule.tags) if pk in facts.tag_ids), None)
        if hit is None:
            return None
        found["tag"] = hit
    for name in ("source", "programme_id", "touchpoint_id", "kind", "language"):
        wanted = getattr(rule, name)
        if wanted:
            if wanted != getattr(facts, name):
                return None
            found[name.removesuffix("_id")] = wanted
    if rule.keywords:
        compiled = [k[1] for k in rule.keywords]
        hits = tagging.matching_rules(facts.text, compiled, facts.language)
        if not hits:
            return None
        found["keyword"] = next(word for word, k in rule.keywords if k in hits)
    return found


def decide(facts: Facts, rules) -> Route:
    from feedback.models import RoutingDecision

    for rule in rules:
        matched = match(rule, facts)
        if matched is not None:
            return Route(rule.team_id, RoutingDecision.Reason.RULE, rule.rule_id, rule.name, matched)
    if facts.owner_team_id:
        return Route(facts.owner_team_id, RoutingDecision.Reason.OWNER)
    from community.teams import triage_team

    triage = triage_team()
    return Route(triage.pk if triage else None, RoutingDecision.Reason.TRIAGE)


def _build() -> tuple:
    from feedback.models import RoutingRule

    rules = list(RoutingRule.objects.filter(active=True).prefetch_related("tags").order_by("position", "pk"))
    return tuple(compile_rule(rule, {t.pk: t.name for t in rule.tags.all()}) for rule in rules)


_active = Compiled("feedback:routing-rules:version", _build)


def active_rules() -> tuple:
    return _active.get()


def rules_changed() -> None:
    _active.changed()


# --- Saying why ---------------------------------------------------------------------------------

_WHAT = {
    "tag": lambda v: _("tag %(tag)s") % {"tag": v},
    "keyword": lambda v: _("keyword “%(keyword)s”") % {"keyword": v},
    "source": lambda v: _("source %(source)s") % {"source": v},
    "programme": lambda v: _("programme #%(id)s") % {"id": v},
    "touchpoint": lambda v: _("touchpoint #%(id)s") % {"id": v},
    "kind": lambda v: _("kind %(kind)s") % {"kind": v},
    "language": lambda v: _("language %(language)s") % {"language": v},
}


def explain(decision) -> str:
    """The decision in the reader's language: "Rule “Invoice questions” matched tag invoice"."""
    from feedback.models import RoutingDecision

    Reason = RoutingDecision.Reason
    if decision.reason == Reason.RULE:
        what = ", ".join(_WHAT[k](v) for k, v in decision.matched.items() if k in _WHAT)
        return _("Rule “%(rule)s” matched %(what)s.") % {"rule": decision.rule_name, "what": what}
    if decision.reason == Reason.OWNER:
        return _("No rule matched: the team that owns where it came from.")
    if decision.reason == Reason.TRIAGE:
        return _("No rule matched and its source has no team: triage.")
    if decision.note:
        return _("Re-routed by %(name)s: %(note)s") % {"name": decision.by.public_name if decision.by else "?",
                                                      "note": decision.note}
    return _("Re-routed by %(name)s.") % {"name": decision.by.public_name if decision.by else "?"}
