"""Writes about routing: staff's routing rules (save, delete, order), trying a rule before it is
saved, re-applying the rules to open items, and escalating overdue items to the team lead.

feedback.routing decides (pure); these check the rule, validate, write in one transaction and
register what happens after the commit. Routing a new item and re-routing one by hand are in
feedback.services (route_item, reroute_item), next to the writes that create items.
"""

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from community import teams
from community.inputs import clean_line, clean_text, has_visible_character
from community.models import Team
from community.webhooks import events as webhooks
from feedback import queries, routing, rules
from feedback.models import CLOSED, FeedbackItem, ItemTag, RoutingDecision, RoutingRule, Source, Thread

NAME_MAX = 80
KEYWORDS_MAX = 2_000
TRY_LIMIT = 200  # "try a rule" looks at this many of the newest open items
BATCH = 500  # re-applying reads and writes this many items at a time
INLINE_LIMIT = 2_000  # more open items than this are re-applied by a background task
ESCALATION_BATCH = 200


# --- Rules ---------------------------------------------------------------------------------------


def _check_name(name) -> str:
    name = clean_line(name if isinstance(name, str) else "")
    if not name or not has_visible_character(name):
        raise ValidationError(_("Give the rule a name staff will recognise, such as “Invoice questions”."),
                              code="name")
    if len(name) > NAME_MAX:
        raise ValidationError(_("Keep the name under %(n)s characters.") % {"n": NAME_MAX}, code="name")
    return name


def _check_keywords(keywords) -> str:
    keywords = clean_text(keywords if isinstance(keywords, str) else "").strip()
    if len(keywords) > KEYWORDS_MAX:
        raise ValidationError(
            _("This is too long: %(len)s characters, the limit is %(n)s.") % {"len": len(keywords), "n": KEYWORDS_MAX},
            code="keywords",
        )
    return "\n".join(routing.keyword_list(keywords))


def _choice(value, allowed, code: str) -> str:
    value = value or ""
    if value and value not in allowed:
        raise ValidationError(_("Choose one of the options offered."), code=code)
    return value


def draft_rule(*, rule=None, name="", team=None, tags=(), source="", programme=None, touchpoint=None, kind="",
               language="", keywords="", active=True) -> tuple[RoutingRule, list, routing.CompiledRoutingRule]:
    """An unsaved rule from what staff typed, validated, and its compiled form: what save and try
    share. Refuses a rule that matches nothing in particular (routing.check_rule)."""
    draft = rule if rule is not None else RoutingRule()
    draft.name = _check_name(name)
    if not isinstance(team, Team):
        raise ValidationError(_("Choose the team that gets what this rule matches."), code="team")
    draft.team = team
    draft.source = _choice(source, Source.values, "source")
    draft.kind = _choice(kind, Thread.Kind.values, "kind")
    draft.language = _choice(language, [code for code, _name in settings.LANGUAGES], "language")
    draft.programme, draft.touchpoint = programme, touchpoint
    draft.keywords = _check_keywords(keywords)
    draft.active = bool(active)
    tags = list(dict.fromkeys(tags))
    compiled = routing.check_rule(routing.compile_rule(draft, {t.pk: t.name for t in tags}))
    return draft, tags, compiled


def save_routing_rule(*, by, rule=None, **fields) -> RoutingRule:
    """Create a rule (last in the order) or change one. Every process recompiles the rules at its
    next use (feedback.apps signals)."""
    rules.check_can_manage_routing(by)
    draft, tags, _compiled = draft_rule(rule=rule, **fields)
    with transaction.atomic():
        if draft.pk is None:
            # Two rules made at once may share a position: they then sort by id, still in order.
            last = RoutingRule.objects.aggregate(last=Max("position"))["last"]
            draft.position = 0 if last is None else last + 1
            draft.created_by = by
        draft.updated_at = timezone.now()
        draft.save()
        draft.tags.set(tags)
    return draft


def delete_routing_rule(*, rule, by) -> None:
    """Decisions it made keep its name (RoutingDecision.rule_name); items stay with their team."""
    rules.check_can_manage_routing(by)
    rule.delete()


def move_routing_rule(*, rule, by, direction: str) -> bool:
    """Swap a rule with its neighbour above ("up") or below ("down"). Positions are renumbered
    0, 1, 2... in the same write, so ties left by older data sort out. False at either end."""
    rules.check_can_manage_routing(by)
    if direction not in {"up", "down"}:
        raise ValidationError(_("Choose one of the options offered."), code="direction")
    with transaction.atomic():
        order = list(RoutingRule.objects.select_for_update().order_by("position", "pk").values_list("pk", flat=True))
        if rule.pk not in order:
            return False
        at = order.index(rule.pk)
        to = at - 1 if direction == "up" else at + 1
        if not 0 <= to < len(order):
            return False
        order[at], order[to] = order[to], order[at]
        moved = [RoutingRule(pk=pk, position=n) for n, pk in enumerate(order)]
        RoutingRule.objects.bulk_update(moved, ["position"])
        transaction.on_commit(routing.rules_changed)  # bulk_update sends no post_save
    return True


# --- Facts of many items at once -------------------------------------------------------------------


def _with_facts(items):
    """Annotate what routing reads (the thread's kind, the source's owner) so a batch of items
    gives its facts in this one query plus one for the tags."""
    return items.annotate(
        thread_kind=F("thread__kind"),
        programme_owner_id=F("programme__owner_team_id"),
        touchpoint_owner_id=F("touchpoint__owner_team_id"),
    )


def _facts(rows) -> dict:
    from feedback.services import _routing_text

    tags = {}
    for item_id, tag_id in ItemTag.objects.filter(item_id__in=[r.pk for r in rows]).values_list("item_id", "tag_id"):
        tags.setdefault(item_id, set()).add(tag_id)
    return {
        row.pk: routing.Facts(
            source=row.source, programme_id=row.programme_id, touchpoint_id=row.touchpoint_id,
            kind=row.thread_kind or "", language=row.language, text=_routing_text(row),
            tag_ids=frozenset(tags.get(row.pk, ())), owner_team_id=row.programme_owner_id or row.touchpoint_owner_id,
        )
        for row in rows
    }


# --- Trying a rule ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TriedItem:
    item: FeedbackItem
    matched: dict
    because: str  # "Rule “Invoice questions” matched tag invoice."


@dataclass(frozen=True)
class TryResult:
    rule: routing.CompiledRoutingRule
    checked: int
    matches: list


def try_rule(*, by, limit: int = TRY_LIMIT, **fields) -> TryResult:
    """Which of the newest open items the viewer may see this rule (saved or not) would match,
    and what it matched. Writes nothing; three queries whatever the number of items."""
    rules.check_can_manage_routing(by)
    draft, _tags, compiled = draft_rule(**fields)
    items = (FeedbackItem.objects.visible_to(by).exclude(status__in=CLOSED).select_related("team")
             .order_by("-created_at", "-pk")[:limit])
    rows = list(_with_facts(items))
    facts = _facts(rows)
    matches = []
    for row in rows:
        matched = routing.match(compiled, facts[row.pk])
        if matched is not None:
            because = routing.explain(RoutingDecision(reason=RoutingDecision.Reason.RULE, rule_name=draft.name,
                                                      matched=matched))
            matches.append(TriedItem(row, matched, because))
    return TryResult(compiled, len(rows), matches)


# --- Re-applying the rules to open items --------------------------------------------------------------


@dataclass
class Reapplied:
    checked: int = 0
    moved: int = 0
    kept_manual: int = 0


def open_item_count() -> int:
    return FeedbackItem.objects.exclude(status__in=CLOSED).count()


def reapply_rules(*, by, override_manual: bool = False, batch: int = BATCH) -> Reapplied:
    """Route every open item again by today's rules. Only a change of team is written (with its
    decision); an item someone re-routed by hand keeps their choice unless `override_manual`.
    A fixed number of queries per batch of `batch` items."""
    rules.check_can_manage_routing(by)
    compiled = routing.active_rules()
    team_by_id = Team.objects.in_bulk()
    last_reason = Subquery(RoutingDecision.objects.filter(item_id=OuterRef("pk")).order_by("-created_at", "-pk")
                           .values("reason")[:1])
    done, after = Reapplied(), 0
    while True:
        with transaction.atomic():
            rows = list(_with_facts(
                FeedbackItem.objects.exclude(status__in=CLOSED).filter(pk__gt=after)
                .select_for_update(of=("self",)).annotate(last_reason=last_reason).order_by("pk")[:batch]
            ))
            if not rows:
                return done
            after = rows[-1].pk
            done.checked += len(rows)
            facts = _facts(rows)
            now = timezone.now()
            changed, decisions = [], []
            for row in rows:
                route = routing.decide(facts[row.pk], compiled)
                if route.team_id == row.team_id or route.team_id is None:
                    continue
                if row.last_reason == RoutingDecision.Reason.MANUAL and not override_manual:
                    done.kept_manual += 1
                    continue
                team = team_by_id[route.team_id]
                row.team_id, row.assignee_id, row.escalated_at = team.pk, None, None
                row.response_due_at = teams.add_working_hours(team, row.created_at, team.first_response_hours)
                row.resolution_due_at = teams.add_working_hours(team, row.created_at, team.resolution_hours)
                row.version, row.updated_at = F("version") + 1, now
                changed.append(row)
                decisions.append(RoutingDecision(
                    item=row, team=team, team_name=team.name, reason=route.reason, rule_id=route.rule_id,
                    rule_name=route.rule_name, matched=route.matched, created_at=now,
                    by=by,  # who re-applied: a rule's decision at arrival has nobody
                ))
            if changed:
                FeedbackItem.objects.bulk_update(changed, ["team", "assignee", "escalated_at", "response_due_at",
                                                           "resolution_due_at", "version", "updated_at"])
                created = RoutingDecision.objects.bulk_create(decisions)
                listening = webhooks.teams_listening(webhooks.FEEDBACK_ROUTED, {d.team_id for d in created})
                for decision in created:
                    if decision.team_id in listening:
                        webhooks.feedback_routed(decision.item, decision.team, decision=decision)
                done.moved += len(changed)


# --- Escalation ----------------------------------------------------------------------------------


def _escalation_notice(item, team, now) -> dict:
    from django.utils.formats import date_format
    from django.utils.functional import lazy
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    first = queries.response_overdue(item, now)
    due = item.response_due_at if first else item.resolution_due_at
    when = lazy(lambda: date_format(timezone.localtime(due, ZoneInfo(team.time_zone)), "DATETIME_FORMAT"), str)()
    if first:
        title = format_lazy(gettext_lazy("Overdue: nobody has answered “{title}”"), title=item.title)
        body = format_lazy(gettext_lazy("The {team}’s first answer was due {due}."), team=team.public_name, due=when)
    else:
        title = format_lazy(gettext_lazy("Overdue: “{title}” is not resolved"), title=item.title)
        body = format_lazy(gettext_lazy("The {team} was to resolve it by {due}."), team=team.public_name, due=when)
    kind = "response" if first else "resolution"
    return {"kind": "feedback_overdue", "key": f"feedback-overdue:{item.pk}:{kind}", "title": title, "body": body,
            "url": item.get_absolute_url()}


def escalate_overdue(*, now=None, batch: int = ESCALATION_BATCH) -> int:
    """Tell each overdue item's team lead (the whole team when it has none), once, in their
    language, and stamp the item escalated. Safe to run as often as the scheduler likes, and
    twice at once: rows are claimed under a lock (skipped by a parallel run) and each
    notification is keyed by the item and what is overdue. A fixed number of queries per batch."""
    from community.services import notify_many

    now = now or timezone.now()
    escalated = 0
    while True:
        with transaction.atomic():
            items = list(
                FeedbackItem.objects.filter(queries.overdue_q(now), escalated_at__isnull=True, team__isnull=False)
                .select_for_update(of=("self",), skip_locked=True).select_related("team__lead")
                .order_by("pk")[:batch]
            )
            if not items:
                return escalated
            FeedbackItem.objects.filter(pk__in=[i.pk for i in items]).update(escalated_at=now)
            leaderless = {i.team_id for i in items if not _leads(i.team)}
            members = {}
            for link in (Team.members.through.objects.filter(team_id__in=leaderless, member__is_active=True,
                                                             member__is_staff=True)
                         .select_related("member").order_by("member_id")):
                members.setdefault(link.team_id, []).append(link.member)
            notices = []
            for item in items:
                notice = _escalation_notice(item, item.team, now)
                for person in _leads(item.team) or members.get(item.team_id, []):
                    notices.append((person, notice))
            notify_many(notices)
            escalated += len(items)


def _leads(team) -> list:
    lead = team.lead
    return [lead] if lead is not None and lead.is_active and lead.is_staff else []
