"""A query that runs too long is stopped and answered 503; it never hangs a worker."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from factdb import create_app
from factdb.api.http import request_db
from factdb.api.sqljson.driver import run

# Queries that would run far past the limit on each engine.
ENDLESS = {
    "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
    "SELECT count(*) FROM n",
    "postgresql": "SELECT pg_sleep(30)",
}


@pytest.fixture
def slow_app(seeded_url: str) -> Iterator[Flask]:
    app = create_app({"TESTING": True, "DATABASE_URL": seeded_url, "QUERY_TIMEOUT_SECONDS": 0.3})

    # A stand-in for a pathological query, run through the API's own engine and
    # error handling (no endpoint lets a client write SQL): through SQLAlchemy, as item
    # pages run, and on the driver, as collection pages run.
    def endless() -> str:
        dialect = request_db.engine().dialect.name
        request_db.session().execute(text(ENDLESS[dialect]))
        return "finished"

    def endless_on_driver() -> str:
        run(request_db.connection(), ENDLESS[request_db.engine().dialect.name])
        return "finished"

    app.add_url_rule("/api/v1/_endless", view_func=endless)
    app.add_url_rule("/api/v1/_endless_on_driver", view_func=endless_on_driver)
    yield app
    request_db.dispose(app)


@pytest.mark.parametrize("path", ["/api/v1/_endless", "/api/v1/_endless_on_driver"])
def test_a_runaway_query_is_stopped_and_answered_503(slow_app: Flask, path: str) -> None:
    started = time.monotonic()
    response = slow_app.test_client().get(path)
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert response.get_json()["type"].endswith("/query-timeout")
    assert elapsed < 5


def test_the_worker_answers_again_after_a_timeout(slow_app: Flask) -> None:
    client = slow_app.test_client()
    assert client.get("/api/v1/_endless").status_code == 503
    response = client.get("/api/v1/statements?speaker=Putin")
    assert response.status_code == 200
    assert response.get_json()["meta"]["total"] == 5


def test_a_database_error_is_a_503_and_is_logged(
    blank_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from factdb import migrate

    migrate.upgrade(blank_url, "0001")  # tables, but not the search documents of 0002
    app = create_app({"TESTING": True, "DATABASE_URL": blank_url})
    try:
        response = app.test_client().get("/api/v1/search?q=Putin")
    finally:
        request_db.dispose(app)
    assert response.status_code == 503
    assert response.get_json()["type"].endswith("/database-unavailable")
    assert "database error on /api/v1/search?q=Putin" in caplog.text


def test_a_recovery_conflict_is_unavailable_not_a_timeout(seeded_url: str) -> None:
    """A hot standby cancels a query whose rows replay must remove; the query was not
    too broad, so the answer says to try again rather than to narrow the filters."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    app = create_app({"TESTING": True, "DATABASE_URL": seeded_url})
    conflict = psycopg.errors.SerializationFailure(
        "canceling statement due to conflict with recovery"
    )

    def cancelled_by_replay() -> str:
        raise DBAPIError.instance("SELECT 1", (), conflict, psycopg.Error)

    app.add_url_rule("/api/v1/_cancelled_by_replay", view_func=cancelled_by_replay)
    try:
        response = app.test_client().get("/api/v1/_cancelled_by_replay")
    finally:
        request_db.dispose(app)
    assert response.status_code == 503
    assert response.get_json()["type"].endswith("/database-unavailable")
    assert response.headers["Retry-After"] == "1"
