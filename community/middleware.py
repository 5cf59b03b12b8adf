"""Request middleware: member language, the admin's relaxed CSP, admins for staff, MFA for staff,
passed page passwords."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from community import languages, rules

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


class AdminsAreForStaffMiddleware:
    """A signed-in customer who opens an admin gets a page saying it is for staff. Left to the
    admins, each sends them to the login page, which sends a signed-in member straight back:
    an endless redirect."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and request.path.startswith(ADMIN_PREFIXES)
            and not may_enter_admin(user, request)
        ):
            return render(request, "community/staff_only.html", status=403)
        return self.get_response(request)


def may_enter_admin(user, request) -> bool:
    """What each admin itself requires: Wagtail's access permission, Django's staff flag."""
    if request.path.startswith("/admin/"):
        return user.has_perm("wagtailadmin.access_admin")
    return user.is_active and user.is_staff


class StaffMFAMiddleware:
    """Staff must set up TOTP before they can use anything but their account pages."""

    allowed_prefixes = ("/accounts/", "/static/", "/healthz", "/i18n/", "/jsi18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.allowed_prefixes) and rules.needs_mfa_setup(request.user):
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
