"""Publishing a poll makes its options from the questions' lines and schedules its invitations."""

from django.dispatch import receiver
from wagtail.signals import page_published

from ideas.polls.pages import PollPage


@receiver(page_published, sender=PollPage)
def _poll_published(sender, instance, **kwargs):
    from ideas.polls import services

    services.sync_options(instance)
    services.schedule(instance)
