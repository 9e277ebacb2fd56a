"""search_top: the best-ranked documents of each frequent search term, ranked again
after every load (SQLite only).

A search for one frequent word otherwise scores every document holding it to find the
best 50: 77 ms for a word in 107,503 documents. The ranks depend on every document
(bm25 weighs a word by how many documents hold it and a document by its length against
the average), so they are all made again after a load, not updated.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Engine

# A term held by fewer documents is ranked live quickly enough (about 0.7 µs a document).
MIN_MATCHES = 1000
KEPT = 1000  # the best documents kept per term: 20 pages of 50
# The terms a search looks up: what FTS5's unicode61 makes of an ASCII word, lowercased.
ASCII_TERM = re.compile(r"[a-z0-9]+")

_RANK = text(
    "INSERT INTO search_top (term, document_id, score)"
    " SELECT :term, rowid, -bm25(search_fts, 2.0, 1.0) FROM search_fts"
    " WHERE search_fts MATCH :match ORDER BY 3 DESC, rowid LIMIT :kept"
)


def rebuild_search_top(engine: Engine, min_matches: int = MIN_MATCHES, kept: int = KEPT) -> int:
    """Rank each term that ``min_matches`` documents or more hold, keep its best ``kept``
    documents, and record the content version they were ranked on, in one transaction;
    return how many terms. Other engines than SQLite keep the table empty."""
    if engine.dialect.name != "sqlite":
        return 0
    with engine.begin() as connection:
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
        for term in terms:
            connection.execute(_RANK, {"term": term, "match": f'"{term}"', "kept": kept})
        connection.exec_driver_sql("UPDATE dataset SET search_top_version = content_version")
    return len(terms)
