"""Times as the database returns them, made comparable."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(moment: datetime) -> datetime:
    """SQLite returns datetimes without their zone; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)


def utc_now() -> datetime:
    return datetime.now(UTC)
