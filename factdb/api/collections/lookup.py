"""One item by its id or slug: a fact's document as the database builds it, or an
entity's or a source's ORM object."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import Schema
from sqlalchemy import ColumnElement, select

from factdb.api.documents.pydump import dumper
from factdb.api.documents.urls import SINGULAR, api_root
from factdb.api.http import request_db
from factdb.api.http.output import json_response
from factdb.api.http.problems import ApiProblem
from factdb.api.sqljson.reader import DocumentReader, parsed
from factdb.sql import AnySelect


def _as_id(ref: str) -> int | None:
    """``ref`` as an id: all ASCII digits, within 32 bits (a slug may be all digits)."""
    return int(ref) if ref.isascii() and ref.isdigit() and int(ref) < 2**31 else None


def _not_found(table_name: str, ref: str) -> ApiProblem:
    name = SINGULAR.get(table_name, table_name)
    return ApiProblem(404, "Not Found", f"no {name} has the id or slug {ref!r}")


def get_item(model: Any, ref: str, options: tuple[Any, ...] = ()) -> Any:
    """The row whose slug (first) or id is ``ref``, or a 404 problem."""
    session = request_db.session()
    query = select(model).options(*options)
    row = session.scalar(query.where(model.slug == ref))
    ref_id = _as_id(ref)
    if row is None and ref_id is not None:
        row = session.scalar(query.where(model.id == ref_id))
    if row is None:
        raise _not_found(model.__tablename__, ref)
    return row


def item_response(schema: Schema, row: Any) -> Response:
    """One ORM object as ``schema`` dumps it, in the item envelope."""
    return json_response({"data": dumper(schema)(row)}, {})


def get_document(reader: DocumentReader, schema: Schema, ref: str) -> Any:
    """The document of the fact whose slug (first) or id is ``ref``, or a 404 problem.

    A later report's slug or id names its fact: the fact's document is answered, the
    one its collection lists (whose ``sources`` hold the report)."""
    documents = reader.select(schema)
    table = reader.table

    def named(condition: ColumnElement[bool]) -> ColumnElement[bool]:
        if "fact_id" not in table.c:
            return condition
        return table.c.id == select(table.c.fact_id).where(condition).scalar_subquery()

    found = _documents(documents.where(named(table.c.slug == ref)))
    ref_id = _as_id(ref)
    if not found and ref_id is not None:
        found = _documents(documents.where(named(table.c.id == ref_id)))
    if not found:
        raise _not_found(reader.model.__tablename__, ref)  # type: ignore[attr-defined]
    return found[0]


def documents_of(reader: DocumentReader, schema: Schema, ids: list[int]) -> list[Any]:
    """The documents of the facts ``ids``, in that order."""
    query = reader.select(schema).add_columns(reader.table.c.id)
    rows = request_db.connection().execute(query.where(reader.table.c.id.in_(ids)), _values())
    listed = rows.all()
    by_id = dict(
        zip((fact_id for _, fact_id in listed), parsed([d for d, _ in listed]), strict=True)
    )
    return [by_id[fact_id] for fact_id in ids]


def _documents(query: AnySelect) -> list[Any]:
    rows = request_db.connection().execute(query, _values()).all()
    return parsed([document for (document,) in rows])


def _values() -> dict[str, str]:
    return {"api_root": api_root()}
