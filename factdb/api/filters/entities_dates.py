"""Filters no library offers: entity names resolved like a person would, date overlap,
and text search restricted to one kind of fact."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, String, and_, func, literal_column, select, union_all
from sqlalchemy.orm import aliased

from factdb.api.filters.resolved import MATCHED_BY, Named, Resolution, record
from factdb.api.http import request_db
from factdb.api.http.counts import counted
from factdb.api.http.problems import BadParameter
from factdb.models import (
    Entity,
    EntityAlias,
    EventParticipant,
    SearchDocument,
    Statement,
    StatementMention,
)
from factdb.names import fold
from factdb.sql import AnySelect, Expression, search_hits, search_words

MAX_SUGGESTIONS = 5


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
    session = request_db.session()
    names: dict[str, str] = {}
    for slug, name in session.execute(select(Entity.slug, Entity.name)):
        names[fold(name)] = name
        names[slug] = name
    for alias, name in session.execute(
        select(EntityAlias.alias_key, Entity.name).join(Entity, Entity.id == EntityAlias.entity_id)
    ):
        names[alias] = name
    close = difflib.get_close_matches(key, list(names), n=MAX_SUGGESTIONS * 2, cutoff=0.6)
    partial = [name for name in names if key and (key in name or name in key)]
    found: list[str] = []
    for candidate in [*close, *sorted(partial)]:
        if names[candidate] not in found:
            found.append(names[candidate])
    return found[:MAX_SUGGESTIONS]


def resolve_entities(parameter: str, values: list[str]) -> list[int]:
    return [resolve_entity(parameter, value) for value in values]


Window = tuple[dt.date | None, dt.date | None]


def longest_interval(model: Any) -> int:
    """Days from start to end of the longest date interval of a kind of fact (an index
    holds date_days; kept per content version)."""
    query = select(func.max(model.date_days))
    return counted(
        ("longest interval", model.__tablename__),
        lambda: int(request_db.session().scalar(query) or 0),
    )


def sort_date_window(model: Any, args: Mapping[str, Any]) -> Window:
    """Bounds on the sort_date of any ``model`` fact overlapping [from, to].

    "Ends on or after ``from``" is no range of a date-order index, but such a fact
    starts at most the longest interval before ``from``: with that lower bound a month
    reads about a month of an entity's facts, not every earlier year of them.
    """
    lowest = highest = None
    if "date_from" in args:
        start: dt.date = args["date_from"][0]
        days = min(longest_interval(model), (start - dt.date.min).days)
        lowest = start - dt.timedelta(days=days)
    if "date_to" in args:
        highest = args["date_to"][1]
    return lowest, highest


def within(column: Any, window: Window) -> list[ColumnElement[bool]]:
    """Conditions keeping a sort_date ``column`` inside ``window``."""
    lowest, highest = window
    return [
        *([] if lowest is None else [column >= lowest]),
        *([] if highest is None else [column <= highest]),
    ]


def date_overlaps(model: Any, args: Mapping[str, Any]) -> ColumnElement[bool] | None:
    """Dated facts whose interval overlaps [from, to]; undated facts never match.

    Both bounds are also given on sort_date, which the date-order indexes hold (it
    equals date_start on dated facts); ``date_start IS NOT NULL`` keeps undated facts out.
    """
    conditions = within(model.sort_date, sort_date_window(model, args))
    if "date_from" in args:
        conditions.append(model.date_end >= args["date_from"][0])
    if "date_to" in args:
        conditions.append(model.date_start.is_not(None))
    return and_(*conditions) if conditions else None


def text_matches(parameter: str, fact_type: str, query: str) -> AnySelect:
    """Ids of facts of ``fact_type`` whose search document holds every word of ``query``."""
    words = search_words(query)
    if not words:
        raise BadParameter(parameter, "give at least one word to search for")
    dialect = request_db.engine().dialect.name
    hits = search_hits(dialect, words).subquery()
    return (
        select(SearchDocument.fact_id)
        .join(hits, hits.c.id == SearchDocument.id)
        .where(SearchDocument.fact_type == fact_type)
    )


def also_took_part(entity_id: int, event_id: Expression) -> ColumnElement[bool]:
    """Events (``event_id``) that ``entity_id`` also took part in, probed for each event
    by the participation's primary key (event, entity). Only for a query that another
    participation leads: a page that walks it stops once full, where an IN list would
    first read all of this entity's participations in the date range, however many."""
    link = aliased(EventParticipant, name="also")
    probe = select(link.event_id).where(link.event_id == event_id, link.entity_id == entity_id)
    return probe.exists()


def participations(entity_id: int, window: Window) -> AnySelect:
    """Ids of the events ``entity_id`` took part in, their sort_date within ``window``."""
    link = EventParticipant
    return select(link.event_id).where(link.entity_id == entity_id, *within(link.sort_date, window))


# Links are tested with ``id IN (…)`` rather than EXISTS: the planner can then start
# from the link table's (entity_id, sort_date) index instead of reading every fact.
def mentioned(entity_id: int, window: Window = (None, None)) -> ColumnElement[bool]:
    """Statements that mention ``entity_id``, their sort_date within ``window``."""
    return Statement.id.in_(mentions(entity_id, window))


def mentions(entity_id: int, window: Window) -> AnySelect:
    """Ids of the statements mentioning ``entity_id``, their sort_date within ``window``."""
    link = StatementMention
    return select(link.statement_id).where(
        link.entity_id == entity_id, *within(link.sort_date, window)
    )


def contains_folded(column: Expression, value: str) -> ColumnElement[bool]:
    """Case-insensitive substring match on a casefolded key column, LIKE-escaped."""
    escaped = fold(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"%{escaped}%", escape="\\")


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
