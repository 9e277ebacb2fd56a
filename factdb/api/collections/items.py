"""Helpers shared by the resource modules: item lookup and facet queries."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import Schema
from sqlalchemy import distinct, func, select
from sqlalchemy.sql import Subquery

from factdb.api.collections.collection import AnySelect, Expression, GroupQuery, SortKey
from factdb.api.documents.pydump import dumper
from factdb.api.documents.schemas import SINGULAR
from factdb.api.http import request_db
from factdb.api.http.output import json_response
from factdb.api.http.problems import ApiProblem
from factdb.models import Source


def get_item(model: Any, ref: str, options: tuple[Any, ...] = ()) -> Any:
    """The row whose id or slug is ``ref``, or a 404 problem."""
    session = request_db.session()
    query = select(model).options(*options)
    row = session.scalar(query.where(model.slug == ref))  # a slug may be all digits
    if row is None and ref.isascii() and ref.isdigit() and int(ref) < 2**31:  # 32-bit ids
        row = session.scalar(query.where(model.id == int(ref)))
    if row is None:
        name = SINGULAR.get(model.__tablename__, model.__tablename__)
        raise ApiProblem(404, "Not Found", f"no {name} has the id or slug {ref!r}")
    return row


def item_response(schema: Schema, row: Any) -> Response:
    return json_response({"data": dumper(schema)(row)}, {})


def grouped(
    model: Any,
    ids: Subquery,
    key: Expression,
    label: Expression | None = None,
    joins: tuple[tuple[Any, Any], ...] = (),
) -> AnySelect:
    """(key, label, count) over the filtered rows, following ``joins`` (outer joins)."""
    query = select(model).join(ids, ids.c.id == model.id)
    for target, onclause in joins:
        query = query.outerjoin(target, onclause)
    label = key if label is None else label
    return query.with_only_columns(
        key,
        label,
        func.count(distinct(model.id)),
    ).group_by(key, label)


def date_sort(model: Any) -> SortKey:
    """Dated facts by the start of their interval, undated ones last (sort_date)."""
    return SortKey(model.sort_date, "date")


def by_source(model: Any) -> GroupQuery:
    """The group_by=source facet of a kind of fact."""
    return lambda ids: grouped(
        model, ids, Source.slug, Source.title, ((Source, Source.id == model.source_id),)
    )
