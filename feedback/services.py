"""Every write on beta programmes and feedback, one verb per use case. Views, the API, the
touchpoint endpoint, the admin, commands and tasks call these.

Each service checks the rule, validates, writes in one transaction and registers what happens
after the commit: live events and notification tasks.
"""

import hashlib
import hmac
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from community import languages, teams
from community.background import enqueue_on_commit
from community.content import mask_personal_data, plain_text, render_user_text
from community.inputs import clean_line, clean_text, has_visible_character
from community.live import after_commit
from community.models import Team
from community.rules import Changed, NotAllowed, is_staff
from community.webhooks import events as webhooks
from feedback import events, images, routing, rules, tagging, tasks
from feedback.models import (
    CLOSED,
    CustomerNumber,
    FeedbackItem,
    InternalNote,
    ItemStatusChange,
    ItemTag,
    Membership,
    Post,
    ProgrammeEnd,
    RoutingDecision,
    Screenshot,
    Source,
    Tag,
    TagChange,
    Thread,
    Touchpoint,
    TouchpointAnswer,
    Wave,
)
from feedback.pages import BetaProgramPage

TITLE_MIN, TITLE_MAX = 5, 140
BODY_MAX = 20_000
REPLY_MAX = 10_000
REASON_MAX = 2_000
NOTE_MAX = 5_000
COMMENT_MAX = 1_000
RESPONSE_MIN, RESPONSE_MAX = 3, 5_000


# --- Validation ----------------------------------------------------------------------------------


def check_title(title: str) -> str:
    title = clean_line(title)
    if len(title) < TITLE_MIN or not has_visible_character(title):
        raise ValidationError(_("Give it a title of at least %(n)s characters.") % {"n": TITLE_MIN}, code="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            _("Keep the title under %(n)s characters (it has %(len)s).") % {"n": TITLE_MAX, "len": len(title)},
            code="title",
        )
    return title


def check_text(text: str, *, maximum: int, required: bool, code: str = "body") -> str:
    text = clean_text(text).strip()
    if not has_visible_character(text):
        text = ""
    if required and not text:
        raise ValidationError(_("Please write something here."), code=code)
    if len(text) > maximum:
        raise ValidationError(
            _("This is too long: %(len)s characters, the limit is %(n)s.") % {"len": len(text), "n": maximum},
            code=code,
        )
    return text


def _check_line(value: str, maximum: int) -> str:
    return clean_line(value)[:maximum]


def _check_consent(programme, consent: bool) -> None:
    if programme.consent_text and not consent:
        raise ValidationError(_("Please accept the terms of this beta to join."), code="consent")


# --- Membership -----------------------------------------------------------------------------------


def _lock_programme(programme) -> None:
    """Serialise joins of one programme (capacity): lock its page row."""
    list(BetaProgramPage.objects.select_for_update().filter(pk=programme.pk).values_list("pk"))


def _has_room(programme) -> bool:
    if not programme.capacity:
        return True
    active = Membership.objects.filter(programme=programme, state=Membership.State.ACTIVE).count()
    return active < programme.capacity


def _full():
    return NotAllowed(_("This beta is full. Thank you for your interest!"))


def join_programme(*, member, programme, device: str = "", token: str = "", consent: bool = False) -> Membership:
    """Join an open programme, or an invite-only one with its link, at once."""
    device = _check_line(device, 60)
    rules.check_can_join(member, programme, device=device, token=token)
    _check_consent(programme, consent)
    with transaction.atomic():
        _lock_programme(programme)
        if not _has_room(programme):
            raise _full()
        membership, _created = Membership.objects.update_or_create(
            programme=programme, member=member,
            defaults={"state": Membership.State.ACTIVE, "device": device, "consented_at": timezone.now(),
                      "decided_at": timezone.now()},
        )
    rules.forget_membership(member, programme)
    return membership


def apply_to_programme(*, member, programme, reason: str, device: str = "", consent: bool = False) -> Membership:
    """Apply with a reason; staff decide (one by one or in waves) and the applicant is told."""
    device = _check_line(device, 60)
    rules.check_can_apply(member, programme, device=device)
    reason = check_text(reason, maximum=REASON_MAX, required=True, code="reason")
    _check_consent(programme, consent)
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            programme=programme, member=member,
            defaults={"state": Membership.State.APPLIED, "reason": reason, "device": device,
                      "consented_at": timezone.now() if consent else None},
        )
        enqueue_on_commit(tasks.notify_new_application, membership.pk)
        webhooks.programme_application(membership)
    rules.forget_membership(member, programme)
    return membership


def _admit(membership, by, wave=None) -> None:
    Membership.objects.filter(pk=membership.pk).update(
        state=Membership.State.ACTIVE, decided_by=by, decided_at=timezone.now(), wave=wave
    )
    membership.state = Membership.State.ACTIVE
    enqueue_on_commit(tasks.notify_decision, membership.pk)


def approve_application(*, membership, by) -> Membership:
    rules.check_can_decide(by, membership)
    with transaction.atomic():
        _lock_programme(membership.programme)
        current = Membership.objects.select_for_update().get(pk=membership.pk)
        rules.check_can_decide(by, current)
        if not _has_room(membership.programme):
            raise _full()
        _admit(current, by)
    membership.state = current.state
    return membership


def decline_application(*, membership, by) -> Membership:
    rules.check_can_decide(by, membership)
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, state=Membership.State.APPLIED).update(
            state=Membership.State.DECLINED, decided_by=by, decided_at=timezone.now()
        )
        if not updated:
            raise NotAllowed(_("This application was already decided."))
        enqueue_on_commit(tasks.notify_decision, membership.pk)
    membership.state = Membership.State.DECLINED
    return membership


def admit_wave(*, programme, by, size: int) -> Wave | None:
    """Admit the next `size` applicants, oldest first, as far as the capacity allows: one wave.
    None when nobody was waiting (or the programme is full)."""
    rules.check_can_manage_programme(by, programme)
    if not 1 <= size <= 10_000:
        raise ValidationError(_("Admit between 1 and 10,000 applicants at a time."), code="size")
    with transaction.atomic():
        _lock_programme(programme)
        if programme.capacity:
            active = Membership.objects.filter(programme=programme, state=Membership.State.ACTIVE).count()
            size = min(size, max(programme.capacity - active, 0))
        waiting = list(
            Membership.objects.filter(programme=programme, state=Membership.State.APPLIED)
            .select_for_update().order_by("created_at", "pk")[:size]
        )
        if not waiting:
            return None
        number = (Wave.objects.filter(programme=programme).order_by("-number").values_list("number", flat=True)
                  .first() or 0) + 1
        wave = Wave.objects.create(programme=programme, number=number, admitted_by=by)
        for membership in waiting:
            _admit(membership, by, wave)
    return wave


def leave_programme(*, member, programme) -> None:
    rules.check_can_leave(member, programme)
    Membership.objects.filter(programme=programme, member=member).update(state=Membership.State.LEFT)
    rules.forget_membership(member, programme)


def end_programme(*, programme) -> bool:
    """The programme's end date has passed: thank every member with what their feedback changed.
    Once per programme (a ProgrammeEnd row); True if this call did it."""
    if not programme.has_ended:
        return False
    with transaction.atomic():
        _end, created = ProgrammeEnd.objects.get_or_create(programme=programme)
        if created:
            enqueue_on_commit(tasks.thank_members, programme.pk)
    return created


# --- Threads and posts ---------------------------------------------------------------------------


def post_thread(
    *, author, programme, kind: str, title: str, body: str = "", device: str = "", app_version: str = "",
    screenshots=(), tags=(), language: str | None = None,
) -> Thread:
    """Post feedback in a programme. Bug reports need the device and app version. Screenshots are
    checked and re-encoded before anything is written, so a bad file refuses the whole post and
    leaves nothing behind."""
    rules.check_can_post_thread(author, programme)
    if kind not in Thread.Kind.values:
        raise ValidationError(_("Choose what kind of feedback this is."), code="kind")
    title, title_masked = mask_personal_data(check_title(title))
    body = check_text(body, maximum=BODY_MAX, required=kind == Thread.Kind.BUG)
    device, app_version = _check_line(device, 80), _check_line(app_version, 40)
    if kind == Thread.Kind.BUG and not device:
        raise ValidationError(_("Tell us which device you saw the bug on."), code="device")
    if len(screenshots) > images.MAX_PER_THREAD:
        raise ValidationError(
            _("Attach up to %(n)s screenshots.") % {"n": images.MAX_PER_THREAD}, code="screenshots"
        )
    cleaned = [images.clean_screenshot(upload) for upload in screenshots]
    rendered = render_user_text(body)
    language = languages.choose(f"{title}\n{body}", author=author, chosen=language)
    with transaction.atomic():
        thread = Thread.objects.create(
            programme=programme, author=author, kind=kind, title=title, body_source=body,
            body_html=rendered.html, language=language, device=device, app_version=app_version,
        )
        for image in cleaned:
            Screenshot.objects.create(
                thread=thread, uploaded_by=author, file=image.file, content_type=image.content_type,
                width=image.width, height=image.height,
            )
        item = FeedbackItem.objects.create(
            source=Source.BETA, thread=thread, programme=programme, author=author, title=title,
            text=plain_text(rendered.html), language=language,
        )
        chosen = Tag.objects.filter(offered=True, pk__in=[t.pk for t in tags]).values_list("pk", flat=True)
        tag_ids = _add_tags(item, list(chosen), by=author, fresh=True)
        tag_ids += apply_rules(item)
        route_item(item, kind=kind, tag_ids=tag_ids, owner_team_id=programme.owner_team_id)
        enqueue_on_commit(tasks.notify_new_thread, thread.pk)
    thread.item_id = item.pk
    thread.masked = tuple(dict.fromkeys((*title_masked, *rendered.masked)))
    return thread


def _touch_thread(thread_id: int, **changes) -> None:
    Thread.objects.filter(pk=thread_id).update(version=F("version") + 1, last_activity_at=timezone.now(), **changes)


def reply(*, thread, author, body: str, language: str | None = None) -> Post:
    rules.check_can_reply(author, thread)
    body = check_text(body, maximum=REPLY_MAX, required=True)
    rendered = render_user_text(body)
    with transaction.atomic():
        post = Post.objects.create(
            thread=thread, author=author, body_source=body, body_html=rendered.html, by_staff=is_staff(author),
            language=languages.choose(body, author=author, chosen=language),
        )
        _touch_thread(thread.pk, post_count=F("post_count") + 1)
        FeedbackItem.objects.filter(thread=thread).update(updated_at=post.created_at)
        if post.by_staff:  # staff's first reply in the thread answers the author: the clock stops
            FeedbackItem.objects.filter(thread=thread, first_response_at__isnull=True).update(
                first_response_at=post.created_at
            )
        enqueue_on_commit(tasks.notify_reply, post.pk)
    after_commit(events.thread_changed, thread.pk)
    post.masked = rendered.masked
    return post


# --- Feedback items: tags, status, notes ----------------------------------------------------------


def _add_tags(item, tag_ids, *, by=None, rules: dict | None = None, fresh: bool = False) -> list[int]:
    """Add tags (by id) the item lacks, each change recorded with who or which rule (rules maps a
    tag id to its (rule id, rule name)). A fresh item has no tags yet: nothing to look up."""
    rules = rules or {}
    have = set() if fresh else set(ItemTag.objects.filter(item=item).values_list("tag_id", flat=True))
    new = [pk for pk in dict.fromkeys(tag_ids) if pk not in have]
    if new:
        ItemTag.objects.bulk_create([ItemTag(item=item, tag_id=pk) for pk in new], ignore_conflicts=True)
        TagChange.objects.bulk_create([
            TagChange(item=item, tag_id=pk, action=TagChange.Action.ADDED, by=by,
                      rule_id=rules.get(pk, (None, ""))[0], rule_name=rules.get(pk, (None, ""))[1])
            for pk in new
        ])
    return new


def apply_rules(item, *, fresh: bool = False) -> list[int]:
    """Tag an item by the active keyword rules, in its language (each added tag recorded with its
    rule). Tags a person removed by hand are not added back by a rule. Ids of the tags added."""
    from feedback.models import KeywordRule

    # A touchpoint item's title is made by us ("Invoice: 3/10"): only what the customer wrote counts.
    text = item.text if item.source == Source.TOUCHPOINT else f"{item.title}\n{item.text}"
    matched = tagging.matching_rules(text, tagging.active_rules(), item.language)
    if not matched:
        return []
    # The rules as they are now (one query): a rule deleted or paused since it was compiled adds nothing.
    current = KeywordRule.objects.filter(pk__in=[r.rule_id for r in matched], active=True)
    rules = {}
    for rule_id, tag_id, name in current.values_list("pk", "tag_id", "name").order_by("pk"):
        rules.setdefault(tag_id, (rule_id, name))
    if not fresh:
        removed = TagChange.objects.filter(item=item, action=TagChange.Action.REMOVED, by__isnull=False)
        for tag_id in removed.values_list("tag_id", flat=True):
            rules.pop(tag_id, None)
    return _add_tags(item, list(rules), rules=rules, fresh=fresh)


def _touch_item(item) -> None:
    FeedbackItem.objects.filter(pk=item.pk).update(version=F("version") + 1, updated_at=timezone.now())
    after_commit(events.item_changed, item.pk)
    if item.thread_id:
        _touch_thread(item.thread_id)
        after_commit(events.thread_changed, item.thread_id)


def set_tags(*, item, tags, by) -> tuple[list, list]:
    """Staff retag an item by hand: (added, removed), each change kept in the history."""
    rules.check_can_manage_item(by, item)
    wanted = {t.pk: t for t in tags}
    with transaction.atomic():
        list(FeedbackItem.objects.select_for_update().filter(pk=item.pk).values_list("pk"))  # one retag at a time
        have = set(ItemTag.objects.filter(item=item).values_list("tag_id", flat=True))
        added = _add_tags(item, [pk for pk in wanted if pk not in have], by=by)
        gone = have - set(wanted)
        removed = list(Tag.objects.filter(pk__in=gone))
        if gone:
            ItemTag.objects.filter(item=item, tag_id__in=gone).delete()
            TagChange.objects.bulk_create([
                TagChange(item=item, tag=tag, action=TagChange.Action.REMOVED, by=by) for tag in removed
            ])
        if added or removed:
            _touch_item(item)
    return added, removed


class ItemChanged(Changed):
    """Someone else changed the item since the person acting saw it (a stale `expected_version`)."""

    @staticmethod
    def message() -> str:
        return _("This feedback changed while you were answering. Please reload and try again.")


def _check_unchanged(current, item, expected_version) -> None:
    """Two staff on one item: the later save names the conflict instead of overwriting."""
    if current.status != item.status or (expected_version is not None and current.version != expected_version):
        raise ItemChanged(ItemChanged.message())


def change_item_status(
    *, item, to: str, by, response: str = "", show_name: bool = False, expected_version: int | None = None,
) -> ItemStatusChange:
    """The owning team moves an item along TRANSITIONS. Closing it (resolved, won't do) needs an
    answer the author reads: no feedback is closed silently. The author is told of every change,
    with the answer, signed by the team (and the person, when they choose). `expected_version` is
    the version the person saw: a change made meanwhile by someone else refuses this one."""
    rules.check_can_manage_item(by, item)
    if expected_version is not None and item.version != expected_version:
        # What they saw is gone: say so before judging the move against a status they never saw.
        _check_unchanged(item, item, expected_version)
    rules.check_can_change_item_status(by, item, to)
    response = check_text(response, maximum=RESPONSE_MAX, required=to in CLOSED, code="response")
    if to in CLOSED and len(response) < RESPONSE_MIN:
        raise ValidationError(_("Tell the customer what happened before you close this."), code="response")
    rendered = render_user_text(response)
    now = timezone.now()
    with transaction.atomic():
        current = FeedbackItem.objects.select_for_update().get(pk=item.pk)
        _check_unchanged(current, item, expected_version)
        change = ItemStatusChange.objects.create(
            item=current, from_status=current.status, to_status=to, response_source=response,
            response_html=rendered.html, changed_by=by, team_id=current.team_id, show_name=show_name,
            created_at=now,
        )
        stamps = {"status": to, "resolved_at": now if to in CLOSED else None}
        if response and current.first_response_at is None:
            stamps["first_response_at"] = now
        FeedbackItem.objects.filter(pk=item.pk).update(**stamps)
        _touch_item(item)
        enqueue_on_commit(tasks.notify_item_status, change.pk)
        webhooks.feedback_status_changed(change)
    item.status = to
    return change


def add_internal_note(*, item, by, body: str) -> InternalNote:
    """A note for the owning and watching teams. It publishes nothing and notifies no customer."""
    rules.check_can_add_note(by, item)
    body = check_text(body, maximum=NOTE_MAX, required=True)
    note = InternalNote.objects.create(item=item, author=by, body_source=body, body_html=render_user_text(body).html)
    after_commit(events.item_changed, item.pk)  # the owning team's inbox shows the note count
    return note


def _lock_current(item, expected_version):
    current = FeedbackItem.objects.select_for_update().get(pk=item.pk)
    _check_unchanged(current, item, expected_version)
    return current


def assign_item(*, item, assignee, by, expected_version: int | None = None) -> FeedbackItem:
    """The owning team gives an item to one of its members (or to nobody: `assignee=None`)."""
    rules.check_can_assign_item(by, item, assignee)
    with transaction.atomic():
        current = _lock_current(item, expected_version)
        if current.assignee_id != (assignee.pk if assignee else None):
            FeedbackItem.objects.filter(pk=item.pk).update(assignee=assignee)
            _touch_item(item)
    item.assignee = assignee
    return item


def set_watchers(*, item, watchers, by) -> tuple[list, list]:
    """The owning team adds or removes watching teams (they read and write internal notes, never
    answer): (added, removed). The owning team itself is never its own watcher."""
    rules.check_can_set_watchers(by, item)
    wanted = {team.pk: team for team in watchers if team.pk != item.team_id}
    with transaction.atomic():
        list(FeedbackItem.objects.select_for_update().filter(pk=item.pk).values_list("pk"))
        have = set(item.watchers.values_list("pk", flat=True))
        added = [team for pk, team in wanted.items() if pk not in have]
        removed = list(Team.objects.filter(pk__in=have - set(wanted)))
        if added:
            item.watchers.add(*added)
        if removed:
            item.watchers.remove(*removed)
        if added or removed:
            _touch_item(item)
    return added, removed


def mark_read(*, item, by) -> bool:
    """The first time someone of the owning team opens the item, the author's receipt is stamped
    ("Read by the Billing team on 3 March"): one conditional UPDATE, so it happens once however
    many open it at the same moment. Watchers and site admins not on the team stamp nothing."""
    if item.read_at is not None or not rules.stamps_receipt(by, item):
        return False
    now = timezone.now()
    team_id = teams.owner_or_triage_id(item.team_id)
    stamped = FeedbackItem.objects.filter(pk=item.pk, read_at__isnull=True).update(
        read_at=now, read_by_team_id=team_id
    )
    if stamped:
        item.read_at, item.read_by_team_id = now, team_id
        after_commit(events.item_changed, item.pk)
    return bool(stamped)


# --- Bulk actions from the inbox ------------------------------------------------------------------


@dataclass
class BulkResult:
    """What a bulk action did, item by item: each went through the one-item service and its rule."""

    updated: list = field(default_factory=list)
    changed: list = field(default_factory=list)  # changed by someone else since the page was loaded
    refused: list = field(default_factory=list)  # (item, the rule's reason)

    def summary(self) -> str:
        parts = [ngettext("%(n)s updated", "%(n)s updated", len(self.updated)) % {"n": len(self.updated)}]
        if self.changed:
            parts.append(ngettext("%(n)s changed meanwhile", "%(n)s changed meanwhile", len(self.changed))
                         % {"n": len(self.changed)})
        if self.refused:
            parts.append(ngettext("%(n)s not allowed", "%(n)s not allowed", len(self.refused))
                         % {"n": len(self.refused)})
        return ", ".join(parts)


def _bulk(pairs, act) -> BulkResult:
    """pairs: (item, the version the person saw or None). Each item on its own transaction: one
    refusal never undoes the others."""
    result = BulkResult()
    for item, version in pairs:
        try:
            act(item, version)
        except ItemChanged:
            result.changed.append(item)
        except (NotAllowed, ValidationError) as refusal:
            result.refused.append((item, refusal.messages[0] if isinstance(refusal, ValidationError) else str(refusal)))
        else:
            result.updated.append(item)
    return result


def bulk_assign(*, pairs, assignee, by) -> BulkResult:
    return _bulk(pairs, lambda item, version: assign_item(item=item, assignee=assignee, by=by,
                                                          expected_version=version))


def bulk_acknowledge(*, pairs, by) -> BulkResult:
    from feedback.models import Status

    return _bulk(pairs, lambda item, version: change_item_status(item=item, to=Status.ACKNOWLEDGED, by=by,
                                                                 expected_version=version))


def bulk_tag(*, pairs, tag, by) -> BulkResult:
    """Adds the tag (keeps the others). Adding a tag overwrites nothing, so a version that moved
    meanwhile does not refuse it."""

    def add(item, _version):
        rules.check_can_manage_item(by, item)
        with transaction.atomic():
            list(FeedbackItem.objects.select_for_update().filter(pk=item.pk).values_list("pk"))
            if _add_tags(item, [tag.pk], by=by):
                _touch_item(item)

    return _bulk(pairs, add)


BULK_ACTIONS = ("assign", "acknowledge", "tag")


def bulk_action(action: str, *, pairs, by, assignee=None, tag=None) -> BulkResult:
    """The inbox's bulk actions by name, for the page and the API alike."""
    if action == "assign":
        return bulk_assign(pairs=pairs, assignee=assignee, by=by)
    if action == "acknowledge":
        return bulk_acknowledge(pairs=pairs, by=by)
    return bulk_tag(pairs=pairs, tag=tag, by=by)


# --- Routing -------------------------------------------------------------------------------------


def _routing_text(item) -> str:
    # As the tag rules read it: a touchpoint item's title is ours, only the comment is the customer's.
    return item.text if item.source == Source.TOUCHPOINT else f"{item.title}\n{item.text}"


def route_item(item, *, tag_ids, owner_team_id=None, kind: str = "") -> RoutingDecision:
    """Give a new item to its team by the routing rules (one pass, in memory), keep the decision
    and its reason, and start its response clock. Called inside the creating transaction."""
    facts = routing.Facts(
        source=item.source, programme_id=item.programme_id, touchpoint_id=item.touchpoint_id, kind=kind,
        language=item.language, text=_routing_text(item), tag_ids=frozenset(tag_ids), owner_team_id=owner_team_id,
    )
    return _assign_team(item, routing.decide(facts, routing.active_rules()), new=True)


def _assign_team(item, route: routing.Route, *, by=None, note: str = "", new: bool = False) -> RoutingDecision:
    team = Team.objects.filter(pk=route.team_id).first() if route.team_id else None
    moved = not new and item.team_id != route.team_id
    previous = teams.owner_or_triage_id(item.team_id) if moved else None
    changes = {"team": team}
    if item.team_id != route.team_id:
        changes["assignee"] = None  # the new team assigns its own
        changes["escalated_at"] = None  # and its lead has not been told yet
    if team is not None:
        changes["response_due_at"] = teams.add_working_hours(team, item.created_at, team.first_response_hours)
        changes["resolution_due_at"] = teams.add_working_hours(team, item.created_at, team.resolution_hours)
    FeedbackItem.objects.filter(pk=item.pk).update(**changes)
    for name, value in changes.items():
        setattr(item, name, value)
    after_commit(events.item_changed, item.pk, previous)  # the new owner's inbox, and the one it left
    decision = RoutingDecision.objects.create(
        item=item, team=team, team_name=team.name if team else "", reason=route.reason, rule_id=route.rule_id,
        rule_name=route.rule_name, matched=route.matched, note=note, by=by,
    )
    webhooks.feedback_routed(item, team, decision=decision)
    return decision


def reroute_item(*, item, team, by, note: str = "", expected_version: int | None = None) -> RoutingDecision:
    """Staff give an item to another team by hand; the reason is kept with the decision.
    `expected_version` is the version the person saw: a change made meanwhile refuses this one."""
    rules.check_can_reroute_item(by, item)
    note = _check_line(note, 500)
    with transaction.atomic():
        current = FeedbackItem.objects.select_for_update().get(pk=item.pk)
        _check_unchanged(current, item, expected_version)
        if current.team_id == team.pk:
            raise ValidationError(_("This feedback is already with the %(team)s.") % {"team": team.public_name},
                                  code="team")
        item.team_id = current.team_id
        decision = _assign_team(item, routing.Route(team.pk, RoutingDecision.Reason.MANUAL), by=by, note=note)
        _touch_item(item)
    item.version = current.version + 1
    return decision


# --- Touchpoints ---------------------------------------------------------------------------------


def sign_reference(touchpoint, reference: str) -> str:
    """What the touchpoint's own system computes: HMAC-SHA256 of the reference, hex."""
    return hmac.new(touchpoint.secret.encode(), reference.encode(), hashlib.sha256).hexdigest()


def verify_reference(touchpoint, reference: str, signature: str) -> bool:
    return hmac.compare_digest(sign_reference(touchpoint, reference), signature or "")


def check_score(score) -> int:
    # bool is an int in Python, and "7" is a string: only a JSON number 0..10 is a score.
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        raise ValidationError(_("Choose a score from 0 to 10."), code="score")
    return score


def submit_answer(
    *, touchpoint, score, comment: str = "", reference: str = "", signature: str = "",
    language: str | None = None, origin: str = "",
) -> TouchpointAnswer:
    """An NPS answer from a touchpoint, and its feedback item (tagged by the same rules). A
    reference counts only with a valid signature; it links the answer to the member it names."""
    if not touchpoint.is_active:
        raise NotAllowed(_("This feedback form is no longer in use."))
    score = check_score(score)
    comment = check_text(comment if isinstance(comment, str) else "", maximum=COMMENT_MAX, required=False,
                         code="comment")
    reference = reference if isinstance(reference, str) else ""
    if reference:
        if len(reference) > 40 or not verify_reference(touchpoint, reference, signature if isinstance(signature, str) else ""):
            raise ValidationError(_("The customer reference is not valid."), code="reference")
    member_id = (
        CustomerNumber.objects.filter(number=reference).values_list("member_id", flat=True).first() if reference else None
    )
    masked, _kinds = mask_personal_data(comment)
    chosen = languages.supported(language)
    code = chosen or (languages.detect(comment, fallback="en") if comment else "en")
    with transaction.atomic():
        answer = TouchpointAnswer.objects.create(
            touchpoint=touchpoint, score=score, comment=masked, language=code, reference=reference,
            member_id=member_id, origin=origin[:200],
        )
        item = FeedbackItem.objects.create(
            source=Source.TOUCHPOINT, answer=answer, touchpoint=touchpoint, author_id=member_id,
            title=f"{touchpoint.name}: {score}/10", text=masked, language=code,
        )
        tag_ids = apply_rules(item, fresh=True)
        route_item(item, tag_ids=tag_ids, owner_team_id=touchpoint.owner_team_id)
    return answer


def revoke_touchpoint(*, touchpoint, by) -> Touchpoint:
    rules.check_can_manage_item(by)
    Touchpoint.objects.filter(pk=touchpoint.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    touchpoint.refresh_from_db(fields=["revoked_at"])
    return touchpoint
