"""The benchmark's PostgreSQL side: a bench database created for the run and dropped after
it, loaded from the SQLite corpus by ``factdb copy`` and timed, against its floor, COPY of
the same rows into an empty migrated database.

Only databases whose name starts with ``factdb_bench`` are ever created or dropped, so a
URL naming another database (``test``, a newsroom's own) is refused, never emptied.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from factdb import migrate
from factdb.copy import copy_database
from factdb.models import Base

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/factdb_bench"
BENCH_PREFIX = "factdb_bench"
# Generated on PostgreSQL from the other columns: never written.
GENERATED = {"search_documents": {"document"}}


class BenchDatabaseError(ValueError):
    """The URL names a database the benchmark may not create or drop."""


def conninfo(url: str, database: str | None = None) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL (or of another
    database on the same server)."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def bench_name(url: str) -> str:
    """The URL's database name, checked to be the benchmark's own."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise BenchDatabaseError(f"not a PostgreSQL URL: {parsed!r}")
    name = parsed.database or ""
    if not name.startswith(BENCH_PREFIX):
        raise BenchDatabaseError(
            f"the benchmark creates and drops its database: give one named {BENCH_PREFIX}…,"
            f" not {name!r}"
        )
    return name


def with_name(url: str, name: str) -> str:
    """``url`` naming database ``name`` instead (a bench database's scratch sibling)."""
    bench_name(url)
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def _admin(url: str, statement: sql.Composed) -> None:
    with psycopg.connect(conninfo(url, "postgres"), autocommit=True) as connection:
        connection.execute(statement)


def drop_database(url: str) -> None:
    """Drop the bench database if it exists (its connections ended first)."""
    name = bench_name(url)
    _admin(url, sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def bench_database(url: str, keep: bool = False) -> Iterator[str]:
    """A new, empty, migrated bench database, dropped on exit unless ``keep`` (a
    leftover of an earlier run is dropped first)."""
    name = bench_name(url)
    drop_database(url)
    _admin(url, sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        migrate.upgrade(url, "head")
        yield url
    except BaseException:
        drop_database(url)
        raise
    if not keep:
        drop_database(url)


def database_bytes(url: str) -> int:
    """The database's size on disk: pg_database_size, tables, indexes and TOAST."""
    with psycopg.connect(conninfo(url)) as connection:
        row = connection.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def load_by_copy(sqlite_path: str, url: str) -> dict[str, Any]:
    """``factdb copy`` of the SQLite corpus into the (migrated, empty) database at
    ``url``, timed whole: rows, ranking the search terms, ANALYZE and the check."""
    started = time.perf_counter()
    counts = copy_database(f"sqlite:///{sqlite_path}", url)
    return {"seconds": time.perf_counter() - started, "rows": sum(counts.values())}


def copy_floor_seconds(sqlite_path: str, url: str) -> float:
    """Seconds for psycopg's COPY of every row of the corpus (search_top included) into
    an empty migrated database, in one transaction: the load's floor. Reading the rows
    out of SQLite is not timed."""
    tables = [table.name for table in Base.metadata.sorted_tables]
    with closing(sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)) as reader:
        rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
        for table in tables:
            cursor = reader.execute(f"SELECT * FROM {table}")
            skipped = GENERATED.get(table, set())
            names = [column[0] for column in cursor.description]
            keep = [number for number, name in enumerate(names) if name not in skipped]
            rows[table] = (
                [names[number] for number in keep],
                [tuple(row[number] for number in keep) for row in cursor],
            )
    with psycopg.connect(conninfo(url)) as connection:
        started = time.perf_counter()
        with connection.transaction():
            for table, (names, values) in rows.items():
                if not values:
                    continue
                statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, names))
                )
                with connection.cursor().copy(statement) as copy:
                    for row in values:
                        copy.write_row(row)
        return time.perf_counter() - started


def prepare_postgres(sqlite_path: str, url: str) -> dict[str, Any]:
    """Load the bench database at ``url`` (created and migrated by bench_database) from
    the corpus, and time the COPY floor in a scratch database beside it."""
    load = load_by_copy(sqlite_path, url)
    with bench_database(with_name(url, bench_name(url) + "_copy_floor")) as scratch:
        floor = copy_floor_seconds(sqlite_path, scratch)
    return {
        "load_seconds": load["seconds"],
        "rows": load["rows"],
        "copy_floor_seconds": floor,
        "load_over_floor": load["seconds"] / floor if floor else None,
        "bytes": database_bytes(url),
    }
