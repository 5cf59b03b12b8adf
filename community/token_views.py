"""HTML pages for API tokens: a member's own (under their settings) and staff's integration tokens.

A new token's secret is shown on the page that answers the creating POST, once, and never
stored: that answer is not cached and not a redirect target, so reloading it shows nothing.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from community import rules
from community.models import Team
from community.rules import NotAllowed
from community.tokens import ApiToken, Kind, Scope, create_token, revoke_token

EXPIRY_CHOICES = [
    ("30", gettext_lazy("In 30 days")),
    ("90", gettext_lazy("In 90 days")),
    ("365", gettext_lazy("In a year")),
    ("", gettext_lazy("Never")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=80,
        help_text=gettext_lazy("What the token is for, e.g. “My dashboard script”."),
    )
    scopes = forms.MultipleChoiceField(
        label=gettext_lazy("Scopes"), widget=forms.CheckboxSelectMultiple, initial=[Scope.READ],
        help_text=gettext_lazy("Read lets the token see what you can see; write lets it post, vote and "
                               "comment as you; staff lets it use your staff powers."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Only for these teams"), queryset=Team.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Leave empty for all your teams."),
    )
    expires = forms.ChoiceField(label=gettext_lazy("Expires"), choices=EXPIRY_CHOICES, initial="90", required=False)

    def __init__(self, *args, member, kind, **kwargs):
        super().__init__(*args, **kwargs)
        staff = rules.is_staff(member)
        self.fields["scopes"].choices = [(s.value, s.label) for s in Scope if staff or s != Scope.STAFF]
        if not staff:
            del self.fields["teams"]
        else:
            self.fields["teams"].queryset = Team.objects.all() if kind == Kind.INTEGRATION else member.teams.all()
            if kind == Kind.INTEGRATION:
                self.fields["teams"].help_text = _("Leave empty for all teams.")

    def clean_name(self):
        from community.inputs import clean_line

        return clean_line(self.cleaned_data["name"])


def _create(request, kind: str):
    """(form, token, secret) for the POST that creates a token; the secret only on success."""
    form = TokenForm(request.POST, member=request.user, kind=kind)
    if not form.is_valid():
        return form, None, None
    data = form.cleaned_data
    try:
        token, secret = create_token(
            by=request.user, kind=kind, name=data["name"], scopes=data["scopes"],
            teams=list(data.get("teams") or ()), expires_in_days=int(data["expires"]) if data["expires"] else None,
        )
    except NotAllowed as refusal:
        form.add_error(None, str(refusal))
        return form, None, None
    return TokenForm(member=request.user, kind=kind), token, secret


def _tokens_page(request, *, kind: str, tokens, template: str):
    """The list and the creating form; after a successful POST, the new secret, once."""
    form, created, secret = TokenForm(member=request.user, kind=kind), None, None
    status = 200
    if request.method == "POST":
        form, created, secret = _create(request, kind)
        status = 200 if created else 400
    context = {"form": form, "tokens": tokens, "created": created, "secret": secret, "docs_url": reverse("api_docs")}
    return render(request, template, context, status=status)


@never_cache
@login_required
def api_tokens(request):
    tokens = ApiToken.objects.owned_by(request.user).prefetch_related("teams")
    return _tokens_page(request, kind=Kind.PERSONAL, tokens=tokens, template="community/api_tokens.html")


@require_POST
@login_required
def api_token_revoke(request, pk):
    token = ApiToken.objects.owned_by(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404(_("There is no such token."))
    revoke_token(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("api_tokens")


def _staff_only(request):
    if not rules.is_staff(request.user):
        return render(
            request, "community/forbidden.html",
            {"message": _("Only staff can manage integration tokens.")}, status=403,
        )
    return None


@never_cache
@login_required
def staff_api_tokens(request):
    if refused := _staff_only(request):
        return refused
    tokens = ApiToken.objects.integrations().select_related("user").prefetch_related("teams")
    return _tokens_page(request, kind=Kind.INTEGRATION, tokens=tokens, template="community/staff_api_tokens.html")


@require_POST
@login_required
def staff_api_token_revoke(request, pk):
    if refused := _staff_only(request):
        return refused
    token = ApiToken.objects.integrations().filter(pk=pk).first()
    if token is None:
        raise Http404(_("There is no such token."))
    revoke_token(token=token, by=request.user)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("staff_api_tokens")
