"""Strict query-string parsing: unknown parameters and bad values are 400s."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import flask_smorest
import marshmallow as ma
from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates_schema
from webargs.fields import DelimitedList
from webargs.flaskparser import FlaskParser

MAX_LIMIT = 500
DEFAULT_LIMIT = 50
MAX_TEXT = 200


class StrictParser(FlaskParser):
    """webargs' Flask parser, but unknown query parameters raise and errors are 400."""

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION = {  # noqa: RUF012 - webargs' own class attribute
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        "query": ma.RAISE,
    }


class Blueprint(flask_smorest.Blueprint):
    """A flask-smorest blueprint using the strict parser."""

    ARGUMENTS_PARSER = StrictParser()

    def arguments(self, schema: Any, *args: Any, **kwargs: Any) -> Any:
        """As flask-smorest's, with a schema class instantiated once here rather than by
        webargs on every request (a deep copy of its fields each time)."""
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


class CommaSeparated(DelimitedList):
    """``kind=meeting,visit``: values from a vocabulary, OR-ed together; documented as
    a comma-separated array (style form, explode false) of exactly those values."""

    def __init__(self, choices: Sequence[str], description: str | None = None, **kwargs: Any):
        self.choices = tuple(choices)
        one = fields.String(
            validate=validate.OneOf(
                self.choices, error="unknown value {input!r}; choose from {choices}"
            )
        )
        text = (
            description or "One or more of " + ", ".join(self.choices) + ", comma-separated (OR)."
        )
        super().__init__(
            one,
            validate=validate.Length(min=1, error="give at least one value"),
            metadata={"description": text},
            **kwargs,
        )


def field_names(schema: Schema) -> CommaSeparated:
    """The fields parameter of a collection whose rows ``schema`` dumps: the names of its
    fields, dotted for nested ones; the document lists exactly these."""
    return CommaSeparated(
        _paths(schema),
        "Only these fields, comma-separated; dotted for nested ones (speaker.name).",
        data_key="fields",
    )


def _paths(schema: Schema) -> list[str]:
    """Every field of ``schema`` and, for a nested schema, each of its dotted paths."""
    names = []
    for name, field in schema.fields.items():
        names.append(name)
        inner = getattr(field, "inner", field)
        if isinstance(inner, fields.Nested):
            names += [f"{name}.{path}" for path in _paths(inner.schema)]
    return names


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise ValidationError("must be a string")
    return value


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)


class Period(fields.Field):
    """YYYY, YYYY-MM or YYYY-MM-DD, loaded as the (first day, last day) it covers."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            metadata={"description": "YYYY, YYYY-MM or YYYY-MM-DD", "example": "2019-09"},
            **kwargs,
        )

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> tuple[dt.date, dt.date]:
        text = _string(value)
        match = _PERIOD.match(text)
        if not match:
            raise ValidationError("must be YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None
        try:
            if month is None:
                return dt.date(year, 1, 1), dt.date(year, 12, 31)
            if day is None:
                first = dt.date(year, month, 1)  # rejects month 13 before monthrange does
                return first, first.replace(day=calendar.monthrange(year, month)[1])
            day_date = dt.date(year, month, day)
            return day_date, day_date
        except ValueError:
            raise ValidationError(f"{text!r} is not a calendar date") from None


def text_field(description: str, **kwargs: Any) -> fields.String:
    return fields.String(
        validate=validate.Length(min=1, max=MAX_TEXT),
        metadata={"description": description},
        **kwargs,
    )


def entity_field(description: str, many: bool = False) -> fields.Field:
    one = text_field(description + " Slug, name or alias, case-insensitive.")
    return fields.List(one) if many else one


class StrictArgs(Schema):
    """Query parameters given at most once, unless the field takes a list."""

    @pre_load
    def given_once(self, data: Any, **kwargs: Any) -> Any:
        multidict = getattr(data, "data", None)  # webargs' MultiDictProxy wraps the args
        if multidict is None or not hasattr(multidict, "getlist"):
            return data
        by_name = {field.data_key or name: field for name, field in self.fields.items()}
        repeated = {
            name: ["give this parameter once"]
            for name in multidict
            if len(multidict.getlist(name)) > 1
            and name in by_name
            and not _takes_many(by_name[name])
        }
        if repeated:
            raise ValidationError(repeated)
        return data


def _takes_many(field: fields.Field) -> bool:
    """Whether the parameter may be repeated: a list, but not a comma-separated one
    (which webargs reads from the first value only)."""
    return isinstance(field, fields.List) and not isinstance(field, DelimitedList)


class NoArgs(StrictArgs):
    """Endpoints that take no query parameters: any parameter is unknown, a 400."""


class PageArgs(StrictArgs):
    """Paging, sorting, facets and format: accepted by every collection, which adds its
    own fields parameter (field_names of its rows' schema)."""

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": f"Rows per page, 1 to {MAX_LIMIT}."},
    )
    cursor = fields.String(
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "The opaque next_cursor of the previous page."},
    )
    sort = fields.String(
        validate=validate.Length(min=1, max=MAX_TEXT),
        metadata={"description": "Sort keys, comma-separated; '-' for descending."},
    )
    group_by = fields.String(
        validate=validate.Length(min=1, max=50),
        metadata={"description": "Count rows per key instead of listing them."},
    )
    format = fields.String(
        validate=validate.OneOf(("json", "csv")),
        metadata={"description": "json (default) or csv; Accept: text/csv also works."},
    )


def true_or_false(description: str) -> fields.Boolean:
    """A parameter that is ``true`` or ``false``, spelled so, nothing else."""
    return fields.Boolean(
        truthy={"true"},
        falsy={"false"},
        error_messages={"invalid": "must be true or false"},
        metadata={"description": description},
    )


def whole_number(description: str, lowest: int) -> fields.Integer:
    """A whole number from ``lowest`` up, within the 32 bits both engines compare."""
    return fields.Integer(
        validate=validate.Range(
            lowest, 2**31 - 1, error="must be a whole number from {min} to {max}"
        ),
        error_messages={"invalid": "must be a whole number"},
        metadata={"description": description},
    )


class ReviewedArgs(StrictArgs):
    """reviewed=true|false: reviewed facts, or drafts; every fact collection takes it."""

    reviewed = true_or_false("true: reviewed facts only; false: drafts only.")


class DateRangeArgs(StrictArgs):
    """from/to: a fact matches when its date interval overlaps [from, to]."""

    date_from = Period(data_key="from")
    date_to = Period(data_key="to")

    @validates_schema
    def from_before_to(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "date_from" in data and "date_to" in data and data["date_from"][0] > data["date_to"][1]:
            raise ValidationError("from is after to", "from")
