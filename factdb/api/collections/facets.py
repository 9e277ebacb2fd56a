"""Facet queries (group_by) and the date sort key, shared by the resource modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.sql import Subquery

from factdb.api.collections.collection import AnySelect, Expression, GroupQuery, SortKey
from factdb.models import Source


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
