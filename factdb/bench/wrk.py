"""Load from wrk at fixed concurrency for a fixed time, in rounds.

Every server of a run is up at once and each (query, server) is loaded for a short
round in turn, several times over: a change in the machine's speed then falls on all
of them alike, and a ratio is taken round by round (report.paired_ratio) rather than
between loads minutes apart.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from factdb.bench.servers import HOST, BenchError, http_get, require_wrk

WRK_SCRIPT = Path(__file__).with_name("wrk_report.lua")


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


def combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One result of several rounds of the same load: requests, seconds, errors and bytes
    summed; each latency percentile the median of the rounds'; each round's req/s kept."""
    requests = sum(r["requests"] for r in rounds)
    seconds = sum(r["duration_s"] for r in rounds)
    errors = {kind: sum(r["errors"][kind] for r in rounds) for kind in rounds[0]["errors"]}
    percentiles = rounds[0]["latency_ms"]
    return {
        "requests": requests,
        "duration_s": seconds,
        "req_per_s": requests / seconds if seconds else 0.0,
        "latency_ms": {
            p: statistics.median(r["latency_ms"][p] for r in rounds) for p in percentiles
        },
        "errors": errors,
        "non_2xx": errors["status"],
        "bytes": sum(r["bytes"] for r in rounds),
        "rounds_req_per_s": [r["req_per_s"] for r in rounds],
    }


def load_in_rounds(
    targets: dict[tuple[str, str], str], settings: dict[str, int], rounds: int
) -> dict[tuple[str, str], dict[str, Any]]:
    """Each target URL (keyed by query and server) asked once, warmed up, then loaded for
    ``settings["duration"]`` seconds in each of ``rounds`` rounds, the targets in turn."""
    results = {key: {"preflight": preflight(url)} for key, url in targets.items()}
    if settings["duration"] >= 2:  # a short warm-up, not measured
        for url in targets.values():
            run_wrk(url, 1, settings["connections"], 1)
    measured: dict[tuple[str, str], list[dict[str, Any]]] = {key: [] for key in targets}
    keys = list(targets)
    for number in range(rounds):
        # Each round starts its share of the targets further on, so that a target is not
        # always loaded right after the same one.
        shift = number * len(keys) // rounds
        for key in keys[shift:] + keys[:shift]:
            measured[key].append(run_wrk(targets[key], **settings))
    return {key: {**results[key], **combine(measured[key])} for key in targets}
