"""The query planner's statistics after a load: gathered again on the tables a load
writes once the sources stored differ by a tenth from those of the last ANALYZE."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from factdb.models import Base, SearchTopHit, Source
from factdb.sql import analyze, analyzed_rows

# What a load writes; search_top is ranked, and analyzed, by rebuild_search_top.
LOADED_TABLES = tuple(
    table.name for table in Base.metadata.sorted_tables if table.name != SearchTopHit.__tablename__
)
# PostgreSQL's autovacuum analyzes a table once a tenth of it changed (its default
# autovacuum_analyze_scale_factor), later and on its own; SQLite never does.
DRIFT = 0.1


def analyze_if_grown(engine: Engine) -> bool:
    """ANALYZE the tables a load writes if the sources stored are DRIFT more or fewer
    than when ``sources`` was last analyzed (or it never was); True if it ran.

    Every table a load writes grows with the sources, so their count stands for all.
    A small load into a large database analyzes nothing: PostgreSQL's ANALYZE samples
    up to 30,000 rows of every table however few were written, which cost more than
    loading one source (see README, PostgreSQL).
    """
    with engine.begin() as connection:
        stored = connection.scalar(select(func.count()).select_from(Source)) or 0
        known = analyzed_rows(connection, Source.__tablename__)
        if stored == 0 or (known is not None and abs(stored - known) < DRIFT * stored):
            return False
        analyze(connection, LOADED_TABLES)
    return True
