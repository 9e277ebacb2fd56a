"""/events: meetings, visits, elections, briefings, strikes…"""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from factdb.api.collections.collection import AnySelect, Collection, SortKey
from factdb.api.collections.facets import by_source, date_sort, grouped
from factdb.api.collections.keyset import Expression
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import EventOut
from factdb.api.filters.entities_dates import (
    also_took_part,
    resolve_entities,
    resolve_entity,
    sort_date_window,
    source_text_and_dates,
    within,
)
from factdb.api.http.parsing import (
    Blueprint,
    CommaSeparated,
    DateRangeArgs,
    NoArgs,
    PageArgs,
    ReviewedArgs,
    entity_field,
    field_names,
    text_field,
)
from factdb.api.sqljson.build import DocumentReader
from factdb.models import Entity, Event, EventParticipant
from factdb.sql import year_month, year_of
from factdb.vocabulary import EVENT_KINDS, EVENT_STATUSES

blp = Blueprint("events", __name__, description="Meetings, visits, elections, strikes…")
event_out = EventOut()


class EventArgs(PageArgs, DateRangeArgs, ReviewedArgs):
    only_fields = field_names(event_out)
    kind = CommaSeparated(EVENT_KINDS)
    status = CommaSeparated(EVENT_STATUSES)
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
    documents=DocumentReader(Event),
    sort_keys={
        "date": date_sort(Event),
        "kind": SortKey(Event.kind, "str"),
        "id": SortKey(Event.id, "int"),
    },
    default_sort="date",
    group_keys={
        "kind": lambda ids: grouped(Event, ids, Event.kind),
        "status": lambda ids: grouped(Event, ids, Event.status),
        "month": _by_date(year_month),
        "year": _by_date(year_of),
        "place": lambda ids: grouped(
            Event, ids, Entity.slug, Entity.name, ((Entity, Entity.id == Event.place_id),)
        ),
        "participant": _by_participant,
        "source": by_source(Event),
    },
    name_filters={
        "participant": lambda e: select(EventParticipant.event_id).where(
            EventParticipant.entity_id == e
        ),
        "place": lambda e: select(Event.id).where(Event.place_id == e),
    },
)


# With participants, the first one's participations lead: the page is chosen by walking
# them in their own index's order (entity, sort_date, event), which stops once the page
# is full, instead of reading every participation of a busy entity in the date range
# and sorting the matches. Their sort_date and event_id equal the event's.
LEAD = aliased(EventParticipant, name="lead")
LEAD_ORDER: dict[str, Expression] = {"date": LEAD.sort_date, "id": LEAD.event_id}


@blp.route("/events")
@blp.arguments(EventArgs, location="query")
@blp.response(200, page_of(EventOut))
def list_events(args: dict[str, Any]) -> Response:
    """Events, in date order by default."""
    query = select(Event)
    if "kind" in args:
        query = query.where(Event.kind.in_(args["kind"]))
    if "status" in args:
        query = query.where(Event.status.in_(args["status"]))
    window = sort_date_window(Event, args)
    participants = resolve_entities("participant", args.get("participant", []))
    if participants:
        lead = and_(LEAD.event_id == Event.id, LEAD.entity_id == participants[0])
        query = query.join(LEAD, and_(lead, *within(LEAD.sort_date, window)))
    for entity_id in participants[1:]:
        # On the lead's event id, so that it is probed before the event is read.
        query = query.where(also_took_part(entity_id, LEAD.event_id))
    if "place" in args:
        query = query.where(Event.place_id == resolve_entity("place", args["place"]))
    query = source_text_and_dates(query, Event, "event", args)
    return events.respond(query, args, page_order=LEAD_ORDER if participants else None)


@blp.route("/events/<ref>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, item_of(EventOut))
def get_event(args: dict[str, Any], ref: str) -> Response:
    """One event, by id or slug, with participants, place, quantities and evidence."""
    return events.item(ref)
