"""Which URLs a webhook may call: http(s) to public addresses only, so a staff member cannot
point the server at itself, the internal network or a cloud metadata service (SSRF).

The host is resolved and every address it resolves to must be public; delivery resolves again
and connects to the address it checked (DNS may answer differently the second time).
WEBHOOKS_ALLOW_PRIVATE lets loopback and private networks through (tests, a local receiver);
link-local (169.254.169.254, the metadata service), multicast, reserved and unspecified
addresses are refused even then.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

URL_MAX = 500


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to `address`, send `host` in the Host header (and TLS SNI)."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (tests replace this)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def _nat64(ip):
    return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None


def why_not_address(address: str) -> str | None:
    """Why an IP address may not be called, or None."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return _("The host does not resolve to a usable address.")
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address inside IPv6 (mapped, 6to4, Teredo, NAT64) is judged as that address.
        ip = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None) or _nat64(ip) or ip
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved or ip.is_link_local:
        return _("Webhooks cannot be sent to %(address)s: it is not a public address.") % {"address": ip}
    if ip.is_global:
        return None
    if settings.WEBHOOKS_ALLOW_PRIVATE and (ip.is_loopback or ip.is_private):
        return None
    return _("Webhooks cannot be sent to %(address)s: it is a private or loopback address.") % {"address": ip}


def check_url(url) -> Target:
    """The URL as a Target, or ValidationError with a message for the staff member."""
    if not isinstance(url, str) or not url.strip():
        raise ValidationError(_("Enter the URL of your receiver."), code="url")
    url = url.strip()
    if len(url) > URL_MAX:
        raise ValidationError(_("This URL is too long (at most %(n)s characters).") % {"n": URL_MAX}, code="url")
    if not url.isascii() or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise ValidationError(
            _("The URL may not contain spaces, control characters or non-ASCII letters (use punycode)."), code="url"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValidationError(_("This is not a valid URL."), code="url")
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("Webhook URLs must start with https:// or http://."), code="url")
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("Put no user name or password in the URL: deliveries are signed."), code="url")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise ValidationError(_("This is not a valid URL."), code="url")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        addresses = []
    if not addresses:
        raise ValidationError(_("The host “%(host)s” does not resolve.") % {"host": host}, code="url")
    for address in addresses:
        reason = why_not_address(address)
        if reason:
            raise ValidationError(reason, code="url")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(scheme=parts.scheme, host=host, port=port, path=path, address=addresses[0])
