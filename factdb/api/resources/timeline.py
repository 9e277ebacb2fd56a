"""/timeline: every dated fact of every kind, in chronological order."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import Schema, fields
from sqlalchemy import ColumnElement, literal, select, union, union_all
from sqlalchemy.sql import CompoundSelect, Subquery

from factdb.api.collections.collection import AnySelect, Collection, SortKey
from factdb.api.documents.envelopes import page_of
from factdb.api.documents.urls import RESOURCES, item_url
from factdb.api.filters.conditions import (
    Window,
    date_overlaps,
    mentions,
    participations,
    sort_date_window,
    within,
)
from factdb.api.filters.names import resolve_entity
from factdb.api.filters.params import first_report
from factdb.api.http.parsing import (
    Blueprint,
    CommaSeparated,
    DateRangeArgs,
    PageArgs,
    ReviewedArgs,
    entity_field,
    field_names,
)
from factdb.models import (
    DateInterval,
    Event,
    Position,
    Role,
    Statement,
)

blp = Blueprint("timeline", __name__, description="Every dated fact in chronological order.")

TYPES = ("event", "statement", "position", "role")


class TimelineDateOut(Schema):
    start = fields.Date(attribute="start_date")
    end = fields.Date(attribute="end_date")
    precision = fields.String()
    text = fields.String(attribute="date_text")
    basis = fields.String()
    year_basis = fields.String()


class TimelineOut(Schema):
    type = fields.String()
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    date = fields.Nested(TimelineDateOut)
    reviewed = fields.Boolean()
    url = fields.Function(lambda row: item_url(RESOURCES[row["type"]], row["slug"]))


timeline_out = TimelineOut()


class TimelineArgs(PageArgs, DateRangeArgs, ReviewedArgs):
    only_fields = field_names(timeline_out)
    entity = entity_field("Facts an entity takes part in, says, holds or is mentioned in.")
    type = CommaSeparated(TYPES)


TITLES: dict[str, tuple[Any, Any]] = {
    "event": (Event, Event.title),
    "statement": (Statement, Statement.text),
    "position": (Position, Position.description),
    "role": (Role, Role.title),
}


def _involved(fact_type: str, entity_id: int, window: Window) -> CompoundSelect[Any]:
    """Ids of the facts of ``fact_type`` an entity takes part in, within ``window``.

    One SELECT per way of taking part, joined by UNION: each reads its own index,
    where an OR of them would make the planner pick one index or none.
    """
    ways: dict[str, list[AnySelect]] = {
        "event": [
            participations(entity_id, window),
            _dated(Event, Event.place_id == entity_id, window),
        ],
        "statement": [
            _dated(Statement, Statement.speaker_id == entity_id, window),
            mentions(entity_id, window),
        ],
        "position": [
            _dated(Position, Position.holder_id == entity_id, window),
            _dated(Position, Position.target_entity_id == entity_id, window),
        ],
        "role": [
            _dated(Role, Role.holder_id == entity_id, window),
            _dated(Role, Role.organization_id == entity_id, window),
        ],
    }
    return union(*ways[fact_type])


def _dated(model: Any, condition: ColumnElement[bool], window: Window) -> AnySelect:
    return select(model.id).where(condition, *within(model.sort_date, window))


def _facts(entity_id: int | None, types: list[str], args: dict[str, Any]) -> Subquery:
    """One row per dated fact overlapping the date range of ``args``: (type, id, slug,
    title, date columns). Each kind is filtered on its own copied bounds before the
    union, both of them a range of its date-order indexes (see sort_date_window)."""
    selects = []
    for fact_type in types:
        model, title = TITLES[fact_type]
        query = select(
            literal(fact_type).label("type"),
            model.id.label("id"),
            # Unique across kinds, so it can break ties in keyset paging.
            (model.id * len(TYPES) + TYPES.index(fact_type)).label("uid"),
            model.slug.label("slug"),
            title.label("title"),
            DateInterval.start_date,
            DateInterval.end_date,
            DateInterval.precision,
            DateInterval.text.label("date_text"),
            DateInterval.basis,
            DateInterval.year_basis,
            model.reviewed.label("reviewed"),
        ).join(DateInterval, DateInterval.id == model.date_id)
        query = query.where(first_report(model))  # one row per fact
        if "reviewed" in args:
            query = query.where(model.reviewed == args["reviewed"])
        if entity_id is not None:
            window = sort_date_window(model, args)
            query = query.where(model.id.in_(_involved(fact_type, entity_id, window)))
        overlap = date_overlaps(model, args)
        selects.append(query if overlap is None else query.where(overlap))
    return union_all(*selects).subquery("facts")


# The collection's sort keys must name the subquery's columns; it is built per request.
def _collection(facts: Any) -> Collection:
    return Collection(
        name="timeline",
        id_column=facts.c.uid,
        schema=timeline_out,
        sort_keys={
            "date": SortKey(facts.c.start_date, "date"),
            "type": SortKey(facts.c.type, "str"),
            "id": SortKey(facts.c.uid, "int"),
        },
        default_sort="date",
        # The date columns, grouped the way every dated fact shows them.
        row_object=lambda row: {**row._mapping, "date": row._mapping},
        # The entity's dated facts of every type, as entity= alone lists them.
        name_filters={"entity": lambda e: select(_facts(e, list(TYPES), {}).c.uid)},
    )


@blp.route("/timeline")
@blp.arguments(TimelineArgs, location="query")
@blp.response(200, page_of(TimelineOut))
def timeline(args: dict[str, Any]) -> Response:
    """Dated events, statements, positions and roles, earliest first."""
    entity_id = resolve_entity("entity", args["entity"]) if "entity" in args else None
    facts = _facts(entity_id, args.get("type", list(TYPES)), args)
    return _collection(facts).respond(select(facts), args)
