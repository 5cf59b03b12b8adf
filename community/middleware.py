"""Request middleware: member language, the admin's relaxed CSP, MFA for staff, passed page passwords."""

from allauth.mfa.models import Authenticator
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from community import languages

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class MemberLanguageMiddleware:
    """A signed-in member sees the site in their preferred language; choosing one from the
    language menu saves it as their preference (community.views.set_language). Visitors keep
    what Django's LocaleMiddleware chose: the menu's cookie, the browser's Accept-Language,
    then SITE_LANGUAGE. A stored code that is none of ours is ignored, not an error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = languages.supported(user.preferred_language)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class AdminAwareCSPMiddleware(CSPMiddleware):
    """The site gets the strict nonce policy; only the admins get the relaxed one."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(ADMIN_PREFIXES):
            return PolicyParts(settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"], None, None, None)
        return parts


class StaffMFAMiddleware:
    """Staff must set up TOTP before they can use anything but their account pages."""

    allowed_prefixes = ("/accounts/", "/static/", "/healthz", "/i18n/", "/jsi18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.STAFF_MFA_REQUIRED
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(self.allowed_prefixes)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request, _("Staff accounts need two-factor authentication. Set it up to continue.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class PagePasswordsMiddleware:
    """Page passwords a visitor entered (Wagtail keeps them in the session) also open what lives
    inside the page: its ideas on their own pages, in the API and in search."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from community.visibility import forget_passwords, remember_passwords

        token = remember_passwords(request.session)
        try:
            return self.get_response(request)
        finally:
            forget_passwords(token)
