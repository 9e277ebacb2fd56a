"""The document of /conflicts: one field of one fact on which the sources that report
it disagree, with each source's value and that report's evidence."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import ColumnElement, case, func, literal, or_, select

from factdb.api.documents.fields import sql_value
from factdb.api.documents.reports import SourceRef, SpanOut
from factdb.api.documents.urls import RESOURCES
from factdb.api.sqljson.build import Many, Nested, Scope, url
from factdb.models import Evidence
from factdb.models.conflicts import REPORTED_COLUMNS

# The kinds of fact a conflict or a value may name, each by its column (role_id…) and
# its relationship (role…).
KINDS = tuple(column.removesuffix("_id") for column in REPORTED_COLUMNS)


def _kind(row: Scope) -> ColumnElement[Any]:
    """The kind of fact a conflict names: the one of its columns that is set."""
    return case(*((row.column(f"{kind}_id").is_not(None), literal(kind)) for kind in KINDS))


def _named(row: Scope) -> list[tuple[str, Scope]]:
    """The fact (or report) a row names, joined once per kind (one of them is there)."""
    return [(kind, row.join(kind)) for kind in KINDS]


def _fact(conflict: Scope) -> Nested:
    named = _named(conflict)
    return Nested(
        {
            "slug": func.coalesce(*(fact.column("slug") for _, fact in named)),
            "url": case(
                *(
                    (fact.key.is_not(None), url(RESOURCES[kind], fact.column("slug")))
                    for kind, fact in named
                )
            ),
        }
    )


def _report_key(value: Scope) -> ColumnElement[Any]:
    return func.coalesce(*(report.column("slug") for _, report in _named(value)))


def _report_evidence(value: Scope) -> Many:
    """The evidence of the report a value is: the spans whose fact column is the value's."""
    spans = Evidence.__table__.alias(value.joins.name())
    theirs = or_(*(spans.c[column] == value.table.c[column] for column in REPORTED_COLUMNS))
    rows = select(spans.c.id).select_from(spans).where(theirs).correlate(value.table)
    return Many(
        rows,
        {"start": spans.c.start_offset, "end": spans.c.end_offset, "text": spans.c.text},
        (spans.c.start_offset, spans.c.end_offset, spans.c.id),
    )


class FactRef(Schema):
    slug = fields.String()
    url = fields.String()


class ConflictValueOut(Schema):
    """One source's value of the field, as text, and its report's key and evidence."""

    source = fields.Nested(SourceRef)
    key = fields.String(
        metadata=sql_value(_report_key, description="The key of this source's report.")
    )
    value = fields.String(metadata={"description": "The report's value, as text."})
    evidence = fields.List(fields.Nested(SpanOut), metadata=sql_value(_report_evidence))


class ConflictOut(Schema):
    id = fields.Integer()
    field = fields.String(metadata={"description": "date, place, mode, value…"})
    kind = fields.String(
        metadata=sql_value(_kind, description="role, event, statement, position or quantity")
    )
    fact = fields.Nested(
        FactRef, metadata=sql_value(_fact, description="The fact, named by its first report.")
    )
    values = fields.List(
        fields.Nested(ConflictValueOut),
        metadata={"description": "Each source's value, in the order of its report."},
    )
