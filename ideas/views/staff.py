"""Staff actions on an idea from the site: status, merge, approval, votes on a customer's behalf."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from community.models import Member
from community.services import NotAllowed
from ideas import queries, rules, services
from ideas.forms import MergeForm, RejectForm, StatusForm, VoteForForm
from ideas.views._common import idea_page, staff_action
from ideas.views.idea import _render_idea


# Only the board's team answers its ideas: anyone else gets the rule's words on the 403 page.
@idea_page(rules.check_can_change_status)
def change_status(request, idea):
    form = StatusForm(request.POST, prefix="status", statuses=queries.status_choices(idea))
    if form.is_valid():
        to = form.cleaned_data["status"]
        try:
            services.change_status(idea=idea, to=to, response=form.cleaned_data["response"], by=request.user,
                                   show_name=form.cleaned_data["show_name"])
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
    rules.check_can_merge(request.user, idea)  # before reading the form: a 403 that says why
    form = MergeForm(request.POST, prefix="merge")
    if form.is_valid():
        target = form.cleaned_data["target"]
        try:
            services.merge_ideas(source=idea, target=target, by=request.user, response=form.cleaned_data["response"])
        except ValidationError as error:
            form.add_error("response", error)
        except NotAllowed as refusal:
            form.add_error("target", str(refusal))
        else:
            messages.success(request, _("Merged into this idea: the votes moved here and the voters are told."))
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
