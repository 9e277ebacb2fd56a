"""Bring stored child rows in line with a facts file, keeping the rows that still match
(so ids stay put and a reload changes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from factdb.loader.fact_rows import evidence_columns
from factdb.loader.spans import Span
from factdb.models import FACT_COLUMNS, Base, Evidence


def sync_links(
    collection: list[Any], wanted: dict[int, dict[str, Any]], key: str, make: Callable[..., Any]
) -> None:
    """Make ``collection`` hold one link per key of ``wanted`` (whose values are the
    link's other columns), updating the links that are kept."""
    remaining = dict(wanted)
    for link in list(collection):
        values = remaining.pop(getattr(link, key), None)
        if values is None:
            collection.remove(link)
            continue
        for name, value in values.items():
            setattr(link, name, value)
    for link_key in sorted(remaining):
        collection.append(make(**{key: link_key, **remaining[link_key]}))


def sync_evidence(session: Session, fact: Any, source_id: int, spans: list[Span]) -> None:
    """Make the evidence of ``fact`` from ``source_id`` exactly ``spans``.

    Only this source's rows are read: a popular entity has evidence in thousands of
    sources, and loading all of it for every source made loads grow with the corpus.
    """
    wanted = {(span.start, span.end): span for span in spans}
    if inspect(fact).has_identity:
        column = getattr(Evidence, _FACT_COLUMN[type(fact).__tablename__])
        existing = session.scalars(
            select(Evidence).where(column == fact.id, Evidence.source_id == source_id)
        )
        for row in existing:
            span = wanted.pop((row.start_offset, row.end_offset), None)
            if span is None:
                session.delete(row)
            elif row.text != span.text:
                row.text = span.text
    for span in wanted.values():
        row = Evidence(**evidence_columns(source_id, span))
        if inspect(fact).has_identity:
            setattr(row, _FACT_COLUMN[type(fact).__tablename__], fact.id)
            session.add(row)
        else:
            fact.evidence.append(row)


# The evidence column pointing at each kind of fact, by the fact's table.
_FACT_COLUMN = {
    next(iter(Evidence.__table__.c[column].foreign_keys)).column.table.name: column
    for column in FACT_COLUMNS
}


def is_referenced(session: Session, table: Any, row_id: int) -> bool:
    """Whether any row of any table points at ``row_id`` of ``table``."""
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                query = select(fk.parent).where(fk.parent == row_id).limit(1)
                if session.execute(query).first() is not None:
                    return True
    return False
