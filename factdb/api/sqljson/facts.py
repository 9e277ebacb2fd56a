"""Where each field of a statement's and an event's JSON comes from, for the database to
build the documents (sqljson.py): the fact's table joined to its required and optional
references, and correlated lists of what it embeds."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema
from sqlalchemy import ColumnElement, func, select

from factdb.api.documents.schemas import api_root
from factdb.api.http import request_db
from factdb.api.sqljson.build import DocumentReader, Many, Nested, parsed, url
from factdb.api.sqljson.dialects import json_list, json_object
from factdb.models import (
    DateInterval,
    Entity,
    Event,
    EventParticipant,
    EventTopic,
    Evidence,
    Quantity,
    Source,
    Statement,
    StatementMention,
    Topic,
)
from factdb.models.evidence import EVIDENCE_ORDER
from factdb.sql import AnySelect


def order_of(relationship: Any) -> tuple[Any, ...]:
    """The order a relationship of the models lists its rows in, so that documents list
    them in the same order as the ORM objects marshmallow dumps."""
    return tuple(relationship.property.order_by or ())


def _date(dates: Any) -> Nested:
    c = dates.c
    anchor = DateInterval.__table__.alias("anchor_date")
    anchor_slug = (
        select(anchor.c.slug).where(anchor.c.id == c.anchor_date_id).correlate(dates)
    ).scalar_subquery()
    return Nested(
        {
            "start": c.start_date,
            "end": c.end_date,
            "precision": c.precision,
            "text": c.text,
            "basis": c.basis,
            "year_basis": c.year_basis,
            # DateInterval.rule: published, or the anchor date's slug.
            "relative": Nested(
                {
                    "anchor": func.coalesce(anchor_slug, c.relative_anchor),
                    "offset": c.relative_offset,
                    "unit": c.relative_unit,
                    "weekday": c.relative_weekday,
                    "direction": c.relative_direction,
                },
                present=c.relative_anchor,
            ),
        },
        present=c.id,
    )


def _entity(entity: Any) -> dict[str, ColumnElement[Any]]:
    return {"slug": entity.c.slug, "name": entity.c.name, "url": url("entities", entity.c.slug)}


def _evidence(owner: Any, fact: Any) -> Many:
    """A fact's evidence spans; ``owner`` is the evidence column that names the fact."""
    spans, span = Source.__table__.alias("span_source"), Evidence.__table__.c
    rows = (
        select(span.id)
        .select_from(Evidence.__table__)
        .join(spans, spans.c.id == span.source_id)
        .where(owner == fact.c.id)
        .correlate(fact)
    )
    return Many(
        rows,
        {
            "source": spans.c.slug,
            "start": span.start_offset,
            "end": span.end_offset,
            "text": span.text,
        },
        order=EVIDENCE_ORDER,
    )


def _linked(link: Any, target: Any, target_key: Any, owner_key: Any, fact: Any) -> AnySelect:
    """The rows of a link table naming ``fact`` (``owner_key``), joined to what they link
    to (``target``, by ``target_key``): what a Many reads for each fact."""
    return (
        select(target.c.id)
        .select_from(link)
        .join(target, target.c.id == target_key)
        .where(owner_key == fact.c.id)
        .correlate(fact)
    )


def _statement_reader() -> DocumentReader:
    statements, sources, events = Statement.__table__, Source.__table__, Event.__table__
    speaker, dates = Entity.__table__.alias("speaker"), DateInterval.__table__
    relayer = Entity.__table__.alias("relayer")
    # Speaker and source are required: the inner joins keep every statement.
    joined = (
        statements.join(speaker, speaker.c.id == statements.c.speaker_id)
        .join(sources, sources.c.id == statements.c.source_id)
        .outerjoin(relayer, relayer.c.id == statements.c.relayed_by_id)
        .outerjoin(events, events.c.id == statements.c.event_id)
        .outerjoin(dates, dates.c.id == statements.c.date_id)
    )
    s = statements.c
    mentioned = Entity.__table__.alias("mentioned")
    link = StatementMention.__table__.c
    mentions = _linked(StatementMention, mentioned, link.entity_id, link.statement_id, statements)
    event = {"slug": events.c.slug, "title": events.c.title, "url": url("events", events.c.slug)}
    return DocumentReader(
        joined,
        {
            "id": s.id,
            "slug": s.slug,
            "speaker": Nested(_entity(speaker)),
            "speaker_text": s.speaker_text,
            "relayed_by": Nested(_entity(relayer), present=relayer.c.id),
            "relayed_by_text": s.relayed_by_text,
            "mode": s.mode,
            "text": s.text,
            "event": Nested(event, present=events.c.id),
            "date": _date(dates),
            "mentions": Many(mentions, _entity(mentioned), order=order_of(Statement.mentions)),
            "source": sources.c.slug,
            "reviewed": s.reviewed,
            "evidence": _evidence(Evidence.statement_id, statements),
            "url": url("statements", s.slug),
        },
    )


def _event_reader() -> DocumentReader:
    events, sources, dates = Event.__table__, Source.__table__, DateInterval.__table__
    place, part_of = Entity.__table__.alias("place"), Event.__table__.alias("part_of")
    joined = (
        events.join(sources, sources.c.id == events.c.source_id)
        .outerjoin(place, place.c.id == events.c.place_id)
        .outerjoin(part_of, part_of.c.id == events.c.part_of_id)
        .outerjoin(dates, dates.c.id == events.c.date_id)
    )
    e = events.c
    taking_part, link = Entity.__table__.alias("participant"), EventParticipant.__table__.c
    participants = _linked(EventParticipant, taking_part, link.entity_id, link.event_id, events)
    topic, tagged = Topic.__table__, EventTopic.__table__.c
    topics = _linked(EventTopic, topic, tagged.topic_id, tagged.event_id, events)
    quantity = Quantity.__table__.c
    quantities = select(quantity.id).where(quantity.subject_event_id == e.id).correlate(events)
    return DocumentReader(
        joined,
        {
            "id": e.id,
            "slug": e.slug,
            "kind": e.kind,
            "title": e.title,
            "status": e.status,
            "date": _date(dates),
            "place": Nested(_entity(place), present=place.c.id),
            "part_of": Nested(
                {
                    "slug": part_of.c.slug,
                    "title": part_of.c.title,
                    "url": url("events", part_of.c.slug),
                },
                present=part_of.c.id,
            ),
            "participants": Many(
                participants,
                {
                    "slug": taking_part.c.slug,
                    "name": taking_part.c.name,
                    "role": link.role,
                },
                order=order_of(Event.participants),
            ),
            # A Function field of the schema: {slug, name} per topic, as it builds them.
            "topics": json_list(
                json_object([("slug", topic.c.slug), ("name", topic.c.name)]),
                topics,
                order_of(Event.topics),
            ),
            "quantities": Many(
                quantities,
                {
                    "text": quantity.text,
                    "value": quantity.value,
                    "min": quantity.min_value,
                    "max": quantity.max_value,
                    "unit": quantity.unit,
                    "approximate": quantity.approximate,
                    "approximation": quantity.approximation,
                    "description": quantity.description,
                    "slug": quantity.slug,
                    "reviewed": quantity.reviewed,
                    "url": url("quantities", quantity.slug),
                },
                order=order_of(Event.quantities),
            ),
            "source": sources.c.slug,
            "reviewed": e.reviewed,
            "evidence": _evidence(Evidence.event_id, events),
            "url": url("events", e.slug),
        },
    )


STATEMENTS = _statement_reader()
EVENTS = _event_reader()


def documents_of(reader: DocumentReader, model: Any, schema: Schema, ids: list[int]) -> list[Any]:
    """The facts ``ids`` of ``model``, in that order, as the database builds them for
    ``schema`` (pages use the reader; the tests compare these with ``schema.dump``)."""
    query = reader.select(schema).add_columns(model.id).where(model.id.in_(ids))
    rows = request_db.connection().execute(query, {"api_root": api_root()}).all()
    documents = parsed([document for document, _ in rows])
    by_id = {fact_id: document for (_, fact_id), document in zip(rows, documents, strict=True)}
    return [by_id[fact_id] for fact_id in ids]
