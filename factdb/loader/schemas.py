"""Marshmallow schemas for a source's facts file: the shape a journalist writes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from factdb.vocabulary import (
    DATE_PRECISIONS,
    ENTITY_KINDS,
    EVENT_KINDS,
    MONTH_PARTS,
    POSITION_OUTCOMES,
    STANCES,
    STATEMENT_MODES,
)

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_RULES = [
    validate.Regexp(SLUG_PATTERN, error="must be lowercase ASCII words joined by hyphens"),
    validate.Length(max=200),
]
slug_field = fields.String(required=True, validate=SLUG_RULES)
reference = fields.String(required=True, validate=SLUG_RULES)
optional_reference = fields.String(load_default=None, validate=SLUG_RULES)


def plain_text(max_length: int | None = None, required: bool = True) -> fields.String:
    """A non-empty string no longer than its column (PostgreSQL enforces the length)."""
    rule = validate.Length(min=1, max=max_length)
    if required:
        return fields.String(required=True, validate=rule)
    return fields.String(load_default=None, validate=rule)


@dataclass(frozen=True)
class Excerpt:
    """The exact words a fact rests on, with an optional prefix that makes them unique."""

    text: str
    before: str = ""


@dataclass(frozen=True)
class PartialDate:
    """A calendar date whose year, month or day may be missing (``--09-12``, ``2019-08``)."""

    year: int | None
    month: int | None
    day: int | None


class ExcerptField(fields.Field):
    """A string excerpt, or ``{before: ..., text: ...}`` where the words occur twice."""

    default_error_messages = {  # noqa: RUF012 - marshmallow's own class attribute
        "invalid": "must be a string or a mapping {before, text}"
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Excerpt:
        if isinstance(value, str) and value.strip():
            return Excerpt(text=value)
        if isinstance(value, dict) and set(value) <= {"before", "text"}:
            text, before = value.get("text"), value.get("before", "")
            if isinstance(text, str) and text.strip() and isinstance(before, str):
                return Excerpt(text=text, before=before)
        raise self.make_error("invalid")


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


def excerpt_list(required: bool) -> fields.List:
    if required:
        return fields.List(ExcerptField(), required=True, validate=validate.Length(min=1))
    return fields.List(ExcerptField(), load_default=[])


class YearSchema(Schema):
    value = fields.Integer(required=True, validate=validate.Range(1, 9999))
    reason = plain_text()


class SourceSchema(Schema):
    slug = slug_field
    title = plain_text(500)
    text_file = fields.String(load_default="article.txt")
    publisher = plain_text(200, required=False)
    url = fields.Url(load_default=None, validate=validate.Length(max=2000))
    published_on = fields.Date(load_default=None)
    year = fields.Nested(YearSchema, load_default=None)


class EntitySchema(Schema):
    slug = slug_field
    name = plain_text(300)
    kind = fields.String(required=True, validate=validate.OneOf(ENTITY_KINDS))
    description = plain_text()
    aliases = fields.List(plain_text(300), load_default=[])
    metonyms = fields.List(plain_text(300), load_default=[])
    located_in = optional_reference
    evidence = excerpt_list(required=True)


class TopicSchema(Schema):
    slug = slug_field
    name = plain_text(500)
    evidence = excerpt_list(required=True)


class RelativeDateSchema(Schema):
    anchor = reference
    offset_days = fields.Integer(required=True, validate=validate.Range(-36_500, 36_500))
    length_days = fields.Integer(load_default=1, validate=validate.Range(1, 36_500))
    precision = fields.String(load_default="day", validate=validate.OneOf(DATE_PRECISIONS))


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
    evidence = excerpt_list(required=False)

    @validates_schema
    def one_basis(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [name for name in ("when", "relative", "inferred") if data.get(name) is not None]
        if len(given) != 1:
            raise ValidationError("give exactly one of when, relative or inferred", "when")
        if data.get("part") and data.get("when") is None:
            raise ValidationError("part goes with when", "part")


class ParticipantSchema(Schema):
    entity = reference
    role = fields.String(required=True, validate=validate.Length(min=1, max=100))


class EventSchema(Schema):
    key = slug_field
    kind = fields.String(required=True, validate=validate.OneOf(EVENT_KINDS))
    title = plain_text(500)
    date = optional_reference
    place = optional_reference
    participants = fields.List(fields.Nested(ParticipantSchema), load_default=[])
    topics = fields.List(reference, load_default=[])
    part_of = optional_reference
    evidence = excerpt_list(required=True)


class RoleSchema(Schema):
    key = slug_field
    holder = reference
    title = plain_text(300)
    organization = optional_reference
    date = optional_reference
    evidence = excerpt_list(required=True)


class StatementSchema(Schema):
    key = slug_field
    speaker = reference
    speaker_text = plain_text(300)
    mode = fields.String(required=True, validate=validate.OneOf(STATEMENT_MODES))
    text = ExcerptField(required=True)
    event = optional_reference
    date = optional_reference
    mentions = fields.List(reference, load_default=[])
    evidence = excerpt_list(required=False)


class TargetSchema(Schema):
    entity = optional_reference
    topic = optional_reference

    @validates_schema
    def one_target(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data.get("entity") is None) == (data.get("topic") is None):
            raise ValidationError("give exactly one of entity or topic", "entity")


class PositionSchema(Schema):
    key = slug_field
    holder = reference
    stance = fields.String(required=True, validate=validate.OneOf(STANCES))
    target = fields.Nested(TargetSchema, required=True)
    outcome = fields.String(load_default=None, validate=validate.OneOf(POSITION_OUTCOMES))
    description = plain_text()
    statement = optional_reference
    date = optional_reference
    evidence = excerpt_list(required=True)


class SubjectSchema(Schema):
    entity = optional_reference
    event = optional_reference

    @validates_schema
    def one_subject(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data.get("entity") is None) == (data.get("event") is None):
            raise ValidationError("give exactly one of entity or event", "entity")


class QuantitySchema(Schema):
    key = slug_field
    text = ExcerptField(required=True)
    value = fields.Float(load_default=None, allow_nan=False)
    min = fields.Float(load_default=None, allow_nan=False)
    max = fields.Float(load_default=None, allow_nan=False)
    unit = fields.String(required=True, validate=validate.Length(min=1, max=50))
    approximate = fields.Boolean(load_default=False)
    subject = fields.Nested(SubjectSchema, required=True)
    description = plain_text()
    evidence = excerpt_list(required=False)

    @validates_schema
    def has_value(self, data: dict[str, Any], **kwargs: Any) -> None:
        low, high = data.get("min"), data.get("max")
        if data.get("value") is None and low is None and high is None:
            raise ValidationError("give a value, or min and/or max", "value")
        if low is not None and high is not None and low > high:
            raise ValidationError("min is greater than max", "min")


class FactsFileSchema(Schema):
    """The whole facts file. Unknown fields anywhere are errors (marshmallow's RAISE)."""

    source = fields.Nested(SourceSchema, required=True)
    entities = fields.List(fields.Nested(EntitySchema), load_default=[])
    topics = fields.List(fields.Nested(TopicSchema), load_default=[])
    dates = fields.List(fields.Nested(DateSchema), load_default=[])
    events = fields.List(fields.Nested(EventSchema), load_default=[])
    roles = fields.List(fields.Nested(RoleSchema), load_default=[])
    statements = fields.List(fields.Nested(StatementSchema), load_default=[])
    positions = fields.List(fields.Nested(PositionSchema), load_default=[])
    quantities = fields.List(fields.Nested(QuantitySchema), load_default=[])


facts_file_schema = FactsFileSchema()
