"""/events: meetings, visits, elections, briefings, strikes…"""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import and_, select
from sqlalchemy.orm import aliased

from factdb.api.collections.collection import AnySelect, Collection, SortKey
from factdb.api.collections.facets import by_source, date_sort, grouped
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import EventOut
from factdb.api.filters import params
from factdb.api.filters.conditions import also_took_part, sort_date_window, within
from factdb.api.filters.names import resolve_entities
from factdb.api.filters.params import Filtering, Param, Params
from factdb.api.http.parsing import Blueprint, entity_field
from factdb.api.sqljson.reader import DocumentReader
from factdb.models import Entity, Event, EventParticipant
from factdb.sql import Expression, year_month, year_of
from factdb.vocabulary import EVENT_KINDS, EVENT_STATUSES

blp = Blueprint("events", __name__, description="Meetings, visits, elections, strikes…")


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


# With participants, the first one's participations lead: the page is chosen by walking
# them in their own index's order (entity, sort_date, event), which stops once the page
# is full, instead of reading every participation of a busy entity in the date range
# and sorting the matches. Their sort_date and event_id equal the event's.
LEAD = aliased(EventParticipant, name="lead")
LEAD_ORDER: dict[str, Expression] = {"date": LEAD.sort_date, "id": LEAD.event_id}


def _participants(filtering: Filtering, name: str, values: list[str]) -> None:
    participants = resolve_entities(name, values)
    window = sort_date_window(Event, filtering.args)
    lead = and_(LEAD.event_id == Event.id, LEAD.entity_id == participants[0])
    filtering.query = filtering.query.join(LEAD, and_(lead, *within(LEAD.sort_date, window)))
    filtering.page_order = LEAD_ORDER
    for entity_id in participants[1:]:
        # On the lead's event id, so that it is probed before the event is read.
        filtering.where(also_took_part(entity_id, LEAD.event_id))


PARAMS = Params(
    "events",
    {
        "reviewed": params.reviewed(Event),
        "dates": params.dates(Event),
        "kind": params.choices(EVENT_KINDS, Event.kind),
        "status": params.choices(EVENT_STATUSES, Event.status),
        "participant": Param(
            entity_field("Who took part; repeat to require all of them.", many=True),
            _participants,
            rows=lambda e: select(EventParticipant.event_id).where(EventParticipant.entity_id == e),
        ),
        "place": params.entity(
            "Where it happened.",
            lambda e: Event.place_id == e,
            rows=lambda e: select(Event.id).where(Event.place_id == e),
        ),
        **params.corroboration(Event),
        "q": params.full_text(Event, "event"),
    },
    facts=Event,
)


events = Collection(
    name="events",
    id_column=Event.id,
    schema=EventOut(),
    documents=DocumentReader(Event),
    params=PARAMS,
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
)


@blp.route("/events")
@blp.arguments(events.arguments, location="query")
@blp.response(200, page_of(EventOut))
def list_events(args: dict[str, Any]) -> Response:
    """Events, in date order by default."""
    return events.answer(args)


@blp.route("/events/<ref>")
@blp.arguments(events.item_arguments, location="query")
@blp.response(200, item_of(EventOut))
def get_event(args: dict[str, Any], ref: str) -> Response:
    """One event, by id or slug, with participants, place, quantities and evidence."""
    return events.item(ref, args)
