"""Conflicts: the fields on which the reports of one fact disagree, found again for the
facts a load touched (reports.regroup says which) and stored for the API to list.

What counts as a disagreement, by field:
- ``date``: two reports' intervals that do not overlap;
- ``status``: cancelled in one report, held or planned in another (an announcement and
  a report of the event it announced are one fact, planned in one and held in the other);
- every other field: two reports that state different values (titles compared
  case-folded). A report that leaves a field out does not disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import Connection, delete, insert, select
from sqlalchemy.orm import aliased

from factdb.loader.lookup import one_of
from factdb.loader.reports import REPORTED, table_of
from factdb.models import Conflict, ConflictValue, Entity, Event, Topic
from factdb.names import fold
from factdb.vocabulary import CONFLICT_FIELDS_BY_KIND

# The column of conflicts (and conflict_values) naming a fact of each kind.
FACT_COLUMN = {
    "roles": "role_id",
    "events": "event_id",
    "statements": "statement_id",
    "positions": "position_id",
    "quantities": "quantity_id",
}
# (what is compared, what is shown) of one report's field; None when it is not stated.
Stated = tuple[Any, str] | None


def refresh_conflicts(connection: Connection, section: str, fact_ids: Iterable[int]) -> int:
    """Drop the conflicts stored for ``fact_ids`` and store those their reports have
    now; return how many are stored."""
    ids = set(fact_ids)
    if not ids:
        return 0
    column = Conflict.__table__.c[FACT_COLUMN[section]]
    stale = select(Conflict.id).where(one_of(connection, column, ids))
    connection.execute(delete(ConflictValue).where(ConflictValue.conflict_id.in_(stale)))
    connection.execute(delete(Conflict).where(one_of(connection, column, ids)))
    reports: dict[int, list[Any]] = {}
    for row in connection.execute(_reports_query(connection, section, ids)):
        reports.setdefault(row.fact_id, []).append(row)
    stored = 0
    for fact_id in sorted(reports):
        if len(reports[fact_id]) > 1:
            stored += _store(connection, section, fact_id, reports[fact_id])
    return stored


def _store(connection: Connection, section: str, fact_id: int, rows: list[Any]) -> int:
    stored = 0
    for field in CONFLICT_FIELDS_BY_KIND[section]:
        stated = [(row, _STATED[field](row)) for row in rows]
        values = [(row, value) for row, value in stated if value is not None]
        if not _disagree(field, [value for _, value in values]):
            continue
        inserted = connection.execute(
            insert(Conflict).values(field=field, **{FACT_COLUMN[section]: fact_id})
        ).inserted_primary_key
        assert inserted is not None, "an insert of one row has its key"
        conflict_id = inserted[0]
        connection.execute(
            insert(ConflictValue),
            [
                {
                    "conflict_id": conflict_id,
                    "source_id": row.source_id,
                    "value": shown,
                    FACT_COLUMN[section]: row.id,
                }
                for row, (_, shown) in values
            ],
        )
        stored += 1
    return stored


def _disagree(field: str, values: list[tuple[Any, str]]) -> bool:
    compared = [value for value, _ in values]
    if field == "date":
        return any(
            a[1] < b[0] or b[1] < a[0]
            for index, a in enumerate(compared)
            for b in compared[index + 1 :]
        )
    if field == "status":
        return "cancelled" in compared and any(value != "cancelled" for value in compared)
    return len(set(compared)) > 1


def _reports_query(connection: Connection, section: str, fact_ids: set[int]) -> Any:
    """Every report of ``fact_ids``, with the fields conflicts compare, in id order."""
    table = table_of(section)
    c = table.c
    columns: list[Any] = [c.id, c.fact_id, c.source_id]
    joins: list[tuple[Any, Any]] = []

    def entity(label: str, column: Any) -> None:
        other = aliased(Entity, name=f"{label}_entity")
        columns.append(other.slug.label(label))
        joins.append((other, other.id == column))

    if section in ("events", "roles", "statements", "positions"):
        columns += [c.date_start, c.date_end]
    if section == "events":
        columns += [c.kind, c.status]
        entity("place", c.place_id)
    elif section == "roles":
        columns.append(c.title)
        entity("holder", c.holder_id)
        entity("organization", c.organization_id)
    elif section == "statements":
        columns.append(c.mode)
        entity("speaker", c.speaker_id)
    elif section == "positions":
        columns += [c.stance, c.outcome]
        entity("holder", c.holder_id)
        entity("target_entity", c.target_entity_id)
        topic = aliased(Topic, name="target_topic")
        columns.append(topic.slug.label("target_topic"))
        joins.append((topic, topic.id == c.target_topic_id))
    elif section == "quantities":
        columns += [c.value, c.min_value, c.max_value, c.unit]
        entity("subject_entity", c.subject_entity_id)
        event = aliased(Event, name="subject_event")
        columns += [event.fact_id.label("subject_fact"), event.slug.label("subject_event")]
        joins.append((event, event.id == c.subject_event_id))
    query = select(*columns).select_from(table)
    for target, condition in joins:
        query = query.outerjoin(target, condition)
    return query.where(one_of(connection, c.fact_id, fact_ids)).order_by(c.id)


def _plain(name: str) -> Callable[[Any], Stated]:
    def stated(row: Any) -> Stated:
        value = getattr(row, name)
        return None if value is None else (value, str(value))

    return stated


def _date(row: Any) -> Stated:
    if row.date_start is None:
        return None
    start, end = row.date_start.isoformat(), row.date_end.isoformat()
    return (row.date_start, row.date_end), start if start == end else f"{start}/{end}"


def _title(row: Any) -> Stated:
    return fold(row.title), row.title


def _target(row: Any) -> Stated:
    if row.target_entity is not None:
        return ("entity", row.target_entity), row.target_entity
    return ("topic", row.target_topic), f"topic {row.target_topic}"


def _subject(row: Any) -> Stated:
    if row.subject_entity is not None:
        return ("entity", row.subject_entity), row.subject_entity
    return ("event", row.subject_fact), f"event {row.subject_event}"


def _value(row: Any) -> Stated:
    if row.value is not None:
        return (row.value, None, None), f"{row.value:g}"
    low, high = row.min_value, row.max_value
    if high is None:
        shown = f"at least {low:g}"
    elif low is None:
        shown = f"at most {high:g}"
    else:
        shown = f"{low:g} to {high:g}"
    return (None, low, high), shown


_STATED: dict[str, Callable[[Any], Stated]] = {
    "date": _date,
    "title": _title,
    "target": _target,
    "subject": _subject,
    "value": _value,
    **{
        name: _plain(name)
        for name in (
            "kind",
            "status",
            "place",
            "holder",
            "organization",
            "speaker",
            "mode",
            "stance",
            "outcome",
            "unit",
        )
    },
}
assert {f for fields in CONFLICT_FIELDS_BY_KIND.values() for f in fields} <= set(_STATED)
assert set(FACT_COLUMN) == set(REPORTED)
