"""Keyset paging: sort keys, the condition "after this row", and opaque cursors.

Written here rather than taken from flask-smorest, whose pagination is OFFSET-based;
cursors must stay cheap on page 1000.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, or_

from factdb.api.http.problems import BadParameter
from factdb.sql import Expression, code_point_order

# A column, an ORM attribute or an SQL expression over them.


@dataclass(frozen=True)
class SortKey:
    """A sortable expression and the type its cursor values are read back as."""

    column: Expression
    kind: str  # date | int | str | float

    @property
    def expression(self) -> Expression:
        """What is sorted and compared: text in code-point order on every engine."""
        return code_point_order(self.column) if self.kind == "str" else self.column


def parse_sort(sort_keys: dict[str, SortKey], text: str) -> list[tuple[str, bool]]:
    """``-date,id`` -> [("date", True), ("id", False)], always ending with id."""
    order: list[tuple[str, bool]] = []
    for part in text.split(","):
        name = part.strip()
        desc = name.startswith("-")
        name = name.lstrip("-+")
        if name not in sort_keys:
            choices = ", ".join(sort_keys)
            raise BadParameter("sort", f"unknown sort key {name!r}; choose from {choices}")
        if any(existing == name for existing, _ in order):
            raise BadParameter("sort", f"sort key {name!r} is given twice")
        order.append((name, desc))
    if not any(name == "id" for name, _ in order):
        order.append(("id", False))
    return order


def keyset_after(order_values: list[tuple[Expression, bool, Any]]) -> ColumnElement[bool]:
    """Rows strictly after the given sort values, in the given directions.

    The first key's bound is repeated outside the OR so that an index on the sort keys
    is entered at the cursor instead of read from its start (SQLite does not derive the
    range from the OR).
    """
    clauses = []
    for index, (expression, desc, value) in enumerate(order_values):
        equal = [expr == val for expr, _, val in order_values[:index]]
        clauses.append(and_(*equal, expression < value if desc else expression > value))
    first, desc, value = order_values[0]
    return and_(first <= value if desc else first >= value, or_(*clauses))


def _sort_string(order: list[tuple[str, bool]]) -> str:
    return ",".join(("-" if desc else "") + name for name, desc in order)


def encode_cursor(order: list[tuple[str, bool]], values: Any) -> str:
    plain = [value.isoformat() if isinstance(value, dt.date) else value for value in values]
    payload = json.dumps({"s": _sort_string(order), "v": plain}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(
    sort_keys: dict[str, SortKey], cursor: str, order: list[tuple[str, bool]]
) -> list[tuple[Expression, bool, Any]]:
    """The sort values a cursor holds; BadParameter when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if not isinstance(payload, dict) or set(payload) != {"s", "v"}:
            raise ValueError("not a cursor")
        if payload["s"] != _sort_string(order):
            raise BadParameter(
                "cursor", "the cursor was made for another sort order; drop it or restore that sort"
            )
        values = payload["v"]
        if not isinstance(values, list) or len(values) != len(order):
            raise ValueError("wrong number of values")
        typed = [
            _typed_value(sort_keys[name].kind, value)
            for (name, _), value in zip(order, values, strict=True)
        ]
    except (ValueError, TypeError, binascii.Error, UnicodeError):
        raise BadParameter(
            "cursor", "malformed cursor; use the next_cursor of a previous page"
        ) from None
    return [
        (sort_keys[name].expression, desc, value)
        for (name, desc), value in zip(order, typed, strict=True)
    ]


def stored_value(kind: str, value: Any) -> Any:
    """A sort value as a row read on the driver holds it, typed as its sort key binds
    it: SQLite's driver returns dates as ISO text."""
    if kind == "date" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _typed_value(kind: str, value: Any) -> Any:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "date" and isinstance(value, str):
        return stored_value(kind, value)
    # Integers within the 32-bit ids both engines store; floats finite; no NUL in text.
    if kind == "int" and number and isinstance(value, int) and -(2**31) <= value < 2**31:
        return value
    if kind == "float" and number and math.isfinite(value):
        return float(value)
    if kind == "str" and isinstance(value, str) and "\x00" not in value:
        return value
    raise ValueError(f"bad {kind} value in cursor")
