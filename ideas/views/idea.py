"""One idea: its page, votes, follows, comments, editing and withdrawing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.inputs import parse_id
from community.rules import is_verified_member
from community.services import NotAllowed
from ideas import forms as idea_forms
from ideas import pagecache, queries, rules, services
from ideas.forms import CommentForm, IdeaForm, MergeForm, RejectForm, StatusForm, VoteForForm, WithdrawForm
from ideas.models import Comment, Stage
from ideas.views._common import (
    _back,
    _field_for,
    _forbidden,
    _login_url,
    _tell_masked,
    _visible_idea,
    _wants_json,
    idea_action,
    idea_page,
)

# --- The idea page --------------------------------------------------------------------------


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
        "comment_refusal": rules.why_not_comment(request.user, idea) if request.user.is_authenticated else None,
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
            "change_status": rules.can_change_status(user, idea),
            "merge": rules.can_merge(user, idea),
            "approve": rules.can_approve(user, idea),
        },
        comment_form=forms.get("comment_form") or CommentForm(prefix="comment"),
    )
    if context["can"]["moderate"]:
        context.update(
            status_form=forms.get("status_form")
            or StatusForm(prefix="status", statuses=queries.status_choices(idea)),
            merge_form=forms.get("merge_form") or MergeForm(prefix="merge"),
            reject_form=forms.get("reject_form") or RejectForm(prefix="reject"),
            vote_for_form=forms.get("vote_for_form") or VoteForForm(prefix="votefor"),
            pending=idea.status.stage == Stage.PENDING,
            answer_refusal=rules.why_not_answer_for_board(user, idea.board),
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
        messages.success(request, _("Your vote is counted. Thank you!"))  # the service updated idea
    else:
        messages.info(request, _("You had already voted for this idea."))


@require_GET
def idea_detail(request, pk, slug=None):
    visitor = pagecache.cacheable_for(request)
    idea = _visible_idea(request, pk, fetch=queries.get_idea_to_show if visitor else queries.get_idea)
    if idea.merged_into_id:
        messages.info(
            request,
            _("“%(title)s” was merged into this idea: its votes and comments are here.")
            % {"title": idea.title},
        )
        return redirect(idea.merged_into)
    if slug != idea.slug:
        return redirect(idea, permanent=True)
    if not visitor:
        _apply_pending_vote(request, idea)
        return _render_idea(request, idea)
    # Visitors all see the same page: from the shared cache, with the votes filled in.
    key = pagecache.idea_page_key(idea)
    html = pagecache.cached_page(key, request, lambda: _vote_parts(request, idea))
    if html is not None:
        return HttpResponse(html)
    idea = queries.get_idea(idea.pk) or idea  # rendering reads all of it (gone meanwhile: as read)
    slots = pagecache.page_slots()
    html = render_to_string("ideas/idea_page.html", {**_idea_context(request, idea), "slots": slots}, request)
    pagecache.store_page(key, html, request)
    for name, value in _vote_parts(request, idea).items():
        html = html.replace(slots[name], str(value))
    return HttpResponse(html)


def _vote_parts(request, idea) -> dict:
    """What a vote changes on a visitor's idea page (the cached page has slots for them)."""
    votes = ngettext("%(n)s vote", "%(n)s votes", idea.vote_count) % {"n": idea.vote_count}
    return {
        "vote": render_to_string(
            "ideas/_vote.html", {"idea": idea, "voted": False, "next_url": request.path, "big": True}, request
        ),
        "description": format_html("{} — {}", idea.title, votes),
        "version": idea.version,
    }


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
    idea = _visible_idea(request, pk, fetch=queries.get_idea_to_vote)
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
    if as_json:  # the service set the idea's new count and version
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
    reply_to = parse_id(raw_parent) if raw_parent else None
    if raw_parent and reply_to is None:
        raise Http404(_("There is no such comment."))
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
    try:
        rules.check_can_edit_comment(request.user, comment)
    except NotAllowed as refusal:
        return _forbidden(request, str(refusal), idea)
    if request.method == "POST":
        form = idea_forms.CommentEditForm(request.POST, prefix="comment")
        if form.is_valid():
            try:
                edited = services.edit_comment(
                    comment=comment, by=request.user, body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
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
        form = idea_forms.CommentEditForm(prefix="comment", initial={"body": comment.body_source, "language": comment.language})
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


@idea_page(rules.check_can_edit_idea, methods=("GET", "POST"))
def edit_idea(request, idea):
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
                    language=data.get("language"),
                )
            except ValidationError as error:
                form.add_error(_field_for(error), error)
            else:
                messages.success(request, _("Your changes are saved."))
                _tell_masked(request, edited.masked)
                return redirect(edited)
    else:
        initial = {
            "title": idea.title,
            "body": idea.body_source,
            "tags": list(idea.tags.all()),
            "language": idea.language,
            "confirmed": True,
        }
        form = IdeaForm(board=idea.board, initial=initial)
    return render(request, "ideas/idea_form.html", {"board": idea.board, "form": form, "idea": idea})


@idea_page(rules.check_can_withdraw, methods=("GET", "POST"))
def withdraw(request, idea):
    """GET asks for confirmation (and a reason); POST withdraws."""
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_idea(idea=idea, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            if request.user.pk == idea.author_id:
                messages.success(request, _("Your idea is withdrawn. The people who voted for it are told."))
            else:
                messages.success(request, _("The idea is withdrawn. Its author, voters and followers are told why."))
            return redirect(idea)
    return render(request, "ideas/withdraw.html", {"form": form, "idea": idea})


# --- Staff ----------------------------------------------------------------------------------
