"""Staff pages for touchpoints: NPS per touchpoint and the widget on a mock invoice."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from community import languages
from feedback import queries, services
from feedback.models import Touchpoint
from feedback.views._common import staff_only


@staff_only
@require_GET
def touchpoints(request):
    return render(request, "feedback/touchpoints.html", {
        "touchpoints": queries.touchpoint_scores(days=90),
        "widget_url": request.build_absolute_uri(static("feedback/widget.js")),
    })


@staff_only
@require_GET
def touchpoint_demo(request, pk):
    """The widget on a mock invoice, in the language asked for (?lang=da), signed for a demo
    customer number, exactly as the invoice system would embed it."""
    touchpoint = Touchpoint.objects.filter(pk=pk).first()
    if touchpoint is None:
        raise Http404(_("There is no such touchpoint."))
    language = languages.supported(request.GET.get("lang")) or languages.of_member(request.user)
    reference = (request.GET.get("customer") or "")[:40]
    return render(request, "feedback/invoice_demo.html", {
        "touchpoint": touchpoint,
        "invoice_language": language,
        "reference": reference,
        "signature": services.sign_reference(touchpoint, reference) if reference else "",
        "languages": settings.LANGUAGES,
        "origin_allowed": request.build_absolute_uri("/").rstrip("/").lower() in touchpoint.origins,
    })


@staff_only
@require_POST
def revoke(request, pk):
    """Revoke a touchpoint's key: its widget and endpoint refuse every answer from now on."""
    touchpoint = Touchpoint.objects.filter(pk=pk).first()
    if touchpoint is None:
        raise Http404(_("There is no such touchpoint."))
    services.revoke_touchpoint(touchpoint=touchpoint, by=request.user)
    messages.success(request, _("The key of “%(name)s” is revoked: it accepts no more answers.")
                     % {"name": touchpoint.name})
    return redirect("feedback_touchpoints")
