"""Hypothesis strategies for hostile input: the characters that hide in a
paste (bidi overrides, zero-width, NUL), text from every Unicode category,
1 MB lines, markup, and URLs built the way an attacker builds them."""

from __future__ import annotations

import ipaddress

from hypothesis import settings
from hypothesis import strategies as st

# Characters that change what is shown without being seen, or that parsers
# and databases treat specially.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
CONTROL = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\r\n\t"
SURROGATES = "\ud800\udbff\udc00\udfff"
HIDDEN = BIDI + ZERO_WIDTH + CONTROL

CATEGORIES = (
    *("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No"),
    *("Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"),
    *("Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn"),
)

MARKUP = [
    "<script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ request }}{% debug %}",
    "'; DROP TABLE claims_claim; --",
    "&lt;script&gt;",
]


def any_character(*, surrogates: bool = True) -> st.SearchStrategy[str]:
    """One character from one Unicode category, every category in turn
    (including unassigned, private use and, if asked, lone surrogates)."""
    categories = [c for c in CATEGORIES if surrogates or c != "Cs"]
    return st.sampled_from(categories).flatmap(lambda category: st.characters(categories=[category]))


def hostile_text(*, surrogates: bool = True, max_size: int = 60) -> st.SearchStrategy[str]:
    """Short text mixing every category, hidden characters and markup."""
    pieces = st.one_of(
        any_character(surrogates=surrogates),
        st.sampled_from(HIDDEN + (SURROGATES if surrogates else "")),
        st.sampled_from(MARKUP),
        st.text(max_size=8),
    )
    return st.lists(pieces, max_size=max_size).map("".join)


def huge_line(size: int = 1024 * 1024) -> st.SearchStrategy[str]:
    """A single line of about `size` characters: one repeated unit, so making
    it costs nothing, with a hostile piece somewhere in it."""
    unit = st.sampled_from(["a", "é", "例", "\u202e", "\u200b", " ", "<b>", "x\x00", "🙂"])
    return st.tuples(unit, hostile_text(surrogates=False, max_size=4), st.floats(0, 1)).map(
        lambda t: _splice(t[0] * (size // len(t[0])), t[1], t[2])
    )


def _splice(text: str, piece: str, where: float) -> str:
    at = int(len(text) * where)
    return text[:at] + piece + text[at:]


# URLs --------------------------------------------------------------------------


def _ipv4_forms(address: ipaddress.IPv4Address) -> st.SearchStrategy[str]:
    """The ways a resolver or a WHATWG parser reads one IPv4 address."""
    number = int(address)
    octets = address.packed
    return st.sampled_from(
        [
            str(address),
            str(number),  # 2130706433
            hex(number),  # 0x7f000001
            "0" + oct(number)[2:],  # 017700000001
            ".".join(f"0{o:o}" for o in octets),  # 0177.00.00.01
            ".".join(hex(o) for o in octets),  # 0x7f.0x0.0x0.0x1
            f"{octets[0]}.{int.from_bytes(octets[1:], 'big')}",  # 127.1
            f"{octets[0]}.{octets[1]}.{int.from_bytes(octets[2:], 'big')}",
            f"{hex(octets[0])}.{int.from_bytes(octets[1:], 'big')}",  # 0x7f.1
            str(address) + ".",
            "0" + str(address),
        ]
    )


def _ipv6_forms(address: ipaddress.IPv6Address) -> st.SearchStrategy[str]:
    forms = [str(address), address.exploded, f"{address}%25eth0", f"{address}%eth0"]
    return st.sampled_from(forms).map(lambda text: f"[{text}]")


INTERNAL_V4 = [
    "127.0.0.1",
    "127.1.2.3",
    "10.0.0.5",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.100.100.200",
    "168.63.129.16",
    "0.0.0.0",  # noqa: S104 (an address the guard must refuse, not one we bind to)
    "255.255.255.255",
    "224.0.0.1",
    "192.0.0.192",
]
PUBLIC_V4 = ["93.184.216.34", "8.8.8.8", "1.1.1.1"]


def _embedded_v6(v4: str) -> list[str]:
    """IPv6 addresses that carry an IPv4 address: mapped, compatible, 6to4, NAT64."""
    packed = ipaddress.IPv4Address(v4).packed.hex()
    high, low = packed[:4], packed[4:]
    return [f"::ffff:{v4}", f"::ffff:{high}:{low}", f"::{v4}", f"2002:{high}:{low}::", f"64:ff9b::{v4}"]


ipv4_hosts = st.one_of(
    st.sampled_from(INTERNAL_V4 + PUBLIC_V4).map(ipaddress.IPv4Address),
    st.ip_addresses(v=4),
).flatmap(_ipv4_forms)

ipv6_hosts = st.one_of(
    st.sampled_from([a for v4 in INTERNAL_V4 + PUBLIC_V4 for a in _embedded_v6(v4)]).map(ipaddress.IPv6Address),
    st.sampled_from(["::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "2606:2800:220:1::1"]).map(
        ipaddress.IPv6Address
    ),
    st.ip_addresses(v=6),
).flatmap(_ipv6_forms)

_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
name_hosts = st.one_of(
    st.lists(_label, min_size=1, max_size=4).map(lambda labels: ".".join([*labels, "example"])),
    st.sampled_from(
        [
            "example.com",
            "bücher.example",
            "xn--bcher-kva.example",
            "例え.jp",
            "xn--",
            "xn--zz",
            "localhost",
            "app.localhost",
            "LOCALHOST.",
            "a..b",
            "-a-.com",
            "ex%41mple.com",
            "exa\uff0emple.com",  # a full-width dot
            "ｅｘａｍｐｌｅ.com",  # full-width letters
        ]
    ),
    st.integers(60, 10_000).map(lambda n: "a" * n + ".com"),
    st.lists(st.just("a" * 63), min_size=3, max_size=6).map(".".join),
    st.text(any_character(), min_size=1, max_size=12),
)

hosts = st.one_of(ipv4_hosts, ipv6_hosts, name_hosts)

userinfo = st.sampled_from(["", "", "", "evil@", "user:pass@", "@", "a@b@", "127.0.0.1@", "example.com@", "%40@"])

ports = st.one_of(
    st.just(""),
    st.sampled_from([":80", ":443", ":", ":0", ":22", ":6379", ":8080", ":65535", ":65536", ":99999", ":-1", ":0x50"]),
    st.integers(-10, 200_000).map(lambda n: f":{n}"),
    st.text(any_character(), max_size=4).map(lambda text: f":{text}"),
)

schemes = st.sampled_from(["http", "https", "HTTP", "hTtPs", "ftp", "file", "javascript", "gopher", "data", ""])

paths = st.one_of(st.just("/"), st.text(any_character(), max_size=20).map(lambda text: "/" + text))


def _insert_hidden(url: str, char: str, where: float) -> str:
    return _splice(url, char, where) if char else url


def urls(*, disguise: bool = True) -> st.SearchStrategy[str]:
    """URLs assembled from the parts attackers vary; with `disguise`, one hidden
    character (RLO, zero-width, NUL, a lone surrogate...) is put somewhere."""
    base = st.builds(
        lambda scheme, user, host, port, path: f"{scheme}://{user}{host}{port}{path}",
        schemes,
        userinfo,
        hosts,
        ports,
        paths,
    )
    if not disguise:
        return base
    hidden = st.one_of(st.just(""), st.sampled_from(HIDDEN + SURROGATES), any_character())
    return st.builds(_insert_hidden, base, hidden, st.floats(0, 1))


def internal_urls() -> st.SearchStrategy[str]:
    """http(s) URLs on a web port whose host is an internal address, in any
    spelling (dotted, one number, octal, hex, short, mapped, 6to4, NAT64),
    with a hidden character or user-info sometimes added."""
    v4 = st.sampled_from(INTERNAL_V4).map(ipaddress.IPv4Address).flatmap(_ipv4_forms)
    v6 = st.sampled_from(
        [a for address in INTERNAL_V4 for a in _embedded_v6(address)] + ["::1", "::", "fe80::1", "fc00::1"]
    ).map(ipaddress.IPv6Address)
    base = st.builds(
        lambda scheme, user, host, port, path: f"{scheme}://{user}{host}{port}{path}",
        st.sampled_from(["http", "https", "HTTP"]),
        userinfo,
        st.one_of(v4, v6.flatmap(_ipv6_forms)),
        st.sampled_from(["", ":80", ":443"]),
        paths,
    )
    hidden = st.one_of(st.just(""), st.sampled_from(HIDDEN + SURROGATES))
    return st.builds(_insert_hidden, base, hidden, st.floats(0, 1))


def web_urls() -> st.SearchStrategy[str]:
    """URLs the guard may well accept: http(s), a name or a public address, a web port."""
    return st.builds(
        lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
        st.sampled_from(["http", "https"]),
        st.one_of(name_hosts, st.sampled_from(PUBLIC_V4), ipv4_hosts, ipv6_hosts),
        st.sampled_from(["", ":80", ":443"]),
        paths,
    )


def fewer(divisor: int, deadline_ms: int | None = None) -> settings:
    """The profile's settings with a `divisor`-th of its examples, for tests
    whose every example is a request or a megabyte (read when the test module
    is imported, after the fuzz conftest has loaded the profile), and a
    longer deadline if given."""
    deadline = {"deadline": deadline_ms} if deadline_ms else {}
    return settings(max_examples=max(5, settings.default.max_examples // divisor), **deadline)
