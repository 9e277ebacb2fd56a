"""Run the benchmark: the floor in-process and under gunicorn, factdb under gunicorn and
Datasette, each loaded by wrk on 127.0.0.1 with the same settings; then the query plans
and the workers' peak memory. Writes bench-results.json and bench-results.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sqlite3
import subprocess
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

from factdb.bench.floor import connect, time_floor
from factdb.bench.pgfloor import connect_pg, pg_floor_params, time_pg_floor
from factdb.bench.plans import collect_plans
from factdb.bench.postgres import conninfo
from factdb.bench.procs import peak_rss_kb
from factdb.bench.profile import profile_request
from factdb.bench.queries import Query, build_queries, pick_parameters
from factdb.bench.report import markdown
from factdb.bench.servers import (
    BenchError,
    require_wrk,
    start_datasettes,
    start_gunicorn,
    start_postgres_servers,
    start_servers,
)
from factdb.bench.wrk import load_in_rounds


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory = next((int(line.split()[1]) for line in meminfo if line.startswith("MemTotal")), 0)
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    model = next((line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line), "")
    wrk = subprocess.run([require_wrk(), "-v"], capture_output=True, text=True, timeout=10)
    return {
        "cores": os.cpu_count(),
        "memory_kb": memory,
        "cpu_model": model or platform.processor(),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        # The machine may be shared: its load when the run starts (1, 5, 15 minutes).
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "wrk": (wrk.stdout or wrk.stderr).split("Copyright")[0].strip(),
    }


def _row_counts(sqlite_path: str) -> dict[str, int]:
    connection = connect(sqlite_path)
    try:
        tables = ["sources", "entities", "events", "statements", "positions", "evidence"]
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        connection.close()


def profile_q1(database_url: str, factdb_path: str) -> dict[str, Any]:
    """The Q1 request's time, apportioned by the profiler (factdb.bench.profile)."""
    from factdb.api.http import request_db
    from factdb.app import create_api_app

    app = create_api_app({"DATABASE_URL": database_url})
    try:
        return profile_request(app, factdb_path)
    finally:
        request_db.dispose(app)


# The servers loaded again at one connection (Datasette is not).
SINGLE_SERVERS = ("factdb", "floor", "factdb_postgresql", "floor_postgresql")


def time_pg_floors(postgres: dict[str, Any], queries: list[Query]) -> dict[str, Any]:
    """Each query's PostgreSQL floor timed in-process (factdb.bench.pgfloor)."""
    with connect_pg(conninfo(postgres["url"])) as connection:
        return {
            q.qid: time_pg_floor(connection, q.qid, pg_floor_params(q.qid, q.floor_params))
            for q in queries
        }


def run_benchmark(
    sqlite_path: str | Path,
    out_dir: str | Path,
    duration: int = 10,
    connections: int = 16,
    threads: int = 2,
    datasette: bool = True,
    rounds: int = 3,
    postgres: dict[str, Any] | None = None,
    single: bool = False,
    build: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Benchmark Q1…Q7 on ``sqlite_path``; write the reports into ``out_dir``. Every
    server is up at once and loaded ``duration`` seconds a query in each of ``rounds``
    rounds (factdb.bench.wrk).

    With ``postgres`` (``{"url": …, "load": …}``: a bench database holding the same
    corpus, factdb.bench.postgres), factdb and the psycopg floor on it are loaded in
    the same rounds. With ``single``, factdb and the floors are loaded again at one
    connection, for the p50 of requests that never wait for each other.

    ``results["ok"]`` is False when a filtered query reads a whole big table (or Datasette
    could not run); the reports are written all the same.
    """
    require_wrk()
    path = str(Path(sqlite_path).resolve())
    out = Path(out_dir).resolve()
    (out / "logs").mkdir(parents=True, exist_ok=True)
    settings = {"duration": duration, "connections": connections, "threads": threads}
    workers = os.cpu_count() or 1
    params = pick_parameters(path)
    queries = build_queries(path, params)
    results: dict[str, Any] = {
        "machine": machine(),
        "settings": {
            **settings,
            "rounds": rounds,
            "gunicorn_workers": workers,
            "datasette": datasette,
        },
        "database": {"path": path, "bytes": os.path.getsize(path), "rows": _row_counts(path)},
        "parameters": params,
        "queries": {},
        "rss_kb": {},
        "failures": [],
    }
    if build is not None:
        results["build"] = build
    plans = collect_plans(path, queries)
    results["profile"] = profile_q1(f"sqlite:///{path}", queries[0].factdb_path)
    connection = connect(path)
    try:
        floor_ms = {q.qid: time_floor(connection, q.qid, q.floor_params) for q in queries}
    finally:
        connection.close()
    if postgres is not None:
        results["postgresql"] = {**postgres, "floor_in_process": time_pg_floors(postgres, queries)}
        results["profile_postgresql"] = profile_q1(postgres["url"], queries[0].factdb_path)
    for query in queries:
        results["queries"][query.qid] = {
            **asdict(query),
            "floor_sql": query.floor_sql,
            "floor_path": query.floor_path,
            "floor_in_process": floor_ms[query.qid],
            "plans": plans[query.qid],
            "servers": {},
        }
        results["failures"] += [f"{query.qid}: {s}" for s in plans[query.qid]["failures"]]
    with ExitStack() as stack:
        servers = start_servers(stack, path, out / "logs", workers)
        if postgres is not None:
            servers += start_postgres_servers(stack, postgres["url"], out / "logs", workers)
        if datasette:
            try:
                servers += start_datasettes(stack, path, out, queries, results)
            except (BenchError, OSError, subprocess.SubprocessError, ValueError) as error:
                results["failures"].append(f"datasette: {error}")
        targets = {
            (query.qid, server.name): server.url + target
            for query in queries
            for server in servers
            if (target := server.path_of(query)) is not None
        }
        for (qid, name), result in load_in_rounds(targets, settings, rounds).items():
            results["queries"][qid]["servers"][name] = {"url": targets[qid, name], **result}
        if single:
            alone = {key: url for key, url in targets.items() if key[1] in SINGLE_SERVERS}
            at_one = {**settings, "connections": 1, "threads": 1}
            results["settings"]["single"] = True
            for (qid, name), result in load_in_rounds(alone, at_one, rounds).items():
                results["queries"][qid].setdefault("servers_c1", {})[name] = result
        for server in servers:
            if server.pids:
                results["rss_kb"][server.name] = {str(p): peak_rss_kb(p) for p in server.pids()}
    results["load_average_end"] = [round(value, 2) for value in os.getloadavg()]
    results["ok"] = not results["failures"]
    (out / "bench-results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (out / "bench-results.md").write_text(markdown(results))
    return results


def matched_queries(paths: dict[int, str]) -> dict[int, tuple[dict[str, Any], dict[str, str]]]:
    """For each corpus (``{sources: path}``), parameters matching as many facts as the
    smallest corpus's (pick_parameters with ``like``), and each query's factdb path."""
    reference: dict[str, Any] | None = None
    found = {}
    for size, path in sorted(paths.items()):
        params = pick_parameters(path, like=reference)
        reference = reference or params
        found[size] = (params, {q.qid: q.factdb_path for q in build_queries(path, params)})
    return found


def run_scaling(
    corpora: dict[int, tuple[str, dict[str, str]]],
    out_dir: str | Path,
    settings: dict[str, int],
    rounds: int,
) -> dict[str, Any]:
    """factdb on every corpus at once (``{sources: (path, {qid: factdb path})}``), each
    query loaded on each corpus in turn, round after round: the p50s of the sizes are
    then measured in the same minutes, not in runs a quarter of an hour apart."""
    out = Path(out_dir).resolve()
    (out / "logs").mkdir(parents=True, exist_ok=True)
    workers = os.cpu_count() or 1
    targets: dict[tuple[str, str], str] = {}
    with ExitStack() as stack:
        for size, (path, paths) in sorted(corpora.items()):
            server = start_gunicorn(
                stack,
                f"factdb-{size}",
                "factdb:create_app()",
                {"FACTDB_DATABASE_URL": f"sqlite:///{Path(path).resolve()}"},
                "/api/v1/",
                out / "logs",
                workers,
                lambda query: query.factdb_path,
            )
            targets.update({(qid, str(size)): server.url + target for qid, target in paths.items()})
        loaded = load_in_rounds(targets, settings, rounds)
    by_query: dict[str, dict[str, Any]] = {}
    for (qid, label), result in loaded.items():
        by_query.setdefault(qid, {})[label] = {"url": targets[qid, label], **result}
    return {
        "machine": machine(),
        "settings": {**settings, "rounds": rounds, "gunicorn_workers": workers},
        "queries": by_query,
    }
