"""JSON built by the database, spelled per engine: objects, ordered lists of objects,
floats and booleans, as SQL elements that compile to SQLite's JSON functions or to
PostgreSQL's (sqljson.py compiles response schemas into them). Floats and booleans are
spelled so that Python reads back the very value marshmallow would dump."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnClause
from sqlalchemy.sql.visitors import InternalTraversal, iterate, replacement_traverse

from factdb.sql import AnySelect


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
    its scalar subquery, and json() marks it JSON for the enclosing object.
    An item holding a list of its own (a report's evidence) is made inside the
    subquery instead, and passed as text: the inner list's rows are correlated to the
    item's row, which the subquery's columns could not stand for."""

    type = String()
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's own spelling: a class-level list)
        ("sqlite_form", InternalTraversal.dp_clauseelement),
        ("sqlite_ordered_form", InternalTraversal.dp_clauseelement),
        ("postgresql_form", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, item: ColumnElement[Any], rows: AnySelect, order: Sequence[Any]) -> None:
        self.sqlite_form = (
            _made_in_subquery(item, rows, order)
            if any(isinstance(element, json_list) for element in iterate(item))
            else _made_from_columns(item, rows, order)
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


def _made_from_columns(
    item: ColumnElement[Any], rows: AnySelect, order: Sequence[Any]
) -> ColumnElement[Any]:
    """SQLite's array aggregating an ordered subquery of the columns the item reads."""
    # The subquery's columns: the table columns the item reads, each once.
    read: list[Any] = list({id(c): c for c in iterate(item) if _is_table_column(c)}.values())
    labelled = [column.label(f"c{index}") for index, column in enumerate(read)]
    ordered = rows.with_only_columns(*labelled).order_by(*order).subquery()
    in_subquery = {id(column): ordered.c[f"c{index}"] for index, column in enumerate(read)}

    def from_subquery(element: Any, **_kw: Any) -> Any:
        return in_subquery.get(id(element))

    item_of_row = replacement_traverse(item, {}, from_subquery)
    return func.json(
        select(func.json_group_array(item_of_row)).select_from(ordered).scalar_subquery()
    )


def _made_in_subquery(
    item: ColumnElement[Any], rows: AnySelect, order: Sequence[Any]
) -> ColumnElement[Any]:
    """SQLite's array aggregating an ordered subquery of the items, each as JSON text."""
    ordered = rows.with_only_columns(item.label("item")).order_by(*order).subquery()
    items = func.json_group_array(func.json(ordered.c.item))
    return func.json(select(items).select_from(ordered).scalar_subquery())


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
