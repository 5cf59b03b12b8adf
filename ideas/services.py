"""Every write on idea boards, one verb per use case. Views, the API, commands and tasks call these.

Each service checks the rule, validates, writes in one transaction and registers what happens
after the commit: the live event (idea_changed) and notification tasks.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, FloatField, Value
from django.db.models.functions import Greatest, Log
from django.utils import timezone
from django.utils.translation import gettext as _

from community import languages, teams
from community.background import enqueue_on_commit
from community.content import mask_personal_data, render_user_text
from community.inputs import clean_line, clean_text, has_visible_character
from community.live import after_commit
from community.services import NotAllowed
from community.webhooks import events as webhooks
from ideas import events, pagecache, rules, tasks
from ideas.models import (
    TRENDING_EPOCH,
    TRENDING_SECONDS,
    Comment,
    Follow,
    Idea,
    Stage,
    Status,
    StatusChange,
    Vote,
)

TITLE_MIN, TITLE_MAX = 5, 140
BODY_MAX = 20_000
COMMENT_MAX = 10_000
RESPONSE_MIN, RESPONSE_MAX = 3, 5_000
# A second identical submit within this window returns the first result instead of a copy.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=10)


# --- Validation (check_*: raise ValidationError with words for the member) ----------------------


def check_title(title: str) -> str:
    # Bidi and control characters go; a title of invisible characters only is no title.
    title = clean_line(title)
    if len(title) < TITLE_MIN or not has_visible_character(title):
        raise ValidationError(_("Give your idea a title of at least %(n)s characters.") % {"n": TITLE_MIN}, code="title")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            _("Keep the title under %(n)s characters (it has %(len)s).") % {"n": TITLE_MAX, "len": len(title)},
            code="title",
        )
    return title


def check_text(text: str, *, maximum: int, required: bool, minimum: int = 1, what: str = "") -> str:
    text = clean_text(text).strip()
    if not has_visible_character(text):
        text = ""
    if required and len(text) < minimum:
        raise ValidationError(_("Please write %(what)s.") % {"what": what or _("something")}, code="required")
    if len(text) > maximum:
        raise ValidationError(
            _("This is too long: %(len)s characters, the limit is %(n)s.") % {"len": len(text), "n": maximum},
            code="too_long",
        )
    return text


def _touch(idea_id: int, **changes) -> None:
    """Record a visible change: bump the version (for live events) and the activity time."""
    Idea.objects.filter(pk=idea_id).update(version=F("version") + 1, last_activity_at=timezone.now(), **changes)


def _follow(member, idea) -> None:
    # One INSERT ... ON CONFLICT DO NOTHING instead of get_or_create's SELECT, savepoint, INSERT
    # and release: it runs on every vote, comment and post, and races are harmless.
    Follow.objects.bulk_create([Follow(idea=idea, member=member)], ignore_conflicts=True)


# --- Ideas --------------------------------------------------------------------------------------


def post_idea(*, author, board, title: str, body: str = "", tags=(), language: str | None = None) -> Idea:
    """Post an idea; it waits for approval if the board asks for it. The returned idea carries
    .masked: the kinds of personal data hidden from the published text, to tell the author."""
    rules.check_can_post(author, board)
    title, title_masked = mask_personal_data(check_title(title))
    body = check_text(body, maximum=BODY_MAX, required=False)
    rendered = render_user_text(body)
    allowed_tags = list(board.offered_tags.filter(pk__in=[t.pk for t in tags])) if tags else []
    duplicate = Idea.objects.filter(
        author=author, board=board, title=title, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW
    ).first()
    if duplicate is not None:
        duplicate.masked = ()
        return duplicate
    status = Status.objects.filter(stage=Stage.PENDING if board.requires_approval else Stage.OPEN).first()
    language = languages.choose(f"{title}\n{body}", author=author, chosen=language)
    with transaction.atomic():
        idea = Idea.objects.create(
            board=board, author=author, title=title, body_source=body, body_html=rendered.html, status=status,
            language=language,
        )
        if allowed_tags:
            idea.tags.set(allowed_tags)
        _follow(author, idea)
    after_commit(pagecache.board_changed, board.pk)
    if status.stage == Stage.PENDING:
        enqueue_on_commit(tasks.notify_moderators, idea.pk)
    idea.masked = tuple(dict.fromkeys((*title_masked, *rendered.masked)))
    return idea


def edit_idea(*, idea: Idea, by, title: str, body: str, tags=None, language: str | None = None) -> Idea:
    rules.check_can_edit_idea(by, idea)
    title, title_masked = mask_personal_data(check_title(title))
    body = check_text(body, maximum=BODY_MAX, required=False)
    rendered = render_user_text(body)
    idea.language = languages.choose(f"{title}\n{body}", author=idea.author, chosen=language)
    with transaction.atomic():
        idea.title, idea.body_source, idea.body_html = title, body, rendered.html
        idea.edited_at = timezone.now()
        idea.save(update_fields=["title", "body_source", "body_html", "edited_at", "language"])
        if tags is not None:
            idea.tags.set(idea.board.offered_tags.filter(pk__in=[t.pk for t in tags]))
        _touch(idea.pk)
    after_commit(events.idea_changed, idea.pk)
    idea.masked = tuple(dict.fromkeys((*title_masked, *rendered.masked)))
    return idea


def withdraw_idea(*, idea: Idea, by, reason: str = "") -> StatusChange:
    """The author takes their idea back, or staff take it off the board (a duplicate elsewhere,
    out of scope): either way it leaves the lists, and everyone who voted, followed or wrote it
    is told why. Staff must give that reason."""
    rules.check_can_withdraw(by, idea)
    by_author = by.pk == idea.author_id
    reason = check_text(
        reason, maximum=RESPONSE_MAX, required=not by_author, minimum=RESPONSE_MIN, what=_("a reason")
    ) or _("The author withdrew this idea.")
    return _move(idea, Status.objects.get(stage=Stage.WITHDRAWN), reason, by)


def change_status(*, idea: Idea, to: Status, response: str, by, show_name: bool = False) -> StatusChange:
    """Staff move an idea along the workflow with a public response; everyone who voted,
    followed or wrote is told (no idea is ever closed silently)."""
    rules.check_can_change_status(by, idea, to)
    response = check_text(response, maximum=RESPONSE_MAX, required=True, minimum=RESPONSE_MIN, what=_("a response"))
    return _move(idea, to, response, by, show_name=show_name)


def approve_idea(*, idea: Idea, by) -> StatusChange:
    rules.check_can_approve(by, idea)
    return _move(idea, Status.objects.filter(stage=Stage.OPEN).first(), _("Approved and published."), by)


def reject_idea(*, idea: Idea, by, response: str) -> StatusChange:
    rules.check_can_reject(by, idea)
    response = check_text(response, maximum=RESPONSE_MAX, required=True, minimum=RESPONSE_MIN, what=_("a reason"))
    return _move(idea, Status.objects.get(stage=Stage.REJECTED), response, by)


def _answering_team(by, board) -> int | None:
    """The team a staff answer speaks for: the board's owner (or triage), when `by` acts for it."""
    owner = teams.owner_or_triage_id(board.owner_team_id)
    return owner if teams.acts_for(by, owner) else None


def _move(
    idea: Idea, to: Status, response: str, by, *, merged_into: Idea | None = None, extra_recipients=(),
    show_name: bool = False,
):
    rendered = render_user_text(response)
    with transaction.atomic():
        current = Idea.objects.select_for_update().select_related("status").get(pk=idea.pk)
        if current.status_id != idea.status_id:
            # Someone else moved it meanwhile: refuse rather than overwrite their answer.
            raise NotAllowed(_("This idea changed while you were answering. Please reload and try again."))
        change = StatusChange.objects.create(
            idea=current, from_status=current.status, to_status=to,
            response_source=response, response_html=rendered.html, changed_by=by,
            team_id=_answering_team(by, idea.board), show_name=show_name,
        )
        _touch(idea.pk, status=to, merged_into=merged_into)
        enqueue_on_commit(tasks.notify_status_change, change.pk, list(extra_recipients))
        webhooks.idea_status_changed(change)
    after_commit(events.idea_changed, idea.pk)
    idea.status, idea.merged_into = to, merged_into
    return change


def merge_ideas(*, source: Idea, target: Idea, by, response: str = "") -> StatusChange:
    """Merge a duplicate into another idea: its votes move without counting anyone twice, its
    followers follow the target too, its comments stay readable, and its voters are told."""
    rules.check_can_merge(by, source, target)
    response = check_text(response, maximum=RESPONSE_MAX, required=False) or _(
        "Merged into “%(title)s”: your vote now counts there."
    ) % {"title": target.title}
    with transaction.atomic():
        # Lock both rows in id order so two merges cannot deadlock.
        list(Idea.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk"))
        voters = list(Vote.objects.filter(idea=source).values_list("member_id", flat=True))
        already = Vote.objects.filter(idea=target).values("member_id")
        Vote.objects.filter(idea=source).exclude(member_id__in=already).update(idea=target)
        Vote.objects.filter(idea=source).delete()  # members who had voted for both
        followed = Follow.objects.filter(idea=target).values("member_id")
        Follow.objects.bulk_create(
            [Follow(idea=target, member_id=m) for m in
             Follow.objects.filter(idea=source).exclude(member_id__in=followed).values_list("member_id", flat=True)],
            ignore_conflicts=True,
        )
        for idea in (source, target):
            _set_vote_count(idea, Vote.objects.filter(idea=idea).count())
        change = _move(source, Status.objects.get(stage=Stage.MERGED), response, by,
                       merged_into=target, extra_recipients=voters)
        _touch(target.pk)
    after_commit(events.idea_changed, target.pk)
    return change


# --- Votes and follows ----------------------------------------------------------------------


def _trending_expression(new_count_expression, created_at):
    base = (created_at.timestamp() - TRENDING_EPOCH) / TRENDING_SECONDS
    return Log(Value(10.0), Greatest(new_count_expression, Value(1))) + Value(base, output_field=FloatField())


def _change_votes(idea: Idea, delta: int) -> None:
    # SET expressions read the row's value before this update, under its lock: no lost votes.
    new_count = F("vote_count") + delta
    Idea.objects.filter(pk=idea.pk).update(
        vote_count=new_count, trending=_trending_expression(new_count, idea.created_at), version=F("version") + 1
    )


def _set_vote_count(idea: Idea, count: int) -> None:
    Idea.objects.filter(pk=idea.pk).update(
        vote_count=count, trending=_trending_expression(Value(count), idea.created_at), version=F("version") + 1
    )


def cast_vote(*, member, idea: Idea, recorded_by=None, via: str = "") -> bool:
    """Vote for an idea; True if a vote was added (False if the member had voted already)."""
    if recorded_by is not None:
        rules.check_can_record_vote(recorded_by, member, idea)
    else:
        rules.check_can_vote(member, idea)
    return _vote(member, idea, VOTE, recorded_by=recorded_by, via=via) > 0


def retract_vote(*, member, idea: Idea) -> bool:
    rules.check_can_vote(member, idea)
    return _vote(member, idea, UNVOTE) < 0


def toggle_vote(*, member, idea: Idea) -> bool:
    """Vote, or take the vote back. Returns whether the member now votes for the idea."""
    rules.check_can_vote(member, idea)
    return _vote(member, idea, TOGGLE) >= 0


VOTE, UNVOTE, TOGGLE = "vote", "unvote", "toggle"


def _vote(member, idea: Idea, mode: str, *, recorded_by=None, via: str = "") -> int:
    """Add or remove the member's vote and move the counter by as much, deciding inside the
    database, so double submits and races count once. Returns +1 (added), -1 (removed), or 0
    (nothing to do: 0 means "votes" for VOTE and TOGGLE, "does not vote" for UNVOTE). The idea
    gets the new count and version, and the live event is sent after the commit, without
    reading the idea again."""
    if connection.vendor == "postgresql":
        delta, row = _vote_in_one_statement(member, idea, mode, recorded_by, via)
    else:
        delta, row = _vote_in_a_transaction(member, idea, mode, recorded_by, via)
    if delta:
        vote_count, version, status_id, merged_into_id = row
        idea.vote_count, idea.version = vote_count, version
        if (status_id, merged_into_id) == (idea.status_id, idea.merged_into_id):
            after_commit(events.idea_voted, idea)
        else:  # moved meanwhile: the event must carry the new status, so it reads the idea
            after_commit(events.idea_changed, idea.pk)
    return delta


# One statement, so one round trip and no transaction to open: the vote row (ON CONFLICT: a
# double submit or a race adds nothing), the follow, and the counter moved by the rows that
# really changed, returning the new count and version. For TOGGLE the delete only runs when the
# insert added nothing. All parts see the same snapshot; the idea row's lock orders votes.
_VOTE_SQL = """
WITH added AS (
    INSERT INTO ideas_vote (idea_id, member_id, created_at, recorded_by_id, recorded_via)
    SELECT %(idea)s::bigint, %(member)s::bigint, %(now)s::timestamptz, %(by)s::bigint, %(via)s::varchar WHERE %(add)s::boolean
    ON CONFLICT DO NOTHING RETURNING 1
), removed AS (
    DELETE FROM ideas_vote
    WHERE %(remove)s::boolean AND idea_id = %(idea)s AND member_id = %(member)s AND NOT EXISTS (SELECT 1 FROM added)
    RETURNING 1
), followed AS (
    INSERT INTO ideas_follow (idea_id, member_id, created_at)
    SELECT %(idea)s::bigint, %(member)s::bigint, %(now)s::timestamptz WHERE EXISTS (SELECT 1 FROM added)
    ON CONFLICT DO NOTHING
), change AS (
    SELECT (SELECT count(*) FROM added) - (SELECT count(*) FROM removed) AS delta
), updated AS (
    UPDATE ideas_idea SET
        vote_count = vote_count + change.delta,
        trending = LOG(10.0::numeric, GREATEST(vote_count + change.delta, 1)::numeric)::double precision + %(base)s::double precision,
        version = version + 1
    FROM change WHERE id = %(idea)s AND change.delta <> 0
    RETURNING vote_count, version, status_id, merged_into_id
)
SELECT change.delta, updated.vote_count, updated.version, updated.status_id, updated.merged_into_id
FROM change LEFT JOIN updated ON true
"""


def _vote_in_one_statement(member, idea, mode, recorded_by, via):
    with connection.cursor() as cursor:
        cursor.execute(
            _VOTE_SQL,
            {
                "idea": idea.pk, "member": member.pk, "now": timezone.now(),
                "by": recorded_by.pk if recorded_by is not None else None, "via": via[:40],
                "add": mode != UNVOTE, "remove": mode != VOTE,
                "base": (idea.created_at.timestamp() - TRENDING_EPOCH) / TRENDING_SECONDS,
            },
        )
        delta, *row = cursor.fetchone()
    return delta, row


def _vote_in_a_transaction(member, idea, mode, recorded_by, via):
    # SQLite takes the write lock at BEGIN (IMMEDIATE), so the check and the write cannot race.
    with transaction.atomic():
        voted = Vote.objects.filter(idea=idea, member=member).exists()
        delta = 0
        if not voted and mode != UNVOTE:
            Vote.objects.create(idea=idea, member=member, recorded_by=recorded_by, recorded_via=via[:40])
            _follow(member, idea)
            delta = 1
        elif voted and mode != VOTE:
            Vote.objects.filter(idea=idea, member=member).delete()
            delta = -1
        if not delta:
            return 0, None
        _change_votes(idea, delta)
        row = Idea.objects.filter(pk=idea.pk).values_list("vote_count", "version", "status_id", "merged_into_id")
        return delta, row.get()


def set_following(*, member, idea: Idea, follow: bool) -> bool:
    rules.check_can_follow(member, idea)
    if follow:
        _follow(member, idea)
    else:
        Follow.objects.filter(idea=idea, member=member).delete()
    return follow


# --- Comments -------------------------------------------------------------------------------


def add_comment(
    *, idea: Idea, author, body: str, parent: Comment | None = None, language: str | None = None
) -> Comment:
    rules.check_can_comment(author, idea)
    body = check_text(body, maximum=COMMENT_MAX, required=True, what=_("a comment"))
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise NotAllowed(_("You can only reply to a comment on the same idea."))
        parent = parent.parent or parent  # replies stay one level deep
    recent = Comment.objects.filter(
        idea=idea, author=author, body_source=body, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW
    ).first()
    if recent is not None:
        recent.masked = ()
        return recent
    rendered = render_user_text(body)
    with transaction.atomic():
        comment = Comment.objects.create(
            idea=idea, author=author, parent=parent, body_source=body, body_html=rendered.html,
            by_staff=author.is_staff, language=languages.choose(body, author=author, chosen=language),
        )
        _touch(idea.pk, comment_count=F("comment_count") + 1)
        _follow(author, idea)
        enqueue_on_commit(tasks.notify_new_comment, comment.pk)
    after_commit(events.idea_changed, idea.pk)
    comment.masked = rendered.masked
    return comment


def edit_comment(*, comment: Comment, by, body: str, language: str | None = None) -> Comment:
    rules.check_can_edit_comment(by, comment)
    body = check_text(body, maximum=COMMENT_MAX, required=True, what=_("a comment"))
    rendered = render_user_text(body)
    with transaction.atomic():
        comment.body_source, comment.body_html, comment.edited_at = body, rendered.html, timezone.now()
        comment.language = languages.choose(body, author=comment.author, chosen=language)
        comment.save(update_fields=["body_source", "body_html", "edited_at", "language"])
        _touch(comment.idea_id)
    after_commit(events.idea_changed, comment.idea_id)
    comment.masked = rendered.masked
    return comment


def delete_comment(*, comment: Comment, by) -> None:
    """Soft delete: replies keep their place, the text is gone."""
    rules.check_can_delete_comment(by, comment)
    with transaction.atomic():
        updated = Comment.objects.filter(pk=comment.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), body_source="", body_html=""
        )
        if updated:
            _touch(comment.idea_id, comment_count=F("comment_count") - 1)
    if updated:
        after_commit(events.idea_changed, comment.idea_id)
