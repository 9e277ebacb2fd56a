"""The envelopes around documents: a page of a collection, one item, a problem."""

from __future__ import annotations

from marshmallow import Schema, fields

from factdb.api.documents.schemas import EntityRef


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
