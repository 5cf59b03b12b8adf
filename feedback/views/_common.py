"""What every feedback view shares: finding things the viewer may see, refusals, logins."""

from functools import wraps
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from community.rules import NotAllowed
from feedback import queries, rules
from feedback.pages import BetaProgramPage


def login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def forbidden(request, message: str, back=None):
    return render(request, "community/forbidden.html", {"message": message, "back": back}, status=403)


def programme_page(request, pk) -> BetaProgramPage:
    """The programme if the viewer may see its page, else 404."""
    page = BetaProgramPage.objects.filter(pk=pk).first()
    if page is None or not rules.can_view_programme_page(request.user, page):
        raise Http404(_("There is no such beta programme."))
    return page


def visible_thread(request, pk):
    """The thread if the viewer may see inside its programme; otherwise a 404 like a missing id."""
    thread = queries.get_thread(pk)
    if thread is None or not rules.can_view_thread(request.user, thread):
        raise Http404(_("There is no such feedback."))
    return thread


def visible_item(request, pk):
    item = queries.get_item(pk)
    if item is None or not rules.can_view_item(request.user, item):
        raise Http404(_("There is no such feedback."))
    return item


def add_note(request, item, form) -> bool:
    """Add the internal note a NoteForm carries (the service asks the rule: the owning and the
    watching teams); False with the error on the form when it is refused as input."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    from feedback import services

    if not form.is_valid():
        return False
    try:
        services.add_internal_note(item=item, by=request.user, body=form.cleaned_data["body"])
    except ValidationError as error:
        form.add_error("body", error)
        return False
    messages.success(request, _("Internal note added. Only staff can see it."))
    return True


def staff_only(view):
    """A staff page: visitors log in, customers read why not (the rule's words)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(login_url(request.get_full_path()))
        reason = rules.why_not_manage_item(request.user)
        if reason:
            return forbidden(request, reason)
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as refusal:
            return forbidden(request, str(refusal))

    return wrapper


def field_of(error, default: str = "body") -> str:
    code = getattr(error, "code", None)
    return code if code in {"title", "body", "device", "screenshots", "kind", "reason", "consent", "response",
                            "size"} else default
