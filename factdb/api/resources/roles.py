"""/roles: offices and affiliations, with their holders."""

from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import select

from factdb.api.collections.collection import Collection, SortKey
from factdb.api.collections.facets import by_source, grouped
from factdb.api.documents.envelopes import item_of, page_of
from factdb.api.documents.schemas import RoleOut
from factdb.api.filters import params
from factdb.api.filters.conditions import contains_folded
from factdb.api.filters.params import Filtering, Param, Params
from factdb.api.http.parsing import Blueprint, text_field
from factdb.api.sqljson.reader import DocumentReader
from factdb.models import Entity, Role
from factdb.sql import folded

blp = Blueprint("roles", __name__, description="Offices and affiliations.")


def _title(filtering: Filtering, _name: str, value: str) -> None:
    filtering.where(contains_folded(folded(Role.title), value))


PARAMS = Params(
    "roles",
    {
        "reviewed": params.reviewed(Role),
        "holder": params.entity(
            "Who holds the office.",
            lambda e: Role.holder_id == e,
            rows=lambda e: select(Role.id).where(Role.holder_id == e),
        ),
        "organization": params.entity(
            "The country, party or organization of the office.",
            lambda e: Role.organization_id == e,
            rows=lambda e: select(Role.id).where(Role.organization_id == e),
        ),
        "q": Param(text_field("Part of the title, case-insensitive."), _title),
        **params.corroboration(Role),
    },
    facts=Role,
)

roles = Collection(
    name="roles",
    id_column=Role.id,
    schema=RoleOut(),
    documents=DocumentReader(Role),
    params=PARAMS,
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
        "source": by_source(Role),
    },
)


@blp.route("/roles")
@blp.arguments(roles.arguments, location="query")
@blp.response(200, page_of(RoleOut))
def list_roles(args: dict[str, Any]) -> Response:
    """Offices and affiliations."""
    return roles.answer(args)


@blp.route("/roles/<ref>")
@blp.arguments(roles.item_arguments, location="query")
@blp.response(200, item_of(RoleOut))
def get_role(args: dict[str, Any], ref: str) -> Response:
    """One role, by id or slug."""
    return roles.item(ref, args)
