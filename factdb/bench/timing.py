"""How a floor is timed in-process: the same for the SQLite floor and PostgreSQL's."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(run: Callable[[], bytes], runs: int = 50) -> dict[str, Any]:
    """Median and p95 ms of ``runs`` calls of ``run`` (which returns a floor's JSON
    document) after 3 warm-up calls, at most 5 s of them; the document's bytes and rows."""
    for _ in range(3):
        body = run()
    times: list[float] = []
    budget = time.perf_counter() + 5
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() > budget:
            break
    times.sort()
    return {
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
        "runs": len(times),
        "bytes": len(body),
        "rows": len(json.loads(body)["data"]),
    }
