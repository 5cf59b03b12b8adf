"""Staff tools for polls in the Wagtail admin: buttons from a poll's admin pages to its
results, conclusion and export on the site.

Ballots and answers have no admin view on purpose (see ideas/polls/models.py): the admin shows
a poll's results only as the site does, aggregated.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from ideas.polls.pages import PollPage


@hooks.register("register_page_header_buttons")
def poll_results_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, PollPage) and page.live:
        yield Button(_("Results and conclusion"), url=f"{page.url}#results", icon_name="view", priority=5)
        yield Button(_("Export results (CSV)"), url=reverse("poll_export", args=[page.pk]), icon_name="download", priority=6)
