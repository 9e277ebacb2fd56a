"""Pages of events read with plain SQL into light records.

Loading ORM objects (and their identity map) cost more than the query itself on a page
of 50 events with their participants, topics, quantities and evidence. These loaders
read the same columns with Core queries and build records that carry the attribute
names the response schemas read, so the compiled dump functions serve both. Tests dump
every seeded fact both ways and compare. (Statements go further: the database builds
their documents, statement_documents.py.)"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from types import SimpleNamespace as Record
from typing import Any

from sqlalchemy import BindParameter, bindparam, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Executable

from factdb.api import database
from factdb.models import (
    DateInterval,
    Entity,
    Event,
    EventParticipant,
    EventTopic,
    Evidence,
    Quantity,
    Source,
    Topic,
)
from factdb.models.evidence import EVIDENCE_ORDER
from factdb.sql import AnySelect

DATE_COLUMNS = (
    DateInterval.start_date,
    DateInterval.end_date,
    DateInterval.precision,
    DateInterval.text,
    DateInterval.basis,
    DateInterval.year_basis,
)


def date_record(values: Sequence[Any]) -> Record | None:
    if values[0] is None:
        return None
    start, end, precision, text, basis, year_basis = values
    return Record(
        start_date=start,
        end_date=end,
        precision=precision,
        text=text,
        basis=basis,
        year_basis=year_basis,
    )


def order_of(relationship: Any) -> tuple[Any, ...]:
    """The order a relationship of the models lists its rows in, so that records list
    them in the same order."""
    return tuple(relationship.property.order_by or ())


def _ref(slug: str | None, **more: Any) -> Record | None:
    return None if slug is None else Record(slug=slug, **more)


IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)


def run_for_ids(query: Executable, ids: list[int]) -> Any:
    """Rows of a prepared query for the page's ``ids``, without the ORM's layer."""
    return database.session().connection().execute(query, {"ids": ids})


@cache
def _evidence_query(column: Any) -> AnySelect:
    return (
        select(column, Source.slug, Evidence.start_offset, Evidence.end_offset, Evidence.text)
        .join(Source, Source.id == Evidence.source_id)
        .where(column.in_(IDS))
        .order_by(column, *EVIDENCE_ORDER)
    )


def _evidence(column: Any, ids: list[int]) -> dict[int, list[Record]]:
    """The evidence of each fact, in the order the ORM relationship gives it."""
    found: dict[int, list[Record]] = defaultdict(list)
    for owner, source, start, end, text in run_for_ids(_evidence_query(column), ids):
        found[owner].append(
            Record(source=Record(slug=source), start_offset=start, end_offset=end, text=text)
        )
    return found


def _grouped(rows: Iterable[Sequence[Any]]) -> dict[int, list[Record]]:
    """(owner id, record) rows -> records per owner, in row order."""
    found: dict[int, list[Record]] = defaultdict(list)
    for owner, record in rows:
        found[owner].append(record)
    return found


@cache
def _event_queries() -> tuple[AnySelect, ...]:
    place, part_of = aliased(Entity), aliased(Event)
    rows = (
        select(
            Event.id,
            Event.slug,
            Event.kind,
            Event.title,
            place.slug,
            place.name,
            part_of.slug,
            part_of.title,
            Source.slug,
            *DATE_COLUMNS,
        )
        .join(Source, Source.id == Event.source_id)
        .outerjoin(place, place.id == Event.place_id)
        .outerjoin(part_of, part_of.id == Event.part_of_id)
        .outerjoin(DateInterval, DateInterval.id == Event.date_id)
        .where(Event.id.in_(IDS))
    )
    participants = (
        select(EventParticipant.event_id, Entity.slug, Entity.name, EventParticipant.role)
        .join(Entity, Entity.id == EventParticipant.entity_id)
        .where(EventParticipant.event_id.in_(IDS))
        .order_by(EventParticipant.event_id, *order_of(Event.participants))
    )
    topics = (
        select(EventTopic.event_id, Topic.slug, Topic.name)
        .join(Topic, Topic.id == EventTopic.topic_id)
        .where(EventTopic.event_id.in_(IDS))
        .order_by(EventTopic.event_id, *order_of(Event.topics))
    )
    quantities = (
        select(
            Quantity.subject_event_id,
            Quantity.slug,
            Quantity.text,
            Quantity.value,
            Quantity.min_value,
            Quantity.max_value,
            Quantity.unit,
            Quantity.approximate,
            Quantity.description,
        )
        .where(Quantity.subject_event_id.in_(IDS))
        .order_by(Quantity.subject_event_id, *order_of(Event.quantities))
    )
    return rows, participants, topics, quantities


def event_records(ids: list[int]) -> list[Record]:
    """The events ``ids``, in that order, as EventOut reads them."""
    rows, participant_rows, topic_rows, quantity_rows = _event_queries()
    participants = _grouped(
        (owner, Record(entity=Record(slug=slug, name=name), role=role))
        for owner, slug, name, role in run_for_ids(participant_rows, ids)
    )
    topics = _grouped(
        (owner, Record(topic=Record(slug=slug, name=name)))
        for owner, slug, name in run_for_ids(topic_rows, ids)
    )
    quantities = _grouped(
        (row[0], Record(**row._mapping)) for row in run_for_ids(quantity_rows, ids)
    )
    evidence = _evidence(Evidence.event_id, ids)
    records = {}
    for row in run_for_ids(rows, ids):
        fact_id = row[0]
        records[fact_id] = Record(
            id=fact_id,
            slug=row[1],
            kind=row[2],
            title=row[3],
            place=_ref(row[4], name=row[5]),
            part_of=_ref(row[6], title=row[7]),
            source=Record(slug=row[8]),
            date=date_record(row[9:]),
            participants=participants.get(fact_id, []),
            topics=topics.get(fact_id, []),
            quantities=quantities.get(fact_id, []),
            evidence=evidence.get(fact_id, []),
        )
    return [records[fact_id] for fact_id in ids]
