"""Who may do what, for members in general. Small pure predicates; apps build on them.

Each rule an entry point must enforce comes as a pair: a predicate for templates and lists
(`can_x`) and a `check_can_x` that raises NotAllowed with the words the member reads. Services
call the check; views, the API, sockets and admin forms show its message and never restate it.
"""


class NotAllowed(Exception):
    """The member may not do this; the message is worded for them and already translated."""


class Changed(NotAllowed):
    """What the member acted on changed meanwhile (someone else saved first): a conflict, not a
    lack of rights. Pages show it with what they typed; the API answers 409."""


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


def why_not_view_customers(user):
    """The customer panel and customer search: staff of any team (what each panel entry shows is
    narrowed further by the apps' own visibility, such as FeedbackItem.objects.visible_to)."""
    from django.utils.translation import gettext as _

    if not is_staff(user):
        return _("Only staff can see customers' history.")
    return None


def rule(why_not):
    """The (predicate, check) pair of a rule, from one function that returns why the member may
    not (a translated message) or None when they may:

        can_vote, check_can_vote = rule(why_not_vote)
    """

    def predicate(*args, **kwargs) -> bool:
        return why_not(*args, **kwargs) is None

    def check(*args, **kwargs) -> None:
        reason = why_not(*args, **kwargs)
        if reason is not None:
            raise NotAllowed(reason)

    predicate.__doc__ = check.__doc__ = why_not.__doc__
    return predicate, check


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


can_view_customers, check_can_view_customers = rule(why_not_view_customers)
