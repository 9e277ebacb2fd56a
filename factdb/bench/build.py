"""Build a synthetic corpus database once per scale, and measure its loading."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import queue
import resource
import sqlite3
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy.orm import Session

from factdb import migrate
from factdb.bench.corpus import GENERATOR_VERSION
from factdb.bench.procs import peak_rss_kb
from factdb.bench.synthetic import generate_plans
from factdb.check import check_database
from factdb.db import make_engine
from factdb.loader.bulk import bulk_load_plans
from factdb.loader.search_top import rebuild_search_top
from factdb.loader.statistics import LOADED_TABLES
from factdb.models import Base
from factdb.sql import analyze

BATCH = 200  # sources per transaction while building
PREPARING_PROCESSES = 1  # the other core writes
# Part of a cached corpus's name: 5 since the sources are generated and prepared in a
# second process while the loader writes, and the reports time the load as a whole.
BUILD_VERSION = 5


@dataclass
class BuildReport:
    sources: int
    facts: int
    # The whole load, wall clock: generating and preparing each source in a second
    # process (factdb.loader.background) while this one resolves and writes them
    # through the bulk path, then ranking the frequent search terms.
    load_seconds: float
    # The part of load_seconds spent ranking the search terms (after the writing).
    ranking_seconds: float
    # CPU seconds of the writing process and of the preparing one (generation included).
    writer_cpu_seconds: float
    preparer_cpu_seconds: float
    executemany_seconds: float
    loader_peak_rss_mb: float
    preparer_peak_rss_mb: float
    check_failures: int


FACT_TABLES = ("dates", "events", "roles", "statements", "positions", "quantities")


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def count_facts(path: Path) -> int:
    with closing(read_only(path)) as connection:
        return sum(
            connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in FACT_TABLES
        )


def schema_version() -> str:
    """A short hash of the schema the migrations make, so that a cached corpus is rebuilt
    when the schema changes (and not when a migration is merely reformatted).

    Each statement's lines are sorted: Alembic's batch mode writes a rebuilt table's
    constraints in no fixed order."""
    with TemporaryDirectory() as scratch:
        path = Path(scratch) / "schema.sqlite3"
        migrate.upgrade(f"sqlite:///{path}", "head")
        with closing(sqlite3.connect(path)) as connection:
            ddl = connection.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name"
            ).fetchall()
    canonical = [sorted(line.strip().rstrip(",") for line in sql.splitlines()) for (sql,) in ddl]
    return hashlib.sha256(repr(canonical).encode()).hexdigest()[:8]


def build_database(
    cache_dir: Path,
    sources: int,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
    shared: bool = True,
) -> tuple[Path, BuildReport]:
    """The database of ``sources`` synthetic sources, built once and cached; with
    ``shared``, later sources report earlier sources' facts too (factdb.bench.shared)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    name = f"corpus-{sources}-seed{seed}-v{GENERATOR_VERSION}-{schema_version()}-b{BUILD_VERSION}"
    name += "" if shared else "-solo"
    path, report_path = cache_dir / f"{name}.sqlite3", cache_dir / f"{name}.json"
    if path.is_file() and report_path.is_file():
        return path, BuildReport(**json.loads(report_path.read_text()))
    building = cache_dir / f"{name}.building.sqlite3"
    for leftover in cache_dir.glob(f"{name}.building.sqlite3*"):
        leftover.unlink()
    url = f"sqlite:///{building}"
    migrate.upgrade(url, "head")
    timings = _load_in_child(url, sources, seed, progress, shared)
    engine = make_engine(url)
    with Session(engine) as session:
        failures = len(check_database(session))
    engine.dispose()
    report = BuildReport(
        sources=sources,
        facts=count_facts(building),
        **{name: round(value, 2) for name, value in timings.items()},
        executemany_seconds=round(
            time_raw_executemany(building, cache_dir / f"{name}.raw.sqlite3"), 2
        ),
        check_failures=failures,
    )
    # Everything into the file itself, so that the WAL left under the building name is
    # empty and can go.
    with closing(sqlite3.connect(building)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    building.rename(path)
    for leftover in cache_dir.glob(f"{name}.building.sqlite3-*"):
        if leftover.name.endswith("-shm") or leftover.stat().st_size == 0:
            leftover.unlink()
    report_path.write_text(json.dumps(asdict(report), indent=2))
    return path, report


def _load_in_child(
    url: str, sources: int, seed: int, progress: Callable[[int], None] | None, shared: bool
) -> dict[str, float]:
    """Load the corpus in a fresh process; return the BuildReport fields it measured.

    A process's peak RSS only ever grows, so measuring in the caller would count
    whatever it held before (an earlier scale's rows, say)."""
    context = multiprocessing.get_context("spawn")
    messages = context.Queue()
    child = context.Process(target=_load, args=(url, sources, seed, shared, messages))
    child.start()
    try:
        while True:
            try:
                kind, *values = messages.get(timeout=1)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"the loader died (exit {child.exitcode})") from None
                continue
            if kind == "progress" and progress is not None:
                progress(int(values[0]))
            elif kind == "done":
                timings: dict[str, float] = values[0]
                return timings
            elif kind == "failed":
                raise RuntimeError(f"loading the corpus failed: {values[0]}")
    except BaseException:  # an interrupt or an error here: do not wait for the whole load
        child.terminate()
        raise
    finally:
        child.join()


def _load(url: str, sources: int, seed: int, shared: bool, messages: Any) -> None:
    """The child's work: load, then report the times and peak RSS of itself and of the
    process that prepared the sources."""
    try:
        engine = make_engine(url)
        done = 0

        def counted(plan: object, loaded: object) -> None:
            nonlocal done
            done += 1
            if done % 100 == 0 or done == sources:
                messages.put(("progress", done))

        started = time.perf_counter()
        makers = generate_plans(sources, seed, processes=PREPARING_PROCESSES, shared=shared)
        with closing(makers):
            bulk_load_plans(engine, makers, batch_size=BATCH, progress=counted)
        ranking_started = time.perf_counter()
        rebuild_search_top(engine)  # as loading files does (load_folders)
        ended = time.perf_counter()
        # The planner's statistics, as loading files gathers them after a large load.
        with engine.begin() as connection:
            analyze(connection, LOADED_TABLES)
        engine.dispose()
        itself = resource.getrusage(resource.RUSAGE_SELF)
        # The preparing process has ended and been waited for: its figures are here.
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        timings = {
            "load_seconds": ended - started,
            "ranking_seconds": ended - ranking_started,
            "writer_cpu_seconds": itself.ru_utime + itself.ru_stime,
            "preparer_cpu_seconds": children.ru_utime + children.ru_stime,
            "loader_peak_rss_mb": peak_rss_kb(os.getpid()) / 1024,
            "preparer_peak_rss_mb": children.ru_maxrss / 1024,  # KB on Linux
        }
        messages.put(("done", timings))
    except Exception as error:  # reported to the parent, which raises it
        messages.put(("failed", f"{type(error).__name__}: {error}"))


def time_raw_executemany(source: Path, scratch: Path) -> float:
    """Seconds to insert every row of ``source`` into an empty migrated copy of its schema
    with plain sqlite3 executemany: the floor the loader is compared with."""
    for leftover in scratch.parent.glob(scratch.name + "*"):
        leftover.unlink()
    migrate.upgrade(f"sqlite:///{scratch}", "head")
    tables = [table.name for table in Base.metadata.sorted_tables]
    with closing(read_only(source)) as reader:
        rows = {t: reader.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    writer = sqlite3.connect(scratch)
    writer.execute("PRAGMA journal_mode = WAL")
    started = time.perf_counter()
    with writer:
        for table in tables:
            if rows[table]:
                marks = ", ".join("?" * len(rows[table][0]))
                writer.executemany(f"INSERT INTO {table} VALUES ({marks})", rows[table])
    seconds = time.perf_counter() - started
    writer.close()
    for leftover in scratch.parent.glob(scratch.name + "*"):
        leftover.unlink()
    return seconds
