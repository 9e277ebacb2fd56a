"""The benchmark's parameters, chosen from a built database: the busiest speaker, a
pair of entities and their year, a frequent word, a busy month, the entity with most
roles, and the year with most events several sources report."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

from factdb.bench.floor import connect

WORD = re.compile(r"[^\W_]+")
LEAST_SOURCES = 3  # Q7's min_sources


def one_row(connection: sqlite3.Connection, sql: str, *params: Any) -> Any:
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
    entities sharing events and one of their years, a frequent word, a busy month, the
    year with most events that several sources report.

    With ``like`` (another corpus's parameters), the pair's year, the word, the month
    (of one of the busiest entities) and Q7's year are those whose counts come nearest
    to ``like``'s, so that a query matches as many facts on corpora of every size."""
    pair_order, month_order, busiest = "n DESC, eb.id, year", "n DESC, who.id, month", 1
    if like is not None:
        pair_order = f"abs(n - {int(like['pair_shared_events_in_year'])}), eb.id, year"
        month_order = f"abs(n - {int(like['timeline_month_facts'])}), who.id, month"
        busiest = MATCHED_AMONG
    connection = connect(sqlite_path)
    try:
        speaker, statements = one_row(
            connection,
            "SELECT e.slug, count(*) AS n FROM statements s JOIN entities e"
            " ON e.id = s.speaker_id GROUP BY e.id ORDER BY n DESC, e.id LIMIT 1",
        )
        # The busiest participant, and who shared most of its dated events in one year.
        a, b, year, shared = one_row(
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
        entity, month, month_count = one_row(
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
        sourced_year, sourced = _sourced_year(
            connection, None if like is None else int(like["sourced_events_in_year"])
        )
        detail, roles = one_row(
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
        "sourced_year": sourced_year,
        "sourced_events_in_year": sourced,
    }


def _sourced_year(connection: sqlite3.Connection, wanted: int | None) -> tuple[str, int]:
    """Q7's year and how many events (facts, not reports) at least LEAST_SOURCES sources
    report overlap it: the year with most, or the one whose count is nearest ``wanted``.
    A corpus without such events gets its first year of dated events, and 0."""
    nearest = "n DESC" if wanted is None else f"abs(n - {wanted})"
    year, count = one_row(
        connection,
        "WITH sourced(first, last) AS MATERIALIZED (SELECT e.date_start, e.date_end"
        " FROM events e WHERE e.fact_id = e.id AND e.date_start IS NOT NULL AND"
        " (SELECT count(*) FROM events r WHERE r.fact_id = e.id) >= ?),"
        " years(year) AS (SELECT DISTINCT substr(date_start, 1, 4) FROM events"
        " WHERE date_start IS NOT NULL) SELECT year, (SELECT count(*) FROM sourced"
        " WHERE first <= year || '-12-31' AND last >= year || '-01-01') AS n"
        f" FROM years ORDER BY {nearest}, year LIMIT 1",
        LEAST_SOURCES,
    )
    return str(year), int(count)


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
