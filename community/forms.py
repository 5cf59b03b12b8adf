"""Forms for the member's own profile."""

from django import forms

from community.models import Member
from community.services import PROFILE_FIELDS


class ProfileForm(forms.ModelForm):
    """Only what a member may change about themselves (see services.PROFILE_FIELDS)."""

    class Meta:
        model = Member
        fields = PROFILE_FIELDS
        widgets = {"email_delivery": forms.RadioSelect}
