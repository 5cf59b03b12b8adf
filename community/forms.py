"""Forms for the member's own profile, sign-up, and the admins' member forms."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from community.inputs import check_name
from community.models import Member
from community.services import PROFILE_FIELDS


class DisplayNameMixin:
    """A display name is one line of visible text: a CR/LF in it would break every e-mail that
    names the member (a header), so it is refused with the typed text kept in the form."""

    def clean_display_name(self):
        return check_name(self.cleaned_data.get("display_name", ""))


class ProfileForm(DisplayNameMixin, forms.ModelForm):
    """Only what a member may change about themselves (see services.PROFILE_FIELDS)."""

    # Stored as a list of codes (JSON); offered as checkboxes.
    reading_languages = forms.MultipleChoiceField(
        label=Member._meta.get_field("reading_languages").verbose_name,
        help_text=Member._meta.get_field("reading_languages").help_text,
        choices=settings.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Member
        fields = PROFILE_FIELDS
        widgets = {"email_delivery": forms.RadioSelect}


class CustomerForm(DisplayNameMixin, forms.ModelForm):
    """Base for the admins' member forms (their fields are chosen where the form is built)."""


class SignupForm(DisplayNameMixin, forms.Form):
    """Extra sign-up field (allauth adds e-mail and password): how the member is shown."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=60,
        required=False,
        help_text=_("Shown next to your ideas and comments. You can change it later."),
    )

    def signup(self, request, user):
        user.display_name = self.cleaned_data.get("display_name", "")
        user.save(update_fields=["display_name"])
