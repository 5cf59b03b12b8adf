"""Feedback items: one item's page (touchpoint answers; threads have their own), staff's status,
tags and internal notes, "My feedback" and the staff list of all feedback."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from community.rules import NotAllowed
from feedback import queries, rules, services
from feedback.forms import ItemStatusForm, ItemTagsForm, NoteForm
from feedback.models import Source, Status
from feedback.views._common import add_note, forbidden, login_url, staff_only, visible_item
from feedback.views.threads import staff_context, thread_context


def _render_item(request, item, status=200, **forms):
    if item.thread_id:
        thread = item.thread
        thread.programme = item.programme
        return render(request, "feedback/thread_page.html", thread_context(request, thread, **forms), status=status)
    context = {"item": item, "answer": item.answer, "ip": queries.item_page(item, viewer=request.user)}
    context.update(staff_context(request.user, item, **forms))
    return render(request, "feedback/item_page.html", context, status=status)


@require_GET
def item_detail(request, pk):
    item = visible_item(request, pk)
    if item.thread_id:
        return redirect(item)
    return _render_item(request, item)


def item_action(view):
    @require_POST
    def wrapper(request, pk):
        item = visible_item(request, pk)
        if not request.user.is_authenticated:
            return redirect(login_url(item.get_absolute_url()))
        try:
            return view(request, item)
        except NotAllowed as refusal:
            return forbidden(request, str(refusal), back=item.get_absolute_url())

    return wrapper


@item_action
def item_status(request, item):
    rules.check_can_manage_item(request.user, item)
    form = ItemStatusForm(request.POST, item=item)
    if form.is_valid():
        try:
            services.change_item_status(item=item, to=form.cleaned_data["status"], by=request.user,
                                        response=form.cleaned_data["response"])
        except ValidationError as error:
            form.add_error("response", error)
        else:
            messages.success(request, _("Status changed to “%(status)s”. The customer has been told.")
                             % {"status": Status(item.status).label})
            return redirect(item.get_absolute_url())
    return _render_item(request, item, status=400, status_form=form)


@item_action
def item_tags(request, item):
    rules.check_can_manage_item(request.user, item)
    form = ItemTagsForm(request.POST)
    if form.is_valid():
        added, removed = services.set_tags(item=item, tags=form.cleaned_data["tags"], by=request.user)
        if added or removed:
            messages.success(request, _("Tags saved."))
        return redirect(item.get_absolute_url())
    return _render_item(request, item, status=400, tags_form=form)


@item_action
def item_note(request, item):
    form = NoteForm(request.POST, prefix="note")
    if add_note(request, item, form):
        return redirect(f"{item.get_absolute_url()}#internal-notes")
    return _render_item(request, item, status=400, note_form=form)


@login_required
@require_GET
def my_feedback(request):
    items, has_next = queries.my_feedback(request.user, page=request.GET.get("page", 1))
    return render(request, "feedback/my_feedback.html", {
        "items": items, "has_next": has_next, "number": queries.page_number(request.GET.get("page", 1)),
    })


@staff_only
@require_GET
def staff_feedback(request):
    params = request.GET
    listing = queries.staff_items(
        request.user, status=params.get("status", ""), tag=params.get("tag", ""), source=params.get("source", ""),
        touchpoint=params.get("touchpoint", ""), q=params.get("q", ""), page=params.get("page", 1),
    )
    keep = {k: v for k, v in listing.filters.items() if v}
    return render(request, "feedback/staff_feedback.html", {
        "listing": listing, "query": urlencode(keep), "filtered": bool(keep), "statuses": Status.choices,
        "sources": Source.choices, "tags": queries.offered_tags(),
    })
