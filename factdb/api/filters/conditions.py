"""Conditions no library offers: date windows and overlap on the date-order indexes,
links read on their own indexes, text search restricted to one kind of fact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import aliased

from factdb.api.http import request_db
from factdb.api.http.counts import counted
from factdb.api.http.problems import BadParameter
from factdb.models import (
    EventParticipant,
    SearchDocument,
    Statement,
    StatementMention,
)
from factdb.models.fact_base import DatedFact
from factdb.names import fold
from factdb.sql import AnySelect, Expression, search_hits, search_words

Window = tuple[dt.date | None, dt.date | None]


def longest_interval(model: type[DatedFact]) -> int:
    """Days from start to end of the longest date interval of a kind of fact (an index
    holds date_days; kept per content version)."""
    query = select(func.max(model.date_days))
    return counted(
        ("longest interval", model.__name__),
        lambda: int(request_db.session().scalar(query) or 0),
    )


def sort_date_window(model: type[DatedFact], args: Mapping[str, Any]) -> Window:
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


def within(column: Expression, window: Window) -> list[ColumnElement[bool]]:
    """Conditions keeping a sort_date ``column`` inside ``window``."""
    lowest, highest = window
    return [
        *([] if lowest is None else [column >= lowest]),
        *([] if highest is None else [column <= highest]),
    ]


def date_overlaps(model: type[DatedFact], args: Mapping[str, Any]) -> ColumnElement[bool] | None:
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
