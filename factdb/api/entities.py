"""/entities: people, countries, organizations, parties, places and groups."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Response, request
from marshmallow import fields
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from factdb.api import database
from factdb.api.collection import AnySelect, Collection, SortKey, collection_view
from factdb.api.filters import contains_folded
from factdb.api.items import get_item, grouped, item_response
from factdb.api.parsing import Blueprint, CommaSeparated, PageArgs, text_field
from factdb.api.schemas import API_PREFIX, EntityOut, EvidenceOut, RoleOut, item_of, page_of
from factdb.models import (
    Entity,
    EntityAlias,
    EventParticipant,
    Position,
    Role,
    Statement,
    StatementMention,
)
from factdb.vocabulary import ENTITY_KINDS

blp = Blueprint("entities", __name__, description="People, countries, parties, places…")

# What an entity's detail counts, and the collection URL that lists those facts.
RELATED = {
    "events": (
        "participant",
        lambda e: select(func.count()).where(EventParticipant.entity_id == e),
    ),
    "statements": ("speaker", lambda e: select(func.count()).where(Statement.speaker_id == e)),
    "mentioned_in": (
        "mentions",
        lambda e: select(func.count()).where(StatementMention.entity_id == e),
    ),
    "positions": ("holder", lambda e: select(func.count()).where(Position.holder_id == e)),
}
RELATED_RESOURCE = {"mentioned_in": "statements"}


class EntityDetailOut(EntityOut):
    roles = fields.Method("_roles")
    counts = fields.Method("_counts")
    links = fields.Method("_links")
    evidence = fields.List(fields.Nested(EvidenceOut))

    def _roles(self, entity: Entity) -> list[dict[str, Any]]:
        held = database.session().scalars(
            select(Role)
            .where(Role.holder_id == entity.id)
            .options(joinedload(Role.organization), joinedload(Role.date))
            .order_by(Role.id)
        )
        return RoleOut(only=("slug", "title", "organization", "date", "url")).dump(held, many=True)

    def _counts(self, entity: Entity) -> dict[str, int]:
        session = database.session()
        return {name: session.scalar(count(entity.id)) or 0 for name, (_, count) in RELATED.items()}

    def _links(self, entity: Entity) -> dict[str, str]:
        root = request.host_url.rstrip("/") + API_PREFIX
        return {
            name: f"{root}/{RELATED_RESOURCE.get(name, name)}?{parameter}={quote(entity.slug)}"
            for name, (parameter, _) in RELATED.items()
        }


entity_out = EntityOut()
entity_detail_out = EntityDetailOut()
OPTIONS = (selectinload(Entity.aliases), joinedload(Entity.located_in))


class EntityArgs(PageArgs):
    kind = CommaSeparated(ENTITY_KINDS)
    q = text_field("Part of the name or of an alias, case-insensitive (any script).")


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
)


@blp.route("/entities")
@blp.arguments(EntityArgs, location="query")
@blp.response(200, page_of(EntityOut))
@collection_view(entities)
def list_entities(args: dict[str, Any]) -> AnySelect:
    """Entities, by name."""
    query = select(Entity)
    if "kind" in args:
        query = query.where(Entity.kind.in_(args["kind"]))
    if "q" in args:
        query = query.where(
            or_(
                contains_folded(Entity.name_key, args["q"]),
                Entity.aliases.any(contains_folded(EntityAlias.alias_key, args["q"])),
            )
        )
    return query


@blp.route("/entities/<ref>")
@blp.response(200, item_of(EntityDetailOut))
def get_entity(ref: str) -> Response:
    """One entity, by id or slug, with aliases, roles, and counts of its facts."""
    options = (*OPTIONS, selectinload(Entity.evidence))
    return item_response(entity_detail_out, get_item(Entity, ref, options))
