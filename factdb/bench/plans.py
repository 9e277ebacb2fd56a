"""The query plans factdb and the floor run the benchmark queries with, and whether
both return the same rows: a filtered query that reads a whole big table fails."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any

from factdb.bench.floor import connect, fetch
from factdb.bench.queries import Query

# Tables big enough that reading all of them is a bug for a filtered query.
BIG_TABLES = frozenset(
    {"statements", "events", "evidence", "positions", "roles", "dates", "entities"}
    | {"event_participants", "statement_mentions", "search_documents"}
)
_TABLE_REF = re.compile(r"\b(?:FROM|JOIN)\s+([A-Za-z_]\w*)(?:\s+(?:AS\s+)?([A-Za-z_]\w*))?", re.I)
_NOT_ALIAS = {"where", "on", "join", "left", "inner", "outer", "cross", "natural", "order"}
_NOT_ALIAS |= {"group", "limit", "union", "using", "having", "window", "as", "full"}
_SCAN = re.compile(r"^SCAN (\S+)(.*)$")
# An index searched on one bound only, e.g. (start_date<?): it may read most of the table.
_OPEN_RANGE = re.compile(r"^SEARCH (\S+) USING (?:COVERING )?INDEX \S+ \(\w+[<>]=?\?\)$")


def _aliases(sql: str) -> dict[str, str]:
    """alias -> table for ``FROM t a`` / ``JOIN t AS a`` (plans name aliases)."""
    found = {}
    for table, alias in _TABLE_REF.findall(sql):
        found[table] = table
        if alias and alias.lower() not in _NOT_ALIAS:
            found[alias] = table
    return found


def explain(connection: sqlite3.Connection, sql: str, params: Sequence[Any]) -> dict[str, Any]:
    """EXPLAIN QUERY PLAN of ``sql``, as indented lines, with the lines that read a whole
    big table (``SCAN t`` without an index), read one through an index, or search one on
    a single open-ended range."""
    values = [v.isoformat() if isinstance(v, dt.date) else v for v in params]
    try:
        rows = connection.execute("EXPLAIN QUERY PLAN " + sql, values).fetchall()
    except sqlite3.Error as error:  # reported as a plan of its own, not raised
        rows = [(1, 0, 0, f"ERROR {type(error).__name__}: {error}")]
    depth: dict[int, int] = {0: -1}
    lines: list[str] = []
    table_scans: list[str] = []
    index_scans: list[str] = []
    open_ranges: list[str] = []
    aliases = _aliases(sql)
    for node, parent, _, detail in rows:
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
        ranged = _OPEN_RANGE.match(detail)
        if ranged is not None and aliases.get(ranged[1], ranged[1]) in BIG_TABLES:
            open_ranges.append(detail)
        match = _SCAN.match(detail)
        if match is None or aliases.get(match[1], match[1]) not in BIG_TABLES:
            continue
        if "VIRTUAL TABLE" in match[2]:
            continue
        indexed = "USING INDEX" in match[2] or "USING COVERING INDEX" in match[2]
        (index_scans if indexed else table_scans).append(detail)
    return {
        "sql": " ".join(sql.split()),
        "params": [v if isinstance(v, int | float | str) or v is None else str(v) for v in values],
        "plan": lines,
        "table_scans": table_scans,
        "index_scans": index_scans,
        "open_ranges": open_ranges,
    }


def _keys(data: Any) -> list[tuple[Any, Any]]:
    """(type, id) of each row of a page, or of an item: what "the same rows" compares."""
    return [(row.get("type"), row["id"]) for row in (data if isinstance(data, list) else [data])]


def _tagged(kind: str, factdb: list[dict[str, Any]], floor: list[dict[str, Any]]) -> list[str]:
    """The distinct plan lines of one kind, each prefixed with whose plan it is."""
    tagged = [("factdb", plan) for plan in factdb] + [("floor", plan) for plan in floor]
    return list(dict.fromkeys(f"{who}: {line}" for who, plan in tagged for line in plan[kind]))


def collect_plans(sqlite_path: str, queries: list[Query]) -> dict[str, dict[str, Any]]:
    """EXPLAIN QUERY PLAN of every statement factdb runs for each query (traced by SQLite
    itself during one request through the test client, whichever way factdb ran it) and
    of the floor's SQL, and whether both return the same rows. ``failures``: whole big
    tables a filtered query reads, different rows."""
    from sqlalchemy import event

    from factdb.api.http import request_db
    from factdb.app import create_api_app

    app = create_api_app({"DATABASE_URL": f"sqlite:///{sqlite_path}"})
    captured: list[str] = []
    tracing = False

    def capture(sql: str) -> None:  # SQLite hands over the SQL with its values bound
        if tracing:
            captured.append(sql)

    def trace(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.set_trace_callback(capture)

    with app.app_context():
        engine = request_db.engine()
    event.listen(engine, "connect", trace)
    connection = connect(sqlite_path)
    # factdb's SQL calls the functions its engine registers (factdb_float, factdb_fold).
    pooled = engine.raw_connection()
    own = pooled.driver_connection
    assert isinstance(own, sqlite3.Connection)
    plans: dict[str, dict[str, Any]] = {}
    try:
        client = app.test_client()
        for query in queries:
            captured.clear()
            tracing = True
            response = client.get(query.factdb_path)
            tracing = False
            floor_rows = json.loads(fetch(connection, query.qid, query.floor_params))["data"]
            # Queries only: the read transaction's BEGIN has no plan.
            unique = list(
                dict.fromkeys(
                    sql for sql in captured if sql.lstrip().upper().startswith(("SELECT", "WITH"))
                )
            )
            factdb = [explain(own, sql, ()) for sql in unique]
            floor = [explain(connection, query.floor_sql, query.floor_params)]
            scans = _tagged("table_scans", factdb, floor)
            status = response.status_code
            same = status == 200 and _keys(response.get_json()["data"]) == _keys(floor_rows)
            failures = [f"reads a whole table: {line}" for line in scans if query.filtered]
            failures += [
                p["plan"][0]
                for p in factdb + floor
                if p["plan"] and p["plan"][0].startswith("ERROR")
            ]
            if status != 200:
                failures.append(f"factdb answered {status}")
            elif not same:
                failures.append("factdb and the floor return different rows")
            plans[query.qid] = {
                "factdb_status": status,
                "same_rows": same,
                "factdb": factdb,
                "floor": floor,
                "table_scans": scans,
                "index_scans": _tagged("index_scans", factdb, floor),
                "open_ranges": _tagged("open_ranges", factdb, floor),
                "failures": failures,
            }
    finally:
        event.remove(engine, "connect", trace)
        connection.close()
        pooled.close()
        request_db.dispose(app)
    return plans
