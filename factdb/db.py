"""Engines for both SQLite and PostgreSQL: pragmas, read-only mode and query deadlines."""

from __future__ import annotations

import contextvars
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from psycopg.types.json import set_json_loads
from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import DBAPIError

from factdb.names import fold

# Deadline (time.monotonic()) of the query being run in this context, or None.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)
# SQLite virtual-machine steps between two looks at the clock, by default.
PROGRESS_STEPS = 10_000


class QueryTimeout(Exception):
    """A query ran past its deadline and was stopped."""


@contextmanager
def query_deadline(seconds: float | None) -> Iterator[None]:
    """Stop SQLite queries run inside the block after ``seconds`` (None: no limit)."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _past_deadline() -> int:
    deadline = _deadline.get()
    return int(deadline is not None and time.monotonic() > deadline)


def _fold(value: str | None) -> str | None:
    return None if value is None else fold(value)


def _float_json(value: float | None) -> str | None:
    """A REAL as Python writes it in JSON: the shortest text that reads back as the
    same float, always with a point or an exponent (SQLite's own JSON keeps 15 digits,
    and its printf is not exact past about 1e90)."""
    return None if value is None else repr(float(value))


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(
    url: str | URL,
    *,
    read_only: bool = False,
    statement_timeout_ms: int | None = None,
    progress_steps: int = PROGRESS_STEPS,
    **kwargs: Any,
) -> Engine:
    """An engine for ``url``.

    SQLite: foreign keys on, WAL journal, and, when ``read_only``, the file opened with
    ``mode=ro``. PostgreSQL: read-only transactions and a statement timeout when asked.
    """
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, read_only, progress_steps, **kwargs)
    options = []
    if read_only:
        # One snapshot per request: the count, the page and the embedded rows agree
        # even while a loader commits.
        kwargs.setdefault("isolation_level", "REPEATABLE READ")
        options.append("-c default_transaction_read_only=on")
    if statement_timeout_ms is not None:
        options.append(f"-c statement_timeout={int(statement_timeout_ms)}")
    connect_args = {"options": " ".join(options)} if options else {}
    engine = create_engine(url, connect_args=connect_args, pool_pre_ping=True, **kwargs)

    @event.listens_for(engine, "connect")
    def _json_by_orjson(dbapi_connection: Any, _record: Any) -> None:
        # The API's pages come back as json columns, one document a row: psycopg's
        # default parser (the stdlib's) took 0.42 ms of a 51-row page at 1 million facts
        # on 2026-12-07, orjson 0.15 ms, with the same objects.
        set_json_loads(orjson.loads, dbapi_connection)

    return engine


def _sqlite_engine(url: URL, read_only: bool, progress_steps: int, **kwargs: Any) -> Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:")
    if read_only and not in_memory:
        path = Path(database).resolve()
        if not path.is_file():
            raise FileNotFoundError(f"no SQLite database at {path}")
        url = url.set(database=f"file:{path}?mode=ro", query={"uri": "true"})
    elif not in_memory:
        Path(database).resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        if not read_only and not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
        dbapi_connection.set_progress_handler(_past_deadline, progress_steps)
        dbapi_connection.create_function("factdb_fold", 1, _fold, deterministic=True)
        dbapi_connection.create_function("factdb_float", 1, _float_json, deterministic=True)
        if read_only:
            # pysqlite begins no transaction for a SELECT, so each statement would see
            # the latest commit; BEGIN below holds one snapshot for the whole session.
            dbapi_connection.isolation_level = None

    if read_only:

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            # On the driver: SQLAlchemy's execution of this bare BEGIN cost a page of
            # statements 2% of its instructions. Errors are wrapped as SQLAlchemy would.
            try:
                connection.connection.driver_connection.execute("BEGIN")
            except sqlite3.Error as error:
                raise DBAPIError.instance("BEGIN", (), error, sqlite3.Error) from error

    return engine
