"""Which period a report or the inbox covers, inside the retention window (pure functions).

Conversations are kept ``RETENTION_DAYS`` days (``make forget-old``, default 30): a period that starts earlier is
refused, since its conversations are (or should be) gone. Topic trends compare with the period of the same length
just before; when that does not fit inside the retention window, with the first half of the period.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Mapping, Optional, Tuple

from insights.aggregate import DAY, Window

DEFAULT_DAYS = 30
DEFAULT_RETENTION_DAYS = 30


class PeriodError(ValueError):
    """A period that is not allowed (outside the retention window, empty, or unreadable)."""


def retention_days(environ: Mapping[str, str] = os.environ) -> int:
    value = environ.get("RETENTION_DAYS", "") or str(DEFAULT_RETENTION_DAYS)
    try:
        days = int(value)
    except ValueError:
        raise PeriodError(f"RETENTION_DAYS must be a whole number of days, got {value!r}") from None
    if days < 1:
        raise PeriodError(f"RETENTION_DAYS must be at least 1, got {days}")
    return days


def _timestamp(value: str, what: str) -> float:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise PeriodError(f"{what} must be a date (YYYY-MM-DD) or a time (YYYY-MM-DDTHH:MM), got {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.timestamp()


def choose(
    now: float,
    retention: int,
    days: Optional[float] = None,
    since: Optional[str] = None,
    until: Optional[str] = None,
) -> Tuple[Window, Window, Window]:
    """The period, and the two windows of its topics' trend: (period, recent, before).

    The trend compares the period with the one of the same length just before it (recent = the period); when
    that one does not lie inside the retention window, the period's second half with its first half.

    ``until`` defaults to ``now``; ``since`` to ``days`` (default 30) before ``until``. Raises PeriodError when the
    period starts before the retention window (``now - retention`` days), ends after now, or is empty.
    """
    end = _timestamp(until, "--until") if until else now
    if since:
        start = _timestamp(since, "--since")
    else:
        start = end - (DEFAULT_DAYS if days is None else days) * DAY
    oldest = now - retention * DAY
    if start < oldest - 1:  # a second's slack: "the last 30 days" with a retention of 30 days fits
        raise PeriodError(
            f"the period starts {(now - start) / DAY:.1f} days ago, before the retention window of {retention} days "
            f"(RETENTION_DAYS): its conversations are deleted by `make forget-old`; choose a later start"
        )
    if end > now + 1:
        raise PeriodError("the period ends in the future")
    if end <= start:
        raise PeriodError("the period is empty: --since must be before --until")
    start = max(start, oldest)
    length = end - start
    period = Window(start, end)
    if start - length >= oldest:
        return period, period, Window(start - length, start)
    half = start + length / 2
    return period, Window(half, end), Window(start, half)
