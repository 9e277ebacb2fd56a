"""The API served from a streaming hot standby, measured: sources loaded on the primary
and how long until the standby's API shows them; the standby restarted and killed under
load, with every answer counted, and the same gunicorn workers answering afterwards.

The API never writes, so a standby serves it as the primary would; the loader writes
to the primary only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from factdb import migrate
from factdb.bench.pgcluster import (
    Cluster,
    replica_pair,
    standby_settings,
    written_by_basebackup,
)
from factdb.bench.postgres import conninfo
from factdb.bench.procs import worker_pids
from factdb.bench.replica_load import Outage, ask, outage, steady_load
from factdb.bench.servers import HOST, BenchError, serving
from factdb.bench.synthetic import generate_plans
from factdb.config import SEED_DIR
from factdb.db import make_engine
from factdb.loader import load_folders, load_plans, source_folders
from factdb.serving import WORKER_CLASS

SYNTHETIC_ENTITIES = 300  # a small pool: the sources are loaded one at a time
LAG_DEADLINE_S = 30.0


@dataclass(frozen=True)
class Lag:
    """One source loaded on the primary: how long after its commit returned the
    standby had replayed it (its WAL position) and the standby's API answered it."""

    slug: str
    replay_ms: float
    api_ms: float


@dataclass
class ReplicaReport:
    settings: dict[str, dict[str, str]]
    lags: list[Lag] = field(default_factory=list)
    outages: list[Outage] = field(default_factory=list)
    workers_before: list[int] = field(default_factory=list)
    workers_after: list[int] = field(default_factory=list)
    requests: int = 0

    @property
    def problems(self) -> list[str]:
        """What the run showed that it must not: empty when the standby served as
        documented."""
        found = []
        for seen in self.outages:
            if seen.other_failures:
                found.append(f"{seen.how}: answers other than 200 and 503: {seen.statuses}")
            if seen.undocumented_503:
                found.append(f"{seen.how}: {seen.undocumented_503} 503s not as documented")
            if seen.late_failures:
                found.append(f"{seen.how}: {seen.late_failures} failures after recovery")
            if not seen.recovery_ms >= 0:  # NaN: no 200 after the server came back
                found.append(f"{seen.how}: the API did not answer 200 again")
        if sorted(self.workers_before) != sorted(self.workers_after):
            found.append(f"workers changed: {self.workers_before} -> {self.workers_after}")
        return found


def _lsn(cluster: Cluster, sql: str) -> str:
    with psycopg.connect(conninfo(cluster.url), autocommit=True) as connection:
        row = connection.execute(sql).fetchone()
    assert row is not None and row[0] is not None, sql
    return str(row[0])


def _replayed(standby: psycopg.Connection, lsn: str) -> bool:
    row = standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)).fetchone()
    return bool(row and row[0])


def wait_replayed(primary: Cluster, standby: Cluster) -> None:
    """Wait until the standby has replayed everything the primary has written."""
    lsn = _lsn(primary, "SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + LAG_DEADLINE_S
    with psycopg.connect(conninfo(standby.url), autocommit=True) as connection:
        while not _replayed(connection, lsn):
            if time.monotonic() > deadline:
                raise BenchError(f"the standby has not replayed {lsn} in {LAG_DEADLINE_S} s")
            time.sleep(0.01)


def measure_lag(primary: Cluster, standby: Cluster, api: str, number: int) -> Lag:
    """Load synthetic source ``number`` on the primary; poll the standby (its replayed
    WAL position) and its API (the source's page) until both have it."""
    slug = f"dispatch-{number:06d}"
    if ask(api, f"/api/v1/sources/{slug}").status != 404:
        raise BenchError(f"{slug} is on the standby before it was loaded")
    engine = make_engine(primary.url)
    try:
        makers = generate_plans(1, first=number, shared=False, entities=SYNTHETIC_ENTITIES)
        load_plans(engine, makers, 1)
    finally:
        engine.dispose()
    committed = time.monotonic()
    lsn = _lsn(primary, "SELECT pg_current_wal_lsn()")
    replay_ms = api_ms = None
    with psycopg.connect(conninfo(standby.url), autocommit=True) as connection:
        while replay_ms is None or api_ms is None:
            now = time.monotonic()
            if now - committed > LAG_DEADLINE_S:
                raise BenchError(f"{slug} not on the standby {LAG_DEADLINE_S} s after commit")
            if replay_ms is None and _replayed(connection, lsn):
                replay_ms = (time.monotonic() - committed) * 1000
            if api_ms is None:
                answer = ask(api, f"/api/v1/sources/{slug}")
                if answer.status == 200:
                    api_ms = (answer.answered - committed) * 1000
                elif answer.status != 404:
                    raise BenchError(f"{slug} on the standby's API: status {answer.status}")
            time.sleep(0.002)
    return Lag(slug, round(replay_ms, 1), round(api_ms, 1))


def _gunicorn(
    stack: ExitStack, url: str, workers: int, timeout_s: float, logs: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """gunicorn serving the API from ``url`` with factdb's own worker, as `factdb serve`
    does, and its timeout the statement timeout the standby's settings assume."""
    command = [sys.executable, "-m", "gunicorn", "-k", WORKER_CLASS, "-w", str(workers)]
    command += ["-b", f"{HOST}:{{port}}", "--graceful-timeout", "5", "factdb:create_app()"]
    env = {
        **os.environ,
        "FACTDB_DATABASE_URL": url,
        "FACTDB_QUERY_TIMEOUT_SECONDS": str(timeout_s),
    }
    return stack.enter_context(serving("factdb_standby", command, env, "/api/v1/", logs))


# How the standby is taken down and brought back: (name, action) pairs.
Action = Callable[[Cluster, float], None]


def _restart_fast(standby: Cluster, _down_s: float) -> None:
    standby.restart("fast")


def _kill_and_start(standby: Cluster, down_s: float) -> None:
    standby.stop("immediate")  # SIGQUIT: no shutdown checkpoint; crash recovery at start
    time.sleep(down_s)
    standby.start()


OUTAGES: tuple[tuple[str, Action], ...] = (
    ("pg_ctl restart -m fast", _restart_fast),
    ("pg_ctl stop -m immediate, down, pg_ctl start", _kill_and_start),
)


def run_replica(
    log_dir: Path,
    sources: int = 3,
    clients: int = 4,
    workers: int = 2,
    down_s: float = 1.0,
    settle_s: float = 2.0,
    timeout_s: float = 5.0,
    echo: Callable[[str], None] = print,
) -> ReplicaReport:
    """The whole demonstration in a scratch folder, removed afterwards with every
    process it started; gunicorn's log is kept in ``log_dir``."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with replica_pair(timeout_s) as (primary, standby), ExitStack() as stack:
        report = ReplicaReport(
            {
                "primary": dict(primary.settings),
                "standby": {**standby_settings(timeout_s), "port": str(standby.port)},
                "pg_basebackup -R": written_by_basebackup(standby),
            }
        )
        echo(f"primary on port {primary.port}, hot standby on port {standby.port}")
        migrate.upgrade(primary.url, "head")
        engine = make_engine(primary.url)
        try:
            load_folders(engine, source_folders(SEED_DIR))
        finally:
            engine.dispose()
        wait_replayed(primary, standby)
        gunicorn, api = _gunicorn(stack, standby.url, workers, timeout_s, log_dir)
        if ask(api, "/api/v1/sources").status != 200:
            raise BenchError("the API on the standby does not list the seed's sources")
        echo(f"API on the standby at {api}")
        for number in range(1, sources + 1):
            lag = measure_lag(primary, standby, api, number)
            report.lags.append(lag)
            echo(f"  {lag.slug}: replayed {lag.replay_ms:.1f} ms, on the API {lag.api_ms:.1f} ms")
        report.workers_before = worker_pids(gunicorn.pid)
        with steady_load(api, clients) as load:
            time.sleep(settle_s)
            since = time.monotonic()
            for how, action in OUTAGES:
                stopped = time.monotonic()
                action(standby, down_s)
                ready = time.monotonic()
                time.sleep(settle_s)
                seen = outage(how, load.between(since, time.monotonic()), stopped, ready)
                since = time.monotonic()
                report.outages.append(seen)
                echo(f"  {how}: {seen.statuses}, outage {seen.outage_ms} ms")
            report.requests = len(load.answers)
        report.workers_after = worker_pids(gunicorn.pid)
        if gunicorn.poll() is not None:
            raise BenchError("gunicorn's master exited during the outages")
        return report
