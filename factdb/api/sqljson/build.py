"""Response schemas compiled into SQL: the database builds each row's JSON document.

Reading a page of 50 statements into Python records and dumping them took 0.8 ms,
more than twice what SQLite took to find the rows; built by the database as JSON text
and parsed by orjson, the same page takes 0.4 ms. The response schema still decides
the shape: which keys, in which order, nested how. A resource only says where each
field's value comes from; the JSON elements it compiles into, spelled per engine, are
in jsonsql.py. Compiling refuses a field it has no value for, a field type it does not
know, a date format other than ISO, and processing hooks, rather than guess. No library
compiles marshmallow schemas into SQL, hence this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from marshmallow import Schema, fields
from sqlalchemy import (
    ColumnElement,
    FromClause,
    String,
    bindparam,
    case,
    literal_column,
    null,
    select,
)

from factdb.api.sqljson.dialects import json_boolean, json_float, json_list, json_object
from factdb.sql import AnySelect

# The request's API root, given when the statement runs: URLs are built in SQL.
API_ROOT = bindparam("api_root", type_=String, required=True)
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Nested:
    """A nested object's values; JSON null where ``present`` is NULL (an optional
    reference's outer join found nothing)."""

    values: Mapping[str, Value]
    present: ColumnElement[Any] | None = None


@dataclass(frozen=True)
class Many:
    """A list of nested objects: one per row of ``rows`` (correlated to the outer
    row), in ``order``, each with ``values`` read from those rows. Its columns are
    replaced, so ``rows`` names what it reads with select_from and joins."""

    rows: AnySelect
    values: Mapping[str, Value]
    order: Sequence[Any]  # column expressions or ORM attributes


Value = ColumnElement[Any] | Nested | Many

# Plain fields whose value the database writes in JSON as Python's json would: text,
# integers, ISO dates (stored as such on SQLite; PostgreSQL writes dates so in JSON).
# A Function or Method field takes whatever SQL value the resource gives for it: the
# resource's tests compare its documents with marshmallow's dump.
_PLAIN = (fields.String, fields.Integer, fields.Date, fields.Function, fields.Method)


def url(resource: str, slug: ColumnElement[Any]) -> ColumnElement[Any]:
    """An item's absolute URL, as ``schemas.item_url`` spells it."""
    return API_ROOT + literal_column(f"'/{_checked(resource)}/'", String) + slug


def document(schema: Schema, values: Mapping[str, Value]) -> ColumnElement[Any]:
    """The JSON object ``schema`` dumps, with each field's value from ``values``.

    Raises TypeError for a field without a value, a field of a type not compiled, a date
    format other than ISO, or a schema with processing hooks (which SQL cannot run)."""
    if any(schema._hooks.values()):
        raise TypeError(f"{type(schema).__name__} has processing hooks; they are not compiled")
    pairs: list[tuple[str, ColumnElement[Any]]] = []
    for name, field in schema.fields.items():
        if field.load_only:
            continue
        if name not in values:
            raise TypeError(f"{type(schema).__name__}.{name} has no SQL value")
        key = _checked(field.data_key or name)
        pairs.append((key, _field_value(schema, name, field, values[name])))
    return json_object(pairs)


def _field_value(owner: Schema, name: str, field: fields.Field, value: Value) -> ColumnElement[Any]:
    where = f"{type(owner).__name__}.{name}"
    if getattr(field, "as_string", False):
        raise TypeError(f"{where} with as_string is not compiled")
    if type(field) is fields.Nested and not field.many:
        if not isinstance(value, Nested):
            raise TypeError(f"{where} is a nested object: give it a Nested value")
        inner = document(field.schema, value.values)
        if value.present is None:
            return inner
        return case((value.present.is_(None), null()), else_=inner)
    if type(field) is fields.List and type(field.inner) is fields.Nested:
        if not isinstance(value, Many):
            raise TypeError(f"{where} is a list of objects: give it a Many value")
        item = document(field.inner.schema, value.values)
        return json_list(item, value.rows, value.order)
    if type(field) is fields.Float:
        return json_float(_plain(where, value))
    if type(field) is fields.Boolean:
        return json_boolean(_plain(where, value))
    date_format = getattr(field, "format", None) or owner.opts.dateformat
    if type(field) is fields.Date and date_format not in (None, "iso"):
        raise TypeError(f"{where}: only ISO dates are compiled")
    if type(field) in _PLAIN:
        return _plain(where, value)
    raise TypeError(f"{where} of type {type(field).__name__} is not compiled")


def _plain(where: str, value: Value) -> ColumnElement[Any]:
    if isinstance(value, Nested | Many):
        raise TypeError(f"{where} is a plain value: give it a column expression")
    # An ORM attribute becomes its column, which json_list can find inside an item.
    clause_element = getattr(value, "__clause_element__", None)
    return value if clause_element is None else clause_element()


def _checked(word: str) -> str:
    """A key or path segment written into SQL as a literal: identifiers only."""
    if not _KEY.fullmatch(word):
        raise TypeError(f"{word!r} cannot be written into SQL as a literal key")
    return word


def parsed(documents: Sequence[Any]) -> list[Any]:
    """Documents as Python objects: SQLite's JSON texts parsed in one orjson call (a
    call per row cost a tenth of a page); psycopg hands them over parsed already."""
    if not documents or not isinstance(documents[0], str):
        return list(documents)
    return list(orjson.loads("[" + ",".join(documents) + "]"))


@dataclass(frozen=True, eq=False)
class DocumentReader:
    """How a collection's rows become documents: its table ``joined`` row for row to
    what they embed (inner joins on required references, outer joins on optional
    ones), and where each field of its schema takes its value from."""

    joined: FromClause
    values: Mapping[str, Value]

    def select(self, schema: Schema) -> AnySelect:
        """Each row's document for ``schema`` (the collection's, or one narrowed by the
        fields parameter) as the column "document"; the caller adds the rows' condition."""
        return select(document(schema, self.values).label("document")).select_from(self.joined)
