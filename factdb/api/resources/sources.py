"""/sources: the articles, with their full text."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import fields

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.collections.lookup import get_item, item_response
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import SourceOut
from factdb.api.filters.params import Params
from factdb.api.http.parsing import Blueprint, NoArgs
from factdb.models import Source

blp = Blueprint("sources", __name__, description="Articles, stored verbatim.")


class SourceDetailOut(SourceOut):
    text = fields.String(metadata={"description": "The full text; offsets index into it."})


source_out = SourceOut()
source_detail_out = SourceDetailOut()


sources = Collection(
    name="sources",
    id_column=Source.id,
    schema=source_out,
    sort_keys={"slug": SortKey(Source.slug, "str"), "id": SortKey(Source.id, "int")},
    default_sort="id",
    params=Params("sources", {}),
    model=Source,
)


@blp.route("/sources")
@blp.arguments(sources.arguments, location="query")
@blp.response(200, page_of(SourceOut))
def list_sources(args: dict[str, Any]) -> Response:
    """Sources (without their text; fetch one for it)."""
    return sources.answer(args)


@blp.route("/sources/<ref>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, item_of(SourceDetailOut))
def get_source(args: dict[str, Any], ref: str) -> Response:
    """One source, by id or slug, with its full text."""
    return item_response(source_detail_out, get_item(Source, ref))
