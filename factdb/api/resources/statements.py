"""/statements: what someone said, quoted directly, reported, or mixed."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import select

from factdb.api.collections.collection import AnySelect, Collection, SortKey, collection_view
from factdb.api.collections.facets import by_source, date_sort, grouped
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import StatementOut
from factdb.api.filters.entities_dates import (
    mentioned,
    resolve_entities,
    resolve_entity,
    resolve_slug,
    sort_date_window,
    source_text_and_dates,
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
from factdb.models import Entity, Event, Statement, StatementMention
from factdb.sql import year_month
from factdb.vocabulary import STATEMENT_MODES

blp = Blueprint("statements", __name__, description="What someone said, quoted or reported.")
statement_out = StatementOut()


class StatementArgs(PageArgs, DateRangeArgs, ReviewedArgs):
    only_fields = field_names(statement_out)
    speaker = entity_field("Who said it.")
    relayed_by = entity_field("Who relays the speaker's words.")
    mentions = entity_field("An entity it mentions; repeat to require several.", many=True)
    event = text_field("The slug of the event where it was said.")
    mode = CommaSeparated(STATEMENT_MODES)
    source = text_field("The slug of the source.")
    q = text_field("Words that must all occur in the statement (full-text).")


statements = Collection(
    name="statements",
    id_column=Statement.id,
    schema=statement_out,
    documents=DocumentReader(Statement),
    sort_keys={
        "date": date_sort(Statement),
        "id": SortKey(Statement.id, "int"),
    },
    default_sort="date",
    group_keys={
        "speaker": lambda ids: grouped(
            Statement, ids, Entity.slug, Entity.name, ((Entity, Entity.id == Statement.speaker_id),)
        ),
        "mode": lambda ids: grouped(Statement, ids, Statement.mode),
        "event": lambda ids: grouped(
            Statement, ids, Event.slug, Event.title, ((Event, Event.id == Statement.event_id),)
        ),
        "month": lambda ids: grouped(
            Statement,
            ids,
            year_month(Statement.date_start),
        ),
        "source": by_source(Statement),
    },
    name_filters={
        "speaker": lambda e: select(Statement.id).where(Statement.speaker_id == e),
        "relayed_by": lambda e: select(Statement.id).where(Statement.relayed_by_id == e),
        "mentions": lambda e: select(StatementMention.statement_id).where(
            StatementMention.entity_id == e
        ),
    },
)


@blp.route("/statements")
@blp.arguments(StatementArgs, location="query")
@blp.response(200, page_of(StatementOut))
@collection_view(statements)
def list_statements(args: dict[str, Any]) -> AnySelect:
    """Statements, in date order by default."""
    query = select(Statement)
    if "speaker" in args:
        query = query.where(Statement.speaker_id == resolve_entity("speaker", args["speaker"]))
    window = sort_date_window(Statement, args)
    for entity_id in resolve_entities("mentions", args.get("mentions", [])):
        query = query.where(mentioned(entity_id, window))
    if "relayed_by" in args:
        relayer = resolve_entity("relayed_by", args["relayed_by"])
        query = query.where(Statement.relayed_by_id == relayer)
    if "event" in args:
        query = query.where(Statement.event_id == resolve_slug("event", Event, args["event"]))
    if "mode" in args:
        query = query.where(Statement.mode.in_(args["mode"]))
    return source_text_and_dates(query, Statement, "statement", args)


@blp.route("/statements/<ref>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, item_of(StatementOut))
def get_statement(args: dict[str, Any], ref: str) -> Response:
    """One statement, by id or slug, with its speaker, event, date and evidence."""
    return statements.item(ref)
