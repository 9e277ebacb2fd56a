"""What every fact document shares after the fact's own fields: where its first report
comes from, and every report of it (the sources that report the fact, each with its
own key, wording and evidence), with how many there are and where they disagree."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields
from sqlalchemy import ColumnElement, func, select

from factdb.api.documents.fields import ItemUrl, sql_value
from factdb.api.documents.urls import SINGULAR
from factdb.api.sqljson.build import Plain, Scope
from factdb.models import Conflict


class EvidenceOut(Schema):
    source = fields.String(attribute="source.slug")
    start = fields.Integer(attribute="start_offset")
    end = fields.Integer(attribute="end_offset")
    text = fields.String()


class Provenance(Schema):
    """Where a fact comes from: its first report's source and exact spans."""

    source = fields.String(
        attribute="source.slug", metadata={"description": "The source of its first report."}
    )
    reviewed = fields.Boolean(metadata={"description": "false while the fact is a draft."})
    evidence = fields.List(
        fields.Nested(EvidenceOut), metadata={"description": "The first report's evidence."}
    )


class SpanOut(Schema):
    """A span of the text of the source in hand."""

    start = fields.Integer(attribute="start_offset")
    end = fields.Integer(attribute="end_offset")
    text = fields.String()


class ReportDateOut(Schema):
    start = fields.Date(attribute="start_date")
    end = fields.Date(attribute="end_date")
    text = fields.String(metadata={"description": "The expression as this source wrote it."})


class SourceRef(Schema):
    """The source of a report."""

    slug = fields.String()
    title = fields.String()
    publisher = fields.String(allow_none=True)
    published_on = fields.Date(allow_none=True)
    url = ItemUrl("sources")


class ReportSource(Schema):
    """Which source a report is: listed first in each entry of ``sources``, apart from
    the report's own wording (an event's or a role's title is not its source's)."""

    source = fields.Nested(SourceRef)
    key = fields.String(attribute="slug", metadata={"description": "The report's own key."})


class ReportEvidence(Schema):
    evidence = fields.List(
        fields.Nested(SpanOut), metadata={"description": "This source's evidence for the fact."}
    )


def _report_count(fact: Scope) -> ColumnElement[Any]:
    reports = fact.mapper.local_table.alias(fact.joins.name())
    count = select(func.count()).select_from(reports).where(reports.c.fact_id == fact.key)
    return count.correlate(fact.table).scalar_subquery()


def _conflicting_fields(fact: Scope) -> Plain:
    conflicts = Conflict.__table__.alias(fact.joins.name())
    column = conflicts.c[f"{SINGULAR[fact.mapper.class_.__tablename__]}_id"]
    rows = select(conflicts.c.id).select_from(conflicts).where(column == fact.key)
    return Plain(rows.correlate(fact.table), conflicts.c.field, (conflicts.c.id,))


def fact_schema(fact: type[Schema], resource: str, wording: type[Schema]) -> type[Schema]:
    """The response schema of a kind of fact: its fields, its first report's provenance,
    then every report (``wording``: the fields a report words its own way).

    Marshmallow orders inherited fields by reversed MRO, so the bases listed first come
    last in the output: a reader sees the fact first, and a report its source first.
    """
    kind = fact.__name__.removesuffix("Fields")
    report = type(f"{kind}ReportOut", (ReportEvidence, wording, ReportSource), {})
    corroboration = {
        "source_count": fields.Integer(
            metadata=sql_value(_report_count, description="How many sources report the fact.")
        ),
        "conflicts": fields.List(
            fields.String(),
            metadata=sql_value(
                _conflicting_fields,
                description="The fields on which its reports disagree (see /conflicts).",
            ),
        ),
        "sources": fields.List(
            fields.Nested(report),
            attribute="reports",
            metadata={"description": "Every report of the fact, the first first."},
        ),
    }
    corroborated = type(f"{kind}Corroboration", (Schema,), corroboration)
    return type(f"{kind}Out", (corroborated, Provenance, fact), {"url": ItemUrl(resource)})


def wording(kind: str, dated: bool = True, **wording: fields.Field) -> type[Schema]:
    """A report's wording: ``wording``, then its date as this source gave it."""
    date = {"date": fields.Nested(ReportDateOut, allow_none=True)} if dated else {}
    return Schema.from_dict({**wording, **date}, name=f"{kind}Wording")
