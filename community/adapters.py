"""allauth adapters: sign-up policy and what a new member starts with."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation

from community.inputs import check_name


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return getattr(settings, "SIGNUP_OPEN", True)

    def populate_username(self, request, user):
        if not user.username:
            user.username = user.make_username(user.email)

    def save_user(self, request, user, form, commit=True):
        # New members start in the language they browsed in.
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        return super().save_user(request, user, form, commit)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if not user.username:
            user.username = user.make_username(user.email)
        if not user.display_name:
            try:
                user.display_name = check_name(data.get("name") or "")[:60]
            except ValidationError:  # the provider's name has line breaks: start without one
                user.display_name = ""
        return user
