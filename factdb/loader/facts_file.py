"""The facts file's shape, as marshmallow schemas: what a journalist writes in a source's
facts.yaml (its dates section in date_schemas.py, its fields in schema_fields.py)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from factdb.loader.date_schemas import (
    CALENDAR_PRECISIONS,
    PUBLISHED,
    DateSchema,
    PartialDate,
    YearSchema,
)
from factdb.loader.schema_fields import (
    Excerpt,
    ExcerptField,
    ExcerptsField,
    excerpt_list,
    optional_reference,
    plain_text,
    reference,
    reviewed_field,
    same_as_field,
    slug_field,
)
from factdb.vocabulary import (
    APPROXIMATIONS,
    ENTITY_KINDS,
    EVENT_KINDS,
    EVENT_STATUSES,
    POSITION_OUTCOMES,
    STANCES,
    STATEMENT_MODES,
)

__all__ = ["CALENDAR_PRECISIONS", "PUBLISHED", "DateSchema", "Excerpt", "PartialDate"]


class SourceSchema(Schema):
    slug = slug_field
    title = plain_text(500)
    text_file = fields.String(load_default="article.txt")
    publisher = plain_text(200, required=False)
    url = fields.Url(load_default=None, validate=validate.Length(max=2000))
    published_on = fields.Date(load_default=None)
    year = fields.Nested(YearSchema, load_default=None)
    drafted = fields.Boolean(load_default=False)


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


class ProposalSchema(Schema):
    """A link that `factdb match` proposes and a reviewer has not decided yet: it links
    nothing. Accepting it means writing its key under ``same_as``; rejecting it means
    deleting it."""

    key = reference
    score = fields.Float(required=True, validate=validate.Range(min=0, max=1))
    reasons = fields.List(plain_text(500), required=True, validate=validate.Length(min=1))


# What every kind of fact (events to quantities) may say about other sources' facts.
same_as_proposals = fields.List(fields.Nested(ProposalSchema), load_default=[])


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
    status = fields.String(load_default="held", validate=validate.OneOf(EVENT_STATUSES))
    same_as = same_as_field
    same_as_proposals = same_as_proposals
    reviewed = reviewed_field
    evidence = excerpt_list(required=True)


class RoleSchema(Schema):
    key = slug_field
    holder = reference
    title = plain_text(300)
    organization = optional_reference
    date = optional_reference
    same_as = same_as_field
    same_as_proposals = same_as_proposals
    reviewed = reviewed_field
    evidence = excerpt_list(required=True)


class StatementSchema(Schema):
    key = slug_field
    speaker = reference
    speaker_text = plain_text(300)
    relayed_by = optional_reference
    relayed_by_text = plain_text(300, required=False)
    mode = fields.String(required=True, validate=validate.OneOf(STATEMENT_MODES))
    text = ExcerptsField(required=True)
    event = optional_reference
    date = optional_reference
    mentions = fields.List(reference, load_default=[])
    same_as = same_as_field
    same_as_proposals = same_as_proposals
    reviewed = reviewed_field
    evidence = excerpt_list(required=False)

    @validates_schema
    def relayed_by_named(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("relayed_by_text") is not None and data.get("relayed_by") is None:
            raise ValidationError("relayed_by_text goes with relayed_by", "relayed_by_text")


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
    same_as = same_as_field
    same_as_proposals = same_as_proposals
    reviewed = reviewed_field
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
    approximation = fields.String(load_default=None, validate=validate.OneOf(APPROXIMATIONS))
    # Default: whether an approximation is given (set by approximated below).
    approximate = fields.Boolean(load_default=None)
    subject = fields.Nested(SubjectSchema, required=True)
    description = plain_text()
    same_as = same_as_field
    same_as_proposals = same_as_proposals
    reviewed = reviewed_field
    evidence = excerpt_list(required=False)

    @validates_schema
    def approximated(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("approximate") is False and data.get("approximation") is not None:
            raise ValidationError(
                "approximate: false contradicts an approximation", "approximation"
            )

    @post_load
    def approximate_by_default(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data["approximate"] is None:
            data["approximate"] = data["approximation"] is not None
        return data

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
