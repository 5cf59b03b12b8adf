"""The team inbox (a staff area of the site): a team's feedback and the ideas on its boards that
wait for an answer, bulk actions, and the item view where the team answers, assigns, tags, adds
watchers and writes internal notes.

Customers get the forbidden page for every URL here; staff of another team a 404 for its inbox and
for items their team neither owns nor watches, exactly like a missing id. A watching team reads the
item and writes notes; every other form is the owning team's, and the services check it again.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community import teams
from community.inputs import parse_id
from community.rules import NotAllowed
from feedback import queries, routing, rules, services
from feedback.forms import AssignForm, BulkForm, InboxStatusForm, ItemTagsForm, NoteForm, WatchersForm
from feedback.models import CLOSED, FeedbackItem, RoutingDecision, Source, Status
from feedback.views._common import add_note, forbidden, staff_only


def _team_or_404(request, ref):
    team = queries.inbox_team(request.user, ref)
    if team is None:
        raise Http404(_("There is no such inbox."))
    return team


# --- The list ------------------------------------------------------------------------------------


@staff_only
@require_GET
def inbox_index(request):
    """The inboxes of the teams the staff member is on (site admins: all), with their counts."""
    inboxes = queries.inbox_teams(request.user)
    if len(inboxes) == 1:
        return redirect("feedback_inbox", ref=inboxes[0].slug)
    counts = {
        row["team"]: row for row in FeedbackItem.objects.filter(team__in=inboxes).exclude(status__in=CLOSED)
        .values("team").annotate(open=Count("pk"), unread=Count("pk", filter=Q(read_at__isnull=True)))
    }
    for team in inboxes:
        team.open = counts.get(team.pk, {}).get("open", 0)
        team.unread = counts.get(team.pk, {}).get("unread", 0)
    return render(request, "feedback/inbox_index.html", {"teams": inboxes})


def _inbox_context(request, team, members, **extra) -> dict:
    filters = queries.InboxFilters.parse(request.GET)
    # Read before the rows: the rows show at least this state, so a live page that has seen a
    # later change knows to fetch them again (a commit can land between the page's queries).
    stamp = queries.inbox_stamp(team)
    box = queries.inbox(request.user, team, filters, page=request.GET.get("page", 1))
    keep = filters.query()
    return {
        "team": team, "box": box, "query": urlencode(keep), "filtered": bool(set(keep) - {"sort"}),
        "members": members, "statuses": Status.choices, "sources": Source.choices, "tags": queries.offered_tags(),
        "ages": [("1d", _("Older than a day")), ("1w", _("Older than a week")), ("1m", _("Older than a month"))],
        "sorts": [("newest", _("Newest")), ("oldest", _("Oldest")), ("due", _("Due soonest")),
                  ("updated", _("Recently updated"))],
        "stamp": stamp,
        **extra,
    }


@staff_only
@require_http_methods(["GET", "POST"])
def team_inbox(request, ref):
    team = _team_or_404(request, ref)
    members = queries.team_members(team)
    if request.method == "POST":
        form = BulkForm(request.POST, members=members)
        if form.is_valid():
            result = _bulk(request, team, form)
            (messages.success if not (result.changed or result.refused) else messages.warning)(
                request, result.summary()
            )
            for item, reason in result.refused[:3]:
                messages.error(request, f"{item.title}: {reason}")
            return redirect(f"{request.path}?{request.GET.urlencode()}")
        status = 400
    else:
        form, status = BulkForm(members=members), 200
    ideas, waiting = queries.ideas_awaiting(request.user, team)
    context = _inbox_context(request, team, members, bulk_form=form, ideas=ideas, ideas_waiting=waiting)
    return render(request, "feedback/inbox.html", context, status=status)


def _bulk(request, team, form):
    data = form.cleaned_data
    return services.bulk_action(data["action"], pairs=queries.picked_items(request.user, team, form.picked),
                                by=request.user, assignee=data["assignee"], tag=data["tag"])


@staff_only
@require_GET
def inbox_rows(request, ref):
    """The rows only, for the live script to swap in when the team's inbox changes."""
    team = _team_or_404(request, ref)
    return render(request, "feedback/_inbox_rows.html", _inbox_context(request, team, queries.team_members(team)))


# --- One item ------------------------------------------------------------------------------------


def _staff_item(request, pk):
    """The item if the viewer's team owns or watches it (site admins: any), else a 404."""
    item = queries.get_item(pk)
    if item is None or not rules.can_view_item(request.user, item):
        raise Http404(_("There is no such feedback."))
    return item


def _owners(item) -> list:
    """Whom the item may be assigned to: its team's members (triage's while it has no team)."""
    team = item.team or teams.triage_team()
    return queries.team_members(team) if team else []


def _item_context(request, item, **forms) -> dict:
    user = request.user
    role = rules.staff_role(user, item)
    owner = role == rules.OWNER
    page = queries.item_page(item, viewer=user)
    context = {
        "item": item, "ip": page, "role": role, "owner": owner, "answer": item.answer,
        "posts": queries.thread_posts(item.thread) if item.thread_id else [],
        "watchers": list(item.watchers.order_by("name")),
        "decisions": [(d, routing.explain(d)) for d in
                      RoutingDecision.objects.filter(item=item).select_related("team", "by", "rule")],
        "note_form": forms.get("note_form") or NoteForm(prefix="note"),
        "customer_panel": reverse("customer_panel", args=[item.author_id]) if item.author_id else "",
    }
    if owner:
        members = _owners(item)
        context.update(
            status_form=forms.get("status_form") or InboxStatusForm(item=item, initial={"version": item.version}),
            assign_form=forms.get("assign_form") or AssignForm(
                members=members, initial={"assignee": item.assignee_id or "", "version": item.version}),
            tags_form=forms.get("tags_form") or ItemTagsForm(initial={"tags": [t.pk for t in page.tags]}),
            watchers_form=forms.get("watchers_form") or WatchersForm(
                item=item, initial={"watchers": [t.pk for t in context["watchers"]]}),
        )
    return context


def _render_item(request, item, status=200, **forms):
    return render(request, "feedback/inbox_item.html", _item_context(request, item, **forms), status=status)


@staff_only
@require_GET
def inbox_item(request, pk):
    item = _staff_item(request, pk)
    services.mark_read(item=item, by=request.user)
    return _render_item(request, item)


def item_form(view):
    """A POST on an item from the inbox: 404 unless the viewer's team owns or watches it; the
    rule's refusal (a watcher answering) on the forbidden page."""

    @staff_only
    @require_POST
    @wraps(view)
    def wrapper(request, pk):
        item = _staff_item(request, pk)
        back = reverse("feedback_inbox_item", args=[item.pk])
        try:
            return view(request, item, back)
        except NotAllowed as refusal:
            return forbidden(request, str(refusal), back=back)

    return wrapper


def _conflict(request, item, message):
    """A colleague changed the item since this form was drawn: tell them, show the item as it is
    now, and keep what they typed."""
    form = InboxStatusForm({**request.POST.dict(), "version": item.version}, item=item)
    form.is_valid()
    form.errors.pop("status", None)  # the choice they made may not apply any more: they choose again
    form.add_error(None, message)
    return _render_item(request, item, status=409, status_form=form)


@item_form
def inbox_item_status(request, item, back):
    rules.check_can_manage_item(request.user, item)
    if parse_id(request.POST.get("version")) != item.version:
        return _conflict(request, item, services.ItemChanged.message())
    form = InboxStatusForm(request.POST, item=item)
    if not form.is_valid():
        return _render_item(request, item, status=400, status_form=form)
    data = form.cleaned_data
    try:
        services.change_item_status(item=item, to=data["status"], by=request.user, response=data["response"],
                                    show_name=data["show_name"], expected_version=data["version"])
    except services.ItemChanged as conflict:
        return _conflict(request, queries.get_item(item.pk), str(conflict))
    except ValidationError as error:
        form.add_error("response", error)
        return _render_item(request, item, status=400, status_form=form)
    messages.success(request, _("Status changed to “%(status)s”. The customer has been told.")
                     % {"status": Status(item.status).label})
    return redirect(back)


@item_form
def inbox_item_assign(request, item, back):
    rules.check_can_assign_item(request.user, item)
    members = _owners(item)
    form = AssignForm(request.POST, members=members)
    if not form.is_valid():
        return _render_item(request, item, status=400, assign_form=form)
    assignee = form.cleaned_data["assignee"]
    try:
        services.assign_item(item=item, assignee=assignee, by=request.user,
                             expected_version=form.cleaned_data["version"])
    except services.ItemChanged as conflict:
        messages.error(request, str(conflict))
        return redirect(back)
    if assignee is None:
        messages.success(request, _("Nobody is assigned now."))
    else:
        messages.success(request, _("Assigned to %(name)s.") % {"name": assignee.public_name})
    return redirect(back)


@item_form
def inbox_item_tags(request, item, back):
    rules.check_can_manage_item(request.user, item)
    form = ItemTagsForm(request.POST)
    if not form.is_valid():
        return _render_item(request, item, status=400, tags_form=form)
    added, removed = services.set_tags(item=item, tags=form.cleaned_data["tags"], by=request.user)
    if added or removed:
        messages.success(request, _("Tags saved."))
    return redirect(back)


@item_form
def inbox_item_watchers(request, item, back):
    rules.check_can_set_watchers(request.user, item)
    form = WatchersForm(request.POST, item=item)
    if not form.is_valid():
        return _render_item(request, item, status=400, watchers_form=form)
    added, removed = services.set_watchers(item=item, watchers=form.cleaned_data["watchers"], by=request.user)
    if added or removed:
        messages.success(request, _("Watching teams saved."))
    return redirect(back)


@item_form
def inbox_item_note(request, item, back):
    form = NoteForm(request.POST, prefix="note")
    if add_note(request, item, form):
        return redirect(f"{back}#internal-notes")
    return _render_item(request, item, status=400, note_form=form)
