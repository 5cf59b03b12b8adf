"""Staff's routing: the routing rules page (order, create, edit, try, delete, re-apply) and
re-routing one item by hand. Thin: forms shape the input, feedback.routing_services and
feedback.services decide and write."""

import uuid
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from community.background import enqueue_on_commit
from community.rules import NotAllowed
from feedback import queries, routing_services, rules, services, tasks
from feedback.forms import ReapplyForm, RerouteForm, RoutingRuleForm
from feedback.models import RoutingRule
from feedback.views._common import forbidden, login_url, visible_item

RULE_FIELDS = {"name", "team", "tags", "keywords", "source", "programme", "touchpoint", "kind", "language"}


def routing_staff(view):
    """Pages for those who manage routing (rules.why_not_manage_routing): visitors log in,
    everyone else reads why not."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(login_url(request.get_full_path()))
        if reason := rules.why_not_manage_routing(request.user):
            return forbidden(request, reason)
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as refusal:
            return forbidden(request, str(refusal), back=reverse("feedback_routing"))

    return wrapper


def _rule_or_404(pk) -> RoutingRule:
    rule = RoutingRule.objects.select_related("team").filter(pk=pk).first()
    if rule is None:
        raise Http404(_("There is no such routing rule."))
    return rule


@routing_staff
@require_http_methods(["GET"])
def routing_rules(request):
    return render(request, "feedback/routing/rules.html", {
        "rules": queries.routing_rules(), "reapply_form": ReapplyForm(),
        "open_items": routing_services.open_item_count(),
    })


def _show_error(form, error: ValidationError) -> None:
    field = getattr(error, "code", None)
    form.add_error(field if field in RULE_FIELDS else None, error)


def _rule_form(request, rule=None):
    """One page to create or change a rule. "Try against existing items" shows what the rule as
    typed would match, without saving; "Save" saves. Both keep what was typed."""
    tried = None
    if request.method == "POST":
        form = RoutingRuleForm(request.POST)
        if form.is_valid():
            try:
                if "try" in request.POST:
                    tried = routing_services.try_rule(by=request.user, rule=None, **form.rule_fields())
                else:
                    saved = routing_services.save_routing_rule(by=request.user, rule=rule, **form.rule_fields())
                    messages.success(request, _("Routing rule “%(name)s” saved.") % {"name": saved.name})
                    return redirect(f"{reverse('feedback_routing')}#rule-{saved.pk}")
            except ValidationError as error:
                _show_error(form, error)
    else:
        form = RoutingRuleForm(initial=RoutingRuleForm.initial_of(rule) if rule else None)
    status = 400 if form.errors else 200
    return render(request, "feedback/routing/rule_form.html", {"form": form, "rule": rule, "tried": tried},
                  status=status)


@routing_staff
@require_http_methods(["GET", "POST"])
def routing_rule_new(request):
    return _rule_form(request)


@routing_staff
@require_http_methods(["GET", "POST"])
def routing_rule_edit(request, pk):
    return _rule_form(request, _rule_or_404(pk))


@routing_staff
@require_POST
def routing_rule_delete(request, pk):
    rule = _rule_or_404(pk)
    routing_services.delete_routing_rule(rule=rule, by=request.user)
    messages.success(request, _("Routing rule “%(name)s” deleted. Feedback it routed stays with its team.")
                     % {"name": rule.name})
    return redirect("feedback_routing")


@routing_staff
@require_POST
def routing_rule_move(request, pk):
    rule = _rule_or_404(pk)
    direction = request.POST.get("direction", "")
    try:
        routing_services.move_routing_rule(rule=rule, by=request.user, direction=direction)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect(f"{reverse('feedback_routing')}#rule-{rule.pk}")


@routing_staff
@require_POST
def routing_reapply(request):
    form = ReapplyForm(request.POST)
    override = form.is_valid() and form.cleaned_data["override_manual"]
    count = routing_services.open_item_count()
    if count > routing_services.INLINE_LIMIT:
        enqueue_on_commit(tasks.reapply_routing, request.user.pk, override, uuid.uuid4().hex)
        messages.success(request, ngettext(
            "Re-applying the rules to %(count)s open item in the background: you will be notified when it is done.",
            "Re-applying the rules to %(count)s open items in the background: you will be notified when it is done.",
            count) % {"count": count})
        return redirect("feedback_routing")
    done = routing_services.reapply_rules(by=request.user, override_manual=override)
    moved = ngettext("Rules re-applied to %(count)s open item: ", "Rules re-applied to %(count)s open items: ",
                     done.checked) % {"count": done.checked}
    moved += ngettext("%(moved)s moved to another team.", "%(moved)s moved to another team.", done.moved) % {
        "moved": done.moved}
    if done.kept_manual:
        moved += " " + ngettext("%(kept)s re-routed by hand stayed.", "%(kept)s re-routed by hand stayed.",
                                done.kept_manual) % {"kept": done.kept_manual}
    messages.success(request, moved)
    return redirect("feedback_routing")


# --- One item ------------------------------------------------------------------------------------


@require_POST
def item_reroute(request, pk):
    """Give one item to another team by hand, with a reason (the inbox's item view includes
    feedback/_reroute_form.html). A refusal or a bad form shows this form again, as typed."""
    item = visible_item(request, pk)
    if not request.user.is_authenticated:
        return redirect(login_url(item.get_absolute_url()))
    if reason := rules.why_not_manage_item(request.user, item):
        return forbidden(request, reason, back=item.get_absolute_url())
    form = RerouteForm(request.POST, item=item)
    if form.is_valid():
        try:
            decision = services.reroute_item(item=item, team=form.cleaned_data["team"], by=request.user,
                                             note=form.cleaned_data["note"],
                                             expected_version=form.cleaned_data["version"])
        except (ValidationError, NotAllowed) as error:
            form.add_error("team" if getattr(error, "code", None) == "team" else None,
                           error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(request, _("Sent to the %(team)s.") % {"team": decision.team.public_name})
            if rules.can_view_item(request.user, item):
                return redirect(item.get_absolute_url())
            return redirect("feedback_staff")
    return render(request, "feedback/routing/reroute_page.html", {"item": item, "reroute_form": form}, status=400)
