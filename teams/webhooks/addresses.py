"""Where a webhook may be sent: the guard against server-side request forgery.

An endpoint is an https URL whose host resolves only to public addresses. With WEBHOOKS_ALLOW_HTTP (default:
DEBUG; the tests set it) loopback addresses are allowed too, and http, but only to loopback. The address is
checked when the endpoint is saved and again at every connection: the delivery connects to the very address it
checked (a host that resolves elsewhere later, DNS rebinding, gains nothing), and redirects are never followed.
"""
import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from teams.text_input import check_line

MAX_URL_LENGTH = 500
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def allow_loopback() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_HTTP", settings.DEBUG))


def allowed(address: IPAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback:
        return allow_loopback()
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def resolve(host: str, port: int) -> list[str]:
    """The host's addresses; ValidationError if it has none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ValidationError(_("The host %(host)s could not be found.") % {"host": host})
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_url(url: object) -> str:
    """The URL if webhooks may be sent to it, else ValidationError saying why (nothing is sent)."""
    if not isinstance(url, str) or not url.strip():
        raise ValidationError(_("Enter the receiver's URL."))
    url = url.strip()
    check_line(url)  # no lone surrogate, NUL, control or invisible character
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(_("A URL has at most %(max)d characters.") % {"max": MAX_URL_LENGTH})
    try:
        URLValidator(schemes=["http", "https"])(url)
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except (ValidationError, ValueError):
        raise ValidationError(_("Enter a valid URL, such as https://example.org/hooks."))
    if parts.username is not None or parts.password is not None:
        raise ValidationError(_("Put no user name or password into the URL: deliveries are signed instead."))
    host = parts.hostname or ""
    addresses = [ipaddress.ip_address(address.split("%")[0]) for address in resolve(host, port)]
    if not all(allowed(address) for address in addresses):
        raise ValidationError(_("Webhooks are not sent to private, local or reserved addresses."))
    if parts.scheme == "http" and not (allow_loopback() and all(address.is_loopback for address in addresses)):
        raise ValidationError(_("The URL must start with https://."))
    return url


def guarded_connect(address: tuple[str, int], timeout: float | None = None, source_address=None) -> socket.socket:
    """socket.create_connection to an allowed address of the host only (checked now, connected to as checked)."""
    host, port = address
    try:
        candidates = resolve(host, port)
    except ValidationError as error:
        raise OSError(error.messages[0])
    for candidate in candidates:
        if allowed(ipaddress.ip_address(candidate.split("%")[0])):
            return socket.create_connection((candidate, port), timeout, source_address)
    raise ConnectionRefusedError(_("Webhooks are not sent to private, local or reserved addresses."))
