"""/entities: people, countries, organizations, parties, places and groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import Response
from marshmallow import Schema, fields
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.collections.facets import grouped
from factdb.api.collections.lookup import get_item
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.fields import ItemUrl
from factdb.api.documents.pydump import dump_many, dumper
from factdb.api.documents.reports import EvidenceOut
from factdb.api.documents.schemas import DateOut, EntityOut, EntityRef
from factdb.api.documents.urls import api_root
from factdb.api.filters import params
from factdb.api.filters.conditions import contains_folded
from factdb.api.filters.params import Filtering, Param, Params, first_report
from factdb.api.http import request_db
from factdb.api.http.counts import counted
from factdb.api.http.output import json_response
from factdb.api.http.parsing import (
    Blueprint,
    NoArgs,
    text_field,
)
from factdb.models import (
    DateInterval,
    Entity,
    EntityAlias,
    Event,
    EventParticipant,
    Evidence,
    Position,
    Role,
    Statement,
    StatementMention,
)
from factdb.models.evidence import EVIDENCE_ORDER
from factdb.vocabulary import ENTITY_KINDS

blp = Blueprint("entities", __name__, description="People, countries, parties, places…")

# Embedded lists stop here; counts and links give the rest (a popular entity has
# roles and evidence in thousands of sources).
EMBED_LIMIT = 20
# What an entity's detail counts (facts, not their reports; evidence spans of every
# source), and the collection URL (resource, parameter) that lists those facts.
RELATED: dict[str, tuple[str, str, Callable[[int], Any]]] = {
    "roles": ("roles", "holder", lambda e: _facts(Role, Role.holder_id == e)),
    "events": (
        "events",
        "participant",
        lambda e: _facts(Event, EventParticipant.entity_id == e).join(
            EventParticipant, EventParticipant.event_id == Event.id
        ),
    ),
    "statements": ("statements", "speaker", lambda e: _facts(Statement, Statement.speaker_id == e)),
    "mentioned_in": (
        "statements",
        "mentions",
        lambda e: _facts(Statement, StatementMention.entity_id == e).join(
            StatementMention, StatementMention.statement_id == Statement.id
        ),
    ),
    "positions": ("positions", "holder", lambda e: _facts(Position, Position.holder_id == e)),
    "evidence": ("evidence", "entity", lambda e: select(Evidence).where(Evidence.entity_id == e)),
}


def _facts(model: Any, condition: Any) -> Any:
    """The facts (first reports) of ``model`` where ``condition`` holds."""
    return select(model).where(first_report(model), condition)


class HeldRoleOut(Schema):
    """A role as embedded in its holder's detail."""

    slug = fields.String()
    title = fields.String()
    organization = fields.Nested(EntityRef, allow_none=True)
    date = fields.Nested(DateOut, allow_none=True)
    reviewed = fields.Boolean()
    url = ItemUrl("roles")


held_role_out = HeldRoleOut(many=True)
evidence_out = EvidenceOut(many=True)


class EntityDetailOut(EntityOut):
    """The shape of an entity's detail (built in the view, documented here)."""

    roles = fields.List(fields.Nested(HeldRoleOut))
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())
    links = fields.Dict(keys=fields.String(), values=fields.String())
    evidence = fields.List(fields.Nested(EvidenceOut))


def entity_detail(entity: Entity) -> dict[str, Any]:
    """The entity with its first roles and evidence, and counts of and links to all."""
    session = request_db.session()
    roles = session.scalars(
        select(Role)
        .where(Role.holder_id == entity.id, first_report(Role))
        .options(
            joinedload(Role.organization),
            joinedload(Role.date).joinedload(DateInterval.anchor),
            joinedload(Role.source),
        )
        .order_by(Role.id)
        .limit(EMBED_LIMIT)
    )
    evidence = session.scalars(
        select(Evidence)
        .where(Evidence.entity_id == entity.id)
        .order_by(Evidence.source_id, *EVIDENCE_ORDER)
        .limit(EMBED_LIMIT)
    )
    counts = _counts(entity.id)
    root = api_root()
    links = {
        name: f"{root}/{resource}?{parameter}={quote(entity.slug)}"
        for name, (resource, parameter, _) in RELATED.items()
    }
    return {
        **dumper(entity_out)(entity),
        "roles": dump_many(held_role_out, roles),
        "counts": counts,
        "links": links,
        "evidence": dump_many(evidence_out, evidence),
    }


def _counts(entity_id: int) -> dict[str, int]:
    """How many facts of each kind the entity has (kept per content version)."""

    def count() -> dict[str, int]:
        session = request_db.session()
        return {
            name: session.scalar(select(func.count()).select_from(rows(entity_id).subquery())) or 0
            for name, (_, _, rows) in RELATED.items()
        }

    return dict(counted(("entity counts", entity_id), count))


entity_out = EntityOut()
OPTIONS = (
    selectinload(Entity.distinct_aliases),
    selectinload(Entity.distinct_descriptions),
    joinedload(Entity.located_in),
)


def _named(filtering: Filtering, _name: str, value: str) -> None:
    filtering.where(
        or_(
            contains_folded(Entity.name_key, value),
            Entity.aliases.any(contains_folded(EntityAlias.alias_key, value)),
        )
    )


PARAMS = Params(
    "entities",
    {
        "kind": params.choices(ENTITY_KINDS, Entity.kind),
        "q": Param(
            text_field("Part of the name or of an alias, case-insensitive (any script)."),
            _named,
        ),
    },
)


entities = Collection(
    name="entities",
    id_column=Entity.id,
    schema=entity_out,
    sort_keys={
        "name": SortKey(Entity.name_key, "str"),
        "kind": SortKey(Entity.kind, "str"),
        "id": SortKey(Entity.id, "int"),
    },
    default_sort="name",
    group_keys={"kind": lambda ids: grouped(Entity, ids, Entity.kind)},
    options=OPTIONS,
    params=PARAMS,
    model=Entity,
)


@blp.route("/entities")
@blp.arguments(entities.arguments, location="query")
@blp.response(200, page_of(EntityOut))
def list_entities(args: dict[str, Any]) -> Response:
    """Entities, by name."""
    return entities.answer(args)


@blp.route("/entities/<ref>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, item_of(EntityDetailOut))
def get_entity(args: dict[str, Any], ref: str) -> Response:
    """One entity, by id or slug, with aliases, roles, and counts of its facts."""
    entity = get_item(Entity, ref, OPTIONS)
    return json_response({"data": entity_detail(entity)}, {})
