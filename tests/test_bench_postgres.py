"""The benchmark's PostgreSQL path, end to end on the seed against the real PostgreSQL: a
bench database created, loaded by `factdb copy` and timed against COPY, the psycopg
floor in-process, factdb and the floor under gunicorn answering every query (and loaded
by wrk once), the report's table of both engines, the database dropped. It asserts no
timings, and stays in seconds: no rounds of load."""

from __future__ import annotations

import json
import os
from contextlib import ExitStack, closing
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from factdb.bench.engines import engines_table
from factdb.bench.floor import connect, fetch
from factdb.bench.pgfloor import fetch_pg, pg_floor_params
from factdb.bench.postgres import (
    BenchDatabaseError,
    bench_database,
    bench_name,
    conninfo,
    prepare_postgres,
)
from factdb.bench.queries import build_queries, pick_parameters
from factdb.bench.runner import time_pg_floors
from factdb.bench.servers import http_get, start_postgres_servers
from factdb.bench.wrk import run_wrk
from tests.conftest import POSTGRES_URL, DatabaseFactory, seeded_sqlite_for_wrk

pytestmark = pytest.mark.postgres


def _bench_url() -> str:
    name = f"factdb_bench_test_{os.getpid()}"
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def _exists(url: str) -> bool:
    with psycopg.connect(conninfo(url, "postgres")) as admin:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        return admin.execute(query, (bench_name(url),)).fetchone() is not None


def test_only_a_bench_database_is_ever_created_or_dropped() -> None:
    for url in (POSTGRES_URL, "postgresql+psycopg://postgres@127.0.0.1:5432/test"):
        with pytest.raises(BenchDatabaseError, match="factdb_bench"):
            bench_name(url)
    with pytest.raises(BenchDatabaseError, match="not a PostgreSQL URL"):
        bench_name("sqlite:///factdb_bench.sqlite3")


def test_the_postgresql_path_runs_end_to_end(databases: DatabaseFactory, tmp_path: Path) -> None:
    path = str(Path(seeded_sqlite_for_wrk(databases, corroborated=True)).resolve())
    queries = build_queries(path, pick_parameters(path))
    url = _bench_url()
    with bench_database(url) as bench:
        load = prepare_postgres(path, bench)
        assert load["rows"] > 0 and load["bytes"] > 0
        assert load["load_seconds"] > 0 and load["copy_floor_seconds"] > 0
        # The floors of both engines find the same rows (Q3 ranks by each engine's own
        # score: as many rows, not the same order).
        floors = time_pg_floors({"url": bench}, queries)
        with closing(connect(path)) as lite, psycopg.connect(conninfo(bench)) as pg:
            for query in queries:
                rows = json.loads(fetch(lite, query.qid, query.floor_params))["data"]
                params = pg_floor_params(query.qid, query.floor_params)
                pg_rows = json.loads(fetch_pg(pg, query.qid, params))["data"]
                ids, pg_ids = [r["id"] for r in rows], [r["id"] for r in pg_rows]
                assert len(pg_ids) == len(ids) if query.qid == "Q3" else pg_ids == ids, query.qid
                for row, pg_row in zip(rows, pg_rows, strict=True):
                    if "sources" in row:  # fact documents end alike on both engines
                        keys = ("source_count", "conflicts")
                        assert [row[k] for k in keys] == [pg_row[k] for k in keys]
                        reports = [(r["source"]["slug"], r["key"]) for r in row["sources"]]
                        pg_reports = [(r["source"]["slug"], r["key"]) for r in pg_row["sources"]]
                        assert reports == pg_reports, query.qid
                assert floors[query.qid]["rows"] == len(rows) > 0, query.qid
        with ExitStack() as stack:
            servers = start_postgres_servers(stack, bench, tmp_path, 1)
            assert [s.name for s in servers] == ["factdb_postgresql", "floor_postgresql"]
            for server in servers:
                for query in queries:
                    target = server.path_of(query)
                    assert target is not None
                    status, body = http_get(server.url + target, 30)
                    assert status == 200, (server.name, query.qid, body[:300])
                    assert json.loads(body)["data"], (server.name, query.qid)
                loaded = run_wrk(server.url + str(server.path_of(queries[0])), 1, 2, 1)
                assert loaded["requests"] > 0 and loaded["non_2xx"] == 0, server.name
            assert all(s.pids and s.pids() for s in servers)
    assert not _exists(url)
    table = "\n".join(engines_table(_results(path, load)))
    assert "| PostgreSQL | Q1 |" in table and "of COPY" in table


def _results(path: str, load: dict[str, object]) -> dict[str, object]:
    """The least of a run's results the table of both engines reads."""
    return {
        "queries": {"Q1": {"floor_in_process": {"median_ms": 1.0}, "servers": {}}},
        "postgresql": {"load": load, "floor_in_process": {"Q1": {"median_ms": 1.0}}},
        "database": {"bytes": os.path.getsize(path)},
        "rss_kb": {"factdb_postgresql": {"1": 1024}},
    }
