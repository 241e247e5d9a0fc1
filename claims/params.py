"""Reading what a query string says, for the desk and the public side: any
value a person or a crawler can type gives a value or None, never an error
from the database (a number past the id column, a date past year 9999 once
in UTC, a NUL byte, which PostgreSQL text refuses)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

# The largest id a BigAutoField holds.
MAX_ID = 2**63 - 1


def positive_id(value: str | None) -> int | None:
    """A row id as typed, or None when it cannot be one."""
    try:
        number = int((value or "").strip())
    except ValueError:
        return None
    return number if 0 < number <= MAX_ID else None


# Far enough back for any claim's log; an OFFSET past it would only be slow.
MAX_PAGE = 10_000


def page_number(value: str | int | None) -> int:
    """A page number as typed: 1 for anything that is not one, at most MAX_PAGE."""
    try:
        number = int(str(value or "").strip())
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def search_text(value: str | None, limit: int = 200) -> str:
    """What to search for: no NUL bytes, no surrounding space, at most `limit` characters."""
    return (value or "").replace("\x00", "").strip()[:limit]


def moment(value: str | None) -> datetime | None:
    """An ISO 8601 date-time in UTC (a naive one is taken as UTC), or None.
    An unescaped "+" in a query string arrives as a space, so
    "…T10:00:00 02:00" is read as "+02:00"."""
    value = (value or "").strip()
    for candidate in (value, value.replace(" ", "+")):
        try:
            parsed = parse_datetime(candidate)
            if parsed is None:
                continue
            # 0001-01-01T00:00:00+05:00 is before year 1 in UTC.
            return parsed.astimezone(UTC) if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)
        except (ValueError, OverflowError):
            continue
    return None
