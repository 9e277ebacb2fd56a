"""Response bodies: readable JSON, streamed CSV, and URLs for links."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

import orjson
from flask import Response, request
from marshmallow import Schema, fields


def json_response(body: Any, headers: dict[str, str], status: int = 200) -> Response:
    """UTF-8 JSON with non-ASCII characters as they are, indented for a terminal.

    orjson indents at C speed; the standard library's encoder falls back to pure
    Python as soon as it is asked to indent."""
    text = orjson.dumps(body, default=str, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    return Response(text, status=status, mimetype="application/json", headers=headers)


def url_with(**changes: str | None) -> str:
    """This request's URL with some query parameters replaced (None removes one)."""
    args = request.args.copy()
    for name, value in changes.items():
        args.pop(name, None)
        if value is not None:
            args[name] = value
    query = urlencode(list(args.items(multi=True)))
    return request.base_url + ("?" + query if query else "")


def csv_columns(schema: Schema, prefix: str = "") -> list[str]:
    """Columns for a schema: nested objects become dotted columns, lists one column."""
    columns = []
    for name, field in schema.fields.items():
        if field.load_only:
            continue
        key = prefix + (field.data_key or name)
        if isinstance(field, fields.Nested) and not field.many and isinstance(field.schema, Schema):
            columns += csv_columns(field.schema, key + ".")
        else:
            columns.append(key)
    return columns


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _lookup(row: dict[str, Any], dotted: str) -> Any:
    value: Any = row
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def csv_stream(schema: Schema | None, rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV text, a chunk per row, with a header from the schema (or the first row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    iterator = iter(rows)
    first = next(iterator, None)
    columns = csv_columns(schema) if schema is not None else list(first or {})
    writer.writerow(columns)
    if first is not None:
        iterator = itertools.chain([first], iterator)
    for row in iterator:
        writer.writerow([_cell(_lookup(row, column)) for column in columns])
        yield _drain(buffer)
    if buffer.tell():  # no rows: the header alone
        yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
