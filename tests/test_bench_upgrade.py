"""The upgrade across migration 0009 on a synthetic corpus built before it, timed by
`factdb bench-upgrade` (20,000 sources in docs/performance.md; 50 here), on both
engines: nothing is lost, every fact is its own, `factdb check` passes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import text
from sqlalchemy.engine import make_url

from factdb import migrate
from factdb.bench.synthetic import generate_plans
from factdb.bench.upgrade import REPORTED, revision_before, table_rows, time_upgrade
from factdb.db import make_engine
from factdb.loader.bulk import bulk_load_plans
from factdb.loader.statistics import ANALYZE_FROM
from tests.conftest import ENGINE, POSTGRES_URL, DatabaseFactory

SEED = 3
SOURCES = ANALYZE_FROM  # large enough for the migrations to ANALYZE


def loaded(databases: DatabaseFactory, shared: bool) -> str:
    url = databases.new()
    migrate.upgrade(url, "head")
    engine = make_engine(url)
    bulk_load_plans(engine, generate_plans(SOURCES, SEED, 300, shared=shared), batch_size=20)
    engine.dispose()
    return url


def test_the_revision_before_0009_is_0008() -> None:
    assert revision_before() == "0008"


def test_a_corpus_of_one_source_a_fact_upgrades_across_0009_losing_nothing(
    databases: DatabaseFactory,
) -> None:
    url = loaded(databases, shared=False)
    at_head = table_rows(url)
    migrate.downgrade(url, revision_before())
    before = table_rows(url)
    assert "conflicts" not in before and before["statements"] == at_head["statements"]
    report = time_upgrade(url)
    assert report.ok, (report.lost, report.not_their_own, report.check_failures)
    assert report.rows_before == before and report.upgrade_seconds > 0
    assert report.rows_after == at_head
    assert report.rows_after["conflicts"] == report.rows_after["conflict_values"] == 0
    assert report.engine == ENGINE


def test_a_corpus_with_shared_reporting_refuses_to_go_below_0009(
    databases: DatabaseFactory,
) -> None:
    url = loaded(databases, shared=True)
    engine = make_engine(url)
    with engine.connect() as connection:
        shared = {
            table: connection.scalar(text(f"SELECT count(*) FROM {table} WHERE fact_id <> id"))
            for table in REPORTED
        }
    assert shared["events"] and shared["statements"]
    with pytest.raises(RuntimeError, match="cannot downgrade below 0009"):
        migrate.downgrade(url, revision_before())
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) == "0009"
    engine.dispose()


def test_the_command_writes_its_results(runner: FlaskCliRunner, tmp_path: Path) -> None:
    engines = ["sqlite"] if ENGINE == "sqlite" else ["sqlite", "postgresql"]
    args = ["bench-upgrade", "--sources", "3", "--out", str(tmp_path)]
    args += ["--engines", ",".join(engines)]
    if ENGINE == "postgresql":
        name = f"factdb_bench_upgrade_test_{os.getpid()}"
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        args += ["--postgres-url", url]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    for engine in engines:
        assert f"{engine}: upgrade 0008 -> head" in result.output
    results = json.loads((tmp_path / "upgrade-results.json").read_text())
    assert [run["engine"] for run in results["runs"]] == engines
    for run in results["runs"]:
        assert run["ok"] and run["rows_before"]["sources"] == 3
    assert results["build"]["sources"] == 3
    assert not list(tmp_path.glob("upgrade-*.sqlite3")), "the scratch copy was left behind"
