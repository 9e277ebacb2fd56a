"""Date computation: per-date years, the published anchor, weekdays, and offsets in
days, weeks, months and years with calendar arithmetic."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from marshmallow import ValidationError

from factdb.loader.dates import DateError, Interval, compute_dates
from factdb.loader.facts_file import DateSchema

SATURDAY = dt.date(2026, 3, 14)
THURSDAY = dt.date(2026, 3, 12)


def load(**fields: Any) -> dict[str, Any]:
    loaded: dict[str, Any] = DateSchema().load({"key": "d", "text": "then", **fields})
    return loaded


def relative(published: dt.date | None = SATURDAY, **rule: Any) -> Interval:
    dates = [load(relative={"anchor": "published", **rule})]
    return compute_dates(dates, {}, 2019, published)["d"]


def span(interval: Interval) -> tuple[str, str, str]:
    return str(interval.start), str(interval.end), interval.precision


@pytest.mark.parametrize(
    ("published", "direction", "expected"),
    [
        (SATURDAY, "on_or_before", "2026-03-12"),
        (SATURDAY, "on_or_after", "2026-03-19"),
        (THURSDAY, "on_or_before", "2026-03-12"),  # the anchor is itself a Thursday
        (THURSDAY, "on_or_after", "2026-03-12"),
    ],
)
def test_weekday_on_or_before_and_after(published: dt.date, direction: str, expected: str) -> None:
    interval = relative(published, weekday="thursday", direction=direction)
    assert span(interval) == (expected, expected, "day")
    assert interval.rule is not None
    assert (interval.rule.anchor, interval.rule.weekday, interval.rule.direction) == (
        "published",
        "thursday",
        direction,
    )
    assert interval.rule.offset is None and interval.rule.unit is None
    assert interval.year_basis == "explicit"


def test_weekday_direction_defaults_to_on_or_before() -> None:
    interval = relative(weekday="monday")
    assert span(interval) == ("2026-03-09", "2026-03-09", "day")
    assert interval.rule is not None and interval.rule.direction == "on_or_before"


@pytest.mark.parametrize(
    ("published", "rule", "expected"),
    [
        # Calendar months: 31 January + 1 month is the last day of February.
        (dt.date(2026, 1, 31), {"offset": 1, "unit": "months", "precision": "day"}, "2026-02-28"),
        (dt.date(2024, 1, 31), {"offset": 1, "unit": "months", "precision": "day"}, "2024-02-29"),
        (dt.date(2024, 3, 31), {"offset": -1, "unit": "months", "precision": "day"}, "2024-02-29"),
        (dt.date(2024, 2, 29), {"offset": 1, "unit": "years", "precision": "day"}, "2025-02-28"),
        (SATURDAY, {"offset": -2, "unit": "weeks"}, "2026-02-28"),
        (SATURDAY, {"offset": 3}, "2026-03-17"),  # days by default
    ],
)
def test_offsets_in_calendar_units(published: dt.date, rule: dict[str, Any], expected: str) -> None:
    assert span(relative(published, **rule)) == (expected, expected, "day")


def test_months_default_to_the_whole_month() -> None:
    interval = relative(offset=3, unit="months")
    assert span(interval) == ("2026-06-01", "2026-06-30", "month")
    assert interval.length_days == 30
    assert interval.rule is not None and (interval.rule.offset, interval.rule.unit) == (3, "months")
    assert interval.rule.offset_days is None


def test_years_default_to_the_whole_year() -> None:
    interval = relative(offset=-75, unit="years")
    assert span(interval) == ("1951-01-01", "1951-12-31", "year")
    assert interval.length_days == 365


def test_weeks_are_stored_in_days_too() -> None:
    interval = relative(offset=-2, unit="weeks", length_days=7)
    assert span(interval) == ("2026-02-28", "2026-03-06", "day")
    assert interval.rule is not None and interval.rule.offset_days == -14


def test_part_of_month_precision_is_the_part_the_day_falls_in() -> None:
    interval = relative(offset=1, unit="months", precision="part_of_month")
    assert span(interval) == ("2026-04-11", "2026-04-20", "part_of_month")


def test_offset_days_keeps_its_meaning() -> None:
    """The old form: length_days long from the day, whatever the precision."""
    interval = relative(offset_days=-30, length_days=30, precision="month")
    assert span(interval) == ("2026-02-12", "2026-03-13", "month")
    assert interval.rule is not None
    assert (interval.rule.offset, interval.rule.unit, interval.rule.offset_days) == (
        -30,
        "days",
        -30,
    )


def test_published_anchor_needs_published_on() -> None:
    with pytest.raises(DateError) as raised:
        relative(None, weekday="thursday")
    assert raised.value.field == "relative.anchor"
    assert raised.value.key == "d"
    assert "published_on" in str(raised.value)


def test_offset_past_year_9999_is_an_error_on_the_offset() -> None:
    with pytest.raises(DateError) as raised:
        relative(dt.date(9999, 6, 1), offset=1, unit="years")
    assert raised.value.field == "relative.offset"


def test_a_date_of_its_own_year() -> None:
    date = load(when="--01", year={"value": 2020, "reason": "a coming month"})
    interval = compute_dates([date], {}, 2019)["d"]
    assert span(interval) == ("2020-01-01", "2020-01-31", "month")
    assert (interval.basis, interval.year_basis, interval.note) == (
        "explicit",
        "inferred",
        "a coming month",
    )


def test_an_inferred_date_of_its_own_year_keeps_both_reasons() -> None:
    date = load(
        inferred={"when": "--01-05", "reason": "implied"},
        year={"value": 2021, "reason": "the next January"},
    )
    interval = compute_dates([date], {}, 2019)["d"]
    assert span(interval) == ("2021-01-05", "2021-01-05", "day")
    assert interval.note == "implied\nthe next January"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"when": "2019-01", "year": {"value": 2020, "reason": "r"}}, "year", "already"),
        (
            {
                "relative": {"anchor": "published", "offset": 1},
                "year": {"value": 2020, "reason": "r"},
            },
            "year",
            "goes with when",
        ),
        ({"relative": {"anchor": "e", "offset_days": 1, "offset": 1}}, "relative", "not both"),
        ({"relative": {"anchor": "e", "weekday": "friday", "offset": 1}}, "relative", "weekday"),
        ({"relative": {"anchor": "e", "weekday": "fryday"}}, "relative", "one of"),
        ({"relative": {"anchor": "e"}}, "relative", "give offset"),
        ({"relative": {"anchor": "e", "offset_days": 1, "unit": "weeks"}}, "relative", "unit"),
        (
            {"relative": {"anchor": "e", "offset": 1, "direction": "on_or_after"}},
            "relative",
            "direction",
        ),
        (
            {"relative": {"anchor": "e", "weekday": "friday", "precision": "month"}},
            "relative",
            "one day",
        ),
        (
            {"relative": {"anchor": "e", "weekday": "friday", "length_days": 2}},
            "relative",
            "one day",
        ),
        (
            {"relative": {"anchor": "e", "offset": 1, "unit": "months", "length_days": 3}},
            "relative",
            "whole",
        ),
        ({"relative": {"anchor": "e", "offset": 1, "unit": "fortnights"}}, "relative", "one of"),
    ],
)
def test_bad_rules_are_refused(fields: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(ValidationError) as raised:
        load(**fields)
    assert field in raised.value.messages
    assert words in str(raised.value.messages[field])
