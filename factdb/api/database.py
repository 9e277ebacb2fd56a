"""The API's read-only database access: one engine per app, one session per request."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from factdb.api.problems import ApiProblem
from factdb.db import is_sqlite, make_engine, query_deadline
from factdb.models import Dataset

EXTENSION = "factdb"


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = {"engine": None, "sessionmaker": None}
    app.before_request(_start_deadline)
    app.teardown_request(_close_session)


def engine() -> Engine:
    """The app's read-only engine, created on first use (the file may not exist earlier)."""
    state = current_app.extensions[EXTENSION]
    if state["engine"] is None:
        url = current_app.config["DATABASE_URL"]
        options: dict[str, Any] = {}
        if is_sqlite(url):
            options["progress_steps"] = current_app.config["SQLITE_PROGRESS_STEPS"]
        else:
            options["pool_size"] = current_app.config["POOL_SIZE"]
            options["max_overflow"] = 0
        timeout_ms = max(1, int(current_app.config["QUERY_TIMEOUT_SECONDS"] * 1000))
        try:
            state["engine"] = make_engine(
                url, read_only=True, statement_timeout_ms=timeout_ms, **options
            )
        except FileNotFoundError as missing:
            raise ApiProblem(
                503,
                "Service Unavailable",
                f"{missing}: create it with `factdb db upgrade` and `factdb seed`",
                slug="database-missing",
            ) from None
        state["sessionmaker"] = sessionmaker(state["engine"], expire_on_commit=False)
    return state["engine"]


def session() -> Session:
    """This request's session, opened on first use and closed when the request ends."""
    if "db_session" not in g:
        engine()
        g.db_session = current_app.extensions[EXTENSION]["sessionmaker"]()
    return g.db_session


# The content version of a database without a dataset row (empty, or being copied).
NO_CONTENT = "empty"
_CONTENT_VERSION = select(Dataset.content_version)


def content_version() -> str:
    """The dataset's content version, which changes with every load that changes data."""
    if "content_version" not in g:
        # Through the connection: the ORM's execution layer costs more than the query.
        found = session().connection().execute(_CONTENT_VERSION).scalar()
        g.content_version = found or NO_CONTENT
    return str(g.content_version)


def _start_deadline() -> None:
    manager = query_deadline(current_app.config["QUERY_TIMEOUT_SECONDS"])
    manager.__enter__()
    g.deadline = manager


def _close_session(_error: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
    manager = g.pop("deadline", None)
    if manager is not None:
        manager.__exit__(None, None, None)


def dispose(app: Flask) -> None:
    """Close the app's pooled connections (tests, and workers shutting down)."""
    state = app.extensions[EXTENSION]
    if state["engine"] is not None:
        state["engine"].dispose()
        state["engine"] = state["sessionmaker"] = None
