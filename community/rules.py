"""Who may do what, for members in general. Small pure predicates; apps build on them."""


def is_member(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_verified_member(user) -> bool:
    """Signed in with a confirmed e-mail address: may post, vote and comment."""
    return is_member(user) and user.is_verified


def is_staff(user) -> bool:
    return is_member(user) and user.is_staff


def can_edit_customer_attributes(user) -> bool:
    """Plan, region and customer-since are trusted data: staff set them, customers cannot."""
    return is_staff(user)


def needs_mfa_setup(user) -> bool:
    """Staff without TOTP, where STAFF_MFA_REQUIRED: no staff powers until they set it up, on
    any path (pages, admins, the websocket)."""
    from allauth.mfa.models import Authenticator
    from django.conf import settings

    return bool(
        settings.STAFF_MFA_REQUIRED
        and is_staff(user)
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    )
