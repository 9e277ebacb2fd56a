"""Response schemas compiled into SQL: the database builds each row's JSON document.

Reading a page of 50 statements into Python records and dumping them took 0.8 ms,
more than twice what SQLite took to find the rows; built by the database as JSON text
and parsed by orjson, the same page takes 0.4 ms. The response schema still decides
the shape: which keys, in which order, nested how. A resource only says where each
field's value comes from. Floats and booleans are spelled so that Python reads back
the very value marshmallow would dump (json_float, json_boolean). Compiling refuses a
field it has no value for, a field type it does not know, a date format other than
ISO, and processing hooks, rather than guess. No library compiles marshmallow
schemas into SQL, hence this module.
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
    func,
    literal_column,
    null,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.visitors import InternalTraversal, iterate, replacement_traverse

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


class json_object(ColumnElement[Any]):
    """A JSON object of (key, value) pairs, in order (text to SQLAlchemy: ``parsed``
    reads a page of them at once)."""

    type = String()
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own spelling: a class-level list)
        ("keys", InternalTraversal.dp_string_list),
        ("values", InternalTraversal.dp_clauseelement_list),
    ]

    def __init__(self, pairs: Sequence[tuple[str, ColumnElement[Any]]]) -> None:
        self.keys = [key for key, _ in pairs]
        self.values = [value for _, value in pairs]


def _object_sql(element: json_object, compiler: Any, function: str, **kw: Any) -> str:
    parts = [
        f"'{key}', {compiler.process(value, **kw)}"
        for key, value in zip(element.keys, element.values, strict=True)
    ]
    return f"{function}({', '.join(parts)})"


@compiles(json_object, "sqlite")
def _json_object_sqlite(element: json_object, compiler: Any, **kw: Any) -> str:
    return _object_sql(element, compiler, "json_object", **kw)


@compiles(json_object, "postgresql")
def _json_object_postgresql(element: json_object, compiler: Any, **kw: Any) -> str:
    return _object_sql(element, compiler, "json_build_object", **kw)


class json_list(ColumnElement[Any]):
    """A JSON array of ``item`` for each row of ``rows``, in ``order``; [] for none.

    PostgreSQL, and SQLite from 3.44, order the aggregate itself. Older SQLite has no
    ORDER BY in an aggregate: it aggregates an ordered subquery, which it does not
    flatten into an aggregate query (the query flattener's rule 16), so the rows arrive
    in that order (the tests check it on every seeded list of several items).
    The subquery selects the columns the item is made of, and the aggregate makes each
    item from them: an item made inside the subquery would pass it as text, to be
    parsed again by json() (7% of the SQL of a page of 50 statements). The array passes
    its scalar subquery, and json() marks it JSON for the enclosing object."""

    type = String()
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own spelling: a class-level list)
        ("sqlite_form", InternalTraversal.dp_clauseelement),
        ("sqlite_ordered_form", InternalTraversal.dp_clauseelement),
        ("postgresql_form", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, item: ColumnElement[Any], rows: AnySelect, order: Sequence[Any]) -> None:
        # The subquery's columns: the table columns the item reads, each once.
        read: list[Any] = list({id(c): c for c in iterate(item) if _is_table_column(c)}.values())
        labelled = [column.label(f"c{index}") for index, column in enumerate(read)]
        ordered = rows.with_only_columns(*labelled).order_by(*order).subquery()
        in_subquery = {id(column): ordered.c[f"c{index}"] for index, column in enumerate(read)}

        def from_subquery(element: Any, **_kw: Any) -> Any:
            return in_subquery.get(id(element))

        item_of_row = replacement_traverse(item, {}, from_subquery)
        self.sqlite_form = func.json(
            select(func.json_group_array(item_of_row)).select_from(ordered).scalar_subquery()
        )
        self.sqlite_ordered_form = func.json(
            rows.with_only_columns(
                func.json_group_array(item).aggregate_order_by(*order)
            ).scalar_subquery()
        )
        aggregate = func.json_agg(item).aggregate_order_by(*order)
        empty: ColumnElement[Any] = literal_column("'[]'::json")
        self.postgresql_form = rows.with_only_columns(
            func.coalesce(aggregate, empty)
        ).scalar_subquery()


SQLITE_ORDERED_AGGREGATES = (3, 44)


@compiles(json_list, "sqlite")
def _json_list_sqlite(element: json_list, compiler: Any, **kw: Any) -> str:
    version = compiler.dialect.server_version_info or (0,)
    ordered = version >= SQLITE_ORDERED_AGGREGATES
    return str(
        compiler.process(element.sqlite_ordered_form if ordered else element.sqlite_form, **kw)
    )


@compiles(json_list, "postgresql")
def _json_list_postgresql(element: json_list, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.postgresql_form, **kw))


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


class _OneValue(ColumnElement[Any]):
    """A JSON value made of one column, spelled per engine by the subclass."""

    type = String()
    inherit_cache = True
    _traverse_internals = [("value", InternalTraversal.dp_clauseelement)]  # noqa: RUF012

    def __init__(self, value: ColumnElement[Any]) -> None:
        self.value = value


class json_float(_OneValue):
    """A float column as a JSON number that parses back to the same float, with a
    point or an exponent so that it parses as a float, not an int (marshmallow dumps
    60.0, not 60).

    SQLite's JSON writes REAL with 15 significant digits, which changes most doubles,
    and its printf is not exact for the largest: SQLite calls factdb_float (Python's
    repr, registered on every connection by factdb.db). PostgreSQL writes float8 in
    its shortest exact form, which for a whole number has no point: ".0" is added.
    """

    inherit_cache = True


@compiles(json_float, "sqlite")
def _json_float_sqlite(element: json_float, compiler: Any, **kw: Any) -> str:
    return f"json(factdb_float({compiler.process(element.value, **kw)}))"


@compiles(json_float, "postgresql")
def _json_float_postgresql(element: json_float, compiler: Any, **kw: Any) -> str:
    text = f"CAST({compiler.process(element.value, **kw)} AS float8)::text"
    return f"(CASE WHEN {text} ~ '^-?[0-9]+$' THEN {text} || '.0' ELSE {text} END)::json"


class json_boolean(_OneValue):
    """A boolean column as JSON true or false (SQLite stores 0 and 1)."""

    inherit_cache = True


@compiles(json_boolean, "sqlite")
def _json_boolean_sqlite(element: json_boolean, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.value, **kw)
    return (
        f"CASE WHEN {value} IS NULL THEN NULL WHEN {value} THEN json('true') ELSE json('false') END"
    )


@compiles(json_boolean, "postgresql")
def _json_boolean_postgresql(element: json_boolean, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.value, **kw)} AS boolean)"


def _is_table_column(element: Any) -> bool:
    """A column of a table or alias (not a literal_column, which has no table)."""
    return isinstance(element, ColumnClause) and element.table is not None
