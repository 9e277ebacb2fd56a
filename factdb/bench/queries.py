"""The benchmark queries, their parameters drawn from a built database, and the
query plans factdb and the floor run them with.

Q1 statements by one speaker; Q2 events two entities both took part in within a year;
Q3 full-text search for a word, ranked; Q3id the same search in id order, as Datasette's
table search lists it; Q4 one entity's timeline for one month; Q5 page 1000 of the
statements, reached by cursor; Q6 one entity's detail; Q7 the events at least 3 sources
report within a year.
"""

from __future__ import annotations

import base64
import calendar
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from factdb.bench.floor import FLOOR_SQL, Param, connect, floor_path
from factdb.bench.parameters import LEAST_SOURCES, one_row
from factdb.bench.parameters import pick_parameters as pick_parameters  # re-exported
from factdb.bench.walk import PAGE_SIZE, TARGET_PAGE, walk_factdb_cursor

TITLES = {
    "Q1": "statements by one speaker, first page of 50",
    "Q2": "events with two given entities, within one year",
    "Q3": "full-text search for a word, first page, best first",
    "Q3id": "full-text search for a word, first page in id order",
    "Q4": "one entity's timeline for one month",
    "Q5": f"page {TARGET_PAGE} of the statements, by cursor",
    "Q6": "one entity's detail with its roles and counts",
    "Q7": f"events at least {LEAST_SOURCES} sources report, within one year",
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
and e.date_end >= :date_from and e.date_start is not null and e.fact_id = e.id
order by e.sort_date, e.id limit 50"""
_REPORTS = "select count(*) from events r where r.fact_id = {}"
_Q7_SQL = f"""select e.id, e.slug, e.kind, e.title, e.date_start, e.date_end,
({_REPORTS.format("e.id")}) as source_count
from events e
where e.sort_date between date(:date_from, '-' || (select coalesce(max(date_days), 0)
  from events) || ' days') and :date_to
and e.date_end >= :date_from and e.date_start is not null and e.fact_id = e.id
and ({_REPORTS.format("e.id")}) >= cast(:least AS integer)
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


def decode_cursor(cursor: str) -> list[Any]:
    """The sort values an API cursor holds ([date, id] for the default sort)."""
    payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return list(payload["v"])


def _month_bounds(month: str) -> tuple[str, str]:
    year, number = (int(part) for part in month.split("-"))
    return f"{month}-01", f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def build_queries(sqlite_path: str, params: dict[str, Any]) -> list[Query]:
    """Q1…Q7 for this database; walks the API for Q5's cursor (page 1000 or the last)."""
    speaker, (a, b), year = params["speaker"], params["pair"], params["pair_year"]
    word, entity, month = params["word"], params["timeline_entity"], params["timeline_month"]
    cursor, page, note = walk_factdb_cursor(sqlite_path)
    cursor_date, cursor_id = decode_cursor(cursor)
    detail = params["detail_entity"]
    connection = connect(sqlite_path)
    try:
        speaker_id, a_id, b_id = (
            one_row(connection, "SELECT id FROM entities WHERE slug = ?", slug)[0]
            for slug in (speaker, a, b)
        )
    finally:
        connection.close()
    q2_args = urlencode({"a": a, "b": b, "date_from": f"{year}-01-01", "date_to": f"{year}-12-31"})
    took_part = "id in (select event_id from event_participants where entity_id = {})"
    q2_table = urlencode(
        [
            ("_where", "fact_id = id"),
            ("_where", took_part.format(a_id)),
            ("_where", took_part.format(b_id)),
            ("date_end__gte", f"{year}-01-01"),
            ("date_start__lte", f"{year}-12-31"),
            ("_sort", "sort_date"),
            ("_size", PAGE_SIZE),
        ]
    )
    sourced_year = params["sourced_year"]
    first, last = f"{sourced_year}-01-01", f"{sourced_year}-12-31"
    q7_args = urlencode({"least": LEAST_SOURCES, "date_from": first, "date_to": last})
    q7_table = urlencode(
        [
            ("_where", "fact_id = id"),
            ("_where", f"({_REPORTS.format('events.id')}) >= {LEAST_SOURCES}"),
            ("date_end__gte", first),
            ("date_start__lte", last),
            ("_sort", "sort_date"),
            ("_size", PAGE_SIZE),
        ]
    )
    q3_table = urlencode({"_search": word, "_fts_table": "search_fts", "_size": PAGE_SIZE})
    s_path = f"/api/v1/statements?limit={PAGE_SIZE}"
    return [
        Query("Q1", TITLES["Q1"], True, f"{s_path}&speaker={quote(speaker)}", (speaker,),
              f"/{{db}}/statements.json?speaker_id={speaker_id}&_where={quote('fact_id = id')}"
              f"&_sort=sort_date&_size={PAGE_SIZE}",
              "table filter on speaker_id (looked up once) and first reports, sorted by"
              " sort_date"),
        Query("Q2", TITLES["Q2"], True,
              f"/api/v1/events?participant={quote(a)}&participant={quote(b)}&from={year}&to={year}",
              (a, b, f"{year}-01-01", f"{year}-12-31"),
              f"/{{db}}/events.json?{q2_table}",
              "table filter: _where on first reports and the participants (entity ids"
              " looked up once), the dates overlapping the year, sorted by sort_date",
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
        Query("Q7", TITLES["Q7"], True,
              f"/api/v1/events?min_sources={LEAST_SOURCES}&from={sourced_year}"
              f"&to={sourced_year}",
              (LEAST_SOURCES, first, last),
              f"/{{db}}/events.json?{q7_table}",
              "table filter: _where on first reports and on their count of reports, the"
              " dates overlapping the year, sorted by sort_date",
              f"/{{db}}.json?sql={quote(_Q7_SQL)}&{q7_args}"),
    ]  # fmt: skip
