"""Staff pages about one customer: the search that finds them and their panel ("360")."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from community import customers, rules, timeline


def _refusal(request):
    """None when the viewer is staff; else the login page or the rule's reason."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}")
    reason = rules.why_not_view_customers(request.user)
    if reason:
        return render(request, "community/forbidden.html", {"message": reason}, status=403)
    return None


def customer_search(request):
    refused = _refusal(request)
    if refused:
        return refused
    q = customers.clean_query(request.GET.get("q", ""))
    return render(request, "community/customer_search.html", {"q": q, "results": customers.search(q)})


def customer_panel(request, pk):
    refused = _refusal(request)
    if refused:
        return refused
    customer = customers.get_customer(pk)
    if customer is None:
        raise Http404(_("There is no such customer."))
    before = timeline.from_cursor(request.GET.get("before"))
    page = timeline.timeline(customer, viewer=request.user, before=before)
    return render(request, "community/customer_panel.html", {
        "customer": customer, "page": page, "before": before,
        "customer_numbers": [n.number for n in customer.customer_numbers.all()],
        "years": int(customer.years_as_customer) if customer.customer_since else None,
        "is_staff_member": customer.is_staff, "member_teams": list(customer.teams.all()),
    })
