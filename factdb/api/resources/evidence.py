"""/evidence: which facts rest on which characters, or on which sentence, of a source."""

from __future__ import annotations

import re
from typing import Any

from flask import Response
from marshmallow import Schema, fields, validate
from sqlalchemy import ColumnElement, and_, case, or_, select
from sqlalchemy.orm import aliased

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.documents.envelopes import page_of
from factdb.api.documents.urls import RESOURCES, item_url
from factdb.api.filters.names import resolve_entity, resolve_slug
from factdb.api.http import request_db
from factdb.api.http.parsing import (
    Blueprint,
    CommaSeparated,
    PageArgs,
    entity_field,
    field_names,
    text_field,
)
from factdb.api.http.problems import BadParameter
from factdb.models import FACT_COLUMNS, Evidence, Source
from factdb.names import fold

blp = Blueprint("evidence", __name__, description="The spans of text that facts rest on.")

FACT_TYPES = tuple(column.removesuffix("_id") for column in FACT_COLUMNS)
MAX_OFFSET = 2**31 - 1
# A sentence ends at . ! or ? (perhaps followed by a closing quote) and white space.
SENTENCE_END = re.compile("(?<=[.!?])[\u201d\u2019\"']?\\s+")


def _fact_url(row: Any) -> str | None:
    resource = RESOURCES.get(row["fact_type"])
    return None if resource is None else item_url(resource, row["fact_slug"])


class EvidenceRowOut(Schema):
    source = fields.String()
    start = fields.Integer(attribute="start_offset")
    end = fields.Integer(attribute="end_offset")
    text = fields.String()
    fact_type = fields.String()
    fact_slug = fields.String()
    fact_url = fields.Function(_fact_url)


evidence_row_out = EvidenceRowOut()


class EvidenceArgs(PageArgs):
    only_fields = field_names(evidence_row_out)
    source = text_field("The slug of the source.")
    sentence = text_field(
        "Words of a sentence of the source (case-insensitive): facts resting on any part "
        "of each sentence that holds them."
    )
    start = fields.Integer(
        validate=validate.Range(min=0, max=MAX_OFFSET), metadata={"description": "Offset."}
    )
    end = fields.Integer(
        validate=validate.Range(min=1, max=MAX_OFFSET), metadata={"description": "Offset."}
    )
    fact_type = CommaSeparated(FACT_TYPES, data_key="type")
    entity = entity_field("The evidence of one entity (its mentions).")


def sentences_holding(text: str, words: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence of ``text`` that contains ``words``, ignoring case."""
    bounds, start = [], 0
    for match in SENTENCE_END.finditer(text):
        bounds.append((start, match.start()))
        start = match.end()
    bounds.append((start, len(text)))
    key = fold(words)
    return [(s, e) for s, e in bounds if key in fold(text[s:e])]


def _fact_columns() -> tuple[ColumnElement[str], ColumnElement[str]]:
    """(type, slug) of the fact an evidence row belongs to."""
    kinds, slugs = [], []
    for column_name in FACT_COLUMNS:
        column = Evidence.__table__.c[column_name]
        table = next(iter(column.foreign_keys)).column.table
        kinds.append((column.is_not(None), column_name.removesuffix("_id")))
        slug = select(table.c.slug).where(table.c.id == column).scalar_subquery()
        slugs.append((column.is_not(None), slug))
    return case(*kinds).label("fact_type"), case(*slugs).label("fact_slug")


@blp.route("/evidence")
@blp.arguments(EvidenceArgs, location="query")
@blp.response(200, page_of(EvidenceRowOut))
def list_evidence(args: dict[str, Any]) -> Response:
    """Evidence spans with their facts, in text order; narrow by offsets or by sentence."""
    source = aliased(Source)
    fact_type, fact_slug = _fact_columns()
    query = select(
        Evidence.id,
        Evidence.start_offset,
        Evidence.end_offset,
        Evidence.text,
        source.slug.label("source"),
        fact_type,
        fact_slug,
    ).join(source, source.id == Evidence.source_id)
    if "source" in args:
        query = query.where(Evidence.source_id == resolve_slug("source", Source, args["source"]))
    if "start" in args:
        query = query.where(Evidence.end_offset > args["start"])
    if "end" in args:
        query = query.where(Evidence.start_offset < args["end"])
    if "entity" in args:
        query = query.where(Evidence.entity_id == resolve_entity("entity", args["entity"]))
    if "fact_type" in args:
        columns = [Evidence.__table__.c[f"{kind}_id"] for kind in args["fact_type"]]
        query = query.where(or_(*(column.is_not(None) for column in columns)))
    if "sentence" in args:
        query = query.where(_in_sentences(args))
    collection = Collection(
        name="evidence",
        id_column=Evidence.id,
        schema=evidence_row_out,
        sort_keys={
            "start": SortKey(Evidence.start_offset, "int"),
            "source": SortKey(source.slug, "str"),
            "id": SortKey(Evidence.id, "int"),
        },
        default_sort="source,start",
        row_object=lambda row: row._mapping,
        name_filters={"entity": lambda e: select(Evidence.id).where(Evidence.entity_id == e)},
    )
    return collection.respond(query, args)


def _in_sentences(args: dict[str, Any]) -> ColumnElement[bool]:
    if "source" not in args:
        raise BadParameter("sentence", "give the source too: sentence=…&source=<slug>")
    source_id = resolve_slug("source", Source, args["source"])
    text = request_db.session().scalar(select(Source.text).where(Source.id == source_id)) or ""
    ranges = [
        and_(
            Evidence.source_id == source_id,
            Evidence.start_offset < end,
            Evidence.end_offset > start,
        )
        for start, end in sentences_holding(text, args["sentence"])
    ]
    if not ranges:
        raise BadParameter("sentence", f"no sentence holds {args['sentence']!r}")
    return or_(*ranges)
