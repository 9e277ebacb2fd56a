"""The PostgreSQL floor: each benchmark query written by hand in PostgreSQL's SQL, run
through psycopg and json.dumps, with no framework at all.

The same as factdb.bench.floor is for SQLite: timed in-process, and served by a bare WSGI
callable under the same gunicorn as factdb (``gunicorn factdb.bench.pgfloor:application``
with FACTDB_BENCH_POSTGRES set to a libpq connection string), on the same paths
(``GET /?q=Q1&p=vladimir-putin``). Parameters are the SQLite floor's, in order, named
``p1``, ``p2``… in the SQL. The connection is in autocommit: one round trip a query.
Search ranks live with ts_rank, as factdb does on PostgreSQL (its kept best hits serve
SQLite only).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

import psycopg

from factdb.bench.floor import FACT_OF_HIT, HIT_HEAD, PAIR, Param, StartResponse, parse_param
from factdb.bench.timing import timed

POSTGRES_VARIABLE = "FACTDB_BENCH_POSTGRES"


def _window(column: str, table: str, start: str, end: str) -> str:
    """``column`` (a sort_date) within [start - the longest interval of ``table``, end]."""
    longest = f"(SELECT coalesce(max(date_days), 0) FROM {table})"
    return f"{column} BETWEEN {start}::date - {longest} AND {end}::date"


def _in_range(alias: str, table: str) -> str:
    """A fact's first report (the row factdb lists for it), its copied date bounds
    overlapping [p2, p3] (undated facts never do)."""
    window = _window(f"{alias}.sort_date", table, "%(p2)s", "%(p3)s")
    return (
        f"{window} AND {alias}.date_end >= %(p2)s::date AND {alias}.date_start IS NOT NULL"
        f" AND {alias}.fact_id = {alias}.id"
    )


def _list(select: str) -> str:
    """A JSON array of ``select``'s one column (json objects), [] when it has no rows."""
    return f"coalesce(({select}), '[]'::json)"


_EVIDENCE = _list(
    "SELECT json_agg(json_build_object('start', evi.start_offset, 'end', evi.end_offset,"
    " 'text', evi.text) ORDER BY evi.id) FROM evidence evi WHERE evi.{column} = {owner}.id"
)


def _corroboration(table: str, column: str, owner: str, wording: tuple[str, ...]) -> str:
    """A fact's ``source_count``, ``conflicts`` and ``sources``, as the SQLite floor's
    (factdb.bench.floor) and the API end every fact document."""
    worded = ", ".join(f"'{name}', r.{name}" for name in wording)
    evidence = _list(
        "SELECT json_agg(json_build_object('start', re.start_offset, 'end', re.end_offset,"
        f" 'text', re.text) ORDER BY re.id) FROM evidence re WHERE re.{column} = r.id"
    )
    reports = f"""SELECT json_agg(json_build_object('source', json_build_object(
        'slug', rs.slug, 'title', rs.title, 'publisher', rs.publisher,
        'published_on', rs.published_on), 'key', r.slug, {worded},
        'date', CASE WHEN rd.id IS NOT NULL THEN json_build_object('start', rd.start_date,
          'end', rd.end_date, 'text', rd.text) END,
        'evidence', {evidence}) ORDER BY r.id)
      FROM {table} r JOIN sources rs ON rs.id = r.source_id
      LEFT JOIN dates rd ON rd.id = r.date_id WHERE r.fact_id = {owner}.id"""
    conflicts = (
        f"SELECT json_agg(c.field ORDER BY c.id) FROM conflicts c WHERE c.{column} = {owner}.id"
    )
    return f"""(SELECT count(*) FROM {table} n WHERE n.fact_id = {owner}.id) AS source_count,
       {_list(conflicts)} AS conflicts, {_list(reports)} AS sources"""


_STATEMENTS = f"""
SELECT st.id, st.slug, sp.slug AS speaker_slug, sp.name AS speaker_name, st.speaker_text,
       st.mode, st.text, ev.slug AS event_slug, ev.title AS event_title,
       d.start_date, d.end_date, d.precision, d.text AS date_text, d.basis, d.year_basis,
       so.slug AS source,
       {
    _list(
        "SELECT json_agg(json_build_object('slug', me.slug, 'name', me.name))"
        " FROM statement_mentions sm JOIN entities me ON me.id = sm.entity_id"
        " WHERE sm.statement_id = st.id"
    )
} AS mentions,
       {_EVIDENCE.format(column="statement_id", owner="st")} AS evidence,
       {_corroboration("statements", "statement_id", "st", ("text", "speaker_text", "mode"))}
FROM statements st
JOIN entities sp ON sp.id = st.speaker_id
JOIN sources so ON so.id = st.source_id
LEFT JOIN events ev ON ev.id = st.event_id
LEFT JOIN dates d ON d.id = st.date_id"""
_STATEMENT_ORDER = "ORDER BY st.sort_date, st.id LIMIT 50"
_PARTICIPANTS = _list(
    "SELECT json_agg(json_build_object('slug', pe.slug, 'name', pe.name, 'role', ep.role))"
    " FROM event_participants ep JOIN entities pe ON pe.id = ep.entity_id"
    " WHERE ep.event_id = e.id"
)


def _events(rows: str) -> str:
    """Q2's and Q7's head, as the SQLite floor's: an event's columns and embedded lists,
    read from ``rows`` (the event aliased e) and the rows joined to it."""
    return f"""
SELECT e.id, e.slug, e.kind, e.title, d.start_date, d.end_date, d.precision,
       d.text AS date_text, pl.slug AS place_slug, pl.name AS place_name, so.slug AS source,
       {_PARTICIPANTS} AS participants,
       {_EVIDENCE.format(column="event_id", owner="e")} AS evidence,
       {_corroboration("events", "event_id", "e", ("title", "status"))}
FROM {rows}
JOIN dates d ON d.id = e.date_id
JOIN sources so ON so.id = e.source_id
LEFT JOIN entities pl ON pl.id = e.place_id"""


_TSQUERY = "plainto_tsquery('simple'::regconfig, %(p1)s)"
_HEADLINE = (
    f"ts_headline('simple'::regconfig, sd.body, {_TSQUERY},"
    " 'StartSel=<mark>, StopSel=</mark>, MaxWords=24, MinWords=8')"
)
_SCORE = f"ts_rank(sd.document, {_TSQUERY})::float8"

PG_FLOOR_SQL: dict[str, str] = {
    "Q1": f"""{_STATEMENTS}
WHERE st.speaker_id = (SELECT id FROM entities WHERE slug = %(p1)s) AND st.fact_id = st.id
{_STATEMENT_ORDER}""",
    "Q2": f"""{_events(PAIR)}
WHERE pa.entity_id = (SELECT id FROM entities WHERE slug = %(p1)s)
  AND pb.entity_id = (SELECT id FROM entities WHERE slug = %(p2)s)
  AND {_window("pa.sort_date", "events", "%(p3)s", "%(p4)s")}
  AND {_window("pb.sort_date", "events", "%(p3)s", "%(p4)s")}
  AND e.date_end >= %(p3)s::date AND e.date_start IS NOT NULL AND e.fact_id = e.id
ORDER BY e.sort_date, e.id LIMIT 50""",
    # Q3 (word): every document holding it ranked by ts_rank, the 50 best with headlines.
    "Q3": f"""
WITH top AS (
  SELECT sd.id, {_SCORE} AS score FROM search_documents sd
  WHERE sd.document @@ {_TSQUERY} ORDER BY 2 DESC, sd.id LIMIT 50)
SELECT {HIT_HEAD}, {_HEADLINE} AS snippet,
       top.score
FROM top JOIN search_documents sd ON sd.id = top.id{FACT_OF_HIT}
ORDER BY top.score DESC, sd.id""",
    "Q3id": f"""
SELECT {HIT_HEAD}, {_HEADLINE} AS snippet,
       {_SCORE} AS score
FROM search_documents sd{FACT_OF_HIT}
WHERE sd.document @@ {_TSQUERY}
ORDER BY sd.id LIMIT 50""",
    "Q4": f"""
WITH who(id) AS (SELECT id FROM entities WHERE slug = %(p1)s),
facts(type, id, uid, slug, title, date_id) AS (
  SELECT 'event', e.id, e.id * 4, e.slug, e.title::text, e.date_id
    FROM event_participants ep JOIN events e ON e.id = ep.event_id
   WHERE ep.entity_id = (SELECT id FROM who)
     AND {_window("ep.sort_date", "events", "%(p2)s", "%(p3)s")} AND {_in_range("e", "events")}
  UNION
  SELECT 'event', e.id, e.id * 4, e.slug, e.title, e.date_id FROM events e
   WHERE e.place_id = (SELECT id FROM who) AND {_in_range("e", "events")}
  UNION
  SELECT 'statement', s.id, s.id * 4 + 1, s.slug, s.text, s.date_id FROM statements s
   WHERE s.speaker_id = (SELECT id FROM who) AND {_in_range("s", "statements")}
  UNION
  SELECT 'statement', s.id, s.id * 4 + 1, s.slug, s.text, s.date_id
    FROM statement_mentions sm JOIN statements s ON s.id = sm.statement_id
   WHERE sm.entity_id = (SELECT id FROM who)
     AND {_window("sm.sort_date", "statements", "%(p2)s", "%(p3)s")}
     AND {_in_range("s", "statements")}
  UNION
  SELECT 'position', p.id, p.id * 4 + 2, p.slug, p.description, p.date_id FROM positions p
   WHERE p.holder_id = (SELECT id FROM who) AND {_in_range("p", "positions")}
  UNION
  SELECT 'position', p.id, p.id * 4 + 2, p.slug, p.description, p.date_id FROM positions p
   WHERE p.target_entity_id = (SELECT id FROM who) AND {_in_range("p", "positions")}
  UNION
  SELECT 'role', r.id, r.id * 4 + 3, r.slug, r.title, r.date_id FROM roles r
   WHERE r.holder_id = (SELECT id FROM who) AND {_in_range("r", "roles")}
  UNION
  SELECT 'role', r.id, r.id * 4 + 3, r.slug, r.title, r.date_id FROM roles r
   WHERE r.organization_id = (SELECT id FROM who) AND {_in_range("r", "roles")}
)
SELECT f.type, f.id, f.slug, f.title, d.start_date, d.end_date, d.precision,
       d.text AS date_text, d.basis, d.year_basis
FROM facts f JOIN dates d ON d.id = f.date_id
ORDER BY d.start_date, f.uid LIMIT 50""",
    "Q5": f"""{_STATEMENTS}
WHERE (st.sort_date, st.id) > (%(p1)s::date, %(p2)s) AND st.fact_id = st.id
{_STATEMENT_ORDER}""",
    "Q6": f"""
SELECT e.id, e.slug, e.name, e.kind, e.description, loc.slug AS located_in,
       {
        _list(
            "SELECT json_agg(json_build_object('alias', a.alias, 'kind', a.kind)"
            " ORDER BY a.id) FROM (SELECT DISTINCT ON (alias_key) id, alias, kind"
            " FROM entity_aliases WHERE entity_id = e.id ORDER BY alias_key, id) a"
        )
    }
         AS aliases,
       {
        _list(
            "SELECT json_agg(json_build_object('slug', r.slug, 'title', r.title,"
            " 'organization', o.slug, 'start', rd.start_date, 'end', rd.end_date)"
            " ORDER BY r.id) FROM (SELECT * FROM roles WHERE holder_id = e.id"
            " ORDER BY id LIMIT 20) r LEFT JOIN entities o ON o.id = r.organization_id"
            " LEFT JOIN dates rd ON rd.id = r.date_id"
        )
    } AS roles_list,
       (SELECT count(*) FROM roles WHERE holder_id = e.id) AS roles,
       (SELECT count(*) FROM event_participants WHERE entity_id = e.id) AS events,
       (SELECT count(*) FROM statements WHERE speaker_id = e.id) AS statements,
       (SELECT count(*) FROM statement_mentions WHERE entity_id = e.id) AS mentioned_in,
       (SELECT count(*) FROM positions WHERE holder_id = e.id) AS positions,
       (SELECT count(*) FROM evidence WHERE entity_id = e.id) AS evidence,
       {
        _list(
            "SELECT json_agg(json_build_object('start', evi.start_offset,"
            " 'end', evi.end_offset, 'text', evi.text)) FROM (SELECT * FROM evidence"
            " WHERE entity_id = e.id ORDER BY source_id, start_offset, end_offset, id"
            " LIMIT 20) evi"
        )
    } AS evidence_list
FROM entities e LEFT JOIN entities loc ON loc.id = e.located_in_id
WHERE e.slug = %(p1)s""",
    "Q7": f"""{_events("events e")}
WHERE {_in_range("e", "events")}
  AND (SELECT count(*) FROM events n WHERE n.fact_id = e.id) >= %(p1)s
ORDER BY e.sort_date, e.id LIMIT 50""",
}


def pg_floor_params(qid: str, params: Sequence[Param]) -> tuple[Param, ...]:
    """The SQLite floor's parameters as PostgreSQL's floor takes them: the search is
    asked with the plain word (SQLite's is an FTS5 phrase, and its kept term)."""
    if qid in ("Q3", "Q3id"):
        return (str(params[0]).strip('"'),)
    return tuple(params)


def connect_pg(conninfo: str) -> psycopg.Connection[Any]:
    """An autocommit connection: the floor opens no transaction."""
    return psycopg.connect(conninfo, autocommit=True)


def fetch_pg(connection: psycopg.Connection[Any], qid: str, params: Sequence[Param]) -> bytes:
    """Run query ``qid`` and return its rows as a UTF-8 JSON document (psycopg parses the
    json columns; dates become ISO text)."""
    named = {f"p{number}": value for number, value in enumerate(params, 1)}
    cursor = connection.execute(PG_FLOOR_SQL[qid], named, prepare=True)
    names = [column.name for column in cursor.description or []]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return json.dumps({"data": rows}, ensure_ascii=False, default=str).encode("utf-8")


_connection: tuple[int, psycopg.Connection[Any]] | None = None  # (pid, connection)


def _worker_connection() -> psycopg.Connection[Any]:
    """One connection per worker process, opened on its first request."""
    global _connection
    if _connection is None or _connection[0] != os.getpid():
        conninfo = os.environ.get(POSTGRES_VARIABLE, "")
        if not conninfo:
            raise RuntimeError(f"set {POSTGRES_VARIABLE} to the database to serve")
        _connection = (os.getpid(), connect_pg(conninfo))
    return _connection[1]


def application(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """The bare WSGI floor on PostgreSQL: ``?q=<query id>&p=<param>&p=<param>…``."""
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    qid = query.get("q", [""])[0]
    if qid not in PG_FLOOR_SQL:
        body = json.dumps({"error": f"unknown query {qid!r}"}).encode()
        status = "404 Not Found"
    else:
        params = [parse_param(p) for p in query.get("p", [])]
        body = fetch_pg(_worker_connection(), qid, params)
        status = "200 OK"
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def time_pg_floor(
    connection: psycopg.Connection[Any], qid: str, params: Sequence[Param], runs: int = 50
) -> dict[str, Any]:
    """The floor alone, in-process: SQL, fetch and json.dumps (timed as the SQLite
    floor is, factdb.bench.timing)."""
    return timed(lambda: fetch_pg(connection, qid, params), runs)
