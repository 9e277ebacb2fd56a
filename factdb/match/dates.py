"""The date rule every dated kind shares: overlapping intervals are alike, intervals a
few days apart nearly so (one source may be a day off), farther ones not at all."""

from __future__ import annotations

import datetime as dt

from factdb.match.rules import Judgement

# Intervals this many days apart or more are judged unlike; closer ones lose a share
# of the fraction for each day between them.
CLOSE_DAYS = 8

Interval = tuple[dt.date, dt.date] | None


def _shown(interval: tuple[dt.date, dt.date]) -> str:
    start, end = interval
    return start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"


def judge_dates(rule: str, weight: float, a: Interval, b: Interval) -> Judgement:
    """``rule``'s judgement of two facts' dates (None: undated). An undated side is
    neither alike nor unlike: the rule counts half."""
    if a is None or b is None:
        side = "both" if a is None and b is None else "one"
        return Judgement(rule, 0.5, weight, f"{side} undated: neither alike nor unlike")
    start, end = max(a[0], b[0]), min(a[1], b[1])
    if start <= end:
        return Judgement(rule, 1.0, weight, f"dates overlap ({_shown((start, end))})")
    days = (start - end).days
    fraction = max(0.0, 1 - days / CLOSE_DAYS)
    plural = "day" if days == 1 else "days"
    detail = f"dates {days} {plural} apart ({_shown(a)}, {_shown(b)})"
    return Judgement(rule, round(fraction, 3), weight, detail)
