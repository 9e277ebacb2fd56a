"""Turn the date expressions of a facts file into normalized intervals."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from factdb.loader.schemas import PartialDate
from factdb.vocabulary import MONTH_PARTS


@dataclass(frozen=True)
class Interval:
    """A computed date: [start, end] with how it was established."""

    start: dt.date
    end: dt.date
    precision: str
    basis: str
    year_basis: str
    anchor_key: str | None = None
    offset_days: int | None = None
    length_days: int = 1
    note: str | None = None


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
    dates: list[dict[str, Any]], event_dates: dict[str, str | None], default_year: int | None
) -> dict[str, Interval]:
    """Compute every date of a file, relative ones after their anchors.

    ``event_dates`` maps each event key to its date key, since relative dates are
    anchored on events. A DateError carries the key of the faulty date.
    """
    by_key = {item["key"]: item for item in dates}
    done: dict[str, Interval] = {}

    def compute(key: str, trail: tuple[str, ...]) -> Interval:
        if key in done:
            return done[key]
        item = by_key[key]
        try:
            done[key] = _compute_one(item, trail, compute, event_dates, by_key, default_year)
        except DateError as error:
            error.key = error.key or key
            raise
        return done[key]

    for key in by_key:
        compute(key, ())
    return done


def _compute_one(
    item: dict[str, Any],
    trail: tuple[str, ...],
    compute: Any,
    event_dates: dict[str, str | None],
    by_key: dict[str, dict[str, Any]],
    default_year: int | None,
) -> Interval:
    if item["when"] is not None:
        start, end, precision, year_basis = calendar_interval(
            item["when"], item["part"], default_year
        )
        return Interval(start, end, precision, "explicit", year_basis)
    if item["inferred"] is not None:
        inferred = item["inferred"]
        start, end, precision, year_basis = calendar_interval(
            inferred["when"], inferred["part"], default_year, field="inferred.when"
        )
        return Interval(start, end, precision, "inferred", year_basis, note=inferred["reason"])
    relative = item["relative"]
    anchor_event = relative["anchor"]
    if anchor_event not in event_dates:
        raise DateError("relative.anchor", f"unknown anchor event {anchor_event!r}")
    anchor_key = event_dates[anchor_event]
    if anchor_key is None or anchor_key not in by_key:
        raise DateError("relative.anchor", f"anchor event {anchor_event!r} has no date")
    if anchor_key in trail or anchor_key == item["key"]:
        cycle = " -> ".join((*trail, item["key"], anchor_key))
        raise DateError("relative.anchor", f"relative dates form a cycle: {cycle}")
    anchor = compute(anchor_key, (*trail, item["key"]))
    try:
        start = anchor.start + dt.timedelta(days=relative["offset_days"])
        end = start + dt.timedelta(days=relative["length_days"] - 1)
    except OverflowError:
        raise DateError("relative.offset_days", "the date falls outside years 1 to 9999") from None
    return Interval(
        start,
        end,
        relative["precision"],
        "relative",
        anchor.year_basis,
        anchor_key=anchor_key,
        offset_days=relative["offset_days"],
        length_days=relative["length_days"],
    )
