"""Read-only: no write method, no write through the API's engine, and a time limit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from cachetools import LRUCache
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from factdb import create_app
from factdb.api.http import counts, request_db
from factdb.db import make_engine
from factdb.models import Base, Entity, Statement

API = "/api/v1"
COLLECTIONS = [
    "sources",
    "entities",
    "events",
    "statements",
    "positions",
    "roles",
    "quantities",
    "timeline",
    "search?q=Putin",
    "evidence",
]
ITEMS = ["sources/1", "entities/russia", "events/sochi-visit", "statements/1", "roles/1"]
WRITES = ["POST", "PUT", "PATCH", "DELETE"]


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize("path", ["", "openapi.json", *COLLECTIONS, *ITEMS])
def test_writes_are_405_problems(client: FlaskClient, method: str, path: str) -> None:
    response = client.open(f"{API}/{path}", method=method, json={"text": "forged"})
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == 405 and {"type", "title", "detail"} <= set(body)
    allowed = {method.strip() for method in response.headers["Allow"].split(",")}
    assert {"GET", "HEAD", "OPTIONS"} <= allowed
    assert not allowed & set(WRITES)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", COLLECTIONS)
def test_options_and_head_on_every_collection(client: FlaskClient, path: str) -> None:
    options = client.options(f"{API}/{path}")
    assert options.status_code in (200, 204)
    assert {"GET", "HEAD", "OPTIONS"} <= {m.strip() for m in options.headers["Allow"].split(",")}
    get = client.get(f"{API}/{path}")
    head = client.head(f"{API}/{path}")
    assert head.status_code == 200
    assert head.data == b""
    assert head.mimetype == get.mimetype == "application/json"
    assert head.headers.get("ETag") == get.headers["ETag"]


@pytest.fixture(scope="module")
def own_engine(seeded_url: str) -> Iterator[Engine]:
    """An engine of our own, to look at the database behind the API's back."""
    engine = make_engine(seeded_url)
    yield engine
    engine.dispose()


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


WRITE_SQL = [
    "UPDATE statements SET text = 'forged'",
    "DELETE FROM statement_mentions",
    "INSERT INTO topics (slug, name, name_key) VALUES ('forged', 'Forged', 'forged')",
]


@pytest.mark.parametrize("sql", WRITE_SQL)
def test_the_api_engine_cannot_write(app: Flask, own_engine: Engine, sql: str) -> None:
    before = row_counts(own_engine)
    with app.app_context(), request_db.engine().connect() as connection:
        with pytest.raises(DBAPIError):
            connection.execute(text(sql))
            connection.commit()
        connection.rollback()
    assert row_counts(own_engine) == before
    with own_engine.connect() as connection:
        forged = select(func.count()).where(Statement.text == "forged")
        assert connection.scalar(forged) == 0


def test_the_api_engine_cannot_write_through_the_orm(app: Flask) -> None:
    with app.app_context():
        session = request_db.session()
        try:
            session.add(
                Entity(slug="forged", name="F", name_key="f", kind="person", description="")
            )
            with pytest.raises(DBAPIError):
                session.commit()
        finally:
            session.rollback()
            session.close()


@pytest.fixture
def slow_app(seeded_url: str) -> Iterator[Flask]:
    """An app with a tiny time limit: a microsecond on SQLite (checked every VM step), a
    few milliseconds on PostgreSQL (whose statement_timeout counts milliseconds)."""
    seconds = 1e-6 if seeded_url.startswith("sqlite") else 0.05
    config = {"QUERY_TIMEOUT_SECONDS": seconds, "SQLITE_PROGRESS_STEPS": 1}
    app = create_app({"TESTING": True, "DATABASE_URL": seeded_url, **config})
    yield app
    request_db.dispose(app)


@contextmanager
def heavy_queries(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, make every query of the API wait: hold an exclusive lock on the data
    tables (not on `dataset`), so each query outlasts the limit deterministically. The
    lock is released when the block ends. On SQLite the tiny limit suffices."""
    if engine.dialect.name != "postgresql":
        yield
        return
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name != "dataset")
    with engine.begin() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '5s'"))
        connection.execute(text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))
        yield


TIMED = [*COLLECTIONS, "statements?group_by=speaker", "entities/russia", "statements?format=csv"]


@pytest.mark.parametrize("path", TIMED)
def test_a_query_past_the_time_limit_is_a_503_problem(
    slow_app: Flask, own_engine: Engine, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing kept from earlier tests: facets and totals answered from memory run no query.
    monkeypatch.setattr(counts, "_CACHE", LRUCache(maxsize=64))
    client = slow_app.test_client()
    with heavy_queries(own_engine):
        response = client.get(f"{API}/{path}")
        response.get_data()  # a streamed body is read while the queries are still slow
    assert response.status_code == 503, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    assert body["status"] == 503 and body["type"].endswith("/query-timeout")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
