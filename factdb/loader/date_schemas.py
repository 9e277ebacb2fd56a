"""The dates section of a facts file: explicit, inferred and relative dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from factdb.loader.schema_fields import (
    ExcerptField,
    excerpt_list,
    plain_text,
    reference,
    slug_field,
)
from factdb.vocabulary import (
    DATE_PRECISIONS,
    MONTH_PARTS,
    OFFSET_UNITS,
    WEEKDAY_DIRECTIONS,
    WEEKDAYS,
)

# The anchor of a relative date that is the source's published_on, not an event key.
PUBLISHED = "published"


@dataclass(frozen=True)
class PartialDate:
    """A calendar date whose year, month or day may be missing (``--09-12``, ``2019-08``)."""

    year: int | None
    month: int | None
    day: int | None


# YYYY, YYYY-MM, YYYY-MM-DD, or --MM, --MM-DD when the text gives no year.
_PARTIAL_DATE = re.compile(
    r"^(?:(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?|--(\d{2})(?:-(\d{2}))?)$", re.ASCII
)


class PartialDateField(fields.Field):
    """YYYY, YYYY-MM, YYYY-MM-DD, or --MM and --MM-DD for a date written without a year."""

    default_error_messages = {  # noqa: RUF012 - marshmallow's own class attribute
        "invalid": "must be YYYY, YYYY-MM, YYYY-MM-DD, --MM or --MM-DD",
        "impossible": "is not a calendar date",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> PartialDate:
        # YAML reads an unquoted 2019-09-12 as a date and 2019 as a number.
        match = _PARTIAL_DATE.match(str(value))
        if not match:
            raise self.make_error("invalid")
        year, month, day, bare_month, bare_day = (int(g) if g else None for g in match.groups())
        if year is None:
            month, day = bare_month, bare_day
        if (month is not None and not 1 <= month <= 12) or (day is not None and not 1 <= day <= 31):
            raise self.make_error("impossible")
        return PartialDate(year, month, day)


class YearSchema(Schema):
    value = fields.Integer(required=True, validate=validate.Range(1, 9999))
    reason = plain_text()


class RelativeDateSchema(Schema):
    """An anchor (an event key, or ``published``) and either a whole number of units
    from it or the weekday nearest it; loaded with its form's defaults filled in."""

    anchor = reference
    offset_days = fields.Integer(load_default=None, validate=validate.Range(-36_500, 36_500))
    offset = fields.Integer(load_default=None, validate=validate.Range(-36_500, 36_500))
    unit = fields.String(load_default=None, validate=validate.OneOf(OFFSET_UNITS))
    weekday = fields.String(load_default=None, validate=validate.OneOf(WEEKDAYS))
    direction = fields.String(load_default=None, validate=validate.OneOf(WEEKDAY_DIRECTIONS))
    length_days = fields.Integer(load_default=None, validate=validate.Range(1, 36_500))
    precision = fields.String(load_default=None, validate=validate.OneOf(DATE_PRECISIONS))

    @validates_schema
    def one_rule(self, data: dict[str, Any], **kwargs: Any) -> None:
        offset_days, offset, weekday = data["offset_days"], data["offset"], data["weekday"]
        if offset_days is not None and offset is not None:
            raise ValidationError("give offset_days or offset, not both", "offset")
        if weekday is not None and (offset_days is not None or offset is not None):
            raise ValidationError("a weekday goes without an offset", "weekday")
        if weekday is None and offset_days is None and offset is None:
            raise ValidationError("give offset (with unit), offset_days or weekday", "offset")
        if data["unit"] is not None and offset is None:
            raise ValidationError("unit goes with offset", "unit")
        if data["direction"] is not None and weekday is None:
            raise ValidationError("direction goes with weekday", "direction")
        if weekday is not None and data["precision"] not in (None, "day"):
            raise ValidationError("a weekday is one day: precision is day", "precision")
        if weekday is not None and data["length_days"] is not None:
            raise ValidationError("a weekday is one day: give no length_days", "length_days")

    @post_load
    def with_defaults(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """offset_days: N as offset: N, unit: days (``legacy``: its interval is always
        length_days long); the direction on_or_before; the precision by unit."""
        data["legacy"] = data["offset_days"] is not None
        if data["legacy"]:
            data["offset"], data["unit"] = data.pop("offset_days"), "days"
        else:
            del data["offset_days"]
        if data["weekday"] is not None:
            data["direction"] = data["direction"] or "on_or_before"
        elif data["unit"] is None:
            data["unit"] = "days"
        by_unit = {"months": "month", "years": "year"}
        data["precision"] = data["precision"] or by_unit.get(data["unit"] or "", "day")
        calendar_period = not data["legacy"] and data["precision"] in CALENDAR_PRECISIONS
        if calendar_period and data["length_days"] is not None:
            message = f"a {data['precision']} date is a whole one: give no length_days"
            raise ValidationError(message, "length_days")
        data["length_days"] = data["length_days"] or 1
        return data


# Precisions whose relative date is the whole calendar period its day falls in.
CALENDAR_PRECISIONS = ("month", "part_of_month", "year")


class InferredDateSchema(Schema):
    when = PartialDateField(required=True)
    part = fields.String(load_default=None, validate=validate.OneOf(tuple(MONTH_PARTS)))
    reason = plain_text()


class DateSchema(Schema):
    key = slug_field
    text = ExcerptField(required=True)
    when = PartialDateField(load_default=None)
    part = fields.String(load_default=None, validate=validate.OneOf(tuple(MONTH_PARTS)))
    relative = fields.Nested(RelativeDateSchema, load_default=None)
    inferred = fields.Nested(InferredDateSchema, load_default=None)
    # This date's own year, for a `when` written without one; overrides source.year.
    year = fields.Nested(YearSchema, load_default=None)
    evidence = excerpt_list(required=False)

    @validates_schema
    def one_basis(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [name for name in ("when", "relative", "inferred") if data.get(name) is not None]
        if len(given) != 1:
            raise ValidationError("give exactly one of when, relative or inferred", "when")
        if data.get("part") and data.get("when") is None:
            raise ValidationError("part goes with when", "part")
        if data.get("year") is not None:
            when = data.get("when") or (data.get("inferred") or {}).get("when")
            if when is None:
                raise ValidationError("year goes with when or inferred.when", "year")
            if when.year is not None:
                raise ValidationError("the date already has a year", "year")
