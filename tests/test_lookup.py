"""one_of reads the rows named by any number of values in one statement, on both
engines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, insert, select

from factdb import migrate
from factdb.db import make_engine
from factdb.loader.lookup import one_of
from factdb.models import Topic
from tests.conftest import DatabaseFactory

STORED = 300
# More values than either engine binds in one statement (SQLite 32,766, PostgreSQL
# 65,535), as an IN list of one parameter each would need.
ASKED = 70_000


def test_one_of_finds_the_named_rows_of_more_values_than_an_engine_binds(
    databases: DatabaseFactory,
) -> None:
    url = databases.new()
    migrate.upgrade(url, "head")
    engine = make_engine(url)
    topics = Topic.__table__
    with engine.begin() as connection:
        rows = [
            {"slug": f"topic-{n}", "name": f"Topic {n}", "name_key": f"topic {n}"}
            for n in range(STORED)
        ]
        connection.execute(insert(topics), rows)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    with engine.connect() as connection:
        asked = [f"topic-{n}" for n in range(0, ASKED, 2)] + ["topic-1"]
        by_slug = select(topics.c.slug).where(one_of(connection, topics.c.slug, asked))
        found = set(connection.scalars(by_slug))
        ids = list(connection.scalars(select(topics.c.id).order_by(topics.c.id)))
        wanted = [*ids[::3], *range(ids[-1] + 1, ids[-1] + ASKED)]
        by_id = select(topics.c.id).where(one_of(connection, topics.c.id, wanted))
        found_ids = set(connection.scalars(by_id))
        nothing = set(
            connection.scalars(select(topics.c.id).where(one_of(connection, topics.c.id, [])))
        )
    event.remove(engine, "before_cursor_execute", count)
    engine.dispose()
    assert found == {f"topic-{n}" for n in range(0, STORED, 2)} | {"topic-1"}
    assert found_ids == set(ids[::3])
    assert nothing == set()
    assert len(statements) == 4  # one each, whatever the number of values
