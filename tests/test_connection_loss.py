"""A connection the PostgreSQL server ends while a request holds it (a restart, a
failover) does not turn the request's answer into a 500, and the next request gets a
connection of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import create_engine, text

from factdb import create_app, migrate
from factdb.api.http import request_db
from tests.conftest import POSTGRES_URL, DatabaseFactory

pytestmark = pytest.mark.postgres


@pytest.fixture
def losing_app(databases: DatabaseFactory) -> Iterator[Flask]:
    url = databases.new("postgresql")
    migrate.upgrade(url, "head")
    app = create_app({"TESTING": True, "DATABASE_URL": url})

    # A view that reads, then has its own connection ended by the server, as a fast
    # shutdown ends every session: the rollback when the request ends then fails.
    def read_then_lose() -> str:
        version = request_db.content_version()
        pid = request_db.connection().execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        admin.dispose()
        return version

    app.add_url_rule("/api/v1/_read_then_lose", view_func=read_then_lose)
    yield app
    request_db.dispose(app)


def test_a_connection_lost_after_reading_keeps_the_answer(
    losing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    client = losing_app.test_client()
    response = client.get("/api/v1/_read_then_lose")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "empty"
    assert "database connection lost after /api/v1/_read_then_lose" in caplog.text
    # The pool handed the lost connection's place to a new one.
    assert client.get("/api/v1/sources").status_code == 200
    assert client.get("/api/v1/_read_then_lose").status_code == 200
