"""The endpoint form: a URL and the events it hears. The service checks both."""

from django import forms
from django.utils.translation import gettext_lazy as _

from community.webhooks.addresses import URL_MAX
from community.webhooks.events import EVENTS


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Receiver URL"),
        max_length=URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
        help_text=_("Where Cocreate sends a POST for each event. It must be a public https:// or http:// address."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=list(EVENTS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
