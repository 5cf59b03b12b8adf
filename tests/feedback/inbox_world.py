"""The teams, people and feedback the inbox tests share: Billing owns the invoice touchpoint and the
Mobile board belongs to Network; Ingrid is a Billing agent, Nils a Network agent."""

from types import SimpleNamespace

from community.models import Member
from feedback import services
from feedback.models import CustomerNumber, FeedbackItem, RoutingRule, Tag
from tests.factories import (
    MemberFactory,
    StaffFactory,
    TeamFactory,
    TouchpointFactory,
    make_board,
    triage_team,
)


def make_world():
    triage_team()
    billing = TeamFactory(name="Billing", slug="billing")
    network = TeamFactory(name="Network", slug="network")
    ingrid = StaffFactory(staff=[billing], display_name="Ingrid")
    bo = StaffFactory(staff=[billing], display_name="Bo")
    nils = StaffFactory(staff=[network], display_name="Nils")
    admin = StaffFactory(staff=[triage_team()], display_name="Ada", is_superuser=True)
    Member.objects.filter(pk=admin.pk).update(is_superuser=True)
    admin.refresh_from_db()
    customer = MemberFactory(display_name="Kari", preferred_language="nb")
    touchpoint = TouchpointFactory(name="Invoice")
    CustomerNumber.objects.create(member=customer, number="100234")
    rule = RoutingRule.objects.create(name="Invoice questions", position=1, team=billing)
    rule.tags.add(Tag.objects.get(slug="invoice"))
    return SimpleNamespace(billing=billing, network=network, ingrid=ingrid, bo=bo, nils=nils, admin=admin,
                           customer=customer, touchpoint=touchpoint, mobile=make_board(owner_team=network),
                           billing_board=make_board(owner_team=billing))


def invoice_feedback(world, comment="Fakturaen min er feil, jeg ble belastet to ganger", score=3) -> FeedbackItem:
    """A detractor's answer on the invoice, with the customer's reference: tagged and routed."""
    answer = services.submit_answer(
        touchpoint=world.touchpoint, score=score, comment=comment, reference="100234",
        signature=services.sign_reference(world.touchpoint, "100234"), language="nb",
    )
    return FeedbackItem.objects.get(answer=answer)
