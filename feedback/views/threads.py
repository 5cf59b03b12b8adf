"""Feedback threads inside a programme: posting one (with screenshots), its page, replies, and
the screenshots themselves, served only through the rule."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community.rules import NotAllowed
from feedback import queries, rules, services
from feedback.forms import ItemStatusForm, ItemTagsForm, NoteForm, ReplyForm, ThreadForm
from feedback.models import Screenshot
from feedback.views._common import field_of, forbidden, login_url, programme_page, visible_thread


def tell_masked(request, masked) -> None:
    if masked:
        messages.warning(
            request,
            _("To protect your privacy we hid what looked like personal data: %(kinds)s.")
            % {"kinds": ", ".join(str(kind) for kind in masked)},
        )


@require_http_methods(["GET", "POST"])
def new_thread(request, pk):
    page = programme_page(request, pk)
    if not request.user.is_authenticated:
        return redirect(login_url(request.get_full_path()))
    if not rules.can_view_programme(request.user, page):
        raise Http404(_("There is no such beta programme."))
    try:
        rules.check_can_post_thread(request.user, page)
    except NotAllowed as refusal:
        return forbidden(request, str(refusal), back=page.url)
    if request.method == "POST":
        form = ThreadForm(request.POST, request.FILES, programme=page)
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = services.post_thread(
                    author=request.user, programme=page, kind=data["kind"], title=data["title"], body=data["body"],
                    device=data.get("device", ""), app_version=data["app_version"], screenshots=data["screenshots"],
                    tags=data["tags"], language=data.get("language") or None,
                )
            except ValidationError as error:
                form.add_error(field_of(error), error)
            else:
                messages.success(request, _("Thank you! The team has your feedback."))
                tell_masked(request, thread.masked)
                return redirect(thread)
        status = 400
    else:
        form = ThreadForm(programme=page, initial={"kind": request.GET.get("kind", "bug")})
        status = 200
    return render(request, "feedback/thread_form.html", {"programme": page, "form": form}, status=status)


def thread_context(request, thread, **forms) -> dict:
    user = request.user
    item = thread.item
    page = queries.item_page(item, viewer=user)
    context = {
        "thread": thread, "programme": thread.programme, "item": item, "ip": page,
        "posts": queries.thread_posts(thread), "screenshots": queries.thread_screenshots(thread),
        "can_reply": rules.can_reply(user, thread),
        "reply_refusal": rules.why_not_reply(user, thread),
        "reply_form": forms.get("reply_form") or ReplyForm(),
    }
    context.update(staff_context(user, item, **forms))
    return context


def staff_context(user, item, **forms) -> dict:
    if not rules.can_manage_item(user, item):
        return {"staff": False}
    return {
        "staff": True,
        "status_form": forms.get("status_form") or ItemStatusForm(item=item),
        "tags_form": forms.get("tags_form") or ItemTagsForm(initial={"tags": [t.pk for t in item.tags.all()]}),
        "note_form": forms.get("note_form") or NoteForm(prefix="note"),
    }


@require_GET
def thread_detail(request, pk):
    thread = visible_thread(request, pk)
    return render(request, "feedback/thread_page.html", thread_context(request, thread))


@require_GET
def thread_posts_fragment(request, pk):
    """The replies only, for the live script to swap in when the thread changes."""
    thread = visible_thread(request, pk)
    return render(request, "feedback/_posts.html", {"posts": queries.thread_posts(thread), "thread": thread})


@require_POST
def thread_reply(request, pk):
    thread = visible_thread(request, pk)
    if not request.user.is_authenticated:
        return redirect(login_url(thread.get_absolute_url()))
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            post = services.reply(thread=thread, author=request.user, body=form.cleaned_data["body"])
        except NotAllowed as refusal:
            return forbidden(request, str(refusal), back=thread.get_absolute_url())
        except ValidationError as error:
            form.add_error("body", error)
        else:
            tell_masked(request, post.masked)
            return redirect(f"{thread.get_absolute_url()}#post-{post.pk}")
    return render(request, "feedback/thread_page.html", thread_context(request, thread, reply_form=form), status=400)


@require_GET
def screenshot(request, pk):
    """A screenshot, to those who may see its thread only; a 404 for anyone else, like a missing id.
    Re-encoded when uploaded, served with its real type, never sniffed, never cached publicly."""
    shot = Screenshot.objects.select_related("thread__programme").filter(pk=pk).first()
    if shot is None or not rules.can_view_thread(request.user, shot.thread):
        raise Http404(_("There is no such screenshot."))
    try:
        handle = shot.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("There is no such screenshot."))
    response = FileResponse(handle, content_type=shot.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="screenshot-{shot.pk}.{shot.file.name.rsplit(".", 1)[-1]}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
