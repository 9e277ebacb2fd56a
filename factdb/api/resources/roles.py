"""/roles: offices and affiliations, with their holders."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import select

from factdb.api.collections.collection import AnySelect, Collection, SortKey, collection_view
from factdb.api.collections.facets import grouped
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import RoleOut
from factdb.api.filters.entities_dates import contains_folded, resolve_entity, review_state
from factdb.api.http.parsing import (
    Blueprint,
    NoArgs,
    PageArgs,
    ReviewedArgs,
    entity_field,
    field_names,
    text_field,
)
from factdb.api.sqljson.build import DocumentReader
from factdb.models import Entity, Role
from factdb.sql import folded

blp = Blueprint("roles", __name__, description="Offices and affiliations.")
role_out = RoleOut()


class RoleArgs(PageArgs, ReviewedArgs):
    only_fields = field_names(role_out)
    holder = entity_field("Who holds the office.")
    organization = entity_field("The country, party or organization of the office.")
    q = text_field("Part of the title, case-insensitive.")


roles = Collection(
    name="roles",
    id_column=Role.id,
    schema=role_out,
    documents=DocumentReader(Role),
    sort_keys={"title": SortKey(Role.title, "str"), "id": SortKey(Role.id, "int")},
    default_sort="id",
    group_keys={
        "holder": lambda ids: grouped(
            Role, ids, Entity.slug, Entity.name, ((Entity, Entity.id == Role.holder_id),)
        ),
        "organization": lambda ids: grouped(
            Role, ids, Entity.slug, Entity.name, ((Entity, Entity.id == Role.organization_id),)
        ),
        "title": lambda ids: grouped(Role, ids, Role.title),
    },
    name_filters={
        "holder": lambda e: select(Role.id).where(Role.holder_id == e),
        "organization": lambda e: select(Role.id).where(Role.organization_id == e),
    },
)


@blp.route("/roles")
@blp.arguments(RoleArgs, location="query")
@blp.response(200, page_of(RoleOut))
@collection_view(roles)
def list_roles(args: dict[str, Any]) -> AnySelect:
    """Offices and affiliations."""
    query = select(Role)
    if "holder" in args:
        query = query.where(Role.holder_id == resolve_entity("holder", args["holder"]))
    if "organization" in args:
        organization = resolve_entity("organization", args["organization"])
        query = query.where(Role.organization_id == organization)
    if "q" in args:
        query = query.where(contains_folded(folded(Role.title), args["q"]))
    return review_state(query, Role, args)


@blp.route("/roles/<ref>")
@blp.arguments(NoArgs, location="query")
@blp.response(200, item_of(RoleOut))
def get_role(args: dict[str, Any], ref: str) -> Response:
    """One role, by id or slug."""
    return roles.item(ref)
