"""Documents read from the database: a model's rows as the documents of a schema, and
SQLite's JSON texts parsed a page at a time."""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import Any

import orjson
from marshmallow import Schema
from sqlalchemy import FromClause, select

from factdb.api.sqljson.build import Joins, Scope, document
from factdb.sql import AnySelect


def parsed(documents: Sequence[Any]) -> list[Any]:
    """Documents as Python objects: SQLite's JSON texts parsed in one orjson call (a
    call per row cost a tenth of a page); psycopg hands them over parsed already."""
    if not documents or not isinstance(documents[0], str):
        return list(documents)
    return list(orjson.loads("[" + ",".join(documents) + "]"))


class DocumentReader:
    """How rows of ``model`` become documents: each schema (the collection's, or one
    narrowed by the fields parameter) compiled once into a statement over the model's
    table and what the schema's fields reference."""

    def __init__(self, model: type) -> None:
        self.model = model
        self.table: FromClause = model.__table__  # type: ignore[attr-defined]
        self._built: weakref.WeakKeyDictionary[Schema, AnySelect] = weakref.WeakKeyDictionary()

    def select(self, schema: Schema) -> AnySelect:
        """Each row's document for ``schema`` as the column "document"; the caller adds
        the rows' condition."""
        found = self._built.get(schema)
        if found is None:
            root = Scope(self.model, self.table, Joins(self.table), optional=False)
            built = document(schema, root).label("document")
            found = self._built[schema] = select(built).select_from(root.joins.clause)
        return found
