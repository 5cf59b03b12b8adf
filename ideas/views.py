"""HTML views for idea boards: thin. They parse input, call a service or a query, and render.

Services raise NotAllowed (worded for the member) and ValidationError; views turn the first into
a message or a rendered 403 and the second into form errors, keeping what the member typed.
"""

import html
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.models import Member
from community.rules import is_verified_member
from community.services import NotAllowed
from ideas import queries, rules, services
from ideas.forms import CommentForm, IdeaForm, MergeForm, RejectForm, StatusForm, VoteForForm, WithdrawForm
from ideas.models import Comment, Stage, Status
from ideas.pages import IdeaBoardPage

# --- Helpers --------------------------------------------------------------------------------


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _forbidden(request, message: str, idea=None):
    return render(request, "ideas/forbidden.html", {"message": message, "idea": idea}, status=403)


def _visible_idea(request, pk):
    """The idea if this viewer may see it; hidden ideas are a 404, so their ids leak nothing."""
    idea = queries.get_idea(pk)
    if idea is None or not rules.can_view_idea(request.user, idea):
        raise Http404(_("There is no such idea."))
    return idea


def _live_board(board_id):
    board = IdeaBoardPage.objects.live().filter(pk=board_id).first()
    if board is None:
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


def idea_action(view):
    """A POST on an idea: 404 for unknown or hidden ids, login for visitors, a rendered 403 when
    a rule refuses (services raise NotAllowed)."""

    @require_POST
    @wraps(view)
    def wrapper(request, pk):
        idea = _visible_idea(request, pk)
        if not request.user.is_authenticated:
            return redirect(_login_url(idea.get_absolute_url()))
        try:
            return view(request, idea)
        except NotAllowed as refusal:
            return _forbidden(request, str(refusal), idea)

    return wrapper


def staff_action(view):
    """An idea_action only staff may take; customers get a 403 before any form is read."""

    @idea_action
    @wraps(view)
    def wrapper(request, idea):
        if not rules.can_moderate(request.user):
            return _forbidden(request, _("Only staff can do this."), idea)
        return view(request, idea)

    return wrapper


# --- Boards ---------------------------------------------------------------------------------


def board(request, page):
    """An idea board (called by IdeaBoardPage.serve). Every filter is a GET parameter, so each
    view of the board is a shareable URL."""
    params = request.GET
    listing = queries.board_listing(
        page,
        viewer=request.user,
        sort=params.get("sort", "trending"),
        status=params.get("status", ""),
        tag=params.get("tag", ""),
        q=params.get("q", ""),
        page=params.get("page", 1),
    )
    for idea in listing.ideas:
        idea.excerpt = _excerpt(idea.body_html)
    filters = queries.board_filters(page)
    # Pagination and sort links keep the other filters.
    keep = {k: v for k, v in (("status", listing.status), ("tag", listing.tag), ("q", listing.q)) if v}
    context = page.get_context(request)
    context.update(
        listing=listing,
        filters=filters,
        can_post=rules.can_post(request.user, page),
        filtered=bool(keep),
        query=urlencode({**keep, "sort": listing.sort}),
        filter_query=urlencode(keep),
        next_url=request.get_full_path(),
    )
    return TemplateResponse(request, page.get_template(request), context)


@require_http_methods(["GET", "POST"])
def post_idea(request, board_id):
    board = _live_board(board_id)
    if not request.user.is_authenticated:
        return redirect(_login_url(request.get_full_path()))
    if not rules.can_post(request.user, board):
        if not is_verified_member(request.user):
            return _forbidden(request, _("Confirm your e-mail address to post ideas."))
        return _forbidden(request, _("You cannot post ideas on this board."))
    similar = []
    if request.method == "POST":
        form = IdeaForm(request.POST, board=board)
        if form.is_valid():
            data = form.cleaned_data
            if not data["confirmed"]:
                # Without script the member has not seen similar ideas yet: show them once.
                similar = queries.similar_ideas(board, data["title"])
                if any(s.author_id == request.user.pk and s.title == data["title"] for s in similar):
                    similar = []  # a double submit: the service returns the idea it already made
            if similar:
                confirmed = request.POST.copy()
                confirmed["confirmed"] = "1"
                form = IdeaForm(confirmed, board=board)
            else:
                try:
                    idea = services.post_idea(
                        author=request.user,
                        board=board,
                        title=data["title"],
                        body=data["body"],
                        tags=data.get("tags") or (),
                    )
                except ValidationError as error:
                    form.add_error(_field_for(error), error)
                else:
                    if idea.status.stage == Stage.PENDING:
                        messages.success(
                            request,
                            _(
                                "Thank you! Your idea is waiting for approval: only you and our team see it until then."
                            ),
                        )
                    else:
                        messages.success(request, _("Thank you! Your idea is posted."))
                    _tell_masked(request, idea.masked)
                    return redirect(idea)
    else:
        form = IdeaForm(board=board, initial={"title": request.GET.get("title", "")[: services.TITLE_MAX]})
    return render(request, "ideas/idea_form.html", {"board": board, "form": form, "similar": similar})


@require_GET
def similar(request, board_id):
    """JSON for the post form: ideas like the title being typed."""
    board = _live_board(board_id)
    return JsonResponse(
        [
            {
                "id": idea.pk,
                "title": idea.title,
                "url": idea.get_absolute_url(),
                "votes": idea.vote_count,
                "votes_label": ngettext("%(n)s vote", "%(n)s votes", idea.vote_count) % {"n": idea.vote_count},
                "status": idea.status.label,
                "status_slug": idea.status.slug,
            }
            for idea in queries.similar_ideas(board, request.GET.get("q", ""))
        ],
        safe=False,
    )


@require_GET
def boards(request):
    """The nav's "Ideas" link: the board index page wherever editors put it (found only when
    clicked, so other pages pay no query for the nav)."""
    from ideas.pages import IdeaBoardIndexPage, IdeaBoardPage

    page = IdeaBoardIndexPage.objects.live().first() or IdeaBoardPage.objects.live().first()
    if page is None:
        raise Http404(_("There are no idea boards yet."))
    return redirect(page.url)


def roadmap(request):
    return render(request, "ideas/roadmap.html", {"columns": queries.roadmap()})


@require_GET
def shipped(request):
    ideas, number, has_next = queries.shipped(page=request.GET.get("page", 1))
    return render(request, "ideas/shipped.html", {"ideas": ideas, "number": number, "has_next": has_next})


# --- The idea page --------------------------------------------------------------------------


def _allowed_statuses(idea) -> list[Status]:
    return [status for status in Status.objects.all() if idea.status.can_move_to(status)]


def _mark_comments(user, comments) -> None:
    """Ask the rules once per comment here, since templates cannot call them with arguments."""
    for comment in comments:
        comment.can_edit = rules.can_edit_comment(user, comment)
        comment.can_delete = rules.can_delete_comment(user, comment)
        for reply in getattr(comment, "reply_list", ()):
            reply.can_edit = rules.can_edit_comment(user, reply)
            reply.can_delete = rules.can_delete_comment(user, reply)


def _comments_context(request, idea, page, **forms) -> dict:
    _mark_comments(request.user, page.comments)
    return {
        "idea": idea,
        "comments": page.comments,
        "can_comment": rules.can_comment(request.user, idea),
        "reply_to": forms.get("reply_to"),
        "reply_form": forms.get("reply_form"),
    }


def _idea_context(request, idea, **forms) -> dict:
    user = request.user
    page = queries.idea_page(idea, viewer=user)
    official = page.official
    if official is not None and official.from_status and official.from_status.stage == Stage.PENDING:
        official = None  # "Approved and published" is history, not an answer worth pinning
    context = _comments_context(request, idea, page, **forms)
    context.update(
        ip=page,
        official=official,
        tags=list(idea.tags.all()),
        can={
            "vote": rules.can_vote(user, idea),
            "follow": rules.can_follow(user, idea),
            "edit": user.is_authenticated and rules.can_edit_idea(user, idea),
            "withdraw": user.is_authenticated and rules.can_withdraw(user, idea),
            "moderate": rules.can_moderate(user),
        },
        comment_form=forms.get("comment_form") or CommentForm(prefix="comment"),
    )
    if context["can"]["moderate"]:
        context.update(
            status_form=forms.get("status_form")
            or StatusForm(prefix="status", statuses=_allowed_statuses(idea)),
            merge_form=forms.get("merge_form") or MergeForm(prefix="merge"),
            reject_form=forms.get("reject_form") or RejectForm(prefix="reject"),
            vote_for_form=forms.get("vote_for_form") or VoteForForm(prefix="votefor"),
            pending=idea.status.stage == Stage.PENDING,
        )
    if rules.can_see_audience(user):
        context["audience"] = queries.audience(idea)
    return context


def _render_idea(request, idea, **forms):
    return render(request, "ideas/idea_page.html", _idea_context(request, idea, **forms))


def _apply_pending_vote(request, idea) -> None:
    """The vote a visitor cast before logging in counts once they are back as a verified member."""
    if request.session.get("pending_vote") != idea.pk or not is_verified_member(request.user):
        return
    del request.session["pending_vote"]
    try:
        added = services.cast_vote(member=request.user, idea=idea)
    except NotAllowed as refusal:
        messages.warning(request, str(refusal))
        return
    if added:
        messages.success(request, _("Your vote is counted. Thank you!"))
        idea.refresh_from_db(fields=["vote_count", "version"])
    else:
        messages.info(request, _("You had already voted for this idea."))


@require_GET
def idea_detail(request, pk, slug=None):
    idea = _visible_idea(request, pk)
    if idea.merged_into_id:
        messages.info(
            request,
            _("“%(title)s” was merged into this idea: its votes and comments are here.")
            % {"title": idea.title},
        )
        return redirect(idea.merged_into)
    if slug != idea.slug:
        return redirect(idea, permanent=True)
    _apply_pending_vote(request, idea)
    return _render_idea(request, idea)


@require_GET
def comments_fragment(request, pk):
    """Just the comment list, for the live script to swap in when comments change."""
    idea = _visible_idea(request, pk)
    page = queries.idea_page(idea, viewer=request.user)
    return render(request, "ideas/_comments.html", _comments_context(request, idea, page))


# --- Votes and follows ----------------------------------------------------------------------


@require_POST
def vote(request, pk):
    """Vote or take the vote back. `action` (vote/unvote) makes a double submit harmless; without
    it the vote toggles. Answers JSON for the page script."""
    idea = _visible_idea(request, pk)
    as_json = _wants_json(request)
    if not request.user.is_authenticated:
        request.session["pending_vote"] = idea.pk
        login = _login_url(idea.get_absolute_url())
        if as_json:
            return JsonResponse({"error": _("Log in to vote."), "login": login}, status=401)
        messages.info(request, _("Log in and your vote will be counted."))
        return redirect(login)
    action = request.POST.get("action", "")
    try:
        if action == "vote":
            services.cast_vote(member=request.user, idea=idea)
            voted = True
        elif action == "unvote":
            services.retract_vote(member=request.user, idea=idea)
            voted = False
        else:
            voted = services.toggle_vote(member=request.user, idea=idea)
    except NotAllowed as refusal:
        if as_json:
            return JsonResponse({"error": str(refusal)}, status=403)
        messages.error(request, str(refusal))
        return _back(request, idea)
    idea.refresh_from_db(fields=["vote_count", "version"])
    if as_json:
        return JsonResponse({"voted": voted, "votes": idea.vote_count, "version": idea.version})
    messages.success(request, _("Your vote is counted.") if voted else _("Your vote is taken back."))
    return _back(request, idea)


@idea_action
def follow(request, idea):
    following = services.set_following(
        member=request.user, idea=idea, follow=request.POST.get("follow") != "0"
    )
    if following:
        messages.success(request, _("You follow this idea: you will hear about its answers and comments."))
    else:
        messages.success(request, _("You no longer follow this idea."))
    return _back(request, idea)


# --- Comments -------------------------------------------------------------------------------


@idea_action
def comment(request, idea):
    form = CommentForm(request.POST, prefix="comment")
    raw_parent = request.POST.get("comment-parent", "")
    reply_to = int(raw_parent) if raw_parent.isdigit() else None
    if form.is_valid():
        parent = None
        if reply_to is not None:
            parent = Comment.objects.filter(pk=reply_to, idea=idea).first()
            if parent is None:
                raise Http404(_("There is no such comment."))
        try:
            created = services.add_comment(
                idea=idea, author=request.user, body=form.cleaned_data["body"], parent=parent
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            messages.success(request, _("Your reply is posted.") if parent else _("Your comment is posted."))
            _tell_masked(request, created.masked)
            return redirect(f"{idea.get_absolute_url()}#comment-{created.pk}")
    if reply_to is not None:
        return _render_idea(request, idea, reply_to=reply_to, reply_form=form)
    return _render_idea(request, idea, comment_form=form)


def _comment_or_404(request, pk):
    comment = (
        Comment.objects.select_related("idea__status", "idea__board", "idea__author", "author")
        .filter(pk=pk)
        .first()
    )
    if comment is None or not rules.can_view_idea(request.user, comment.idea):
        raise Http404(_("There is no such comment."))
    return comment


@require_http_methods(["GET", "POST"])
def edit_comment(request, pk):
    comment = _comment_or_404(request, pk)
    idea = comment.idea
    if not request.user.is_authenticated:
        return redirect(_login_url(request.get_full_path()))
    if not rules.can_edit_comment(request.user, comment):
        return _forbidden(request, _("You can no longer edit this comment."), idea)
    if request.method == "POST":
        form = CommentForm(request.POST, prefix="comment")
        if form.is_valid():
            try:
                edited = services.edit_comment(
                    comment=comment, by=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                form.add_error("body", error)
            except NotAllowed as refusal:
                return _forbidden(request, str(refusal), idea)
            else:
                messages.success(request, _("Your comment is saved."))
                _tell_masked(request, edited.masked)
                return redirect(f"{idea.get_absolute_url()}#comment-{comment.pk}")
    else:
        form = CommentForm(prefix="comment", initial={"body": comment.body_source})
    return render(request, "ideas/comment_form.html", {"form": form, "comment": comment, "idea": idea})


@require_POST
def delete_comment(request, pk):
    comment = _comment_or_404(request, pk)
    if not request.user.is_authenticated:
        return redirect(_login_url(comment.idea.get_absolute_url()))
    try:
        services.delete_comment(comment=comment, by=request.user)
    except NotAllowed as refusal:
        return _forbidden(request, str(refusal), comment.idea)
    messages.success(request, _("The comment is deleted."))
    return redirect(f"{comment.idea.get_absolute_url()}#comments")


# --- Editing and withdrawing ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def edit_idea(request, pk):
    idea = _visible_idea(request, pk)
    if not request.user.is_authenticated:
        return redirect(_login_url(request.get_full_path()))
    if not rules.can_edit_idea(request.user, idea):
        return _forbidden(request, _("You can no longer edit this idea."), idea)
    if request.method == "POST":
        form = IdeaForm(request.POST, board=idea.board)
        if form.is_valid():
            data = form.cleaned_data
            try:
                edited = services.edit_idea(
                    idea=idea,
                    by=request.user,
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"] if "tags" in form.fields else None,
                )
            except ValidationError as error:
                form.add_error(_field_for(error), error)
            except NotAllowed as refusal:
                return _forbidden(request, str(refusal), idea)
            else:
                messages.success(request, _("Your changes are saved."))
                _tell_masked(request, edited.masked)
                return redirect(edited)
    else:
        initial = {
            "title": idea.title,
            "body": idea.body_source,
            "tags": list(idea.tags.all()),
            "confirmed": True,
        }
        form = IdeaForm(board=idea.board, initial=initial)
    return render(request, "ideas/idea_form.html", {"board": idea.board, "form": form, "idea": idea})


@require_http_methods(["GET", "POST"])
def withdraw(request, pk):
    """GET asks for confirmation (and an optional reason); POST withdraws."""
    idea = _visible_idea(request, pk)
    if not request.user.is_authenticated:
        return redirect(_login_url(request.get_full_path()))
    if not rules.can_withdraw(request.user, idea):
        return _forbidden(request, _("Only the author can withdraw an open idea."), idea)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_idea(idea=idea, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        except NotAllowed as refusal:
            return _forbidden(request, str(refusal), idea)
        else:
            messages.success(request, _("Your idea is withdrawn. The people who voted for it are told."))
            return redirect(idea)
    return render(request, "ideas/withdraw.html", {"form": form, "idea": idea})


# --- Staff ----------------------------------------------------------------------------------


@staff_action
def change_status(request, idea):
    form = StatusForm(request.POST, prefix="status", statuses=_allowed_statuses(idea))
    if form.is_valid():
        to = form.cleaned_data["status"]
        try:
            services.change_status(idea=idea, to=to, response=form.cleaned_data["response"], by=request.user)
        except ValidationError as error:
            form.add_error("response", error)
        except NotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("The idea is now “%(status)s”. Its voters and followers are told.") % {"status": to.label},
            )
            return redirect(idea)
    return _render_idea(request, idea, status_form=form)


@staff_action
def merge(request, idea):
    form = MergeForm(request.POST, prefix="merge")
    if form.is_valid():
        target = queries.get_idea(form.cleaned_data["target"])
        if target is None:
            form.add_error("target", _("There is no idea number %(n)s.") % {"n": form.cleaned_data["target"]})
        else:
            try:
                services.merge_ideas(
                    source=idea, target=target, by=request.user, response=form.cleaned_data["response"]
                )
            except ValidationError as error:
                form.add_error("response", error)
            except NotAllowed as refusal:
                form.add_error("target", str(refusal))
            else:
                messages.success(
                    request, _("Merged into this idea: the votes moved here and the voters are told.")
                )
                return redirect(target)
    return _render_idea(request, idea, merge_form=form)


@staff_action
def approve(request, idea):
    try:
        services.approve_idea(idea=idea, by=request.user)
    except NotAllowed as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("The idea is approved and published."))
    return redirect(idea)


@staff_action
def reject(request, idea):
    form = RejectForm(request.POST, prefix="reject")
    if form.is_valid():
        try:
            services.reject_idea(idea=idea, by=request.user, response=form.cleaned_data["response"])
        except ValidationError as error:
            form.add_error("response", error)
        except NotAllowed as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The idea is rejected; its author is told why."))
            return redirect(idea)
    return _render_idea(request, idea, reject_form=form)


@staff_action
def vote_for(request, idea):
    form = VoteForForm(request.POST, prefix="votefor")
    if form.is_valid():
        customer = Member.objects.filter(email__iexact=form.cleaned_data["email"], is_active=True).first()
        if customer is None:
            form.add_error("email", _("No member has this e-mail address."))
        else:
            try:
                added = services.cast_vote(
                    member=customer, idea=idea, recorded_by=request.user, via=form.cleaned_data["via"]
                )
            except NotAllowed as refusal:
                form.add_error(None, str(refusal))
            else:
                if added:
                    messages.success(
                        request, _("Vote recorded for %(name)s.") % {"name": customer.public_name}
                    )
                else:
                    messages.info(
                        request,
                        _("%(name)s had already voted for this idea.") % {"name": customer.public_name},
                    )
                return redirect(idea)
    return _render_idea(request, idea, vote_for_form=form)
