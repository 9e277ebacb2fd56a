"""/events: meetings, visits, elections, briefings, strikes…"""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from factdb.api.collection import AnySelect, Collection, SortKey, collection_view
from factdb.api.documents import EVENTS
from factdb.api.filters import (
    resolve_entities,
    resolve_entity,
    sort_date_window,
    source_text_and_dates,
    took_part,
)
from factdb.api.items import by_source, date_sort, get_item, grouped, item_response
from factdb.api.parsing import (
    Blueprint,
    CommaSeparated,
    DateRangeArgs,
    NoArgs,
    PageArgs,
    entity_field,
    text_field,
)
from factdb.api.schemas import EventOut, item_of, page_of
from factdb.models import Entity, Event, EventParticipant, EventTopic
from factdb.sql import year_month, year_of
from factdb.vocabulary import EVENT_KINDS

blp = Blueprint("events", __name__, description="Meetings, visits, elections, strikes…")
event_out = EventOut()

# What an item's page loads with its fact (collections read documents instead).
OPTIONS = (
    joinedload(Event.date),
    joinedload(Event.place),
    joinedload(Event.part_of),
    joinedload(Event.source),
    selectinload(Event.evidence),
    selectinload(Event.participants).joinedload(EventParticipant.entity),
    selectinload(Event.topics).joinedload(EventTopic.topic),
    selectinload(Event.quantities),
)


class EventArgs(PageArgs, DateRangeArgs):
    kind = CommaSeparated(EVENT_KINDS)
    participant = entity_field("Who took part; repeat to require all of them.", many=True)
    place = entity_field("Where it happened.")
    source = text_field("The slug of the source.")
    q = text_field("Words that must all occur in the event's text (full-text).")


def _by_participant(ids: Any) -> AnySelect:
    return grouped(
        Event,
        ids,
        Entity.slug,
        Entity.name,
        (
            (EventParticipant, EventParticipant.event_id == Event.id),
            (Entity, Entity.id == EventParticipant.entity_id),
        ),
    )


def _by_date(function: Any) -> Any:
    return lambda ids: grouped(
        Event,
        ids,
        function(Event.date_start),
    )


events = Collection(
    name="events",
    id_column=Event.id,
    schema=event_out,
    sort_keys={
        "date": date_sort(Event),
        "kind": SortKey(Event.kind, "str"),
        "id": SortKey(Event.id, "int"),
    },
    default_sort="date",
    group_keys={
        "kind": lambda ids: grouped(Event, ids, Event.kind),
        "month": _by_date(year_month),
        "year": _by_date(year_of),
        "place": lambda ids: grouped(
            Event, ids, Entity.slug, Entity.name, ((Entity, Entity.id == Event.place_id),)
        ),
        "participant": _by_participant,
        "source": by_source(Event),
    },
    documents=EVENTS,
)


@blp.route("/events")
@blp.arguments(EventArgs, location="query")
@blp.response(200, page_of(EventOut))
@collection_view(events)
def list_events(args: dict[str, Any]) -> AnySelect:
    """Events, in date order by default."""
    query = select(Event)
    if "kind" in args:
        query = query.where(Event.kind.in_(args["kind"]))
    window = sort_date_window(Event, args)
    for entity_id in resolve_entities("participant", args.get("participant", [])):
        query = query.where(took_part(entity_id, window))
    if "place" in args:
        query = query.where(Event.place_id == resolve_entity("place", args["place"]))
    return source_text_and_dates(query, Event, "event", args)


@blp.route("/events/<ref>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, item_of(EventOut))
def get_event(args: dict[str, Any], ref: str) -> Response:
    """One event, by id or slug, with participants, place, quantities and evidence."""
    return item_response(event_out, get_item(Event, ref, OPTIONS))
