"""The stored facts the matcher compares, read into plain records: one query per kind
and batch of ids, the links (participants, mentions) read with them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, selectinload

from factdb.match.dates import Interval
from factdb.models import Entity, Event, Position, Quantity, Role, Source, Statement, Topic

# Ids per IN list: well under SQLite's and PostgreSQL's limits on bound parameters.
BATCH = 500

R = TypeVar("R")


def _interval(fact: Any) -> Interval:
    if fact.date_start is None:
        return None
    return (fact.date_start, fact.date_end)


@dataclass(frozen=True)
class EventRecord:
    id: int
    key: str
    source_id: int
    fact_id: int
    kind: str
    title: str
    interval: Interval
    place_id: int | None
    participants: frozenset[int]


@dataclass(frozen=True)
class StatementRecord:
    id: int
    key: str
    source_id: int
    fact_id: int
    speaker_id: int
    text: str
    interval: Interval
    mentions: frozenset[int]


@dataclass(frozen=True)
class RoleRecord:
    id: int
    key: str
    source_id: int
    fact_id: int
    holder_id: int
    title: str
    organization_id: int | None
    interval: Interval


@dataclass(frozen=True)
class PositionRecord:
    id: int
    key: str
    source_id: int
    fact_id: int
    holder_id: int
    stance: str
    target_entity_id: int | None
    target_topic_id: int | None
    description: str
    interval: Interval


@dataclass(frozen=True)
class QuantityRecord:
    id: int
    key: str
    source_id: int
    fact_id: int
    unit: str
    value: float | None
    low: float | None
    high: float | None
    subject_entity_id: int | None
    subject_event_id: int | None
    description: str


def _event(row: Event) -> EventRecord:
    participants = frozenset(p.entity_id for p in row.participants)
    return EventRecord(
        row.id, row.slug, row.source_id, row.fact_id, row.kind, row.title, _interval(row),
        row.place_id, participants,
    )  # fmt: skip


def _statement(row: Statement) -> StatementRecord:
    mentions = frozenset(m.entity_id for m in row.mentions)
    return StatementRecord(
        row.id, row.slug, row.source_id, row.fact_id, row.speaker_id, row.text, _interval(row),
        mentions,
    )  # fmt: skip


def _role(row: Role) -> RoleRecord:
    return RoleRecord(
        row.id, row.slug, row.source_id, row.fact_id, row.holder_id, row.title,
        row.organization_id, _interval(row),
    )  # fmt: skip


def _position(row: Position) -> PositionRecord:
    return PositionRecord(
        row.id, row.slug, row.source_id, row.fact_id, row.holder_id, row.stance,
        row.target_entity_id, row.target_topic_id, row.description, _interval(row),
    )  # fmt: skip


def _quantity(row: Quantity) -> QuantityRecord:
    return QuantityRecord(
        row.id, row.slug, row.source_id, row.fact_id, row.unit, row.value, row.min_value,
        row.max_value, row.subject_entity_id, row.subject_event_id, row.description,
    )  # fmt: skip


# Each kind: its model, the links to read with it, and its record.
KINDS: dict[str, tuple[Any, tuple[Any, ...], Callable[[Any], Any]]] = {
    "events": (Event, (selectinload(Event.participants),), _event),
    "statements": (Statement, (selectinload(Statement.mentions),), _statement),
    "roles": (Role, (), _role),
    "positions": (Position, (), _position),
    "quantities": (Quantity, (), _quantity),
}


def read_where(session: Session, kind: str, where: ColumnElement[bool]) -> list[Any]:
    """The records of ``kind`` matching ``where``, in id order."""
    model, options, record = KINDS[kind]
    rows = session.scalars(select(model).where(where).options(*options).order_by(model.id))
    return [record(row) for row in rows]


def read_ids(session: Session, kind: str, ids: Iterable[int]) -> dict[int, Any]:
    """The records of ``kind`` with these ids, by id."""
    model = KINDS[kind][0]
    wanted = sorted(set(ids))
    found: dict[int, Any] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        for record in read_where(session, kind, model.id.in_(batch)):
            found[record.id] = record
    return found


class Names:
    """Entity and topic names, and where entities lie, read as they are asked for."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._entities: dict[int, tuple[str, int | None]] = {}
        self._topics: dict[int, str] = {}
        self._sources: dict[int, str] = {}

    def _entity(self, entity_id: int) -> tuple[str, int | None]:
        if entity_id not in self._entities:
            row = self._session.execute(
                select(Entity.name, Entity.located_in_id).where(Entity.id == entity_id)
            ).one()
            self._entities[entity_id] = (row.name, row.located_in_id)
        return self._entities[entity_id]

    def entity(self, entity_id: int) -> str:
        """The entity's name."""
        return self._entity(entity_id)[0]

    def entities(self, ids: Iterable[int]) -> str:
        """The entities' names, sorted, comma-separated."""
        return ", ".join(sorted(self.entity(i) for i in ids))

    def topic(self, topic_id: int) -> str:
        """The topic's name."""
        if topic_id not in self._topics:
            name = self._session.scalar(select(Topic.name).where(Topic.id == topic_id))
            assert name is not None, "a fact's topic is stored (foreign key)"
            self._topics[topic_id] = name
        return self._topics[topic_id]

    def source(self, source_id: int) -> str:
        """The source's slug."""
        if source_id not in self._sources:
            slug = self._session.scalar(select(Source.slug).where(Source.id == source_id))
            assert slug is not None, "a fact's source is stored (foreign key)"
            self._sources[source_id] = slug
        return self._sources[source_id]

    def within(self, inner: int, outer: int) -> bool:
        """Whether place ``inner`` lies inside ``outer`` (located_in, at any depth)."""
        seen: set[int] = set()
        here = self._entity(inner)[1]
        while here is not None and here not in seen:
            if here == outer:
                return True
            seen.add(here)
            here = self._entity(here)[1]
        return False
