"""The benchmark's report of both engines side by side: for SQLite and PostgreSQL, each
query's p50 at 1 and at 16 connections, req/s and the ratio to the engine's own floor;
then each engine's worker memory, database size and load time against its load floor."""

from __future__ import annotations

from typing import Any

from factdb.bench.report import DASH, _ms, _rate, _ratio, paired_ratio

# (engine, factdb's server, the floor's server)
ENGINES = (
    ("SQLite", "factdb", "floor"),
    ("PostgreSQL", "factdb_postgresql", "floor_postgresql"),
)
COLUMNS = (
    "engine",
    "query",
    "floor in-process ms",
    "floor WSGI req/s",
    "factdb req/s",
    "factdb / floor",
    "factdb p50 ms at 1",
    "floor p50 ms at 1",
    "factdb p50 ms at 16",
    "floor p50 ms at 16",
)


def _p50(servers: dict[str, Any] | None, name: str) -> str:
    if not servers or name not in servers:
        return DASH
    return _ms(servers[name]["latency_ms"]["p50"])


def _in_process(results: dict[str, Any], engine: str, qid: str) -> float | None:
    if engine == "SQLite":
        return float(results["queries"][qid]["floor_in_process"]["median_ms"])
    floors = results.get("postgresql", {}).get("floor_in_process", {})
    return float(floors[qid]["median_ms"]) if qid in floors else None


def _peak_mb(results: dict[str, Any], name: str) -> float | None:
    processes = results["rss_kb"].get(name)
    return max(processes.values()) / 1024 if processes else None


def engines_table(results: dict[str, Any]) -> list[str]:
    """Markdown lines: one row per engine and query, then one line per engine."""
    engines = [e for e in ENGINES if e[0] == "SQLite" or "postgresql" in results]
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(" --- " for _ in COLUMNS) + "|"]
    for engine, factdb, floor in engines:
        for qid, query in results["queries"].items():
            servers, single = query["servers"], query.get("servers_c1")
            rate = {n: servers[n]["req_per_s"] for n in (factdb, floor) if n in servers}
            row = [
                engine,
                qid,
                _ms(_in_process(results, engine, qid)),
                _rate(rate.get(floor)),
                _rate(rate.get(factdb)),
                _ratio(paired_ratio(servers.get(factdb), servers.get(floor))),
                _p50(single, factdb),
                _p50(single, floor),
                _p50(servers, factdb),
                _p50(servers, floor),
            ]
            lines.append("| " + " | ".join(row) + " |")
    lines += ["", *engine_notes(results)]
    return lines


def engine_notes(results: dict[str, Any]) -> list[str]:
    """Per engine: factdb's worker RSS, the database's size, the load against its floor."""
    notes = []
    build = results.get("build")
    sqlite_load = ""
    if build:
        ratio = build["load_seconds"] / build["executemany_seconds"]
        sqlite_load = (
            f"; load (the bulk loader, generating included) {build['load_seconds']:.1f} s"
            f" against {build['executemany_seconds']:.1f} s of raw executemany: {ratio:.2f} times"
        )
    notes.append(
        f"- SQLite: factdb worker peak RSS {_mb(_peak_mb(results, 'factdb'))}, database"
        f" {results['database']['bytes'] / 1e6:,.1f} MB on disk{sqlite_load}."
    )
    postgres = results.get("postgresql")
    if postgres:
        load = postgres["load"]
        notes.append(
            f"- PostgreSQL: factdb worker peak RSS {_mb(_peak_mb(results, 'factdb_postgresql'))},"
            f" database {load['bytes'] / 1e6:,.1f} MB on disk (pg_database_size); load"
            f" (`factdb copy` from the SQLite corpus: {load['rows']:,} rows, ranking,"
            f" ANALYZE and check included) {load['load_seconds']:.1f} s against"
            f" {load['copy_floor_seconds']:.1f} s of COPY: {load['load_over_floor']:.2f} times."
        )
    pairs = []
    for qid, query in results["queries"].items():
        servers = query["servers"]
        ratio = paired_ratio(servers.get("factdb_postgresql"), servers.get("factdb"))
        pairs.append(f"{qid} {_ratio(ratio)}")
    if postgres:
        notes.append(f"- factdb on PostgreSQL ÷ factdb on SQLite, req/s at 16: {', '.join(pairs)}.")
    return notes


def _mb(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f} MB"
