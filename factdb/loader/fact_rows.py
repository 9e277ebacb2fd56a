"""The one description of the rows a source writes: which field of a facts file's item
becomes which column, and what is derived (texts, date bounds, rules, link rows).

The ORM writer (apply.py, entities.py, sync.py) and the insert-only bulk path
(bulk_rows.py, bulk_catalog.py) both take their values here, so a column is added in
this module alone. A reference is made through the writer's ``Refs``: the ORM writer's
give its objects, which it sets through the relationship on the column; the bulk
path's give ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol, TypedDict, TypeVar

from factdb.loader.dates import rule_columns
from factdb.loader.plan import Plan
from factdb.loader.spans import Span
from factdb.models.fact_base import date_copies
from factdb.names import fold

Ref = TypeVar("Ref", covariant=True)
# A column's value, or a reference to another row (the writer's Ref).
Value = str | int | float | bool | dt.date | None
Item = dict[str, Any]  # one item of a facts file's section, as its schema loaded it

# Per-source facts in the order both writers write them (deleted in the reverse order);
# each section's table has the section's name.
SECTIONS = ("dates", "events", "roles", "statements", "positions", "quantities")
# A reference to a fact of the same section that may come later in the file, by the
# column and the item's field: each writer sets it once the section's rows all exist.
LATER_REFERENCES = {"events": ("part_of_id", "part_of")}


class Refs(Protocol[Ref]):
    """How a writer refers to a row it writes or has stored."""

    def entity(self, slug: str) -> Ref: ...

    def topic(self, slug: str) -> Ref: ...

    def fact(self, section: str, key: str) -> Ref: ...


class Links(NamedTuple):  # a tuple: made for every event and statement of a load
    """A fact's rows in a link table: one per entity (or topic) slug, in the file's
    order, with the link's other columns; the writer keys them by the slug's id."""

    table: str
    column: str  # the link's column naming the entity or topic: entity_id or topic_id
    wanted: list[tuple[str, dict[str, Value]]]


class FactRow(NamedTuple):
    """A fact's columns (but its id, source_id and slug), and its link rows."""

    columns: dict[str, Any]  # Value, or a Ref where the column references a row
    links: tuple[Links, ...] = ()


def fact_row(section: str, plan: Plan, item: Item, refs: Refs[Any]) -> FactRow:
    """The row of ``item``, a fact of ``section`` in ``plan``: new dicts each call, which
    the writer may complete (the bulk path adds the id, source_id and slug)."""
    described = _DESCRIPTIONS[section](plan, item, refs)
    if section != "dates":  # the facts that several sources may report
        described.columns["same_as"] = " ".join(item["same_as"]) or None
    return described


# -- the facts -----------------------------------------------------------------------


def _date(plan: Plan, item: Item, refs: Refs[Any]) -> FactRow:
    interval = plan.intervals[item["key"]]
    anchor = interval.anchor_key
    return FactRow(
        {
            "text": plan.fact_text("dates", item["key"]),
            "start_date": interval.start,
            "end_date": interval.end,
            "precision": interval.precision,
            "basis": interval.basis,
            "year_basis": interval.year_basis,
            # Always an earlier row: both writers write dates anchors first.
            "anchor_date_id": None if anchor is None else refs.fact("dates", anchor),
            **rule_columns(interval),
            "length_days": interval.length_days,
            "note": interval.note,
        }
    )


def _event(plan: Plan, item: Item, refs: Refs[Any]) -> FactRow:
    # part_of_id is a LATER_REFERENCES column.
    columns = {
        "kind": item["kind"],
        "title": item["title"],
        "status": item["status"],
        "reviewed": item["reviewed"],
        "place_id": refs.entity(item["place"]) if item["place"] else None,
        **_dated(plan, refs, item["date"]),
    }
    since = {"sort_date": columns["sort_date"]}
    participants = [(p["entity"], {"role": p["role"], **since}) for p in item["participants"]]
    return FactRow(
        columns,
        (
            Links("event_participants", "entity_id", participants),
            Links("event_topics", "topic_id", [(slug, {}) for slug in item["topics"]]),
        ),
    )


def _role(plan: Plan, item: Item, refs: Refs[Any]) -> FactRow:
    return FactRow(
        {
            "holder_id": refs.entity(item["holder"]),
            "title": item["title"],
            "organization_id": refs.entity(item["organization"]) if item["organization"] else None,
            **_dated(plan, refs, item["date"]),
            "reviewed": item["reviewed"],
        }
    )


def _statement(plan: Plan, item: Item, refs: Refs[Any]) -> FactRow:
    columns = {
        "speaker_id": refs.entity(item["speaker"]),
        "speaker_text": item["speaker_text"],
        "relayed_by_id": refs.entity(item["relayed_by"]) if item["relayed_by"] else None,
        "relayed_by_text": item["relayed_by_text"],
        "mode": item["mode"],
        "text": plan.fact_text("statements", item["key"]),
        "reviewed": item["reviewed"],
        "event_id": refs.fact("events", item["event"]) if item["event"] else None,
        **_dated(plan, refs, item["date"]),
    }
    since: dict[str, Value] = {"sort_date": columns["sort_date"]}
    mentions = [(slug, since) for slug in item["mentions"]]
    return FactRow(columns, (Links("statement_mentions", "entity_id", mentions),))


def _position(plan: Plan, item: Item, refs: Refs[Any]) -> FactRow:
    target = item["target"]
    topic = target.get("topic")
    return FactRow(
        {
            "holder_id": refs.entity(item["holder"]),
            "stance": item["stance"],
            "outcome": item["outcome"],
            "target_entity_id": refs.entity(target["entity"]) if target.get("entity") else None,
            "target_topic_id": refs.topic(topic) if topic else None,
            "description": item["description"],
            "statement_id": refs.fact("statements", item["statement"])
            if item["statement"]
            else None,
            **_dated(plan, refs, item["date"]),
            "reviewed": item["reviewed"],
        }
    )


def _quantity(plan: Plan, item: Item, refs: Refs[Any]) -> FactRow:
    subject = item["subject"]
    return FactRow(
        {
            "text": plan.fact_text("quantities", item["key"]),
            "value": item["value"],
            "min_value": item["min"],
            "max_value": item["max"],
            "unit": item["unit"],
            "approximate": item["approximate"],
            "approximation": item["approximation"],
            "reviewed": item["reviewed"],
            "description": item["description"],
            "subject_entity_id": refs.entity(subject["entity"]) if subject.get("entity") else None,
            "subject_event_id": refs.fact("events", subject["event"])
            if subject.get("event")
            else None,
        }
    )


_DESCRIPTIONS: dict[str, Callable[[Plan, Item, Refs[Any]], FactRow]] = {
    "dates": _date,
    "events": _event,
    "roles": _role,
    "statements": _statement,
    "positions": _position,
    "quantities": _quantity,
}


def _dated(plan: Plan, refs: Refs[Any], date_key: str | None) -> dict[str, Any]:
    """A dated fact's date and the copies of its bounds (fact_base.date_copies)."""
    if date_key is None:
        copies = date_copies(None, None)
        copies["date_id"] = None
    else:
        interval = plan.intervals[date_key]
        copies = date_copies(interval.start, interval.end)
        copies["date_id"] = refs.fact("dates", date_key)
    return copies


# -- what all facts rest on ------------------------------------------------------------


def source_columns(plan: Plan) -> dict[str, Value]:
    """The source's row (but its id)."""
    meta = plan.source
    return {
        "slug": meta["slug"],
        "title": meta["title"],
        "text": plan.text,
        "sha256": plan.sha256,
        "facts_sha256": plan.facts_sha256,
        "publisher": meta["publisher"],
        "url": meta["url"],
        "published_on": meta["published_on"],
        "year_note": meta["year"]["reason"] if meta["year"] else None,
        "drafted": meta["drafted"],
    }


def evidence_columns(source_id: int, span: Span) -> dict[str, Value]:
    """An evidence row's columns but its id and the column naming its fact."""
    return {
        "source_id": source_id,
        "start_offset": span.start,
        "end_offset": span.end,
        "text": span.text,
    }


class EntityColumns(TypedDict):
    name: str
    name_key: str
    kind: str
    description: str


class TopicColumns(TypedDict):
    name: str
    name_key: str


def entity_columns(item: Item) -> EntityColumns:
    """What a file that defines an entity (by its slug) sets on it."""
    return {
        "name": item["name"],
        "name_key": fold(item["name"]),
        "kind": item["kind"],
        "description": item["description"],
    }


def topic_columns(item: Item) -> TopicColumns:
    """What a file that names a topic sets on it."""
    return {"name": item["name"], "name_key": fold(item["name"])}


def wanted_aliases(item: Item, name_key: str) -> dict[str, tuple[str, str]]:
    """This file's aliases of an entity whose name folds to ``name_key``: (alias, kind)
    by alias_key, the first of each key kept."""
    wanted: dict[str, tuple[str, str]] = {}
    for name, kind in [
        *((alias, "alias") for alias in item["aliases"]),
        (item["name"], "alias"),  # a matched entity is also known by this file's name
        *((metonym, "metonym") for metonym in item["metonyms"]),
    ]:
        if fold(name) != name_key:
            wanted.setdefault(fold(name), (name, kind))
    return wanted
