"""Template tags for routing: `{% reroute_form item %}` renders feedback/_reroute_form.html for
staff of the owning team (nothing for anyone else), so any item view can offer re-routing."""

from django import template

from feedback import rules
from feedback.forms import RerouteForm

register = template.Library()


@register.inclusion_tag("feedback/_reroute_form.html", takes_context=True)
def reroute_form(context, item, form=None):
    user = context.get("user") or getattr(context.get("request"), "user", None)
    allowed = user is not None and rules.can_reroute_item(user, item)
    return {"item": item, "reroute_form": (form or RerouteForm(item=item)) if allowed else None,
            "csrf_token": context.get("csrf_token")}
