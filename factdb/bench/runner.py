"""Run the benchmark: the floor in-process and under gunicorn, factdb under gunicorn and
Datasette, each loaded by wrk on 127.0.0.1 with the same settings; then the query plans
and the workers' peak memory. Writes bench-results.json and bench-results.md."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from factdb.bench.cli import markdown
from factdb.bench.floor import connect, time_floor
from factdb.bench.plans import collect_plans
from factdb.bench.procs import peak_rss_kb, worker_pids
from factdb.bench.profile import profile_request
from factdb.bench.queries import Query, build_queries, pick_parameters, walk_datasette
from factdb.config import PROJECT_ROOT

WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")
DATASETTE_REQUIREMENT = "datasette>=0.65,<0.66"
DATASETTES = {"datasette_default": [], "datasette_nofacets": ["--setting", "suggest_facets", "off"]}
HOST = "127.0.0.1"  # the only host load is ever sent to


class BenchError(RuntimeError):
    """The benchmark cannot run here (a missing tool, a server that does not start)."""


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise BenchError(
            "wrk is not installed; install it with `apt-get install -y wrk` (Debian, Ubuntu)"
            " or `brew install wrk` (macOS), then run the benchmark again"
        )
    return wrk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def http_get(url: str, timeout: float) -> tuple[int, bytes]:
    """(status, body) of a GET; HTTP errors are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def _answers(url: str) -> bool:
    try:
        http_get(url, 2)
    except OSError:
        return False
    return True


@contextmanager
def serving(
    name: str, command: list[str], env: dict[str, str], ready_path: str, log_dir: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Start ``command`` ("{port}" replaced by a free port), wait until it answers over
    HTTP, and always stop it: terminate, wait, kill after 20 s. Yields (process, base URL)."""
    port = free_port()
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [part.replace("{port}", str(port)) for part in command],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            base_url = f"http://{HOST}:{port}"
            deadline = time.monotonic() + 60
            while not _answers(base_url + ready_path):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-2000:]
                    raise BenchError(f"{name} did not start (see {log_path}):\n{tail}")
                time.sleep(0.2)
            yield process, base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)


def preflight(url: str) -> dict[str, Any]:
    """One request before the load: its status, size and time."""
    start = time.perf_counter()
    status, body = http_get(url, 60)
    return {"status": status, "bytes": len(body), "ms": (time.perf_counter() - start) * 1000}


def run_wrk(url: str, duration: int, connections: int, threads: int) -> dict[str, Any]:
    """wrk at fixed concurrency for a fixed time, parsed from wrk_report.lua's line."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"load goes to {HOST} only, not {url}")
    command = [require_wrk(), "-t", str(max(1, min(threads, connections))), "-c"]
    command += [str(connections), "-d", f"{duration}s", "--timeout", "10s"]
    command += ["-s", str(WRK_SCRIPT), url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"wrk_report"')]
    if done.returncode != 0 or not lines:
        raise BenchError(f"wrk failed on {url}: {done.stdout[-500:]} {done.stderr[-500:]}")
    report = json.loads(lines[-1])
    seconds = report["duration_us"] / 1e6
    return {
        "requests": report["requests"],
        "duration_s": seconds,
        "req_per_s": report["requests"] / seconds if seconds else 0.0,
        "latency_ms": {k: v / 1000 for k, v in report["latency_us"].items()},
        "errors": report["errors"],
        "non_2xx": report["errors"]["status"],  # wrk counts responses with status >= 400
        "bytes": report["bytes"],
    }


def load(base_url: str, path: str, settings: dict[str, int]) -> dict[str, Any]:
    url = base_url + path
    result = {"url": path, "preflight": preflight(url)}
    if settings["duration"] >= 5:  # a short warm-up, not measured
        run_wrk(url, max(1, settings["duration"] // 5), settings["connections"], 1)
    return {**result, **run_wrk(url, **settings)}


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
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "wrk": (wrk.stdout or wrk.stderr).split("Copyright")[0].strip(),
    }


def ensure_datasette(out_dir: Path) -> tuple[Path, str]:
    """Datasette 0.65.x in its own venv under ``out_dir``, never in the project's."""
    venv = out_dir / "datasette-venv"
    executable = venv / "bin" / "datasette"
    if not executable.exists():
        (out_dir / "logs").mkdir(parents=True, exist_ok=True)
        with (out_dir / "logs" / "datasette-install.log").open("w") as log:
            for command in (
                [sys.executable, "-m", "venv", str(venv)],
                [str(venv / "bin" / "python"), "-m", "pip", "install", DATASETTE_REQUIREMENT],
            ):
                subprocess.run(
                    command, stdout=log, stderr=subprocess.STDOUT, check=True, timeout=900
                )
    done = subprocess.run([executable, "--version"], capture_output=True, text=True, timeout=60)
    version = done.stdout.strip().rsplit(" ", 1)[-1]
    if not version.startswith("0.65."):
        raise BenchError(f"{executable} is Datasette {version!r}, not 0.65.x")
    return executable, version


def _datasette_db(base_url: str, sqlite_path: str) -> str:
    databases = json.loads(http_get(base_url + "/-/databases.json", 10)[1])
    for database in databases:
        if database.get("path") and Path(database["path"]).resolve() == Path(sqlite_path):
            return str(database["name"])
    return str(next(d["name"] for d in databases if not d["name"].startswith("_")))


def _row_counts(sqlite_path: str) -> dict[str, int]:
    connection = connect(sqlite_path)
    try:
        tables = ["sources", "entities", "events", "statements", "positions", "evidence"]
        return {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        connection.close()


def _run_datasette(
    results: dict[str, Any], queries: list[Query], path: str, out: Path, settings: dict[str, int]
) -> None:
    executable, version = ensure_datasette(out)
    results["settings"]["datasette_version"] = version
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    paths = {q.qid: q.datasette_path for q in queries}
    for name, extra in DATASETTES.items():
        command = [str(executable), "serve", path, "-h", HOST, "-p", "{port}", *extra]
        with serving(name, command, env, "/-/versions.json", out / "logs") as (process, url):
            db = quote(_datasette_db(url, path))
            if paths.get("Q5") is None:
                q5, page, note = walk_datasette(url, db)
                paths["Q5"] = q5.replace(f"/{db}/", "/{db}/", 1)
                results["queries"]["Q5"]["datasette_page"] = f"{page} {note}".strip()
            for query in queries:
                servers = results["queries"][query.qid]["servers"]
                # ?sql= once, on the faster configuration (facets are for table views).
                sql = query.datasette_sql_path if name == "datasette_nofacets" else None
                variants = ((name, paths[query.qid]), (f"{name}_sql", sql))
                for server, template in variants:
                    if template is not None:
                        servers[server] = load(url, template.replace("{db}", db), settings)
            results["rss_kb"][name] = {str(process.pid): peak_rss_kb(process.pid)}


def profile_q1(path: str, factdb_path: str) -> dict[str, Any]:
    """The Q1 request's time, apportioned by the profiler (factdb.bench.profile)."""
    from factdb import create_app
    from factdb.api import database

    app = create_app({"DATABASE_URL": f"sqlite:///{path}"})
    try:
        return profile_request(app, factdb_path)
    finally:
        database.dispose(app)


def run_benchmark(
    sqlite_path: str | Path,
    out_dir: str | Path,
    duration: int = 10,
    connections: int = 16,
    threads: int = 2,
    datasette: bool = True,
) -> dict[str, Any]:
    """Benchmark Q1…Q6 on ``sqlite_path``; write the reports into ``out_dir``.

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
        "settings": {**settings, "gunicorn_workers": workers, "datasette": datasette},
        "database": {"path": path, "bytes": os.path.getsize(path), "rows": _row_counts(path)},
        "parameters": params,
        "queries": {},
        "rss_kb": {},
        "failures": [],
    }
    plans = collect_plans(path, queries)
    results["profile"] = profile_q1(path, queries[0].factdb_path)
    connection = connect(path)
    try:
        floor_ms = {q.qid: time_floor(connection, q.qid, q.floor_params) for q in queries}
    finally:
        connection.close()
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
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{HOST}:{{port}}"]
    gunicorn += ["--log-level", "warning", "--graceful-timeout", "5"]
    targets = {
        "factdb": ("factdb:create_app()", "FACTDB_DATABASE_URL", f"sqlite:///{path}", "/api/v1/"),
        "floor": ("factdb.bench.floor:application", "FACTDB_BENCH_SQLITE", path, "/"),
    }
    for name, (app, variable, value, ready) in targets.items():
        env = {**os.environ, variable: value}
        with serving(name, [*gunicorn, app], env, ready, out / "logs") as (process, url):
            for query in queries:
                target = query.factdb_path if name == "factdb" else query.floor_path
                results["queries"][query.qid]["servers"][name] = load(url, target, settings)
            pids = worker_pids(process.pid)
            results["rss_kb"][name] = {str(pid): peak_rss_kb(pid) for pid in pids}
    if datasette:
        try:
            _run_datasette(results, queries, path, out, settings)
        except (BenchError, OSError, subprocess.SubprocessError, ValueError) as error:
            results["failures"].append(f"datasette: {error}")
    results["ok"] = not results["failures"]
    (out / "bench-results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    (out / "bench-results.md").write_text(markdown(results))
    return results
