"""Beta programmes: the index, a programme's page, joining, applying, leaving, and staff's
members page (approve, decline, admit a wave)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from community.rules import NotAllowed
from feedback import queries, rules, services
from feedback.forms import EnrolForm, WaveForm
from feedback.models import Membership, Thread
from feedback.pages import BetaProgramIndexPage
from feedback.views._common import field_of, forbidden, login_url, programme_page, staff_only


@require_GET
def programmes(request):
    """The nav's "Betas" link: the programme index wherever editors put it."""
    page = BetaProgramIndexPage.objects.live().first()
    if page is None:
        raise Http404(_("There are no beta programmes yet."))
    return redirect(page.url)


def _enrol_refusal(user, page, token: str):
    if not user.is_authenticated:
        return None
    if page.enrolment == page.Enrolment.APPLY:
        return rules.why_not_apply(user, page, device=page.device_list[0] if page.device_list else "")
    return rules.why_not_join(user, page, device=page.device_list[0] if page.device_list else "", token=token)


def render_programme(request, page, *, form=None, token: str = "", status: int = 200):
    user = request.user
    inside = rules.can_view_programme(user, page)
    membership = rules.membership_of(user, page)
    context = page.get_context(request)
    refusal = _enrol_refusal(user, page, token)
    context.update(
        inside=inside,
        membership=membership,
        token=token,
        can_enrol=user.is_authenticated and refusal is None,
        enrol_refusal=refusal,
        form=form or EnrolForm(programme=page),
        can_post=rules.can_post_thread(user, page),
        can_leave=rules.can_leave(user, page),
        can_manage=rules.can_manage_programme(user, page),
        summary=queries.programme_summary(page),
    )
    if inside:
        params = request.GET
        listing = queries.thread_listing(page, viewer=user, kind=params.get("kind", ""), q=params.get("q", ""),
                                         page=params.get("page", 1), mine=params.get("mine") == "1")
        keep = {k: v for k, v in (("kind", listing.kind), ("q", listing.q)) if v}
        if params.get("mine") == "1":
            keep["mine"] = "1"
        context.update(listing=listing, kinds=Thread.Kind.choices, query=urlencode(keep), filtered=bool(keep),
                       mine=params.get("mine") == "1")
    return TemplateResponse(request, page.get_template(request), context, status=status)


def programme(request, page):
    """A programme's page (BetaProgramPage.serve): what it is and how to join for everyone who may
    see the page; its threads for members and staff."""
    return render_programme(request, page)


@require_GET
def invite(request, pk, token):
    page = programme_page(request, pk)
    if token != page.invite_token:
        raise Http404(_("This invitation link is not valid."))
    if not request.user.is_authenticated:
        return redirect(login_url(request.path))
    return render_programme(request, page, token=token)


@require_POST
def enrol(request, pk):
    page = programme_page(request, pk)
    if not request.user.is_authenticated:
        return redirect(login_url(page.url))
    form = EnrolForm(request.POST, programme=page)
    token = request.POST.get("token", "")[:64]
    if not form.is_valid():
        return render_programme(request, page, form=form, token=token, status=400)
    data = form.cleaned_data
    try:
        if page.enrolment == page.Enrolment.APPLY:
            services.apply_to_programme(member=request.user, programme=page, reason=data["reason"],
                                        device=data.get("device", ""), consent=data.get("consent", False))
            messages.success(request, _("Thank you! Your application is in: we will tell you when staff have decided."))
        else:
            services.join_programme(member=request.user, programme=page, device=data.get("device", ""),
                                    token=token, consent=data.get("consent", False))
            messages.success(request, _("Welcome to the beta! Tell us what works and what breaks."))
    except NotAllowed as refusal:
        return forbidden(request, str(refusal), back=page.url)
    except ValidationError as error:
        form.add_error(field_of(error, "consent"), error)
        return render_programme(request, page, form=form, token=token, status=400)
    return redirect(page.url)


@require_POST
def leave(request, pk):
    page = programme_page(request, pk)
    if not request.user.is_authenticated:
        return redirect(login_url(page.url))
    try:
        services.leave_programme(member=request.user, programme=page)
    except NotAllowed as refusal:
        return forbidden(request, str(refusal), back=page.url)
    messages.info(request, _("You have left the beta. Thank you for taking part!"))
    return redirect(page.url)


# --- Staff -------------------------------------------------------------------------------------


@staff_only
@require_GET
def programme_members(request, pk):
    return _members_page(request, programme_page(request, pk))


def _members_page(request, page, wave_form=None, status=200):
    rules.check_can_manage_programme(request.user, page)
    return render(request, "feedback/programme_members.html", status=status, context={
        "programme": page, "applicants": queries.applicants(page), "members": queries.members_of(page),
        "summary": queries.programme_summary(page), "wave_form": wave_form or WaveForm(),
        "invite_url": request.build_absolute_uri(f"/betas/{page.pk}/invite/{page.invite_token}/"),
    })


@staff_only
@require_POST
def decide(request, pk):
    membership = Membership.objects.select_related("programme", "member").filter(pk=pk).first()
    if membership is None or not rules.can_view_programme_page(request.user, membership.programme):
        raise Http404(_("There is no such application."))
    name = membership.member.public_name
    if request.POST.get("decision") == "approve":
        services.approve_application(membership=membership, by=request.user)
        messages.success(request, _("%(name)s is now a member. They have been told.") % {"name": name})
    else:
        services.decline_application(membership=membership, by=request.user)
        messages.info(request, _("%(name)s was declined. They have been told.") % {"name": name})
    return redirect("feedback_programme_members", pk=membership.programme_id)


@staff_only
@require_POST
def admit_wave(request, pk):
    page = programme_page(request, pk)
    form = WaveForm(request.POST)
    if not form.is_valid():
        return _members_page(request, page, wave_form=form, status=400)
    wave = services.admit_wave(programme=page, by=request.user, size=form.cleaned_data["size"])
    if wave is None:
        messages.info(request, _("Nobody was admitted: no one is waiting, or the beta is full."))
    else:
        count = wave.members.count()
        messages.success(request, _("Wave %(number)s: %(count)s applicants admitted and told.")
                         % {"number": wave.number, "count": count})
    return redirect("feedback_programme_members", pk=page.pk)

