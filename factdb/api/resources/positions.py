"""/positions: who stands for or against what."""

from __future__ import annotations

import difflib
from typing import Any

from flask import Response
from sqlalchemy import ColumnElement, func, or_, select

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.collections.facets import by_source, date_sort, grouped
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import PositionOut
from factdb.api.filters import params
from factdb.api.filters.conditions import contains_folded
from factdb.api.filters.names import resolve_entity
from factdb.api.filters.params import Filtering, Param, Params
from factdb.api.http import request_db
from factdb.api.http.parsing import Blueprint, text_field
from factdb.api.http.problems import ApiProblem, BadParameter
from factdb.api.sqljson.reader import DocumentReader
from factdb.models import Entity, Position, Topic
from factdb.names import fold
from factdb.vocabulary import STANCES

blp = Blueprint("positions", __name__, description="Stances: who supports or opposes what.")


def _target(filtering: Filtering, _name: str, value: str) -> None:
    filtering.where(_target_condition(value))


def _target_condition(value: str) -> ColumnElement[bool]:
    """Positions about ``value``: a topic slug or name, an entity, or words of topic names."""
    session = request_db.session()
    key = fold(value)
    topic = session.scalar(
        select(Topic.id).where(or_(Topic.slug == value.strip().lower(), Topic.name_key == key))
    )
    if topic is not None:
        return Position.target_topic_id == topic
    try:
        return Position.target_entity_id == resolve_entity("target", value)
    except ApiProblem as no_entity:
        topics = list(
            session.scalars(select(Topic.id).where(contains_folded(Topic.name_key, value)))
        )
        if topics:
            return Position.target_topic_id.in_(topics)
        names = list(session.scalars(select(Topic.name)))
        close = difflib.get_close_matches(value, names, n=3, cutoff=0.5)
        suggestions = (no_entity.errors or [{}])[0].get("suggestions", []) + close
        raise BadParameter(
            "target", f"no entity or topic is named {value!r}", suggestions=suggestions
        ) from None


PARAMS = Params(
    "positions",
    {
        "reviewed": params.reviewed(Position),
        "dates": params.dates(Position),
        "holder": params.entity(
            "Who holds the stance.",
            lambda e: Position.holder_id == e,
            rows=lambda e: select(Position.id).where(Position.holder_id == e),
        ),
        "stance": params.choices(STANCES, Position.stance),
        "target": Param(
            text_field(
                "What the stance is about: an entity (slug, name or alias), or a topic's "
                "slug or words of its name, e.g. annexation."
            ),
            _target,
            rows=lambda e: select(Position.id).where(Position.target_entity_id == e),
        ),
        **params.corroboration(Position),
        "q": params.full_text(Position, "position"),
    },
    facts=Position,
)

positions = Collection(
    name="positions",
    id_column=Position.id,
    schema=PositionOut(),
    documents=DocumentReader(Position),
    params=PARAMS,
    sort_keys={
        "date": date_sort(Position),
        "stance": SortKey(Position.stance, "str"),
        "id": SortKey(Position.id, "int"),
    },
    default_sort="date",
    group_keys={
        "holder": lambda ids: grouped(
            Position, ids, Entity.slug, Entity.name, ((Entity, Entity.id == Position.holder_id),)
        ),
        "stance": lambda ids: grouped(Position, ids, Position.stance),
        "target": lambda ids: grouped(
            Position,
            ids,
            func.coalesce(Entity.slug, Topic.slug),
            func.coalesce(Entity.name, Topic.name),
            (
                (Entity, Entity.id == Position.target_entity_id),
                (Topic, Topic.id == Position.target_topic_id),
            ),
        ),
        "source": by_source(Position),
    },
)


@blp.route("/positions")
@blp.arguments(positions.arguments, location="query")
@blp.response(200, page_of(PositionOut))
def list_positions(args: dict[str, Any]) -> Response:
    """Positions, in date order by default (undated ones last)."""
    return positions.answer(args)


@blp.route("/positions/<ref>")
@blp.arguments(positions.item_arguments, location="query")
@blp.response(200, item_of(PositionOut))
def get_position(args: dict[str, Any], ref: str) -> Response:
    """One position, by id or slug."""
    return positions.item(ref, args)
