"""The soak: wrk sends a mix of valid and invalid requests to factdb under gunicorn for a
fixed time, while a loader adds synthetic sources to the same SQLite file and a watcher
asks the API about each new source. Passing means: no 5xx, no connection errors, no
"database is locked" in the server's log, and no source ever seen half loaded.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from factdb.bench.queries import pick_parameters
from factdb.bench.servers import HOST, BenchError, http_get, require_wrk, serving
from factdb.bench.synthetic import generate_plans
from factdb.config import PROJECT_ROOT
from factdb.db import make_engine
from factdb.loader import Loaded, load_plans

SOAK_SCRIPT = Path(__file__).with_name("wrk_soak.lua")
# Requests a client may get wrong, each answered with a 4xx problem, never a 5xx.
INVALID = [
    "/api/v1/statements?from=2019-13-45",
    "/api/v1/statements?from=2020&to=2019",
    "/api/v1/statements?speaker=nobody-by-this-name",
    "/api/v1/events?participant=%00",
    "/api/v1/search?q=" + "x" * 3000,
    "/api/v1/statements?limit=-1",
    "/api/v1/statements?limit=100000",
    "/api/v1/statements?cursor=not-a-cursor",
    "/api/v1/statements?sort=colour",
    "/api/v1/statements?colour=red",
    "/api/v1/entities/%C3%28",
    "/api/v1/timeline?entity=" + quote("Влади́мир"),
]
# Search syntax and injection attempts: searched for as words (200), never a 5xx.
HOSTILE = [
    "/api/v1/search?q=%22%28%29%2A%3A%5E%20NEAR%20AND",
    "/api/v1/search?q=%27%20OR%201%3D1%20--",
    "/api/v1/search?q=%2A",
    "/api/v1/statements?q=%22unbalanced",
]


def request_paths(sqlite_path: str) -> list[str]:
    """Valid requests drawn from the data (the benchmark's parameters), then invalid
    ones, then hostile ones."""
    params = pick_parameters(sqlite_path)
    a, b = params["pair"]
    month = params["timeline_month"]
    valid = [
        f"/api/v1/statements?speaker={quote(params['speaker'])}",
        f"/api/v1/events?participant={quote(a)}&participant={quote(b)}",
        f"/api/v1/search?q={quote(params['word'])}",
        f"/api/v1/timeline?entity={quote(params['timeline_entity'])}&from={month}&to={month}",
        f"/api/v1/entities/{quote(params['detail_entity'])}",
        "/api/v1/statements?limit=50",
        "/api/v1/sources?limit=5",
        "/api/v1/statements?group_by=mode",
    ]
    return [*valid, *INVALID, *HOSTILE]


def _sources(sqlite_path: str) -> int:
    with sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True) as connection:
        count = int(connection.execute("SELECT count(*) FROM sources").fetchone()[0])
    connection.close()
    return count


class Loader(threading.Thread):
    """Adds ``count`` sources, one transaction each, spread over ``seconds``."""

    def __init__(self, sqlite_path: str, count: int, seconds: float) -> None:
        super().__init__(daemon=True)
        self.url, self.count, self.seconds = f"sqlite:///{sqlite_path}", count, seconds
        self.first = _sources(sqlite_path) + 1
        self.loaded: list[tuple[str, int]] = []  # (slug, statements) once committed
        self.error: str | None = None

    def run(self) -> None:
        engine = make_engine(self.url)
        pause = self.seconds / (self.count + 1)
        try:
            for make in generate_plans(self.count, seed=7, first=self.first):
                time.sleep(pause)
                plan = None

                def remember(loaded_plan: Any, loaded: Loaded) -> None:
                    nonlocal plan
                    plan = (loaded_plan.source["slug"], loaded.counts["statements"])

                load_plans(engine, [make], batch_size=1, progress=remember)
                if plan is not None:
                    self.loaded.append(plan)
        except Exception as error:  # reported in the results, never hidden
            self.error = f"{type(error).__name__}: {error}"
        finally:
            engine.dispose()

    def slugs(self) -> list[str]:
        return [f"dispatch-{number:06d}" for number in range(self.first, self.first + self.count)]


class Watcher(threading.Thread):
    """Asks the API how many statements each new source has, until told to stop: the
    answer must be "no such source" or the full count, never a part."""

    def __init__(self, base_url: str, loader: Loader) -> None:
        super().__init__(daemon=True)
        self.base_url, self.loader = base_url, loader
        self.stop = threading.Event()
        self.checks = 0
        self.half_loaded: list[str] = []
        self.errors: list[str] = []

    def run(self) -> None:
        while not self.stop.is_set():
            expected = dict(self.loader.loaded)
            for slug in self.loader.slugs():
                url = f"{self.base_url}/api/v1/statements?source={slug}&limit=1"
                try:
                    status, body = http_get(url, 30)
                except OSError as error:  # a refused or timed-out request is a failure too
                    self.errors.append(f"{url}: {type(error).__name__}: {error}")
                    continue
                self.checks += 1
                if status == 400:
                    continue  # not loaded yet
                if status != 200:
                    self.errors.append(f"{url} answered {status}")
                    continue
                total = json.loads(body)["meta"]["total"]
                # A source committed after `expected` was read may show in full: that is fine.
                if total == 0 or (slug in expected and total != expected[slug]):
                    self.half_loaded.append(f"{slug}: {total} statements")


def soak(
    sqlite_path: Path, out_dir: Path, duration: int, connections: int, sources: int
) -> dict[str, Any]:
    """Run the soak on a scratch copy of ``sqlite_path``; return the results."""
    wrk = require_wrk()
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = out_dir / "soak.sqlite3"
    for leftover in out_dir.glob("soak.sqlite3*"):
        leftover.unlink()
    shutil.copyfile(sqlite_path, scratch)
    paths_file = out_dir / "soak-paths.txt"
    paths = request_paths(str(scratch))
    paths_file.write_text("\n".join(paths) + "\n")
    workers = os.cpu_count() or 1
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{HOST}:{{port}}"]
    command += ["--log-level", "warning", "factdb:create_app()"]
    env = {**os.environ, "FACTDB_DATABASE_URL": f"sqlite:///{scratch}"}
    with serving("soak-factdb", command, env, "/api/v1/", out_dir) as (_, base_url):
        # Each path once before the load: valid ones answer 200, invalid ones 4xx and
        # hostile ones anything but a 5xx.
        expected = {path: range(200, 201) for path in paths}
        expected |= {path: range(400, 500) for path in INVALID}
        expected |= {path: range(200, 500) for path in HOSTILE}
        statuses = {path: http_get(base_url + path, 30)[0] for path in paths}
        unexpected = {p: s for p, s in statuses.items() if s not in expected[p]}
        loader = Loader(str(scratch), sources, duration * 0.8)
        watcher = Watcher(base_url, loader)
        loader.start()
        watcher.start()
        wrk_command = [wrk, "-t", "2", "-c", str(connections), "-d", f"{duration}s"]
        wrk_command += ["--timeout", "10s", "-s", str(SOAK_SCRIPT), base_url, "--", str(paths_file)]
        done = subprocess.run(wrk_command, capture_output=True, text=True, timeout=duration + 60)
        loader.join(timeout=120)
        watcher_ran = watcher.is_alive()  # it only stops when told to
        watcher.stop.set()
        watcher.join(timeout=60)
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"wrk_soak"')]
    if done.returncode != 0 or not lines:
        raise BenchError(f"wrk failed: {done.stdout[-500:]} {done.stderr[-500:]}")
    report = json.loads(lines[-1])
    log = (out_dir / "soak-factdb.log").read_text(errors="replace")
    results = {
        "duration_s": report["duration_us"] / 1e6,
        "connections": connections,
        "gunicorn_workers": workers,
        "paths": paths,
        "requests": report["requests"],
        "status": report["status"],
        "connection_errors": report["errors"],
        "latency_ms": {k: v / 1000 for k, v in report["latency_us"].items()},
        "sources_loaded": len(loader.loaded),
        "sources_planned": sources,
        "loader_error": loader.error,
        "watcher_checks": watcher.checks,
        "watcher_ran_to_the_end": watcher_ran,
        "half_loaded": watcher.half_loaded,
        "watcher_errors": watcher.errors[:20],
        "database_locked_in_log": log.count("database is locked"),
        "unexpected_statuses": unexpected,
    }
    results["ok"] = (
        report["status"]["5xx"] == 0
        and not any(report["errors"].values())
        and results["sources_loaded"] == sources
        and not loader.error
        and not watcher.half_loaded
        and not watcher.errors
        and watcher_ran
        and not loader.is_alive()
        and results["database_locked_in_log"] == 0
        and not unexpected
    )
    (out_dir / "soak-results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    return results


@click.command("soak")
@click.option(
    "--sqlite",
    "sqlite_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="A built corpus to soak; it is copied first and the copy is written to.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=PROJECT_ROOT / "instance" / "bench" / "soak",
    show_default=True,
    help="Where the copy, the log and soak-results.json go.",
)
@click.option("--duration", type=click.IntRange(1), default=60, show_default=True)
@click.option("--connections", type=click.IntRange(1), default=32, show_default=True)
@click.option(
    "--sources",
    type=click.IntRange(1),
    default=20,
    show_default=True,
    help="Sources the loader adds during the soak.",
)
def soak_command(
    sqlite_path: Path, out_dir: Path, duration: int, connections: int, sources: int
) -> None:
    """Mixed valid and invalid load while a loader adds sources; exit 1 on any 5xx,
    connection error, locked database or half-loaded source."""
    try:
        results = soak(sqlite_path, out_dir, duration, connections, sources)
    except BenchError as error:
        raise click.ClickException(str(error)) from None
    shown = {k: v for k, v in results.items() if k != "paths"}
    click.echo(json.dumps(shown, indent=2, ensure_ascii=False))
    if not results["ok"]:
        sys.exit(1)
