"""The planner's statistics after bulk writes: in a database of ANALYZE_FROM sources or
more, a copy, a load that changes the sources stored by a tenth, and the migrations
that rebuild tables gather them (ANALYZE)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import event, text

from factdb import create_app, migrate
from factdb.api.http import request_db
from factdb.api.sqljson import driver
from factdb.bench.corpus import generate_source
from factdb.bench.pools import entity_pools, topic_pool
from factdb.commands import copy_command
from factdb.db import make_engine
from factdb.loader import load_folders, statistics
from factdb.loader.bulk import bulk_load_plans
from factdb.loader.plan import FACTS_FILE
from factdb.loader.statistics import ANALYZE_FROM, LOADED_TABLES
from factdb.models import Base, Statement
from factdb.sql import analyzed_rows
from tests.conftest import DatabaseFactory

BOTH_ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
SOURCES = 60  # from about 40, the planner reads the speaker index for Q1
assert SOURCES >= ANALYZE_FROM  # large enough to be analyzed
ENTITIES = 300  # few, so that a speaker says many of the statements
# The index on statements' speaker (speaker_id first), which Q1 reads.
(SPEAKER_INDEX,) = (
    index.name
    for index in Base.metadata.tables[Statement.__tablename__].indexes
    if next(iter(index.columns)).name == "speaker_id"
)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Synthetic sources written as source folders (their facts as JSON, which is YAML)."""
    root = tmp_path_factory.mktemp("sources")
    pools, topics = entity_pools(ENTITIES, 1), topic_pool()
    written = []
    for number in range(1, SOURCES + 1):
        slug, facts, article = generate_source(number, 1, pools, topics)
        folder = root / slug
        folder.mkdir()
        (folder / FACTS_FILE).write_text(json.dumps(facts))
        (folder / "article.txt").write_text(article)
        written.append(folder)
    return written


def _load(url: str, folders: list[Path]) -> None:
    engine = make_engine(url)
    try:
        load_folders(engine, folders, writer=bulk_load_plans)
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def corpus(databases: DatabaseFactory, folders: list[Path]) -> str:
    """A SQLite database of the synthetic sources, loaded as `factdb seed --new-only` does."""
    url = databases.new("sqlite")
    migrate.upgrade(url, "head")
    _load(url, folders)
    return url


def _rows(url: str, sql: str, **values: Any) -> list[Any]:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(text(sql), values))
    finally:
        engine.dispose()


def _analyzed_tables(url: str) -> set[str]:
    """The tables the planner has statistics on."""
    if url.startswith("sqlite"):
        return {tbl for (tbl,) in _rows(url, "SELECT DISTINCT tbl FROM sqlite_stat1")}
    query = "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
    return {name for (name,) in _rows(url, query)}


def _filled_tables(url: str) -> set[str]:
    return {t for t in LOADED_TABLES if _rows(url, f"SELECT 1 FROM {t} LIMIT 1")}


def _sources_analyzed(url: str) -> float | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return analyzed_rows(connection, "sources")
    finally:
        engine.dispose()


def test_a_bulk_load_gathers_statistics_on_sqlite(corpus: str) -> None:
    filled = _filled_tables(corpus)
    assert {"statements", "sources", "evidence", "search_documents"} <= filled
    assert filled <= _analyzed_tables(corpus)
    ((stat,),) = _rows(corpus, "SELECT stat FROM sqlite_stat1 WHERE idx = :i", i=SPEAKER_INDEX)
    ((statements,),) = _rows(corpus, "SELECT count(*) FROM statements")
    assert int(stat.split()[0]) == statements  # every row counted, not a sample


@pytest.fixture(scope="module")
def copied(databases: DatabaseFactory, corpus: str) -> Callable[[str], str]:
    """A new database of an engine that `factdb copy` filled with the corpus, made once
    per engine."""
    made: dict[str, str] = {}

    def copy_into(engine: str) -> str:
        if engine not in made:
            target = databases.new(engine)
            migrate.upgrade(target, "head")
            result = CliRunner().invoke(copy_command, ["--from", corpus, "--to", target])
            assert result.exit_code == 0, result.output
            made[engine] = target
        return made[engine]

    return copy_into


@pytest.mark.parametrize("engine", BOTH_ENGINES)
def test_a_copy_analyzes_every_table_it_wrote(copied: Callable[[str], str], engine: str) -> None:
    target = copied(engine)
    assert _filled_tables(target) <= _analyzed_tables(target)
    assert _sources_analyzed(target) == SOURCES


def _q1_sql(url: str, speaker: str) -> list[tuple[str, Any]]:
    """The SQL (and its values) that the API runs for Q1, the page of one speaker's
    statements, whether through SQLAlchemy or straight on the driver (driver.run)."""
    app = create_app({"TESTING": True, "DATABASE_URL": url})
    client = app.test_client()
    path = f"/api/v1/statements?speaker={speaker}"
    assert client.get(path).status_code == 200  # the engine is made, statements kept
    ran: list[tuple[str, Any]] = []
    engine = app.extensions[request_db.EXTENSION]["engine"]
    on_driver = driver.run

    def recorded(connection: Any, sql: str, parameters: Any = ()) -> Any:
        ran.append((sql, parameters))
        return on_driver(connection, sql, parameters)

    def cursor_execute(_conn: Any, _cursor: Any, sql: str, parameters: Any, *_: Any) -> None:
        ran.append((sql, parameters))

    event.listen(engine, "before_cursor_execute", cursor_execute)
    driver.run = recorded
    try:
        response = client.get(path)
    finally:
        driver.run = on_driver
        event.remove(engine, "before_cursor_execute", cursor_execute)
        request_db.dispose(app)
    assert response.status_code == 200 and len(response.get_json()["data"]) == 50
    return ran


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


@pytest.mark.postgres
def test_q1_right_after_a_copy_is_planned_on_the_speaker_index(
    copied: Callable[[str], str], corpus: str
) -> None:
    target = copied("postgresql")
    ((speaker, said),) = _rows(
        corpus,
        "SELECT e.slug, count(*) FROM statements s JOIN entities e ON e.id = s.speaker_id"
        " GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1",
    )
    assert said > 50  # a page of 50 and more
    ran = _q1_sql(target, speaker)
    (page_sql, values), *others = [(sql, v) for sql, v in ran if "speaker_id" in sql]
    assert not others
    engine = make_engine(target)
    try:
        with engine.connect() as connection:
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cursor.execute(f"EXPLAIN (FORMAT JSON) {page_sql}", values)
            ((explained,),) = cursor.fetchall()
    finally:
        engine.dispose()
    speaker_scans = [
        n for n in _nodes(explained[0]["Plan"]) if n.get("Index Name") == SPEAKER_INDEX
    ]
    assert speaker_scans, f"Q1 does not read {SPEAKER_INDEX}: {json.dumps(explained)}"
    # With statistics the planner knows how many statements the speaker made; without,
    # it guesses a fixed share of the table (2 rows here) and plans the page for that.
    (estimate,) = {node["Plan Rows"] for node in speaker_scans}
    assert abs(estimate - said) <= 0.1 * said, (estimate, said)


def test_a_small_load_analyzes_nothing_until_the_sources_changed_by_a_tenth(
    empty_url: str, folders: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statistics, "ANALYZE_FROM", 10)
    _load(empty_url, folders[:9])
    assert _sources_analyzed(empty_url) is None  # a database too small to need it
    _load(empty_url, folders[9:10])
    assert _sources_analyzed(empty_url) == 10  # from none: analyzed
    _load(empty_url, folders[10:11])
    assert _sources_analyzed(empty_url) == 10  # 1 in 11: left as it was
    _load(empty_url, folders[11:13])
    assert _sources_analyzed(empty_url) == 13  # 3 in 13 since: analyzed again


def test_migrations_that_rebuild_tables_analyze_them(
    empty_url: str, folders: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statistics, "ANALYZE_FROM", 5)
    _load(empty_url, folders[:5])
    migrate.downgrade(empty_url, "0002")
    migrate.upgrade(empty_url, "head")
    if empty_url.startswith("sqlite"):
        # Rebuilt tables lose their statistics with the old copy; the new index has some.
        query = "SELECT stat FROM sqlite_stat1 WHERE idx = :i"
        assert _rows(empty_url, query, i=SPEAKER_INDEX)
    else:  # the columns the migrations add are known to the planner
        query = "SELECT 1 FROM pg_stats WHERE tablename = 'statements' AND attname = 'sort_date'"
        assert _rows(empty_url, query)
