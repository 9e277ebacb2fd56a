"""Rows named by a set of values, read in one statement whatever the set's size.

``column IN (:v1, :v2, ...)`` takes one bound parameter per value: engines cap those
(SQLite at 32,766, PostgreSQL at 65,535) and SQLAlchemy renders the list anew for
each call, so the writers used to read a batch's keys 500 at a time. Here the values
travel as one parameter, a JSON array on SQLite (read by json_each) and an array on
PostgreSQL (= ANY), and the column's index is used for each value on both.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

__all__ = ["one_of"]


def one_of(connection: Connection, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """The condition that ``column`` is one of ``values`` (strings or integers), with
    the values bound as a single parameter."""
    listed = sorted(set(values))
    if connection.dialect.name == "postgresql":
        array = bindparam("values", listed, type_=ARRAY(column.type), unique=True)
        return column == any_(array)
    given = bindparam("values", json.dumps(listed), type_=String(), unique=True)
    elements = func.json_each(given).table_valued("value")
    return column.in_(select(elements.c.value))
