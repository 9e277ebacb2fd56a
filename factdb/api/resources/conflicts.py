"""/conflicts: where the sources that report one fact disagree, a document per field."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import ColumnElement, case, literal, or_, select

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.collections.facets import grouped
from factdb.api.documents.conflicts import KINDS, ConflictOut
from factdb.api.documents.envelopes import page_of
from factdb.api.filters import params
from factdb.api.filters.names import resolve_slug
from factdb.api.filters.params import Filtering, Param, Params
from factdb.api.http.parsing import Blueprint, CommaSeparated, text_field
from factdb.api.sqljson.reader import DocumentReader
from factdb.models import Conflict, ConflictValue, Source
from factdb.vocabulary import CONFLICT_FIELDS

blp = Blueprint("conflicts", __name__, description="Where the sources of a fact disagree.")

COLUMNS = {kind: Conflict.__table__.c[f"{kind}_id"] for kind in KINDS}
KIND = case(*((column.is_not(None), literal(kind)) for kind, column in COLUMNS.items()))


def _of_kinds(filtering: Filtering, _name: str, kinds: list[str]) -> None:
    filtering.where(or_(*(COLUMNS[kind].is_not(None) for kind in kinds)))


def _in_source(source_id: int) -> ColumnElement[bool]:
    """Conflicts in which ``source_id`` gives a value."""
    values = select(ConflictValue.conflict_id).where(ConflictValue.source_id == source_id)
    return Conflict.id.in_(values)


PARAMS = Params(
    "conflicts",
    {
        "field": params.choices(CONFLICT_FIELDS, Conflict.field),
        "kind": Param(CommaSeparated(KINDS), _of_kinds),
        "source": Param(
            text_field("The slug of a source: the conflicts it gives a value in."),
            lambda f, name, value: f.where(_in_source(resolve_slug(name, Source, value))),
        ),
    },
)

conflicts = Collection(
    name="conflicts",
    id_column=Conflict.id,
    schema=ConflictOut(),
    documents=DocumentReader(Conflict),
    params=PARAMS,
    sort_keys={"field": SortKey(Conflict.field, "str"), "id": SortKey(Conflict.id, "int")},
    default_sort="id",
    group_keys={
        "field": lambda ids: grouped(Conflict, ids, Conflict.field),
        "kind": lambda ids: grouped(Conflict, ids, KIND),
    },
)


@blp.route("/conflicts")
@blp.arguments(conflicts.arguments, location="query")
@blp.response(200, page_of(ConflictOut))
def list_conflicts(args: dict[str, Any]) -> Response:
    """Every field of a fact on which its sources disagree, each source's value with
    its evidence."""
    return conflicts.answer(args)
