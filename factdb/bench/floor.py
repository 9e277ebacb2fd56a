"""The floor: each benchmark query written by hand in SQL, run through the stdlib sqlite3
and json.dumps, with no framework at all.

It is timed in-process, and served by a bare WSGI callable under the same gunicorn as
factdb (``gunicorn factdb.bench.floor:application`` with FACTDB_BENCH_SQLITE set):
``GET /?q=Q1&p=vladimir-putin`` runs Q1 with its parameters in order. Only the standard
library runs per request. The query plans are read in factdb.bench.plans.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any
from urllib.parse import parse_qs, quote

from factdb.bench.timing import timed

SQLITE_VARIABLE = "FACTDB_BENCH_SQLITE"
Param = str | int


def _window(column: str, table: str, start: str, end: str) -> str:
    """``column`` (a sort_date) within [start - the longest interval of ``table``, end]:
    where a fact overlapping [start, end] can start, as one range of an index."""
    longest = f"(SELECT coalesce(max(date_days), 0) FROM {table})"
    return f"{column} BETWEEN date({start}, '-' || {longest} || ' days') AND {end}"


def _in_range(alias: str, table: str) -> str:
    """A fact's first report (the row factdb lists for it), its copied date bounds
    overlapping [?2, ?3] (undated facts never do)."""
    window = _window(f"{alias}.sort_date", table, "?2", "?3")
    return (
        f"{window} AND {alias}.date_end >= ?2 AND {alias}.date_start IS NOT NULL"
        f" AND {alias}.fact_id = {alias}.id"
    )


_EVIDENCE = """(SELECT json_group_array(json_object('start', evi.start_offset,
          'end', evi.end_offset, 'text', evi.text))
        FROM evidence evi WHERE evi.{column} = {owner}.id) AS evidence_json"""


def _corroboration(table: str, column: str, owner: str, wording: tuple[str, ...]) -> str:
    """A fact's ``source_count``, ``conflicts`` and ``sources`` (every report, first
    first: its source, key, the columns of ``wording``, date as written and evidence),
    as the API ends every fact document."""
    worded = ", ".join(f"'{name}', r.{name}" for name in wording)
    return f"""(SELECT count(*) FROM {table} n WHERE n.fact_id = {owner}.id) AS source_count,
       (SELECT json_group_array(c.field) FROM (SELECT field FROM conflicts
          WHERE {column} = {owner}.id ORDER BY id) c) AS conflicts_json,
       (SELECT json_group_array(json_object('source', json_object('slug', rs.slug,
                 'title', rs.title, 'publisher', rs.publisher,
                 'published_on', rs.published_on), 'key', r.slug, {worded},
               'date', CASE WHEN rd.id IS NOT NULL THEN json_object('start', rd.start_date,
                 'end', rd.end_date, 'text', rd.text) END,
               'evidence', json((SELECT json_group_array(json_object('start', re.start_offset,
                 'end', re.end_offset, 'text', re.text))
                 FROM evidence re WHERE re.{column} = r.id))))
          FROM (SELECT * FROM {table} WHERE fact_id = {owner}.id ORDER BY id) r
          JOIN sources rs ON rs.id = r.source_id
          LEFT JOIN dates rd ON rd.id = r.date_id) AS sources_json"""


# Q1 and Q5 share the columns a statement is shown with, embedded lists included.
_STATEMENTS = f"""
SELECT st.id, st.slug, sp.slug AS speaker_slug, sp.name AS speaker_name, st.speaker_text,
       st.mode, st.text, ev.slug AS event_slug, ev.title AS event_title,
       d.start_date, d.end_date, d.precision, d.text AS date_text, d.basis, d.year_basis,
       so.slug AS source,
       (SELECT json_group_array(json_object('slug', me.slug, 'name', me.name))
          FROM statement_mentions sm JOIN entities me ON me.id = sm.entity_id
         WHERE sm.statement_id = st.id) AS mentions_json,
       {_EVIDENCE.format(column="statement_id", owner="st")},
       {_corroboration("statements", "statement_id", "st", ("text", "speaker_text", "mode"))}
FROM statements st
JOIN entities sp ON sp.id = st.speaker_id
JOIN sources so ON so.id = st.source_id
LEFT JOIN events ev ON ev.id = st.event_id
LEFT JOIN dates d ON d.id = st.date_id"""
_STATEMENT_ORDER = "ORDER BY st.sort_date, st.id LIMIT 50"


def _events(rows: str) -> str:
    """Q2's and Q7's head: the columns an event is shown with, embedded lists included,
    read from ``rows`` (the event aliased e) and the rows joined to it."""
    return f"""
SELECT e.id, e.slug, e.kind, e.title, d.start_date, d.end_date, d.precision,
       d.text AS date_text, pl.slug AS place_slug, pl.name AS place_name, so.slug AS source,
       (SELECT json_group_array(json_object('slug', pe.slug, 'name', pe.name,
               'role', ep.role))
          FROM event_participants ep JOIN entities pe ON pe.id = ep.entity_id
         WHERE ep.event_id = e.id) AS participants_json,
       {_EVIDENCE.format(column="event_id", owner="e")},
       {_corroboration("events", "event_id", "e", ("title", "status"))}
FROM {rows}
JOIN dates d ON d.id = e.date_id
JOIN sources so ON so.id = e.source_id
LEFT JOIN entities pl ON pl.id = e.place_id"""


# Q2's rows: the two entities' participations in one event (both floors' SQL).
PAIR = """event_participants pa
JOIN event_participants pb ON pb.event_id = pa.event_id
JOIN events e ON e.id = pa.event_id"""

# A hit in a later report's words names its fact (id and slug), as factdb's search does;
# the same SQL on both engines (pgfloor.py).
FACT_OF_HIT = """
LEFT JOIN events er ON sd.fact_type = 'event' AND er.id = sd.fact_id
LEFT JOIN events ef ON ef.id = er.fact_id
LEFT JOIN statements sr ON sd.fact_type = 'statement' AND sr.id = sd.fact_id
LEFT JOIN statements sf ON sf.id = sr.fact_id
LEFT JOIN positions pr ON sd.fact_type = 'position' AND pr.id = sd.fact_id
LEFT JOIN positions pf ON pf.id = pr.fact_id"""
HIT_HEAD = (
    "sd.fact_type AS type, coalesce(ef.id, sf.id, pf.id, sd.fact_id) AS id,"
    " coalesce(ef.slug, sf.slug, pf.slug, sd.slug) AS slug, sd.title"
)


FLOOR_SQL: dict[str, str] = {
    # Q1 (speaker slug): a speaker's statements, in date order, first page.
    "Q1": f"""{_STATEMENTS}
WHERE st.speaker_id = (SELECT id FROM entities WHERE slug = ?) AND st.fact_id = st.id
{_STATEMENT_ORDER}""",
    # Q2 (slug a, slug b, from, to): events both took part in, overlapping [from, to].
    "Q2": f"""{_events(PAIR)}
WHERE pa.entity_id = (SELECT id FROM entities WHERE slug = ?1)
  AND pb.entity_id = (SELECT id FROM entities WHERE slug = ?2)
  AND {_window("pa.sort_date", "events", "?3", "?4")}
  AND {_window("pb.sort_date", "events", "?3", "?4")}
  AND e.date_end >= ?3 AND e.date_start IS NOT NULL AND e.fact_id = e.id
ORDER BY e.sort_date, e.id LIMIT 50""",
    # Q3 (FTS5 query, its term): ranked hits with a snippet, as the API ranks them: the
    # kept best hits of a frequent term (search_top), or else ranked on the index alone;
    # documents and snippets read for the 50 best only.
    "Q3": f"""
WITH kept(id, score) AS (
  SELECT document_id, score FROM search_top WHERE term = ?2
  ORDER BY score DESC, document_id LIMIT 50),
live(id, score) AS (
  SELECT rowid, -bm25(search_fts, 2.0, 1.0) FROM search_fts
  WHERE search_fts MATCH ?1
  ORDER BY 2 DESC, rowid LIMIT (SELECT CASE WHEN EXISTS (SELECT 1 FROM kept) THEN 0 ELSE 50 END)),
top(id, score) AS (SELECT id, score FROM kept UNION ALL SELECT id, score FROM live)
SELECT {HIT_HEAD},
       (SELECT snippet(search_fts, 1, '<mark>', '</mark>', '…', 12) FROM search_fts
         WHERE search_fts MATCH ?1 AND search_fts.rowid = top.id) AS snippet,
       top.score
FROM top JOIN search_documents sd ON sd.id = top.id{FACT_OF_HIT}
ORDER BY top.score DESC, sd.id""",
    # Q3id (FTS5 query): the first 50 hits in id order, as Datasette's table search lists
    # them, each with its snippet and score, as the API shows them; both made in the one
    # statement that reads the 50 (bm25 counts a word's matches once per statement).
    "Q3id": f"""
SELECT {HIT_HEAD}, top.snippet, top.score
FROM (SELECT rowid AS id, snippet(search_fts, 1, '<mark>', '</mark>', '…', 12) AS snippet,
             -bm25(search_fts, 2.0, 1.0) AS score
        FROM search_fts WHERE search_fts MATCH ?1 ORDER BY rowid LIMIT 50) top
CROSS JOIN search_documents sd ON sd.id = top.id{FACT_OF_HIT}
ORDER BY sd.id""",
    # Q4 (entity slug, from, to): its dated facts of every kind overlapping [from, to]
    # (first reports, as factdb lists them).
    "Q4": f"""
WITH who(id) AS (SELECT id FROM entities WHERE slug = ?1),
facts(type, id, uid, slug, title, date_id) AS (
  SELECT 'event', e.id, e.id * 4, e.slug, e.title, e.date_id
    FROM event_participants ep JOIN events e ON e.id = ep.event_id
   WHERE ep.entity_id = (SELECT id FROM who)
     AND {_window("ep.sort_date", "events", "?2", "?3")} AND {_in_range("e", "events")}
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
     AND {_window("sm.sort_date", "statements", "?2", "?3")}
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
    # Q5 (date, id of the previous page's last row): the next page, by keyset.
    "Q5": f"""{_STATEMENTS}
WHERE (st.sort_date, st.id) > (?, ?) AND st.fact_id = st.id
{_STATEMENT_ORDER}""",
    # Q6 (entity slug): the entity with its aliases, first 20 roles and evidence spans (as
    # factdb embeds them), and its counts, made on every call (factdb keeps them per
    # content version).
    "Q6": """
SELECT e.id, e.slug, e.name, e.kind, e.description, loc.slug AS located_in,
       (SELECT json_group_array(json_object('alias', alias, 'kind', kind))
          FROM (SELECT a.alias, a.kind, min(a.id) AS first FROM entity_aliases a
                WHERE a.entity_id = e.id GROUP BY a.alias_key ORDER BY first)) AS aliases_json,
       (SELECT json_group_array(json_object('slug', r.slug, 'title', r.title,
               'organization', o.slug, 'start', rd.start_date, 'end', rd.end_date))
          FROM (SELECT * FROM roles WHERE holder_id = e.id ORDER BY id LIMIT 20) r
          LEFT JOIN entities o ON o.id = r.organization_id
          LEFT JOIN dates rd ON rd.id = r.date_id) AS roles_json,
       (SELECT count(*) FROM roles WHERE holder_id = e.id) AS roles,
       (SELECT count(*) FROM event_participants WHERE entity_id = e.id) AS events,
       (SELECT count(*) FROM statements WHERE speaker_id = e.id) AS statements,
       (SELECT count(*) FROM statement_mentions WHERE entity_id = e.id) AS mentioned_in,
       (SELECT count(*) FROM positions WHERE holder_id = e.id) AS positions,
       (SELECT count(*) FROM evidence WHERE entity_id = e.id) AS evidence,
       (SELECT json_group_array(json_object('start', evi.start_offset,
               'end', evi.end_offset, 'text', evi.text))
          FROM (SELECT * FROM evidence WHERE entity_id = e.id
                ORDER BY source_id, start_offset, end_offset, id LIMIT 20) evi) AS evidence_json
FROM entities e LEFT JOIN entities loc ON loc.id = e.located_in_id
WHERE e.slug = ?""",
    # Q7 (least sources, from, to): events overlapping [from, to] that at least that many
    # sources report, in date order, first page.
    "Q7": f"""{_events("events e")}
WHERE {_in_range("e", "events")}
  AND (SELECT count(*) FROM events n WHERE n.fact_id = e.id) >= ?1
ORDER BY e.sort_date, e.id LIMIT 50""",
}


def connect(sqlite_path: str) -> sqlite3.Connection:
    """A read-only connection to the file (``mode=ro``), usable from any thread."""
    uri = f"file:{quote(os.path.abspath(sqlite_path))}?mode=ro"
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def fetch(connection: sqlite3.Connection, qid: str, params: Sequence[Param]) -> bytes:
    """Run query ``qid`` and return its rows as a UTF-8 JSON document."""
    cursor = connection.execute(FLOOR_SQL[qid], tuple(params))
    names = [column[0] for column in cursor.description]
    embedded = [name.endswith("_json") for name in names]
    keys = [name.removesuffix("_json") for name in names]
    rows = [
        {
            key: json.loads(value) if is_json and value is not None else value
            for key, is_json, value in zip(keys, embedded, row, strict=True)
        }
        for row in cursor.fetchall()
    ]
    return json.dumps({"data": rows}, ensure_ascii=False).encode("utf-8")


def floor_path(qid: str, params: Iterable[Param]) -> str:
    """The URL path (with query string) that asks the WSGI floor for ``qid``."""
    parts = [f"q={quote(qid)}", *(f"p={quote(str(value), safe='')}" for value in params)]
    return "/?" + "&".join(parts)


def parse_param(text: str) -> Param:
    """Query-string values are text; digits-only values are integers (ids)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) < 18 else text


_connection: tuple[int, sqlite3.Connection] | None = None  # (pid, connection)


def _worker_connection() -> sqlite3.Connection:
    """One connection per worker process, opened on its first request."""
    global _connection
    if _connection is None or _connection[0] != os.getpid():
        path = os.environ.get(SQLITE_VARIABLE, "")
        if not path:
            raise RuntimeError(f"set {SQLITE_VARIABLE} to the SQLite file to serve")
        _connection = (os.getpid(), connect(path))
    return _connection[1]


StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def application(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    """The bare WSGI floor: ``?q=<query id>&p=<param>&p=<param>…``."""
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    qid = query.get("q", [""])[0]
    if qid not in FLOOR_SQL:
        body = json.dumps({"error": f"unknown query {qid!r}"}).encode()
        status = "404 Not Found"
    else:
        body = fetch(_worker_connection(), qid, [parse_param(p) for p in query.get("p", [])])
        status = "200 OK"
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def time_floor(
    connection: sqlite3.Connection, qid: str, params: Sequence[Param], runs: int = 50
) -> dict[str, Any]:
    """The floor alone, in-process: SQL, fetch and json.dumps (factdb.bench.timing)."""
    return timed(lambda: fetch(connection, qid, params), runs)
