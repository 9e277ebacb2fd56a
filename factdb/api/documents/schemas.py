"""Response shapes: the single source of the JSON, the CSV columns and the OpenAPI document."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from flask import request
from marshmallow import Schema, fields

API_PREFIX = "/api/v1"
# The collection of each kind of fact that has one (topics and dates have none).
RESOURCES = {
    "source": "sources",
    "entity": "entities",
    "event": "events",
    "statement": "statements",
    "position": "positions",
    "role": "roles",
    "quantity": "quantities",
}
SINGULAR = {resource: fact_type for fact_type, resource in RESOURCES.items()}


# This request's API root URL, set when a request starts: a page of facts holds
# hundreds of URLs, and werkzeug works host_url out anew on every access.
_API_ROOT: ContextVar[str | None] = ContextVar("api_root", default=None)


def item_url(resource: str, slug: str) -> str:
    """The absolute URL of an item."""
    return f"{api_root()}/{resource}/{slug}"


def api_root() -> str:
    """This request's API root URL."""
    found = _API_ROOT.get()
    return request.host_url.rstrip("/") + API_PREFIX if found is None else found


def remember_api_root() -> None:
    """A before_request handler: the API root, worked out once for the request."""
    _API_ROOT.set(request.host_url.rstrip("/") + API_PREFIX)


def forget_api_root(_error: BaseException | None = None) -> None:
    """A teardown_request handler: the next request may come from another host."""
    _API_ROOT.set(None)


def url_field(resource: str) -> fields.Function:
    return fields.Function(lambda obj: f"{api_root()}/{resource}/{obj.slug}")


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
        metadata={"description": "The rule of a relative date; null for the others."},
    )


class EvidenceOut(Schema):
    source = fields.Function(lambda evidence: evidence.source.slug)
    start = fields.Integer(attribute="start_offset")
    end = fields.Integer(attribute="end_offset")
    text = fields.String()


class EntityRef(Schema):
    slug = fields.String()
    name = fields.String()
    url = url_field("entities")


class EventRef(Schema):
    slug = fields.String()
    title = fields.String()
    url = url_field("events")


class StatementRef(Schema):
    slug = fields.String()
    text = fields.String()
    url = url_field("statements")


class FactOut(Schema):
    """Fields every fact of a source has, first its identity; ``fact_schema`` adds the
    provenance after the fact's own fields."""

    id = fields.Integer()
    slug = fields.String()

    resource = ""


class Provenance(Schema):
    """Where a fact comes from: its source, the exact spans, its own URL."""

    source = fields.Function(lambda fact: fact.source.slug)
    reviewed = fields.Boolean(metadata={"description": "false while the fact is a draft."})
    evidence = fields.List(fields.Nested(EvidenceOut))
    url = fields.Method("_url")

    resource = ""

    def _url(self, fact: Any) -> str:
        return item_url(self.resource, fact.slug)


def fact_schema(fact: type[Schema], resource: str) -> type[Schema]:
    """The response schema of a kind of fact: its fields, then its provenance.

    Marshmallow orders inherited fields by reversed MRO, so Provenance, listed first
    among the bases, comes last in the output: a reader sees the fact first.
    """
    name = fact.__name__.removesuffix("Fields") + "Out"
    return type(name, (Provenance, fact), {"resource": resource})


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
    """An entity or an event: what a quantity describes, or what a stance is about."""

    type = fields.Function(lambda thing: SINGULAR.get(thing.__tablename__, "topic"))
    slug = fields.String()
    name = fields.Function(lambda thing: getattr(thing, "name", None) or thing.title)


class QuantityFields(FactOut, QuantityValues):
    subject = fields.Nested(SubjectOut)


QuantityOut = fact_schema(QuantityFields, "quantities")


class EventQuantityOut(QuantityValues):
    """A quantity as embedded in its event."""

    slug = fields.String()
    reviewed = fields.Boolean()
    url = url_field("quantities")


class ParticipantOut(Schema):
    slug = fields.Function(lambda p: p.entity.slug)
    name = fields.Function(lambda p: p.entity.name)
    role = fields.String()


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
    topics = fields.Function(
        lambda e: [{"slug": t.topic.slug, "name": t.topic.name} for t in e.topics]
    )
    quantities = fields.List(fields.Nested(EventQuantityOut))


EventOut = fact_schema(EventFields, "events")


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
    mentions = fields.List(fields.Nested(EntityRef), attribute="mentioned_entities")


StatementOut = fact_schema(StatementFields, "statements")


class PositionFields(FactOut):
    holder = fields.Nested(EntityRef)
    stance = fields.String()
    target = fields.Nested(SubjectOut)
    outcome = fields.String(allow_none=True)
    description = fields.String()
    statement = fields.Nested(StatementRef, allow_none=True)
    date = fields.Nested(DateOut, allow_none=True)


PositionOut = fact_schema(PositionFields, "positions")


class RoleFields(FactOut):
    holder = fields.Nested(EntityRef)
    title = fields.String()
    organization = fields.Nested(EntityRef, allow_none=True)
    date = fields.Nested(DateOut, allow_none=True)


RoleOut = fact_schema(RoleFields, "roles")


class AliasOut(Schema):
    alias = fields.String()
    kind = fields.String(metadata={"description": "alias, or metonym (a name standing for it)"})


class EntityOut(Schema):
    id = fields.Integer()
    slug = fields.String()
    name = fields.String()
    kind = fields.String()
    description = fields.String()
    located_in = fields.Nested(EntityRef, allow_none=True)
    aliases = fields.List(fields.Nested(AliasOut), attribute="distinct_aliases")
    url = url_field("entities")


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
    url = url_field("sources")


class PageMeta(Schema):
    total = fields.Integer(
        metadata={"description": "Rows matching the filters (groups for group_by)."}
    )
    limit = fields.Integer()
    next_cursor = fields.String(allow_none=True)
    group_by = fields.String()


class Links(Schema):
    self = fields.String()
    next = fields.String(allow_none=True)


class ResolvedEntityOut(EntityRef):
    kind = fields.String()


class NamedOut(Schema):
    """An entity a filter's name matches, and how many facts that filter alone gives it."""

    entity = fields.Nested(ResolvedEntityOut)
    matched_by = fields.String(metadata={"description": "slug, name, alias or metonym"})
    count = fields.Integer()


class ResolvedOut(Schema):
    """How an entity name of the filters was resolved, and what else it names."""

    parameter = fields.String()
    value = fields.String()
    entity = fields.Nested(ResolvedEntityOut)
    matched_by = fields.String()
    count = fields.Integer()
    also = fields.List(fields.Nested(NamedOut))


class FacetOut(Schema):
    key = fields.Raw(metadata={"description": "The group's key: a slug or a value."})
    label = fields.Raw()
    count = fields.Integer()


def page_of(item: type[Schema]) -> type[Schema]:
    """The collection envelope around ``item`` (or facet counts with group_by)."""
    name = item.__name__.removesuffix("Out") + "Page"
    return Schema.from_dict(
        {
            "data": fields.List(
                fields.Nested(item),
                metadata={"description": "The rows; with group_by, {key, label, count} per group."},
            ),
            "meta": fields.Nested(PageMeta),
            "links": fields.Nested(Links),
            "resolved": fields.List(
                fields.Nested(ResolvedOut),
                metadata={"description": "How each entity name of the filters was resolved."},
            ),
        },
        name=name,
    )


def item_of(item: type[Schema]) -> type[Schema]:
    """The envelope around one item."""
    name = item.__name__.removesuffix("Out") + "Item"
    return Schema.from_dict({"data": fields.Nested(item)}, name=name)


class ProblemErrorOut(Schema):
    parameter = fields.String(allow_none=True)
    detail = fields.String()
    suggestions = fields.List(fields.String())
    candidates = fields.List(fields.String())
    units = fields.List(fields.String())


class ProblemOut(Schema):
    """RFC 9457 problem details, with the bad parameters in ``errors``."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    instance = fields.String()
    errors = fields.List(fields.Nested(ProblemErrorOut))
