"""Turn the date expressions of a facts file into normalized intervals."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from factdb.loader.facts_file import CALENDAR_PRECISIONS, PUBLISHED, PartialDate
from factdb.vocabulary import MONTH_PARTS, WEEKDAYS

# Calendar arithmetic is dateutil's: 31 January + 1 month is the last day of February,
# and relativedelta(weekday=TH(-1)) the Thursday on or before a day (TH(+1) on or after).
_WEEKDAYS = dict(zip(WEEKDAYS, (MO, TU, WE, TH, FR, SA, SU), strict=True))
_DIRECTIONS = {"on_or_before": -1, "on_or_after": +1}


@dataclass(frozen=True)
class Rule:
    """How a relative date was computed, as stored: from the anchor date ``anchor_key``
    or the source's published_on (``anchor`` date or published), a whole number of
    units or the weekday on or before (after) it."""

    anchor: str
    anchor_key: str | None = None
    offset: int | None = None
    unit: str | None = None
    weekday: str | None = None
    direction: str | None = None

    @property
    def offset_days(self) -> int | None:
        """The offset in days, for an offset in days or weeks."""
        if self.offset is None or self.unit not in ("days", "weeks"):
            return None
        return self.offset * (7 if self.unit == "weeks" else 1)


def rule_columns(interval: Interval) -> dict[str, Any]:
    """The columns of the dates table that store ``interval``'s rule (all NULL for a
    date that is not relative), for both writers; anchor_date_id is theirs to set."""
    rule = interval.rule
    return {
        "relative_anchor": None if rule is None else rule.anchor,
        "relative_offset": None if rule is None else rule.offset,
        "relative_unit": None if rule is None else rule.unit,
        "relative_weekday": None if rule is None else rule.weekday,
        "relative_direction": None if rule is None else rule.direction,
        "offset_days": None if rule is None else rule.offset_days,
    }


@dataclass(frozen=True)
class Interval:
    """A computed date: [start, end] with how it was established."""

    start: dt.date
    end: dt.date
    precision: str
    basis: str
    year_basis: str
    rule: Rule | None = None
    length_days: int = 1
    note: str | None = None

    @property
    def anchor_key(self) -> str | None:
        return None if self.rule is None else self.rule.anchor_key


class DateError(ValueError):
    """A date that cannot be computed; ``field`` names the offending field."""

    def __init__(self, field: str, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.key = key


def calendar_interval(
    when: PartialDate, part: str | None, default_year: int | None, field: str = "when"
) -> tuple[dt.date, dt.date, str, str]:
    """Return (start, end, precision, year_basis) for an explicit or inferred date."""
    year_basis = "explicit" if when.year is not None else "inferred"
    year = when.year if when.year is not None else default_year
    if year is None:
        raise DateError(field, "the date has no year and the source gives no year")
    try:
        if when.month is None:
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "year", year_basis
        last_day = calendar.monthrange(year, when.month)[1]
        if when.day is not None:
            day = dt.date(year, when.month, when.day)
            return day, day, "day", year_basis
        if part is not None:
            first, last = MONTH_PARTS[part]
            start = dt.date(year, when.month, first)
            return (
                start,
                dt.date(year, when.month, min(last, last_day)),
                "part_of_month",
                year_basis,
            )
        return (
            dt.date(year, when.month, 1),
            dt.date(year, when.month, last_day),
            "month",
            year_basis,
        )
    except ValueError as error:
        raise DateError(field, f"impossible date: {error}") from None


def compute_dates(
    dates: list[dict[str, Any]],
    event_dates: dict[str, str | None],
    default_year: int | None,
    published_on: dt.date | None = None,
    stored: dict[str, Interval] | None = None,
) -> dict[str, Interval]:
    """Compute every date of a file, relative ones after their anchors.

    ``event_dates`` maps each event key to its date key, since relative dates are
    anchored on events (or on ``published_on``); ``stored`` gives the dates of other
    sources' events that ``event_dates`` names. A DateError carries the faulty date's key.
    """
    by_key = {item["key"]: item for item in dates}
    done: dict[str, Interval] = dict(stored or {})
    # The dates an anchor may name: this file's, and the stored ones given.
    anchors: dict[str, Any] = {**dict.fromkeys(done), **by_key}

    def compute(key: str, trail: tuple[str, ...]) -> Interval:
        if key in done:
            return done[key]
        item = by_key[key]
        try:
            if item["relative"] is None:
                done[key] = _calendar_date(item, default_year)
            else:
                anchor = _anchor(item, trail, compute, event_dates, anchors, published_on)
                done[key] = _relative_date(item["relative"], anchor)
        except DateError as error:
            error.key = error.key or key
            raise
        return done[key]

    for key in by_key:
        compute(key, ())
    return {key: done[key] for key in done if key in by_key}


def _calendar_date(item: dict[str, Any], default_year: int | None) -> Interval:
    """An explicit or inferred date; its own ``year`` overrides the source's."""
    own_year = item["year"]
    year = default_year if own_year is None else own_year["value"]
    year_note = None if own_year is None else own_year["reason"]
    if item["when"] is not None:
        start, end, precision, year_basis = calendar_interval(item["when"], item["part"], year)
        return Interval(start, end, precision, "explicit", year_basis, note=year_note)
    inferred = item["inferred"]
    start, end, precision, year_basis = calendar_interval(
        inferred["when"], inferred["part"], year, field="inferred.when"
    )
    note = "\n".join(part for part in (inferred["reason"], year_note) if part)
    return Interval(start, end, precision, "inferred", year_basis, note=note)


@dataclass(frozen=True)
class _Anchor:
    start: dt.date
    year_basis: str
    key: str | None  # the anchor date's key; None for published_on


def _anchor(
    item: dict[str, Any],
    trail: tuple[str, ...],
    compute: Any,
    event_dates: dict[str, str | None],
    by_key: dict[str, dict[str, Any]],
    published_on: dt.date | None,
) -> _Anchor:
    anchor_event = item["relative"]["anchor"]
    if anchor_event == PUBLISHED:
        if published_on is None:
            raise DateError(
                "relative.anchor", "the anchor is published, but source.published_on is not set"
            )
        return _Anchor(published_on, "explicit", None)
    if anchor_event not in event_dates:
        raise DateError("relative.anchor", f"unknown anchor event {anchor_event!r}")
    anchor_key = event_dates[anchor_event]
    if anchor_key is None or anchor_key not in by_key:
        raise DateError("relative.anchor", f"anchor event {anchor_event!r} has no date")
    if anchor_key in trail or anchor_key == item["key"]:
        cycle = " -> ".join((*trail, item["key"], anchor_key))
        raise DateError("relative.anchor", f"relative dates form a cycle: {cycle}")
    anchor = compute(anchor_key, (*trail, item["key"]))
    return _Anchor(anchor.start, anchor.year_basis, anchor_key)


def _relative_date(relative: dict[str, Any], anchor: _Anchor) -> Interval:
    """The date ``relative`` (loaded with its defaults) names from ``anchor``'s first day."""
    kind = "published" if anchor.key is None else "date"
    rule = Rule(
        kind,
        anchor.key,
        relative["offset"],
        None if relative["weekday"] else relative["unit"],
        relative["weekday"],
        relative["direction"],
    )
    precision, length = relative["precision"], relative["length_days"]
    field = "relative.offset_days" if relative["legacy"] else "relative.offset"
    try:
        day = relative_day(rule, anchor.start)
        if relative["legacy"] or precision not in CALENDAR_PRECISIONS:
            start, end = day, day + dt.timedelta(days=length - 1)
        else:
            start, end = calendar_period(day, precision)
            length = (end - start).days + 1
    except (OverflowError, ValueError):
        raise DateError(field, "the date falls outside years 1 to 9999") from None
    return Interval(start, end, precision, "relative", anchor.year_basis, rule, length)


def relative_day(rule: Rule, anchor_start: dt.date) -> dt.date:
    """The day ``rule`` names from an anchor starting on ``anchor_start``."""
    if rule.weekday is not None:
        assert rule.direction is not None, "the schema sets the direction"
        named = _WEEKDAYS[rule.weekday](_DIRECTIONS[rule.direction])
        return anchor_start + relativedelta(weekday=named)
    assert rule.offset is not None and rule.unit is not None, "the schema sets both"
    units = {rule.unit: rule.offset}
    step = relativedelta(
        days=units.get("days", 0),
        weeks=units.get("weeks", 0),
        months=units.get("months", 0),
        years=units.get("years", 0),
    )
    result: dt.date = anchor_start + step
    return result


def calendar_period(day: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The whole month, part of a month or year that ``day`` falls in."""
    if precision == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    last_day = calendar.monthrange(day.year, day.month)[1]
    if precision == "month":
        return day.replace(day=1), day.replace(day=last_day)
    first, last = next(bounds for bounds in MONTH_PARTS.values() if bounds[1] >= day.day)
    return day.replace(day=first), day.replace(day=min(last, last_day))
