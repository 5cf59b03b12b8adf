"""Helpers every idea view shares: visibility, refusals, redirects and the action decorators."""

import html
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from community.services import NotAllowed
from ideas import queries, rules
from ideas.pages import IdeaBoardPage


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _forbidden(request, message: str, idea=None):
    back = {"back": idea.get_absolute_url(), "back_label": _("Back to the idea")} if idea is not None else {}
    return render(request, "community/forbidden.html", {"message": message, **back}, status=403)


def _visible_idea(request, pk, fetch=queries.get_idea):
    """The idea if this viewer may see it; hidden ideas are a 404, so their ids leak nothing.
    `fetch` reads it (a vote reads less: queries.get_idea_to_vote)."""
    idea = fetch(pk)
    if idea is None or not rules.can_view_idea(request.user, idea):
        raise Http404(_("There is no such idea."))
    return idea


def _visible_board(request, board_id):
    """The board if this viewer may see it (live, and its privacy settings let them in), else 404."""
    board = IdeaBoardPage.objects.filter(pk=board_id).first()
    if board is None or not rules.can_view_board(request.user, board):
        raise Http404(_("There is no such board."))
    return board


def _back(request, default):
    """Return to the page the form was on (a board keeps its filters), else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def _tell_masked(request, masked) -> None:
    if masked:
        messages.warning(
            request,
            _("To protect your privacy we hid what looked like personal data: %(kinds)s.")
            % {"kinds": ", ".join(str(kind) for kind in masked)},
        )


def _excerpt(body_html: str, words: int = 30) -> str:
    """Plain text from the stored clean HTML, for cards (the template escapes it again)."""
    return Truncator(html.unescape(strip_tags(body_html))).words(words)


def _field_for(error: ValidationError) -> str:
    return "title" if getattr(error, "code", None) == "title" else "body"


def idea_page(check=None, *, methods=("POST",)):
    """A view about one idea: 404 for unknown or hidden ids, login for visitors, and a rendered
    403 with the rule's own words when `check` (a rules.check_*) or the service refuses."""

    def decorate(view):
        @require_http_methods(list(methods))
        @wraps(view)
        def wrapper(request, pk):
            idea = _visible_idea(request, pk)
            if not request.user.is_authenticated:
                back = request.get_full_path() if request.method == "GET" else idea.get_absolute_url()
                return redirect(_login_url(back))
            try:
                if check is not None:
                    check(request.user, idea)
                return view(request, idea)
            except NotAllowed as refusal:
                return _forbidden(request, str(refusal), idea)

        return wrapper

    return decorate


# A POST on an idea that its service checks.
idea_action = idea_page()


def staff_action(view):
    """A POST on an idea only staff may make; customers get a 403 before any form is read."""
    return idea_page(lambda user, _idea: rules.check_can_moderate(user))(view)


# --- Boards ---------------------------------------------------------------------------------
