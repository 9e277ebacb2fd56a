"""Bring stored child rows in line with a facts file, keeping the rows that still match
(so ids stay put and a reload changes nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.loader.spans import Span
from factdb.models import Base, Evidence


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


def sync_evidence(fact: Any, source_id: int, spans: list[Span]) -> None:
    """Make the evidence of ``fact`` from ``source_id`` exactly ``spans``."""
    wanted = {(span.start, span.end): span for span in spans}
    for row in list(fact.evidence):
        if row.source_id != source_id:
            continue
        span = wanted.pop((row.start_offset, row.end_offset), None)
        if span is None:
            fact.evidence.remove(row)
        elif row.text != span.text:
            row.text = span.text
    for span in wanted.values():
        fact.evidence.append(
            Evidence(
                source_id=source_id, start_offset=span.start, end_offset=span.end, text=span.text
            )
        )


def is_referenced(session: Session, table: Any, row_id: int) -> bool:
    """Whether any row of any table points at ``row_id`` of ``table``."""
    for other in Base.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                query = select(fk.parent).where(fk.parent == row_id).limit(1)
                if session.execute(query).first() is not None:
                    return True
    return False
