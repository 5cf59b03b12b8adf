"""factory-boy factories for every model tests create."""

import factory
from allauth.account.models import EmailAddress

from community.models import Member, Notification, Team
from community.services import grant_staff

PASSWORD = "a-Strong-passw0rd"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    username = factory.Sequence(lambda n: f"m-test-{n}")
    display_name = factory.Sequence(lambda n: f"Member {n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """MemberFactory(verified=False) makes a member whose e-mail is not confirmed."""
        if create:
            EmailAddress.objects.create(
                user=obj, email=obj.email, primary=True, verified=extracted is not False
            )


class StaffFactory(MemberFactory):
    email = factory.Sequence(lambda n: f"staff{n}@cocreate.example")

    @factory.post_generation
    def staff(obj, create, extracted, **kwargs):
        if create:
            grant_staff(obj, teams=extracted or ())


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(MemberFactory)
    kind = "test"
    title = factory.Sequence(lambda n: f"Something happened {n}")
    key = factory.Sequence(lambda n: f"test:{n}")
