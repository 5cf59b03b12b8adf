"""Boards: a board's listing, posting an idea, similar ideas, the roadmap and shipped ideas."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from community.rules import NotAllowed
from ideas import queries, rules, services
from ideas.forms import IdeaForm
from ideas.models import Stage
from ideas.pages import IdeaBoardPage
from ideas.views._common import _excerpt, _field_for, _forbidden, _login_url, _tell_masked, _visible_board


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
    board = _visible_board(request, board_id)
    if not request.user.is_authenticated:
        return redirect(_login_url(request.get_full_path()))
    try:
        rules.check_can_post(request.user, board)
    except NotAllowed as refusal:
        return _forbidden(request, str(refusal))
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
    board = _visible_board(request, board_id)
    return JsonResponse(
        [
            {
                "id": idea.pk,
                "title": idea.title,
                "url": idea.get_absolute_url(),
                "votes": idea.vote_count,
                "votes_label": ngettext("%(n)s vote", "%(n)s votes", idea.vote_count)
                % {"n": idea.vote_count},
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
    from ideas.pages import IdeaBoardIndexPage

    page = IdeaBoardIndexPage.objects.live().first() or IdeaBoardPage.objects.live().first()
    if page is None:
        raise Http404(_("There are no idea boards yet."))
    return redirect(page.url)


def roadmap(request):
    return render(request, "ideas/roadmap.html", {"columns": queries.roadmap(viewer=request.user)})


@require_GET
def shipped(request):
    ideas, number, has_next = queries.shipped(viewer=request.user, page=request.GET.get("page", 1))
    return render(request, "ideas/shipped.html", {"ideas": ideas, "number": number, "has_next": has_next})
