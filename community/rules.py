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
