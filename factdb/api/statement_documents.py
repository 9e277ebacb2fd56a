"""Where each field of a statement's JSON comes from, for the database to build the
documents (sqljson.py): the statements table joined to its speaker, source, event and
date, and correlated lists of its mentions and its evidence."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema
from sqlalchemy import select

from factdb.api import database
from factdb.api.records import order_of
from factdb.api.schemas import api_root
from factdb.api.sqljson import DocumentReader, Many, Nested, parsed, url
from factdb.models import DateInterval, Entity, Event, Evidence, Source, Statement, StatementMention
from factdb.models.evidence import EVIDENCE_ORDER


def _statement_reader() -> DocumentReader:
    statements, sources, events = Statement.__table__, Source.__table__, Event.__table__
    speaker, dates = Entity.__table__.alias("speaker"), DateInterval.__table__
    # Speaker and source are required: the inner joins keep every statement.
    joined = (
        statements.join(speaker, speaker.c.id == statements.c.speaker_id)
        .join(sources, sources.c.id == statements.c.source_id)
        .outerjoin(events, events.c.id == statements.c.event_id)
        .outerjoin(dates, dates.c.id == statements.c.date_id)
    )
    s = statements.c
    mentioned = Entity.__table__.alias("mentioned")
    mentions = (
        select(mentioned.c.id)
        .select_from(StatementMention)
        .join(mentioned, mentioned.c.id == StatementMention.entity_id)
        .where(StatementMention.statement_id == s.id)
        .correlate(statements)
    )
    spans, span = Source.__table__.alias("span_source"), Evidence.__table__.c
    evidence = (
        select(span.id)
        .select_from(Evidence.__table__)
        .join(spans, spans.c.id == span.source_id)
        .where(span.statement_id == s.id)
        .correlate(statements)
    )
    return DocumentReader(
        joined,
        {
            "id": s.id,
            "slug": s.slug,
            "speaker": Nested(
                {
                    "slug": speaker.c.slug,
                    "name": speaker.c.name,
                    "url": url("entities", speaker.c.slug),
                }
            ),
            "speaker_text": s.speaker_text,
            "mode": s.mode,
            "text": s.text,
            "event": Nested(
                {
                    "slug": events.c.slug,
                    "title": events.c.title,
                    "url": url("events", events.c.slug),
                },
                present=events.c.id,
            ),
            "date": Nested(
                {
                    "start": dates.c.start_date,
                    "end": dates.c.end_date,
                    "precision": dates.c.precision,
                    "text": dates.c.text,
                    "basis": dates.c.basis,
                    "year_basis": dates.c.year_basis,
                },
                present=dates.c.id,
            ),
            "mentions": Many(
                mentions,
                {
                    "slug": mentioned.c.slug,
                    "name": mentioned.c.name,
                    "url": url("entities", mentioned.c.slug),
                },
                order=order_of(Statement.mentions),
            ),
            "source": sources.c.slug,
            "evidence": Many(
                evidence,
                {
                    "source": spans.c.slug,
                    "start": span.start_offset,
                    "end": span.end_offset,
                    "text": span.text,
                },
                order=EVIDENCE_ORDER,
            ),
            "url": url("statements", s.slug),
        },
    )


STATEMENTS = _statement_reader()


def statement_documents(schema: Schema, ids: list[int]) -> list[Any]:
    """The statements ``ids``, in that order, as the database builds them for
    ``schema`` (pages use the reader; the tests compare these with ``schema.dump``)."""
    query = STATEMENTS.select(schema).add_columns(Statement.id).where(Statement.id.in_(ids))
    rows = database.session().connection().execute(query, {"api_root": api_root()}).all()
    by_id = dict(
        zip((fact_id for _, fact_id in rows), parsed([doc for doc, _ in rows]), strict=True)
    )
    return [by_id[fact_id] for fact_id in ids]
