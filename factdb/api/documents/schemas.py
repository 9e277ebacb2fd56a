"""The documents the API answers with: the one definition of each fact's JSON, its CSV
columns, its OpenAPI schema and (sqljson/build.py) the SQL that builds it."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import case, func, literal

from factdb.api.documents.fields import ItemUrl, sql_value
from factdb.api.documents.reports import fact_schema, wording
from factdb.api.documents.urls import SINGULAR
from factdb.api.sqljson.build import Nested, Scope


def _relative_rule(date: Scope) -> Nested:
    """DateInterval.rule: the anchor (published, or the anchor date's slug), then the
    offset or the weekday; null for a date that is not relative."""
    anchor_slug = date.join("anchor").column("slug")
    columns = ("offset", "unit", "weekday", "direction")
    return Nested(
        {
            "anchor": func.coalesce(anchor_slug, date.column("relative_anchor")),
            **{name: date.column(f"relative_{name}") for name in columns},
        },
        present=date.column("relative_anchor"),
    )


class RelativeOut(Schema):
    """How a relative date was computed: from an anchor, a whole number of units or
    the weekday on or before (after) the anchor's first day."""

    anchor = fields.String(
        metadata={"description": "published (the source's date), or the anchor date's slug"}
    )
    offset = fields.Integer(allow_none=True)
    unit = fields.String(allow_none=True, metadata={"description": "days, weeks, months, years"})
    weekday = fields.String(allow_none=True)
    direction = fields.String(
        allow_none=True, metadata={"description": "on_or_before or on_or_after"}
    )


class DateOut(Schema):
    start = fields.Date(attribute="start_date")
    end = fields.Date(attribute="end_date")
    precision = fields.String()
    text = fields.String(metadata={"description": "The expression as written."})
    basis = fields.String(metadata={"description": "explicit, relative or inferred"})
    year_basis = fields.String(metadata={"description": "explicit, or inferred (see source)"})
    relative = fields.Nested(
        RelativeOut,
        attribute="rule",
        allow_none=True,
        metadata=sql_value(
            _relative_rule, description="The rule of a relative date; null for the others."
        ),
    )


class EntityRef(Schema):
    slug = fields.String()
    name = fields.String()
    url = ItemUrl("entities")


class EventRef(Schema):
    slug = fields.String()
    title = fields.String()
    url = ItemUrl("events")


class StatementRef(Schema):
    slug = fields.String()
    text = fields.String()
    url = ItemUrl("statements")


class FactOut(Schema):
    """Fields every fact of a source has, first its identity; ``fact_schema`` adds the
    provenance after the fact's own fields."""

    id = fields.Integer()
    slug = fields.String()

    resource = ""


class QuantityValues(Schema):
    text = fields.String(metadata={"description": "The quantity as written."})
    value = fields.Float(allow_none=True)
    min = fields.Float(attribute="min_value", allow_none=True)
    max = fields.Float(attribute="max_value", allow_none=True)
    unit = fields.String()
    approximate = fields.Boolean()
    approximation = fields.String(
        allow_none=True,
        metadata={"description": "about, nearly, over, at_least, under or at_most; null as stated"},
    )
    description = fields.String()


class SubjectOut(Schema):
    """An entity, an event or a topic: what a quantity describes, or what a stance is
    about."""

    type = fields.Function(lambda thing: SINGULAR.get(thing.__tablename__, "topic"))
    slug = fields.String()
    name = fields.Function(lambda thing: getattr(thing, "name", None) or thing.title)


def one_of(**references: str) -> Any:
    """The SQL value of a SubjectOut: the first of ``references`` (type: attribute)
    that the row has; an event is named by its title."""

    def subject(fact: Scope) -> Nested:
        joined = {kind: fact.join(attribute) for kind, attribute in references.items()}
        present = [(scope.key.is_not(None), kind) for kind, scope in joined.items()]
        title = {kind: "title" if kind == "event" else "name" for kind in joined}
        return Nested(
            {
                "type": case(*((there, literal(kind)) for there, kind in present)),
                "slug": func.coalesce(*(scope.column("slug") for scope in joined.values())),
                "name": func.coalesce(
                    *(scope.column(title[kind]) for kind, scope in joined.items())
                ),
            }
        )

    return subject


class QuantityFields(FactOut, QuantityValues):
    subject = fields.Nested(
        SubjectOut, metadata=sql_value(one_of(entity="subject_entity", event="subject_event"))
    )


QuantityOut = fact_schema(
    QuantityFields, "quantities", wording("Quantity", dated=False, text=fields.String())
)


class EventQuantityOut(QuantityValues):
    """A quantity as embedded in its event."""

    slug = fields.String()
    reviewed = fields.Boolean()
    url = ItemUrl("quantities")


class ParticipantOut(Schema):
    slug = fields.String(attribute="entity.slug")
    name = fields.String(attribute="entity.name")
    role = fields.String()


class TopicOut(Schema):
    slug = fields.String(attribute="topic.slug")
    name = fields.String(attribute="topic.name")


class MentionOut(Schema):
    """An entity a statement mentions, as EntityRef shows it."""

    slug = fields.String(attribute="entity.slug")
    name = fields.String(attribute="entity.name")
    url = ItemUrl("entities", slug="entity.slug")


class EventFields(FactOut):
    kind = fields.String()
    title = fields.String()
    status = fields.String(
        metadata={"description": "held, planned or cancelled, as the source saw it at its date"}
    )
    date = fields.Nested(DateOut, allow_none=True)
    place = fields.Nested(EntityRef, allow_none=True)
    part_of = fields.Nested(EventRef, allow_none=True)
    participants = fields.List(fields.Nested(ParticipantOut))
    topics = fields.List(fields.Nested(TopicOut))
    quantities = fields.List(fields.Nested(EventQuantityOut))


EventOut = fact_schema(
    EventFields, "events", wording("Event", title=fields.String(), status=fields.String())
)


class StatementFields(FactOut):
    speaker = fields.Nested(EntityRef)
    speaker_text = fields.String(metadata={"description": "The speaker as the text names it."})
    relayed_by = fields.Nested(
        EntityRef, allow_none=True, metadata={"description": "Who relays the speaker's words."}
    )
    relayed_by_text = fields.String(allow_none=True)
    mode = fields.String(metadata={"description": "direct, indirect or mixed"})
    text = fields.String()
    event = fields.Nested(EventRef, allow_none=True)
    date = fields.Nested(DateOut, allow_none=True)
    mentions = fields.List(fields.Nested(MentionOut))


StatementOut = fact_schema(
    StatementFields,
    "statements",
    wording("Statement", text=fields.String(), speaker_text=fields.String(), mode=fields.String()),
)


class PositionFields(FactOut):
    holder = fields.Nested(EntityRef)
    stance = fields.String()
    target = fields.Nested(
        SubjectOut, metadata=sql_value(one_of(entity="target_entity", topic="target_topic"))
    )
    outcome = fields.String(allow_none=True)
    description = fields.String()
    statement = fields.Nested(StatementRef, allow_none=True)
    date = fields.Nested(DateOut, allow_none=True)


PositionOut = fact_schema(
    PositionFields, "positions", wording("Position", description=fields.String())
)


class RoleFields(FactOut):
    holder = fields.Nested(EntityRef)
    title = fields.String()
    organization = fields.Nested(EntityRef, allow_none=True)
    date = fields.Nested(DateOut, allow_none=True)


RoleOut = fact_schema(RoleFields, "roles", wording("Role", title=fields.String()))


class AliasOut(Schema):
    alias = fields.String()
    kind = fields.String(metadata={"description": "alias, or metonym (a name standing for it)"})


class DescriptionOut(Schema):
    source = fields.String(attribute="source.slug")
    description = fields.String()


class EntityOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    description = fields.String(metadata={"description": "The defining source's description."})
    descriptions = fields.List(
        fields.Nested(DescriptionOut),
        attribute="distinct_descriptions",
        metadata={
            "description": "Each source's description once, from the first source that gave"
            " it, in the order the sources described the entity (the defining source first)."
        },
    )
    located_in = fields.Nested(EntityRef, allow_none=True)
    aliases = fields.List(fields.Nested(AliasOut), attribute="distinct_aliases")
    url = ItemUrl("entities")


class SourceOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    publisher = fields.String(allow_none=True)
    article_url = fields.String(attribute="url", allow_none=True)
    published_on = fields.Date(allow_none=True)
    sha256 = fields.String()
    year_note = fields.String(allow_none=True)
    drafted = fields.Boolean(metadata={"description": "Its facts were drafted by factdb draft."})
    length = fields.Integer(metadata={"description": "Characters (code points) of the text."})
    url = ItemUrl("sources")
