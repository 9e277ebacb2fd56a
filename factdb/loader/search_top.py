"""search_top: the best-ranked documents of each frequent search term, ranked again
after a load of source files or a copy (SQLite only).

A search for one frequent word otherwise scores every document holding it to find the
best 50: 77 ms for a word in 107,503 documents. The ranks depend on every document
(bm25 weighs a word by how many documents hold it and a document by its length against
the average), so they are all made again, not updated.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3

from sqlalchemy import text
from sqlalchemy.engine import Engine

from factdb.loader.statistics import analyze_if_changed
from factdb.sql import SQLITE_SCORE, fts_match

# A term held by fewer documents is ranked live quickly enough (about 0.7 µs a document).
MIN_MATCHES = 1000
KEPT = 1000  # the best documents kept per term: 20 pages of 50
# The terms a search looks up: what FTS5's unicode61 makes of an ASCII word, lowercased.
ASCII_TERM = re.compile(r"[a-z0-9]+")
# What the kept scores were made with: kept and live scores must be the same numbers.
RANKING = hashlib.sha256(f"{SQLITE_SCORE} {sqlite3.sqlite_version}".encode()).hexdigest()[:16]

_RANK = text(
    "INSERT INTO search_top (term, document_id, score)"
    f" SELECT :term, rowid, {SQLITE_SCORE} FROM search_fts"
    " WHERE search_fts MATCH :match ORDER BY 3 DESC, rowid LIMIT :kept"
)


def ranked_version(content_version: str) -> str:
    """What ``dataset.search_top_version`` holds when search_top was ranked, with this
    ranking, on the content of ``content_version``."""
    return f"{content_version}:{RANKING}"


def rebuild_search_top(engine: Engine, min_matches: int = MIN_MATCHES, kept: int = KEPT) -> int:
    """Rank each term that ``min_matches`` documents or more hold and keep its best
    ``kept`` documents; return how many terms. Other engines than SQLite keep none.

    A short transaction per term, so that a loader waiting to write is not held up for
    the whole ranking (about 7 s at 880,000 facts). Readers rank live meanwhile: the version
    is cleared first, and set at the end only if no load changed the content since.
    The table is analyzed at the end if its rows changed by a tenth (statistics.py).
    """
    if engine.dialect.name != "sqlite":
        return 0
    with engine.begin() as connection:
        version = connection.exec_driver_sql("SELECT content_version FROM dataset").scalar()
        connection.exec_driver_sql("UPDATE dataset SET search_top_version = NULL")
        connection.exec_driver_sql("DELETE FROM search_top")
        connection.exec_driver_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary"
            " USING fts5vocab(main, 'search_fts', 'row')"
        )
        found = connection.exec_driver_sql(
            "SELECT term FROM temp.search_vocabulary WHERE doc >= ? ORDER BY term",
            (min_matches,),
        )
        terms = [term for (term,) in found if ASCII_TERM.fullmatch(term)]
    if version is None:  # no dataset row: nothing loaded
        return 0
    for term in terms:
        with engine.begin() as connection:
            # Another ranking may run at the same time: each keeps a term's latest ranks.
            connection.execute(text("DELETE FROM search_top WHERE term = :t"), {"t": term})
            connection.execute(_RANK, {"term": term, "match": fts_match([term]), "kept": kept})
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE dataset SET search_top_version = :ranked WHERE content_version = :v"),
            {"ranked": ranked_version(version), "v": version},
        )
        analyze_if_changed(connection, "search_top", ["search_top"])
    return len(terms)
