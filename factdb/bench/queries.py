"""The six benchmark queries, their parameters drawn from a built database, and the
query plans factdb and the floor run them with.

Q1 statements by one speaker; Q2 events two entities both took part in within a year;
Q3 full-text search for a word, ranked; Q3id the same search in id order, as Datasette's
table search lists it; Q4 one entity's timeline for one month; Q5 page 1000 of the
statements, reached by cursor; Q6 one entity's detail.
"""

from __future__ import annotations

import base64
import calendar
import json
import re
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from factdb.bench.floor import FLOOR_SQL, Param, connect, floor_path
from factdb.bench.walk import PAGE_SIZE, TARGET_PAGE, walk_factdb_cursor

WORD = re.compile(r"[^\W_]+")
TITLES = {
    "Q1": "statements by one speaker, first page of 50",
    "Q2": "events with two given entities, within one year",
    "Q3": "full-text search for a word, first page, best first",
    "Q3id": "full-text search for a word, first page in id order",
    "Q4": "one entity's timeline for one month",
    "Q5": f"page {TARGET_PAGE} of the statements, by cursor",
    "Q6": "one entity's detail with its roles and counts",
}

_Q2_SQL = """select e.id, e.slug, e.kind, e.title, e.date_start, e.date_end
from events e
join event_participants pa on pa.event_id = e.id
join entities a on a.id = pa.entity_id and a.slug = :a
join event_participants pb on pb.event_id = e.id
join entities b on b.id = pb.entity_id and b.slug = :b
where pa.sort_date between date(:date_from, '-' || (select coalesce(max(date_days), 0)
  from events) || ' days') and :date_to
and pb.sort_date between date(:date_from, '-' || (select coalesce(max(date_days), 0)
  from events) || ' days') and :date_to
and e.date_end >= :date_from and e.date_start is not null
order by e.sort_date, e.id limit 50"""
_Q3_SQL = """with top(id, score) as (
select rowid, -bm25(search_fts, 2.0, 1.0) from search_fts where search_fts match :q
order by 2 desc, rowid limit 50)
select sd.fact_type, sd.fact_id, sd.slug, sd.title,
(select snippet(search_fts, 1, '<mark>', '</mark>', '…', 12) from search_fts
where search_fts match :q and search_fts.rowid = top.id) as snippet, top.score
from top join search_documents sd on sd.id = top.id order by top.score desc, sd.id"""


@dataclass(frozen=True)
class Query:
    """One benchmark query as factdb, the floor and Datasette are asked it."""

    qid: str
    title: str
    filtered: bool  # a filtered query must never read a whole big table
    factdb_path: str
    floor_params: tuple[Param, ...]
    # Datasette's closest table/filter URL, "{db}" standing for the database name;
    # None: no equivalent.
    datasette_path: str | None = None
    datasette_kind: str | None = None  # table filter, table search, table keyset…
    # The same rows by factdb's own SQL through Datasette's ?sql= (query view), if any.
    datasette_sql_path: str | None = None
    note: str = ""

    @property
    def floor_sql(self) -> str:
        return FLOOR_SQL[self.qid]

    @property
    def floor_path(self) -> str:
        return floor_path(self.qid, self.floor_params)


def _one(connection: sqlite3.Connection, sql: str, *params: Any) -> Any:
    row = connection.execute(sql, params).fetchone()
    if row is None:
        raise ValueError(f"the database has no rows for: {' '.join(sql.split())[:120]}")
    return row


# Among how many of the busiest entities a month of as many facts is looked for.
MATCHED_AMONG = 20
# How busy an entity is: statements it said plus events it took part in.
_ACTIVITY = (
    "(SELECT count(*) FROM statements WHERE speaker_id = e.id)"
    " + (SELECT count(*) FROM event_participants WHERE entity_id = e.id)"
)


def pick_parameters(sqlite_path: str, like: dict[str, Any] | None = None) -> dict[str, Any]:
    """Realistic parameters, chosen from the data: the busiest speaker, a pair of
    entities sharing events and one of their years, a frequent word, a busy month.

    With ``like`` (another corpus's parameters), the pair's year, the word, and the
    month (of one of the busiest entities) are those whose counts come nearest to
    ``like``'s, so that a query matches as many facts on corpora of every size."""
    pair_order, month_order, busiest = "n DESC, eb.id, year", "n DESC, who.id, month", 1
    if like is not None:
        pair_order = f"abs(n - {int(like['pair_shared_events_in_year'])}), eb.id, year"
        month_order = f"abs(n - {int(like['timeline_month_facts'])}), who.id, month"
        busiest = MATCHED_AMONG
    connection = connect(sqlite_path)
    try:
        speaker, statements = _one(
            connection,
            "SELECT e.slug, count(*) AS n FROM statements s JOIN entities e"
            " ON e.id = s.speaker_id GROUP BY e.id ORDER BY n DESC, e.id LIMIT 1",
        )
        # The busiest participant, and who shared most of its dated events in one year.
        a, b, year, shared = _one(
            connection,
            "SELECT ea.slug, eb.slug, substr(d.start_date, 1, 4) AS year, count(*) AS n"
            " FROM event_participants pa JOIN event_participants pb ON pb.event_id = pa.event_id"
            " AND pb.entity_id <> pa.entity_id JOIN entities ea ON ea.id = pa.entity_id"
            " JOIN entities eb ON eb.id = pb.entity_id JOIN events ev ON ev.id = pa.event_id"
            " JOIN dates d ON d.id = ev.date_id WHERE pa.entity_id = (SELECT entity_id"
            " FROM event_participants GROUP BY entity_id ORDER BY count(*) DESC, entity_id"
            f" LIMIT 1) GROUP BY eb.id, year ORDER BY {pair_order} LIMIT 1",
        )
        word, word_documents = _word(
            connection, None if like is None else int(like["word_documents"])
        )
        entity, month, month_count = _one(
            connection,
            f"WITH who AS (SELECT e.id, e.slug FROM entities e ORDER BY {_ACTIVITY} DESC, e.id"
            f" LIMIT {busiest}), f(entity_id, date_id) AS (SELECT s.speaker_id, s.date_id"
            " FROM statements s JOIN who ON s.speaker_id = who.id UNION ALL SELECT"
            " p.entity_id, ev.date_id FROM event_participants p JOIN who ON p.entity_id ="
            " who.id JOIN events ev ON ev.id = p.event_id)"
            " SELECT who.slug, substr(d.start_date, 1, 7) AS month, count(*) AS n"
            " FROM f JOIN who ON who.id = f.entity_id JOIN dates d ON d.id = f.date_id"
            f" GROUP BY who.id, month ORDER BY {month_order} LIMIT 1",
        )
        detail, roles = _one(
            connection,
            "SELECT e.slug, (SELECT count(*) FROM roles WHERE holder_id = e.id) AS r"
            f" FROM entities e ORDER BY r DESC, {_ACTIVITY} DESC, e.id LIMIT 1",
        )
    finally:
        connection.close()
    return {
        "speaker": speaker,
        "speaker_statements": statements,
        "pair": [a, b],
        "pair_year": year,
        "pair_shared_events_in_year": shared,
        "word": word,
        "word_documents": word_documents,
        "timeline_entity": entity,
        "timeline_month": month,
        "timeline_month_facts": month_count,
        "detail_entity": detail,
        "detail_roles": roles,
    }


def _word(connection: sqlite3.Connection, wanted: int | None) -> tuple[str, int]:
    """A word of the statements' quotes (five letters or more) and how many search
    documents hold it: the word most hold, or the one whose count is nearest ``wanted``.

    The words are those of the first 20,000 statements: a word held by fewer than about
    one statement in 20,000 may be missed."""
    bodies = connection.execute(
        "SELECT body FROM search_documents WHERE fact_type = 'statement' ORDER BY id LIMIT 20000"
    ).fetchall()
    seen = {
        word for (body,) in bodies for word in WORD.findall(body.lower())
        if len(word) >= 5 and word.isalpha()
    }  # fmt: skip
    # Exact counts from the index (a temporary table: the database may be read-only).
    connection.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary"
        " USING fts5vocab(main, 'search_fts', 'row')"
    )
    held = {
        term: documents
        for term, documents in connection.execute("SELECT term, doc FROM search_vocabulary")
        if term in seen
    }
    if not held:
        raise ValueError("no statement holds a word of 5 letters or more")
    if wanted is None:
        return min(held.items(), key=lambda item: (-item[1], item[0]))
    return min(held.items(), key=lambda item: (abs(item[1] - wanted), item[0]))


def decode_cursor(cursor: str) -> list[Any]:
    """The sort values an API cursor holds ([date, id] for the default sort)."""
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return list(payload["v"])


def _month_bounds(month: str) -> tuple[str, str]:
    year, number = (int(part) for part in month.split("-"))
    return f"{month}-01", f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def build_queries(sqlite_path: str, params: dict[str, Any]) -> list[Query]:
    """Q1…Q6 for this database; walks the API for Q5's cursor (page 1000 or the last)."""
    speaker, (a, b), year = params["speaker"], params["pair"], params["pair_year"]
    word, entity, month = params["word"], params["timeline_entity"], params["timeline_month"]
    cursor, page, note = walk_factdb_cursor(sqlite_path)
    cursor_date, cursor_id = decode_cursor(cursor)
    detail = params["detail_entity"]
    connection = connect(sqlite_path)
    try:
        speaker_id, a_id, b_id = (
            _one(connection, "SELECT id FROM entities WHERE slug = ?", slug)[0]
            for slug in (speaker, a, b)
        )
    finally:
        connection.close()
    q2_args = urlencode({"a": a, "b": b, "date_from": f"{year}-01-01", "date_to": f"{year}-12-31"})
    took_part = "id in (select event_id from event_participants where entity_id = {})"
    q2_table = urlencode(
        [
            ("_where", took_part.format(a_id)),
            ("_where", took_part.format(b_id)),
            ("date_end__gte", f"{year}-01-01"),
            ("date_start__lte", f"{year}-12-31"),
            ("_sort", "sort_date"),
            ("_size", PAGE_SIZE),
        ]
    )
    q3_table = urlencode({"_search": word, "_fts_table": "search_fts", "_size": PAGE_SIZE})
    s_path = f"/api/v1/statements?limit={PAGE_SIZE}"
    return [
        Query("Q1", TITLES["Q1"], True, f"{s_path}&speaker={quote(speaker)}", (speaker,),
              f"/{{db}}/statements.json?speaker_id={speaker_id}"
              f"&_sort=sort_date&_size={PAGE_SIZE}",
              "table filter on speaker_id (looked up once), sorted by sort_date"),
        Query("Q2", TITLES["Q2"], True,
              f"/api/v1/events?participant={quote(a)}&participant={quote(b)}&from={year}&to={year}",
              (a, b, f"{year}-01-01", f"{year}-12-31"),
              f"/{{db}}/events.json?{q2_table}",
              "table filter: _where on the participants (entity ids looked up once), the"
              " dates overlapping the year, sorted by sort_date",
              f"/{{db}}.json?sql={quote(_Q2_SQL)}&{q2_args}"),
        Query("Q3", TITLES["Q3"], True, f"/api/v1/search?q={quote(word)}&limit={PAGE_SIZE}",
              (f'"{word}"', word.lower()),
              f"/{{db}}/search_documents.json?{q3_table}",
              "table search (_search, _fts_table=search_fts): the matches in id order,"
              " not ranked (Datasette 0.65's table search does not rank)",
              f"/{{db}}.json?sql={quote(_Q3_SQL)}&q={quote(chr(34) + word + chr(34))}"),
        Query("Q3id", TITLES["Q3id"], True,
              f"/api/v1/search?q={quote(word)}&limit={PAGE_SIZE}&sort=id", (f'"{word}"',),
              f"/{{db}}/search_documents.json?{q3_table}",
              "table search (_search, _fts_table=search_fts): the same matches in the"
              " same order"),
        Query("Q4", TITLES["Q4"], True,
              f"/api/v1/timeline?entity={quote(entity)}&from={month}&to={month}",
              (entity, *_month_bounds(month))),
        # Datasette's URL is found by walking a running Datasette (walk_datasette).
        Query("Q5", TITLES["Q5"], False, f"{s_path}&cursor={quote(cursor)}",
              (cursor_date, cursor_id), None, "table keyset (_next), in rowid order",
              note=f"page {page} reached" + (f" ({note})" if note else "")),
        Query("Q6", TITLES["Q6"], True, f"/api/v1/entities/{quote(detail)}", (detail,)),
    ]  # fmt: skip
