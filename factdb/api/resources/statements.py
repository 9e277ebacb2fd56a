"""/statements: what someone said, quoted directly, reported, or mixed."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import select

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.collections.facets import by_source, date_sort, grouped
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import StatementOut
from factdb.api.filters import params
from factdb.api.filters.conditions import mentioned, sort_date_window
from factdb.api.filters.names import resolve_entities
from factdb.api.filters.params import Filtering, Param, Params
from factdb.api.http.parsing import Blueprint, entity_field
from factdb.api.sqljson.reader import DocumentReader
from factdb.models import Entity, Event, Statement, StatementMention
from factdb.sql import year_month
from factdb.vocabulary import STATEMENT_MODES

blp = Blueprint("statements", __name__, description="What someone said, quoted or reported.")


def _mentions(filtering: Filtering, name: str, values: list[str]) -> None:
    # Each mention is read within the date window, on its link table's date index.
    window = sort_date_window(Statement, filtering.args)
    for entity_id in resolve_entities(name, values):
        filtering.where(mentioned(entity_id, window))


PARAMS = Params(
    "statements",
    {
        "reviewed": params.reviewed(Statement),
        "dates": params.dates(Statement),
        "speaker": params.entity(
            "Who said it.",
            lambda e: Statement.speaker_id == e,
            rows=lambda e: select(Statement.id).where(Statement.speaker_id == e),
        ),
        "relayed_by": params.entity(
            "Who relays the speaker's words.",
            lambda e: Statement.relayed_by_id == e,
            rows=lambda e: select(Statement.id).where(Statement.relayed_by_id == e),
        ),
        "mentions": Param(
            entity_field("An entity it mentions; repeat to require several.", many=True),
            _mentions,
            rows=lambda e: select(StatementMention.statement_id).where(
                StatementMention.entity_id == e
            ),
        ),
        "event": params.slug_of(
            Event, Statement.event_id, "The slug of the event where it was said."
        ),
        "mode": params.choices(STATEMENT_MODES, Statement.mode),
        **params.corroboration(Statement),
        "q": params.full_text(Statement, "statement"),
    },
    facts=Statement,
)

statements = Collection(
    name="statements",
    id_column=Statement.id,
    schema=StatementOut(),
    documents=DocumentReader(Statement),
    params=PARAMS,
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
        "month": lambda ids: grouped(Statement, ids, year_month(Statement.date_start)),
        "source": by_source(Statement),
    },
)


@blp.route("/statements")
@blp.arguments(statements.arguments, location="query")
@blp.response(200, page_of(StatementOut))
def list_statements(args: dict[str, Any]) -> Response:
    """Statements, in date order by default."""
    return statements.answer(args)


@blp.route("/statements/<ref>")
@blp.arguments(statements.item_arguments, location="query")
@blp.response(200, item_of(StatementOut))
def get_statement(args: dict[str, Any], ref: str) -> Response:
    """One statement, by id or slug, with its speaker, event, date and evidence."""
    return statements.item(ref, args)
