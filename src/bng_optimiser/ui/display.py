"""Text as the pages show it: counted nouns, sentence case and UK dates and times."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

# Saved quotes are stamped in UTC, but the people reading them work on UK time.
UK_TIME_ZONE = ZoneInfo("Europe/London")


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """Return `1 row`, `2 rows`; `plural` is for nouns that do not just take an s."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def sentence(text: str) -> str:
    """Capitalise the first letter only: engine messages start in lower case for the CLI."""
    return text[:1].upper() + text[1:]


def uk_timestamp(value: str | datetime | None) -> str:
    """Format an ISO timestamp as UK time to the minute, such as `4 Dec 2026 21:05`.

    None and empty text give "". Text that is not an ISO timestamp is returned unchanged.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone(UK_TIME_ZONE)
    return f"{value.day} {value:%b %Y %H:%M}"
