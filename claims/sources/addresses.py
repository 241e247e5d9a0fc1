"""Refusing a URL from its text alone, before any connection: the common
mistakes first, in words that say what to change (and that a translator can
translate), then every rule the fetch applies to the text. `guard.check_url()`
and `guard.fetch()` call `checked_url()` with the current policy; where a name
points is checked at connect time, in the guard."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import httpx
from django.utils.translation import gettext as _
from ssrfguard import Policy, SSRFGuardError
from ssrfguard.errors import BlockedAddressError

# WHATWG URL parsing reads a host whose last label is a number (decimal, octal
# with a leading 0, or 0x-hex) as an IPv4 address, and so does the C resolver:
# `0x7f.1` is 127.0.0.1. Only the plain dotted quad is accepted; everything else
# of that shape is refused rather than decoded, because no real site needs it.
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)

# Whitespace, control characters, lone surrogates and the invisible format
# characters that come along when an address is copied from a document or a
# chat: a parser would drop or mangle them, so the URL fetched would not be
# the one checked.
_HIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\xad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ud800-\udfff]")


class BlockedURL(Exception):
    """Refused before any connection: the URL or the address it leads to is not a public web server."""


def checked_url(url: str, policy: Policy) -> httpx.URL:
    """The common mistakes first, in words that say what to change; then every
    rule the fetch applies to the text (ports, numeric hosts, ssrfguard's own
    checks). Where a name points is checked at connect time."""
    if not isinstance(url, str):
        raise BlockedURL(_("This is not a web address."))
    if len(url) > policy.max_url_length:
        # Before anything reads it, and without echoing it.
        raise BlockedURL(
            _("This address is %(length)s characters long; a web address we fetch has at most %(limit)s.")
            % {"length": f"{len(url):,}", "limit": f"{policy.max_url_length:,}"}
        )
    hidden = _HIDDEN.search(url)
    if hidden:
        raise BlockedURL(
            _(
                "This address has a space or an invisible character in it (%(code)s, character %(position)d); "
                "copy it again from the browser's address bar."
            )
            % {"code": f"U+{ord(hidden.group()):04X}", "position": hidden.start() + 1}
        )
    try:
        parts = urlsplit(url)
    except ValueError as bad:  # a broken [IPv6] host, or characters NFKC would turn into / ? # @ :
        raise _not_an_address(bad) from None
    try:
        valid_port = parts.port != 0
    except ValueError:  # not a number, or out of range
        valid_port = False
    if not valid_port:
        raise BlockedURL(
            _(
                "The port in this address is not a valid number: ports run from 1 to 65535, "
                "and most addresses leave it out."
            )
        )
    if parts.scheme not in ("http", "https"):
        if parts.scheme:
            refusal = _(
                "Only http:// and https:// addresses can be cited and fetched; this one starts with %(scheme)s:."
            )
            raise BlockedURL(refusal % {"scheme": _shown(parts.scheme)})
        raise BlockedURL(
            _("Only http:// and https:// addresses can be cited and fetched; this one has none (try https://).")
        )
    # Any '@', even with nothing before it: what precedes it is not the host,
    # and parsers disagree about which '@' ends it.
    if "@" in parts.netloc:
        raise BlockedURL(_("Remove the user name and password from the address (the part before '@')."))
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BlockedURL(_("This address has no site name in it (after the '//')."))
    if host == "localhost" or host.endswith(".localhost"):
        refusal = _("This address points inside our own network (%(host)s); cite a public address.")
        raise BlockedURL(refusal % {"host": _shown(host)})
    _refuse_private_literal(host, policy)
    try:
        parsed = httpx.URL(url)
        refuse_numeric_host(parsed.host)  # .host decodes IDNA, which raises for a malformed name ("xn--")
    except (httpx.InvalidURL, ValueError) as bad:
        raise _not_an_address(bad) from None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    if port not in policy.allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        refusal = _("Links to port %(port)d are not fetched; only web ports (%(allowed)s) are.")
        raise BlockedURL(refusal % {"port": port, "allowed": allowed})
    try:
        # Scheme, port and credentials again on the raw string, plus control
        # characters, encoded hosts and literal addresses against the table.
        policy.check_url(url)
        policy.check_url(str(parsed))
    except SSRFGuardError as refused:
        raise blocked(refused) from refused
    except ValueError as bad:  # ssrfguard's own IDNA decoding
        raise _not_an_address(bad) from None
    return parsed


def _refuse_private_literal(host: str, policy: Policy) -> None:
    """A host written as an IP address that is not on the public internet, in
    plain words; ssrfguard's table refuses more (platform and deployment
    addresses) once this has passed."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    # Only the allowed loopback ranges themselves, as in the policy: a mapped
    # or translated form of 127.0.0.1 is still refused with the allowance on.
    if not address.is_global and not any(address in network for network in policy.allowed_networks):
        refusal = _("This address points inside a private network (%(address)s); cite a public address.")
        raise BlockedURL(refusal % {"address": address})


def refuse_numeric_host(host: str) -> None:
    if ":" in host:  # an IPv6 literal, which ipaddress parses strictly
        return
    labels = host.rstrip(".").split(".")
    if not _NUMERIC_LABEL.match(labels[-1]):
        return
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        refusal = _(
            "The address %(host)s is an IP address written as a number, a trick used to reach internal machines; "
            "it is not fetched."
        )
        raise BlockedURL(refusal % {"host": repr(_shown(host))}) from None


def _shown(text: str, limit: int = 60) -> str:
    """Part of what was typed, short enough for a form error or a log line."""
    return text if len(text) <= limit else f"{text[:limit]}…"


def _not_an_address(bad: Exception) -> BlockedURL:
    refusal = _(
        "This is not a web address factcheck can fetch (%(why)s); copy it again from the browser's address bar."
    )
    return BlockedURL(refusal % {"why": _shown(str(bad), 120)})


def blocked(refused: SSRFGuardError) -> BlockedURL:
    # A literal address in the URL comes back as a URL refusal caused by an address refusal.
    if isinstance(refused.__cause__, BlockedAddressError):
        refused = refused.__cause__
    if isinstance(refused, BlockedAddressError):
        refusal = _(
            "The link leads to %(address)s, a private, local or otherwise internal network address (%(reason)s). "
            "factcheck only fetches pages on the public internet."
        )
        return BlockedURL(refusal % {"address": refused.address, "reason": refused.reason})
    # Reasons quote the host, which may be most of an 8,000-character string.
    reason = _shown(str(getattr(refused, "reason", refused)), 300)
    return BlockedURL(_("This link cannot be fetched safely: %(reason)s.") % {"reason": reason})
