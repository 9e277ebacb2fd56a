"""Where the matcher looks for other sources' reports of a fact: each kind's indexed
paths (an event's participants, place and kind within a date window; a statement's
speaker within it; a role's or position's holder; a quantity's subject and unit), never
a scan of every stored fact.

The date window reaches ``WINDOW_DAYS`` around the fact's date, and farther back by the
longest interval its table holds (read from the date_days index), so a long fact that
began earlier and overlaps the date is found. Undated candidates are always in it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select, true
from sqlalchemy.orm import Session

from factdb.match.dates import Interval
from factdb.match.records import (
    EventRecord,
    PositionRecord,
    QuantityRecord,
    RoleRecord,
    StatementRecord,
)
from factdb.models import Event, EventParticipant, Position, Quantity, Role, Statement
from factdb.models.fact_base import UNDATED

# How far from a fact's date a candidate may start, in days: wide enough for a source
# that is a week or a month off, which the date rule then scores down.
WINDOW_DAYS = 31


class Candidates:
    """The candidate ids of each kind for facts of one source (not its own facts)."""

    def __init__(self, session: Session, source_id: int) -> None:
        self._session = session
        self._source_id = source_id
        self._longest: dict[Any, int] = {}
        self._events: dict[int, set[int]] = {}

    def _window(self, model: Any, interval: Interval) -> tuple[dt.date, dt.date] | None:
        if interval is None:
            return None
        if model not in self._longest:
            longest = self._session.scalar(select(func.max(model.date_days)))
            self._longest[model] = longest or 0
        before = dt.timedelta(days=WINDOW_DAYS + self._longest[model])
        return interval[0] - before, interval[1] + dt.timedelta(days=WINDOW_DAYS)

    @staticmethod
    def _dated(column: Any, window: tuple[dt.date, dt.date] | None) -> ColumnElement[bool]:
        if window is None:
            return true()
        return or_(column.between(*window), column == UNDATED)

    def _ids(self, model: Any, query: Select[Any]) -> set[int]:
        """The ids ``query`` finds, less the source's own facts."""
        others = select(model.id).where(
            model.id.in_(query.scalar_subquery()), model.source_id != self._source_id
        )
        return set(self._session.scalars(others))

    def events(self, fact: EventRecord) -> set[int]:
        """Events sharing a participant or the place within the window, or of the same
        kind within it (a dated event only: the kind alone is too wide a path)."""
        if fact.id in self._events:
            return self._events[fact.id]
        window = self._window(Event, fact.interval)
        found: set[int] = set()
        if fact.participants:
            query = select(EventParticipant.event_id).where(
                EventParticipant.entity_id.in_(sorted(fact.participants)),
                self._dated(EventParticipant.sort_date, window),
            )
            found |= self._ids(Event, query)
        if fact.place_id is not None:
            query = select(Event.id).where(
                Event.place_id == fact.place_id, self._dated(Event.sort_date, window)
            )
            found |= self._ids(Event, query)
        if window is not None:
            query = select(Event.id).where(
                Event.kind == fact.kind, Event.sort_date.between(*window)
            )
            found |= self._ids(Event, query)
        self._events[fact.id] = found
        return found

    def statements(self, fact: StatementRecord) -> set[int]:
        """The speaker's statements within the window."""
        window = self._window(Statement, fact.interval)
        query = select(Statement.id).where(
            Statement.speaker_id == fact.speaker_id, self._dated(Statement.sort_date, window)
        )
        return self._ids(Statement, query)

    def roles(self, fact: RoleRecord) -> set[int]:
        """The holder's roles, whenever attested: an office outlasts any window."""
        return self._ids(Role, select(Role.id).where(Role.holder_id == fact.holder_id))

    def positions(self, fact: PositionRecord) -> set[int]:
        """The holder's positions, whenever taken: a stance outlasts any window."""
        query = select(Position.id).where(Position.holder_id == fact.holder_id)
        return self._ids(Position, query)

    def quantities(self, fact: QuantityRecord, subject_events: set[int]) -> set[int]:
        """Quantities of the unit about the same subject entity, or about an event among
        ``subject_events`` (the candidates of the fact's subject event)."""
        if fact.subject_entity_id is not None:
            subject = Quantity.subject_entity_id == fact.subject_entity_id
        elif subject_events:
            subject = Quantity.subject_event_id.in_(sorted(subject_events))
        else:
            return set()
        query = select(Quantity.id).where(subject, Quantity.unit == fact.unit)
        return self._ids(Quantity, query)
