"""/evidence: which facts rest on which characters, or on which sentence, of a source."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask import Response
from marshmallow import Schema, fields, validate
from sqlalchemy import ColumnElement, and_, case, or_, select
from sqlalchemy.orm import aliased

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.documents.envelopes import page_of
from factdb.api.documents.urls import RESOURCES, item_url
from factdb.api.filters import params
from factdb.api.filters.names import resolve_slug
from factdb.api.filters.params import Filtering, Param, Params
from factdb.api.http import request_db
from factdb.api.http.parsing import (
    Blueprint,
    CommaSeparated,
    text_field,
)
from factdb.api.http.problems import BadParameter
from factdb.models import FACT_COLUMNS, Evidence, Source
from factdb.names import fold
from factdb.sql import AnySelect

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
    """(type, slug) of the fact an evidence row belongs to: for a report of a fact that
    several sources report, the fact (its first report), as its collection lists it."""
    kinds, slugs = [], []
    for column_name in FACT_COLUMNS:
        column = Evidence.__table__.c[column_name]
        table = next(iter(column.foreign_keys)).column.table
        kinds.append((column.is_not(None), column_name.removesuffix("_id")))
        if "fact_id" in table.c:
            fact = table.alias(f"{table.name}_fact")
            slug = (
                select(fact.c.slug)
                .join(table, fact.c.id == table.c.fact_id)
                .where(table.c.id == column)
                .scalar_subquery()
            )
        else:
            slug = select(table.c.slug).where(table.c.id == column).scalar_subquery()
        slugs.append((column.is_not(None), slug))
    return case(*kinds).label("fact_type"), case(*slugs).label("fact_slug")


def _in_sentences(args: Mapping[str, Any]) -> ColumnElement[bool]:
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


def _offset(description: str, lowest: int) -> fields.Integer:
    return fields.Integer(
        validate=validate.Range(min=lowest, max=MAX_OFFSET), metadata={"description": description}
    )


def _of_types(filtering: Filtering, _name: str, kinds: list[str]) -> None:
    columns = [Evidence.__table__.c[f"{kind}_id"] for kind in kinds]
    filtering.where(or_(*(column.is_not(None) for column in columns)))


PARAMS = Params(
    "evidence",
    {
        "source": params.slug_of(Source, Evidence.source_id, "The slug of the source."),
        "sentence": Param(
            text_field(
                "Words of a sentence of the source (case-insensitive): facts resting on any "
                "part of each sentence that holds them."
            ),
            lambda f, _, _value: f.where(_in_sentences(f.args)),
        ),
        "start": Param(
            _offset("Spans ending after this offset.", 0),
            lambda f, _, value: f.where(Evidence.end_offset > value),
        ),
        "end": Param(
            _offset("Spans starting before this offset.", 1),
            lambda f, _, value: f.where(Evidence.start_offset < value),
        ),
        "fact_type": Param(CommaSeparated(FACT_TYPES, data_key="type"), _of_types),
        "entity": params.entity(
            "The evidence of one entity (its mentions).",
            lambda e: Evidence.entity_id == e,
            rows=lambda e: select(Evidence.id).where(Evidence.entity_id == e),
        ),
    },
)
SOURCE = aliased(Source, name="span_source")
evidence = Collection(
    name="evidence",
    id_column=Evidence.id,
    schema=EvidenceRowOut(),
    sort_keys={
        "start": SortKey(Evidence.start_offset, "int"),
        "source": SortKey(SOURCE.slug, "str"),
        "id": SortKey(Evidence.id, "int"),
    },
    default_sort="source,start",
    row_object=lambda row: row._mapping,
    params=PARAMS,
)


def _rows() -> AnySelect:
    """Each span with its source and the type and slug of its fact."""
    fact_type, fact_slug = _fact_columns()
    columns = (Evidence.id, Evidence.start_offset, Evidence.end_offset, Evidence.text)
    query = select(*columns, SOURCE.slug.label("source"), fact_type, fact_slug)
    return query.join(SOURCE, SOURCE.id == Evidence.source_id)


@blp.route("/evidence")
@blp.arguments(evidence.arguments, location="query")
@blp.response(200, page_of(EvidenceRowOut))
def list_evidence(args: dict[str, Any]) -> Response:
    """Evidence spans with their facts, in text order; narrow by offsets or by sentence."""
    return evidence.answer(args, _rows())
