"""Removing a stored source: its reports, dates, evidence and aliases go, and so do
the entities and topics that no other source supports. A fact that another source also
reports stays, reported by the others."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factdb.loader.apply import apply_plan, update_content_version
from factdb.loader.fact_rows import SECTIONS
from factdb.loader.plan import Plan
from factdb.loader.search_documents import sync_search_documents
from factdb.loader.search_top import rebuild_search_top
from factdb.models import Base, Entity, Evidence, Source


def remove_source(engine: Engine, slug: str) -> dict[str, int]:
    """Remove the source ``slug`` in one transaction; return how many of its facts of
    each kind went. LookupError if no such source is stored."""
    with Session(engine) as session, session.begin():
        source = session.scalar(select(Source).where(Source.slug == slug))
        if source is None:
            raise LookupError(f"no source {slug!r} is stored")
        counts = {}
        for section in SECTIONS:
            table = Base.metadata.tables[section]
            query = select(func.count()).select_from(table).where(table.c.source_id == source.id)
            counts[section] = session.scalar(query) or 0
        supported = select(Evidence.entity_id).where(
            Evidence.source_id == source.id, Evidence.entity_id.is_not(None)
        )
        touched = set(session.scalars(supported.distinct()))
        # The writer's own path for a file that lists nothing: every report leaves its
        # fact (reports.regroup), the entities and topics only it supported go.
        apply_plan(session, _empty_plan(source))
        remaining = session.scalars(select(Entity).where(Entity.id.in_(touched))).all()
        sync_search_documents(session, source, remaining)
        session.delete(source)
        session.flush()
        update_content_version(session)
    rebuild_search_top(engine)
    return counts


def _empty_plan(source: Source) -> Plan:
    meta = {
        "slug": source.slug,
        "title": source.title,
        "publisher": source.publisher,
        "url": source.url,
        "published_on": source.published_on,
        "year": None,
        "drafted": source.drafted,
    }
    return Plan(
        folder=Path(source.slug),
        source=meta,
        text=source.text,
        sha256=source.sha256,
        facts_sha256=source.facts_sha256,
        sections={name: [] for name in ("entities", "topics", *SECTIONS)},
    )
