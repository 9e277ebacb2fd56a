"""Kept statements run on the driver return what SQLAlchemy's own execution returns,
bind values as it binds them, and fall back to it where the SQL changes with values."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import DBAPIError

from factdb.api.http import request_db
from factdb.api.sqljson.driver import DriverStatement, run
from factdb.api.sqljson.kept import KeptStatement
from factdb.models import Entity, Statement
from factdb.sql import AnySelect

# Each binds a different kind of value: a date (bound by SQLite's Date processor as
# text), text, an integer, LIMIT and OFFSET.
STATEMENTS: list[AnySelect] = [
    select(Statement.id, Statement.sort_date, Statement.slug)
    .where(Statement.sort_date >= dt.date(2019, 1, 1))
    .order_by(Statement.sort_date, Statement.id),
    select(Entity.id, Entity.name).where(Entity.slug == "vladimir-putin"),
    select(func.count()).select_from(Statement).where(Statement.speaker_id > 0),
    select(Statement.id).order_by(Statement.id).limit(3).offset(2),
]


def _driver_values(rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Rows as SQLAlchemy types them: SQLite's driver returns dates as ISO text."""
    return [
        tuple(dt.date.fromisoformat(v) if isinstance(v, str) and _is_iso(v) else v for v in row)
        for row in rows
    ]


def _is_iso(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


@pytest.mark.parametrize("index", range(len(STATEMENTS)))
def test_kept_statements_return_what_sqlalchemy_returns(app: Flask, index: int) -> None:
    statement = STATEMENTS[index]
    with app.test_request_context("/api/v1/"):
        connection = request_db.connection()
        expected = [tuple(row) for row in connection.execute(statement).all()]
        assert expected, "the seed has rows for every statement here"
        compiled = DriverStatement.compile(statement, connection.dialect)
        assert compiled is not None
        got = [tuple(row) for row in KeptStatement(statement, []).rows(connection, {})]
        assert _driver_values(got) == expected


def test_values_given_replace_the_values_built_with(app: Flask) -> None:
    """A kept statement runs with another request's values, by bind name."""
    statement = select(Entity.slug).where(Entity.slug == bindparam("wanted", "vladimir-putin"))
    kept = KeptStatement(statement, [])
    with app.test_request_context("/api/v1/"):
        connection = request_db.connection()
        assert [tuple(row) for row in kept.rows(connection, {})] == [("vladimir-putin",)]
        assert [tuple(row) for row in kept.rows(connection, {"wanted": "russia"})] == [("russia",)]


def test_sql_that_changes_with_its_values_runs_through_sqlalchemy(app: Flask) -> None:
    """An expanding IN list is rendered per execution: no fixed SQL to keep."""
    statement = select(Entity.slug).where(Entity.slug.in_(["russia", "vladimir-putin"]))
    with app.test_request_context("/api/v1/"):
        connection = request_db.connection()
        assert DriverStatement.compile(statement, connection.dialect) is None
        rows = KeptStatement(statement, []).rows(connection, {})
        assert sorted(slug for (slug,) in rows) == ["russia", "vladimir-putin"]


def test_a_statement_built_for_one_request_runs_through_sqlalchemy(app: Flask) -> None:
    """Compiling for the driver pays only for statements that are kept and rerun."""
    statement = select(Entity.slug).where(Entity.slug == "russia")
    once = KeptStatement(statement, [], on_driver=False)
    with app.test_request_context("/api/v1/"):
        assert [tuple(row) for row in once.rows(request_db.connection(), {})] == [("russia",)]
    assert once._compiled == {}  # nothing was compiled for the driver


def test_a_kept_statement_is_compiled_once_per_dialect(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Later runs, with other values, reuse the compiled form."""
    compiled: list[str] = []
    compile_for = DriverStatement.compile.__func__  # type: ignore[attr-defined]

    def counted(cls: type[DriverStatement], statement: AnySelect, dialect: object) -> object:
        compiled.append(getattr(dialect, "name", ""))
        return compile_for(cls, statement, dialect)

    monkeypatch.setattr(DriverStatement, "compile", classmethod(counted))
    slug = bindparam("slug", "russia")
    kept = KeptStatement(select(Entity.slug).where(Entity.slug == slug), [slug])
    with app.test_request_context("/api/v1/"):
        connection = request_db.connection()
        assert [tuple(row) for row in kept.rows(connection, {})] == [("russia",)]
        again = kept.rows(connection, {"slug": "vladimir-putin"})
        assert [tuple(row) for row in again] == [("vladimir-putin",)]
        assert compiled == [connection.dialect.name]


def test_driver_errors_are_wrapped_as_sqlalchemy_wraps_them(app: Flask) -> None:
    with app.test_request_context("/api/v1/"):
        with pytest.raises(DBAPIError) as raised:
            run(request_db.connection(), "SELECT no_such_column FROM entities")
        assert "no_such_column" in str(raised.value.orig)


def test_the_driver_reads_in_the_requests_transaction(app: Flask) -> None:
    """run() begins the request's transaction if nothing has yet, so that every read
    of the request sees one snapshot."""
    with app.test_request_context("/api/v1/"):
        connection = request_db.connection()
        assert not connection.in_transaction()
        run(connection, "SELECT 1")
        assert connection.in_transaction()
