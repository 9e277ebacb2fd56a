"""/search: ranked full-text search over statements, events, positions and entities."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import Schema, fields
from sqlalchemy import select

from factdb.api import database
from factdb.api.collection import Collection, SortKey
from factdb.api.parsing import Blueprint, CommaSeparated, PageArgs, text_field
from factdb.api.problems import BadParameter
from factdb.api.schemas import RESOURCES, item_url, page_of
from factdb.models import SEARCH_TYPES, SearchDocument
from factdb.sql import MARK_END, MARK_START, search_hits, search_words

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


class SearchArgs(PageArgs):
    q = text_field(
        "Words to find; all must occur. Operators and quotes are ignored.", required=True
    )
    type = CommaSeparated(SEARCH_TYPES)


@blp.route("/search")
@blp.arguments(SearchArgs, location="query")
@blp.response(200, page_of(HitOut))
def search(args: dict[str, Any]) -> Response:
    """Facts whose text holds every word of q, best first."""
    words = search_words(args["q"])
    if not words:
        raise BadParameter("q", "give at least one word (letters or digits) to search for")
    hits = search_hits(database.engine().dialect.name, words).subquery("hits")
    query = select(
        SearchDocument.fact_type,
        SearchDocument.fact_id,
        SearchDocument.slug,
        SearchDocument.title,
        hits.c.snippet,
        hits.c.score,
    ).join(hits, hits.c.id == SearchDocument.id)
    if "type" in args:
        query = query.where(SearchDocument.fact_type.in_(args["type"]))
    collection = Collection(
        name="search",
        id_column=SearchDocument.id,
        schema=hit_out,
        sort_keys={
            "score": SortKey(hits.c.score, "float"),
            "id": SortKey(SearchDocument.id, "int"),
        },
        default_sort="-score",
        group_keys={},
        row_object=lambda row: row._mapping,
    )
    return collection.respond(query, args)
