"""How a request's entity names were resolved: a collection's ``resolved`` member and
its Factdb-Resolved header.

The resolver (filters.resolve_entity) records each name it resolves for the request,
with every other entity the same name also names ("Moscow" is the city, and a metonym
of Russia). The collection adds how many facts the filter alone gives for each of them,
so that an empty answer says where the facts are.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import request
from sqlalchemy import func, select

from factdb.api.documents.urls import item_url
from factdb.api.http import request_db
from factdb.api.http.counts import counted
from factdb.api.http.openapi import HEADER
from factdb.sql import AnySelect

# The ways a name can match an entity, in the order they win.
MATCHED_BY = ("slug", "name", "alias", "metonym")
_RECORDED = "factdb.resolved"  # this request's resolutions, in its WSGI environ

# The rows a filter gives for one entity id, alone: what its counts count.
FilterRows = Callable[[int], AnySelect]


@dataclass(frozen=True)
class Named:
    """An entity a name matches, and how (one of MATCHED_BY); ``rank`` is the index in
    MATCHED_BY of its earliest way, which decides between entities."""

    entity_id: int
    slug: str
    name: str
    kind: str
    matched_by: str
    rank: int


@dataclass(frozen=True)
class Resolution:
    """A filter's name, the entity it was resolved to, and the others it also names."""

    parameter: str
    value: str
    entity: Named
    also: tuple[Named, ...]


def record(resolution: Resolution) -> None:
    """Remember ``resolution`` for this request's response."""
    request.environ.setdefault(_RECORDED, []).append(resolution)


def described(collection: str, filters: Mapping[str, FilterRows]) -> list[dict[str, Any]]:
    """This request's resolutions as the ``resolved`` member shows them, each entity
    with the number of facts its filter alone gives (``filters`` by parameter)."""
    found: list[Resolution] = request.environ.get(_RECORDED, [])

    def entry(named: Named, parameter: str) -> dict[str, Any]:
        url = item_url("entities", named.slug)
        entity = {"slug": named.slug, "name": named.name, "url": url, "kind": named.kind}
        count = _count(collection, parameter, filters[parameter], named.entity_id)
        return {"entity": entity, "matched_by": named.matched_by, "count": count}

    return [
        {
            "parameter": r.parameter,
            "value": r.value,
            **entry(r.entity, r.parameter),
            "also": [entry(other, r.parameter) for other in r.also],
        }
        for r in found
    ]


def _count(collection: str, parameter: str, rows: FilterRows, entity_id: int) -> int:
    """Facts ``parameter`` gives for ``entity_id`` alone, counted on the filter's index
    once per content version."""

    def count() -> int:
        query = select(func.count()).select_from(rows(entity_id).subquery())
        return int(request_db.session().scalar(query) or 0)

    return counted(("filter count", collection, parameter, entity_id), count)


def header(resolved: list[dict[str, Any]]) -> dict[str, str]:
    """The Factdb-Resolved header for the ``resolved`` member (none when it is empty):
    ``speaker=Moscow -> moscow (name): 0; also russia (metonym): 1``, one per name,
    comma-separated. Values and slugs are percent-encoded, so the header is ASCII and
    holds commas and semicolons only as separators."""
    if not resolved:
        return {}

    def named(entry: dict[str, Any]) -> str:
        slug = quote(entry["entity"]["slug"], safe="")
        return f"{slug} ({entry['matched_by']}): {entry['count']}"

    lines = [
        f"{r['parameter']}={quote(r['value'], safe='')} -> {named(r)}"
        + "".join(f"; also {named(other)}" for other in r["also"])
        for r in resolved
    ]
    return {HEADER: ", ".join(lines)}
