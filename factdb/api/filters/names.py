"""Entity names and slugs resolved like a person would: by slug, name, alias or
metonym, with suggestions when nothing matches."""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import String, literal_column, select, union_all

from factdb.api.filters.resolved import MATCHED_BY, Named, Resolution, record
from factdb.api.http import request_db
from factdb.api.http.counts import counted
from factdb.api.http.problems import BadParameter
from factdb.models import (
    Entity,
    EntityAlias,
)
from factdb.names import fold
from factdb.sql import similar_names

MAX_SUGGESTIONS = 5
# Names and aliases read from the trigram index for difflib to choose from.
CANDIDATES = 40


def resolve_entity(parameter: str, value: str) -> int:
    """The id of the entity ``value`` names: its slug, its name, an alias or a metonym.

    Earlier ways of naming win (a slug over an alias), so "Moscow" is the city and not
    Russia. No match is a 400 with suggestions; a tie is a 400 listing the candidates.
    The resolution, with the other entities ``value`` also names, is recorded for the
    response (resolved.py).
    """
    named = _entities_named(value)
    if not named:
        raise BadParameter(
            parameter, f"no entity is named {value!r}", suggestions=_suggestions(fold(value))
        )
    best = [n for n in named if n.rank == named[0].rank]
    if len(best) > 1:
        raise BadParameter(
            parameter,
            f"{value!r} names several entities; use a slug",
            candidates=[n.slug for n in best],
        )
    record(Resolution(parameter, value, named[0], named[1:]))
    return named[0].entity_id


def _entities_named(value: str) -> tuple[Named, ...]:
    """Every entity ``value`` names, earliest way (MATCHED_BY) first: one query on the
    slug, name and alias indexes, kept per content version. An entity named both by its
    slug and by its name is shown as matched by name unless ``value`` is written as
    the slug ("Moscow" is the city's name, "moscow" its slug)."""
    written, slug, key = value.strip(), value.strip().lower(), fold(value)

    def find() -> tuple[Named, ...]:
        columns = (Entity.id, Entity.slug, Entity.name, Entity.kind)
        ways = union_all(
            select(*columns, literal_column("'slug'", String)).where(Entity.slug == slug),
            select(*columns, literal_column("'name'", String)).where(Entity.name_key == key),
            select(*columns, EntityAlias.kind)
            .join(EntityAlias, EntityAlias.entity_id == Entity.id)
            .where(EntityAlias.alias_key == key),
        )
        found: dict[tuple[int, str, str, str], set[str]] = {}
        for entity_id, entity_slug, name, kind, way in request_db.session().execute(ways):
            found.setdefault((entity_id, entity_slug, name, kind), set()).add(way)
        named = []
        for entity, matched in found.items():
            order = sorted(matched, key=MATCHED_BY.index)
            shown = order[1] if order[1:] and order[0] == "slug" and written != slug else order[0]
            named.append(Named(*entity, matched_by=shown, rank=MATCHED_BY.index(order[0])))
        return tuple(sorted(named, key=lambda n: (n.rank, n.slug)))

    return counted(("entities named", written, key), find)


def _id_of_slug(model: Any, value: str) -> int | None:
    """The id of the ``model`` row with slug ``value``, kept per content version: the
    busiest collections are filtered by a slug on most requests."""
    slug = value.strip().lower()
    return counted(
        ("slug", model.__tablename__, slug),
        lambda: request_db.session().scalar(select(model.id).where(model.slug == slug)),
    )


def _suggestions(key: str) -> list[str]:
    """Names of the entities ``key`` (folded) is most like: the candidates the trigram
    index gives (not a scan of every name), best first by difflib, then those holding
    ``key`` or held in it."""
    names = dict(similar_names(request_db.connection(), key, CANDIDATES))
    close = difflib.get_close_matches(key, list(names), n=MAX_SUGGESTIONS * 2, cutoff=0.6)
    partial = [name for name in names if key in name or name in key]
    found: list[str] = []
    for candidate in [*close, *sorted(partial)]:
        if names[candidate] not in found:
            found.append(names[candidate])
    return found[:MAX_SUGGESTIONS]


def resolve_entities(parameter: str, values: list[str]) -> list[int]:
    return [resolve_entity(parameter, value) for value in values]


def resolve_slug(parameter: str, model: Any, value: str) -> int:
    """The id of the ``model`` row with slug ``value``; a 400 with suggestions if none."""
    session = request_db.session()
    found = _id_of_slug(model, value)
    if found is not None:
        return found
    slugs = list(session.scalars(select(model.slug)))
    suggestions = difflib.get_close_matches(value.lower(), slugs, n=MAX_SUGGESTIONS, cutoff=0.5)
    name = model.__tablename__.removesuffix("s")
    raise BadParameter(parameter, f"no {name} has the slug {value!r}", suggestions=suggestions)
