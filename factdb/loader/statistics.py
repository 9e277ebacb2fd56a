"""The query planner's statistics after a load or a copy: gathered on the tables
written once the database holds ANALYZE_FROM sources, and again after a load when the
sources stored differ by a tenth from those of the last ANALYZE."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy import table as table_named
from sqlalchemy.engine import Connection, Engine

from factdb.models import Base, SearchTopHit, Source
from factdb.sql import analyze, analyzed_rows

# What a load writes; search_top is ranked, and analyzed, by rebuild_search_top.
LOADED_TABLES = tuple(
    table.name for table in Base.metadata.sorted_tables if table.name != SearchTopHit.__tablename__
)
# Below this many sources, no statistics: every plan is quick on tables so small, and
# without statistics SQLite plans them as large ones, on their indexes; with those of
# the one-source seed it read search_documents whole for a search (SCAN sd).
ANALYZE_FROM = 50
# PostgreSQL's autovacuum analyzes a table once a tenth of it changed (its default
# autovacuum_analyze_scale_factor), later and on its own; SQLite never does.
DRIFT = 0.1


def _count(connection: Connection, name: str) -> int:
    return connection.scalar(select(func.count()).select_from(table_named(name))) or 0


def large_enough(connection: Connection) -> bool:
    """Whether the database holds ANALYZE_FROM sources or more."""
    return _count(connection, Source.__tablename__) >= ANALYZE_FROM


def analyze_if_changed(connection: Connection, counted: str, tables: Iterable[str]) -> bool:
    """ANALYZE ``tables`` if the database is large enough and the rows of ``counted``
    are DRIFT more or fewer than when it was last analyzed (or it never was); True if
    it ran.

    A small load into a large database analyzes nothing: PostgreSQL's ANALYZE samples
    up to 30,000 rows of every table however few were written, which on 1,000 sources
    cost about as much as loading one more (README, PostgreSQL).
    """
    if not large_enough(connection):
        return False
    stored, known = _count(connection, counted), analyzed_rows(connection, counted)
    if known is not None and abs(stored - known) < DRIFT * stored:
        return False
    analyze(connection, tables)
    return True


def analyze_if_grown(engine: Engine) -> bool:
    """After a load: ANALYZE the tables a load writes if the sources stored changed by
    DRIFT (every table a load writes grows with the sources); True if it ran."""
    with engine.begin() as connection:
        return analyze_if_changed(connection, Source.__tablename__, LOADED_TABLES)
