"""Boards: a board's listing, posting an idea, similar ideas, the roadmap and shipped ideas."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods
from wagtail.views import serve as wagtail_serve

from community.rules import NotAllowed
from ideas import pagecache, queries, rules, services
from ideas.forms import IdeaForm
from ideas.models import Stage
from ideas.pages import IdeaBoardPage
from ideas.views._common import _field_for, _forbidden, _login_url, _tell_masked, _visible_board


def board(request, page):
    """An idea board (called by IdeaBoardPage.serve). Every filter is a GET parameter, so each
    view of the board is a shareable URL. The listing is cached for everyone who may see the
    board (ideas/pagecache.py); a member's own votes are filled in per request."""
    params = request.GET
    viewer = request.user
    sort = params.get("sort", "trending")
    sort = sort if sort in queries.SORTS else "trending"
    status, tag = params.get("status", ""), params.get("tag", "")
    q = queries.clean_query(params.get("q", ""))
    number = queries.page_number(params.get("page", 1))
    lang = queries.language_filter(params.get("lang"), viewer)
    can_post = rules.can_post(viewer, page)
    html, idea_ids = pagecache.board_listing_html(
        page, sort=sort, status=status, tag=tag, q=q, number=number, lang=lang, can_post=can_post
    )
    voted = queries.voted_ids(viewer, idea_ids)
    context = page.get_context(request)
    context.update(
        board_main=pagecache.fill(html, request, voted=voted, next_url=request.get_full_path()),
        can_post=can_post,
    )
    return TemplateResponse(request, page.get_template(request), context)


def serve_page(request, path):
    """Wagtail's page view, with a short cut for open boards: found by path in the cache
    instead of Wagtail's routing queries. Anything else (other pages, boards behind a view
    restriction, several sites) goes through Wagtail as before."""
    board = pagecache.board_for_path(path) if request.method in ("GET", "HEAD") else None
    if board is None:
        return wagtail_serve(request, path)
    return board.serve(request)


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
                        language=data.get("language"),
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
