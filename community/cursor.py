"""Keyset ("cursor") pagination for the API's long lists: a page starts after the last row the
client saw, so rows added meanwhile never shift a page (no repeats, no gaps), and a deep page
costs what the first one does (an index range, never an OFFSET over thousands of rows).

    rows, after = cursor_page(ideas, ordering=("-vote_count", "-id"), cursor=raw, size=20)

The cursor is the ordering's values of the last row shown, as opaque URL-safe text. A cursor
the client made up can only start a page somewhere in the same (already filtered) queryset.
"""

import base64
import binascii
import json
import math
import operator
from functools import reduce

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

MAX_CURSOR = 400


class BadCursor(ValueError):
    pass


def _fields(ordering):
    return [(name.lstrip("-"), name.startswith("-")) for name in ordering]


def encode(row, ordering) -> str:
    values = [getattr(row, name) for name, _desc in _fields(ordering)]
    # Full isoformat: DjangoJSONEncoder would cut microseconds, and rows would repeat or vanish.
    raw = json.dumps(values, default=lambda value: value.isoformat(), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, model, ordering) -> list:
    """The ordering's values from a cursor, each parsed by its model field; BadCursor otherwise."""
    if not isinstance(cursor, str) or len(cursor) > MAX_CURSOR or not cursor.isascii():
        raise BadCursor(cursor)
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, RecursionError):
        raise BadCursor(cursor) from None
    fields = _fields(ordering)
    if not isinstance(values, list) or len(values) != len(fields):
        raise BadCursor(cursor)
    parsed = []
    for (name, _desc), value in zip(fields, values, strict=True):
        field = model._meta.get_field("id" if name == "pk" else name)
        if value is None or isinstance(value, (list, dict, bool)):
            raise BadCursor(cursor)
        try:
            value = field.to_python(value)
        except (ValidationError, TypeError, ValueError, OverflowError):
            raise BadCursor(cursor) from None
        # Within what the database stores: a 64-bit integer, a finite float.
        if isinstance(value, int) and not -(2**63) < value < 2**63 or isinstance(value, float) and not math.isfinite(value):
            raise BadCursor(cursor)
        parsed.append(value)
    return parsed


def _after(ordering, values) -> Q:
    """Rows after the cursor's row: (a < x) or (a = x and b < y) or ... for a descending a, b."""
    fields = _fields(ordering)
    alternatives = []
    for i, (name, desc) in enumerate(fields):
        equal = {f"{n}": v for (n, _d), v in zip(fields[:i], values[:i], strict=True)}
        alternatives.append(Q(**equal, **{f"{name}__{'lt' if desc else 'gt'}": values[i]}))
    return reduce(operator.or_, alternatives)


def cursor_page(queryset, *, ordering, cursor=None, size: int):
    """One page of rows after the cursor (None or "" for the first page) and the cursor of the
    next page (None on the last). The ordering must end with a unique field (the id). One query:
    a row more than shown tells whether there is a next page."""
    queryset = queryset.order_by(*ordering)
    if cursor:
        queryset = queryset.filter(_after(ordering, decode(cursor, queryset.model, ordering)))
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (encode(rows[-1], ordering) if more else None)


def bad_cursor_message() -> str:
    return _("This page link is not valid: start again from the first page.")


# Orderings on a computed value (an item's next due moment, which moves as the clock does) have
# no keyset the database can range over: their cursor holds the position instead. Opaque all
# the same, and checked like the others.
_OFFSET_PREFIX = "o"
MAX_OFFSET = 100_000


def encode_offset(offset: int) -> str:
    return f"{_OFFSET_PREFIX}{offset}"


def decode_offset(cursor) -> int:
    """The position in a cursor from encode_offset (0 for none); BadCursor otherwise."""
    if not cursor:
        return 0
    digits = cursor[len(_OFFSET_PREFIX):] if isinstance(cursor, str) and cursor.startswith(_OFFSET_PREFIX) else ""
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 6 or int(digits) > MAX_OFFSET:
        raise BadCursor(cursor)
    return int(digits)
