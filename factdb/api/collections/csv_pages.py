"""A collection as CSV: every row from the cursor on, read page after page while the
response streams."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask import current_app

from factdb.api.collections.keyset import SortKey, stored_value
from factdb.db import query_deadline
from factdb.sql import Expression

CSV_PAGE = 500
Page = Callable[[list[Any] | None], list[Any]]


def csv_rows(
    page: Page, dumped: Callable[[list[Any]], list[Any]], sort_values: int, size: int
) -> Iterator[dict[str, Any]]:
    """The documents of every page: ``page(None)`` first, then ``page(after)`` with the
    last row's ``sort_values`` trailing values, until a page is short.

    The first page is read here, before the 200 is sent, so that a timeout or a database
    error on it is still answered as a problem. A failure on a later page can only break
    off the stream, which a client sees as an incomplete response."""
    timeout = current_app.config["QUERY_TIMEOUT_SECONDS"]

    def read(after: list[Any] | None) -> list[Any]:
        with query_deadline(timeout):  # each page gets the whole time limit
            return page(after)

    first = read(None)

    def documents() -> Iterator[dict[str, Any]]:
        rows = first
        while True:
            with query_deadline(timeout):
                yield from dumped(rows)
            if len(rows) < size:
                return
            rows = read(list(rows[-1][-sort_values:]))

    return documents()


def typed_after(
    sort_keys: dict[str, SortKey], order: list[tuple[str, bool]], values: list[Any]
) -> list[tuple[Expression, bool, Any]]:
    """The keyset condition's terms after a row whose sort values are ``values``."""
    return [
        (sort_keys[name].expression, desc, stored_value(sort_keys[name].kind, value))
        for (name, desc), value in zip(order, values, strict=True)
    ]
