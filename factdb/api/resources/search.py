"""/search: ranked full-text search over statements, events, positions and entities."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import Response
from marshmallow import Schema, fields
from sqlalchemy import CompoundSelect, bindparam, literal, select, union_all
from sqlalchemy.orm import aliased

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.collections.search_top import kept_hits
from factdb.api.documents.envelopes import page_of
from factdb.api.documents.urls import RESOURCES, item_url
from factdb.api.http import request_db
from factdb.api.http.parsing import Blueprint, CommaSeparated, PageArgs, field_names, text_field
from factdb.api.http.problems import BadParameter
from factdb.models import SEARCH_TYPES, Event, Position, SearchDocument, Statement
from factdb.sql import MARK_END, MARK_START, search_hits, search_page, search_words

blp = Blueprint("search", __name__, description="Ranked full-text search.")


class HitOut(Schema):
    type = fields.String(attribute="fact_type")
    id = fields.Integer(attribute="fact_id")
    slug = fields.String()
    title = fields.String()
    snippet = fields.String(
        metadata={"description": f"The matching text, matches between {MARK_START} and {MARK_END}."}
    )
    score = fields.Float(metadata={"description": "Higher is better; engine-specific scale."})
    url = fields.Function(lambda hit: item_url(RESOURCES[hit["fact_type"]], hit["slug"]))


hit_out = HitOut()
# The kinds of fact searched whose rows are reports (an entity is no report).
REPORTED: dict[str, Any] = {"event": Event, "statement": Statement, "position": Position}


class SearchArgs(PageArgs):
    only_fields = field_names(hit_out)
    q = text_field(
        "Words to find; all must occur. Operators and quotes are ignored.", required=True
    )
    type = CommaSeparated(SEARCH_TYPES)


@cache
def _facts_of_reports() -> CompoundSelect[str, int, int, str]:
    """(kind, report id, fact id, fact slug) of the listed later reports, one query for
    every kind; built once: the aliased tables cost more to make than the query to run."""
    parts = []
    for fact_type, model in REPORTED.items():
        fact = aliased(model, name=f"{fact_type}_fact")
        parts.append(
            select(literal(fact_type), model.id, fact.id, fact.slug)
            .join(fact, fact.id == model.fact_id)
            .where(model.id.in_(bindparam(fact_type, expanding=True)), model.fact_id != model.id)
        )
    return union_all(*parts)


def _name_facts(hits: list[dict[str, Any]]) -> None:
    """Give a hit in a later report's words its fact's id and slug: a hit names the
    fact, as its collection lists it (the document's own title and snippet stay)."""
    ids = {
        fact_type: [hit["fact_id"] for hit in hits if hit["fact_type"] == fact_type]
        for fact_type in REPORTED
    }
    if not any(ids.values()):
        return
    rows = request_db.session().execute(_facts_of_reports(), ids)
    named = {(kind, report_id): (fact_id, slug) for kind, report_id, fact_id, slug in rows}
    for hit in hits:
        fact = named.get((hit["fact_type"], hit["fact_id"]))
        if fact is not None:
            hit["fact_id"], hit["slug"] = fact


@blp.route("/search")
@blp.arguments(SearchArgs, location="query")
@blp.response(200, page_of(HitOut))
def search(args: dict[str, Any]) -> Response:
    """Facts whose text holds every word of q, best first."""
    words = search_words(args["q"])
    if not words:
        raise BadParameter("q", "give at least one word (letters or digits) to search for")
    dialect = request_db.engine().dialect.name
    matches = search_hits(dialect, words)
    kept = kept_hits(dialect, words, args)
    hits = (matches if kept is None else kept).subquery("hits")
    # Ranked on the index alone; the documents are read for the page's rows only, and
    # for every hit only when their type is asked for.
    query = select(hits.c.id)
    if "type" in args:
        query = query.join(SearchDocument, SearchDocument.id == hits.c.id).where(
            SearchDocument.fact_type.in_(args["type"])
        )

    def page(ids: list[int], sort_values: dict[str, list[Any]]) -> list[Any]:
        """The page's hits with their snippets, made for these rows only; their scores
        as the page's sort gave them, or made for these rows too."""
        scores = sort_values.get("score")
        rows = request_db.session().execute(search_page(dialect, words, ids, scores is not None))
        by_id = {row.id: dict(row._mapping) for row in rows}
        if scores is not None:
            for document_id, score in zip(ids, scores, strict=True):
                by_id[document_id]["score"] = score
        hits = [by_id[document_id] for document_id in ids]
        _name_facts(hits)
        return hits

    collection = Collection(
        name="search",
        id_column=hits.c.id,
        schema=hit_out,
        sort_keys={
            "score": SortKey(hits.c.score, "float"),
            "id": SortKey(hits.c.id, "int"),
        },
        default_sort="-score",
        group_keys={},
        records=page,
    )
    # The kept hits are the first of all: the total counts every match.
    return collection.respond(query, args, counted_query=None if kept is None else matches)
