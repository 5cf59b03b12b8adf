"""Finding a customer and reading their panel's head (attributes, languages, customer numbers).
Staff only: the views ask rules.why_not_view_customers first. The timeline is community.timeline."""

from django.db.models import Q

from community.inputs import clean_line, parse_id
from community.models import Member

MAX_QUERY = 200
MAX_RESULTS = 25


def clean_query(raw) -> str:
    """What staff typed, as one clean line: control characters and NUL dropped, at most 200 characters."""
    return clean_line(str(raw or ""))[:MAX_QUERY]


def search(q: str) -> list:
    """Active members whose name, e-mail or customer number contains q, or whose member number
    is q; at most MAX_RESULTS, in two queries (the members, their customer numbers)."""
    if not q:
        return []
    found = Q(display_name__icontains=q) | Q(email__icontains=q) | Q(customer_numbers__number__icontains=q)
    number = parse_id(q.lstrip("#"))
    if number is not None:
        found |= Q(pk=number)
    ids = (Member.objects.filter(found, is_active=True).values_list("pk", flat=True).distinct()
           .order_by("pk")[:MAX_RESULTS])
    return list(Member.objects.filter(pk__in=list(ids)).prefetch_related("customer_numbers", "teams")
                .order_by("display_name", "pk"))


def get_customer(pk) -> Member | None:
    """An active member by id, with their customer numbers; None for a deactivated or unknown id."""
    pk = parse_id(pk)
    if pk is None:
        return None
    return Member.objects.filter(pk=pk, is_active=True).prefetch_related("customer_numbers", "teams").first()
