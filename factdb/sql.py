"""SQL whose spelling differs by engine, each written once and chosen by dialect."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Double,
    Float,
    Select,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer, String

from factdb.models import SearchDocument


class _DateText(FunctionElement[str]):
    """A date column as text in ``pattern`` (a prefix of YYYY-MM-DD)."""

    type = String()
    inherit_cache = True
    pattern = "YYYY-MM-DD"


class year_month(_DateText):
    """'YYYY-MM' of a date column."""

    inherit_cache = True
    pattern = "YYYY-MM"


class year_of(_DateText):
    """'YYYY' of a date column."""

    inherit_cache = True
    pattern = "YYYY"


def _date_text_sqlite(element: _DateText, compiler: Any, **kw: Any) -> str:
    # SQLite stores dates as ISO text: the pattern is a prefix of it.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, {len(element.pattern)})"


def _date_text_postgresql(element: _DateText, compiler: Any, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, '{element.pattern}')"


for _construct in (year_month, year_of):
    compiles(_construct, "sqlite")(_date_text_sqlite)
    compiles(_construct, "postgresql")(_date_text_postgresql)


class days_between(FunctionElement[int]):
    """Whole days from the first date column to the second."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({end} - {start})"


# A SELECT of any columns (SQLAlchemy 2.1 types selects by their column tuple).
AnySelect = Select[*tuple[Any, ...]]
# A column or an ORM attribute: what sort keys and filters compare.
Expression = ColumnElement[Any] | QueryableAttribute[Any]
WORD = re.compile(r"[^\W_]+")
MAX_SEARCH_WORDS = 16
MARK_START, MARK_END = "<mark>", "</mark>"


def search_words(query: str) -> list[str]:
    """The words of a user's query. Nothing else of it reaches the engine: operators,
    quotes, '*' and 'NEAR(' are dropped, so the words are searched as plain text."""
    return WORD.findall(query)[:MAX_SEARCH_WORDS]


# The score of a SQLite search: title matches weigh twice body matches.
SQLITE_SCORE = "-bm25(search_fts, 2.0, 1.0)"


def fts_match(words: list[str]) -> str:
    """The FTS5 query for ``words``: each a phrase, all of them required."""
    return " ".join(f'"{word}"' for word in words)  # words hold no quote characters


def search_hits(dialect: str, words: list[str]) -> AnySelect:
    """(document id, score) of documents holding every word.

    SQLite matches the words as FTS5 phrases; PostgreSQL through plainto_tsquery. Both
    AND the words; scores and snippet boundaries differ between the engines.
    """
    if dialect == "sqlite":
        fts = text(
            f"SELECT rowid AS id, {SQLITE_SCORE} AS score"
            " FROM search_fts WHERE search_fts MATCH :match"
        ).bindparams(bindparam("match", fts_match(words)))
        hits = fts.columns(literal_column("id"), literal_column("score", Float)).subquery("hits")
        return select(*hits.c)
    if dialect == "postgresql":
        return select(SearchDocument.id.label("id"), _ts_rank(words).label("score")).where(
            _ts_document().op("@@")(_tsquery(words))
        )
    raise NotImplementedError(f"no full-text search for the {dialect} dialect")


# Each engine's index of the trigrams of entity names and aliases (migration 0007).
_SIMILAR_NAMES = {
    # Ranked by bm25 over the key's rarest trigrams; rowid: an entity's id times two,
    # an alias's id times two plus one.
    "sqlite": """SELECT f.key AS key, e.name AS name FROM (
        SELECT rowid, key FROM entity_name_fts WHERE entity_name_fts MATCH :match
        ORDER BY rank LIMIT :limit) AS f
        JOIN entities e ON e.id = CASE WHEN f.rowid % 2 = 0 THEN f.rowid / 2
        ELSE (SELECT entity_id FROM entity_aliases WHERE id = f.rowid / 2) END""",
    # pg_trgm's similarity (the % operator), or the key inside a name (LIKE): both on
    # the GIN trigram indexes.
    "postgresql": """SELECT key, name FROM (
        SELECT e.name_key AS key, e.name AS name, similarity(e.name_key, :key) AS score
        FROM entities e WHERE e.name_key % :key OR e.name_key LIKE :inside
        UNION ALL
        SELECT a.alias_key, e.name, similarity(a.alias_key, :key)
        FROM entity_aliases a JOIN entities e ON e.id = a.entity_id
        WHERE a.alias_key % :key OR a.alias_key LIKE :inside) AS found
        ORDER BY score DESC, key LIMIT :limit""",
}
# SQLite reads the names holding any of the key's rarest trigrams: with all of them, a
# name of common syllables matched most names (3,082 of 13,965; 29 ms against 2 ms).
RAREST_TRIGRAMS = 5


def similar_names(connection: Connection, key: str, limit: int) -> list[tuple[str, str]]:
    """(key, entity name) of the names and aliases most like the folded ``key``, read
    from the engine's trigram index; none for a key too short to have a trigram."""
    if len(key) < 3:
        return []
    dialect = connection.dialect.name
    if dialect == "sqlite":
        trigrams = sorted({key[i : i + 3] for i in range(len(key) - 2)})
        vocabulary = text(
            "SELECT term FROM entity_name_fts_vocab WHERE term IN :terms ORDER BY doc LIMIT :k"
        ).bindparams(bindparam("terms", trigrams, expanding=True), bindparam("k", RAREST_TRIGRAMS))
        rarest = list(connection.scalars(vocabulary))
        if not rarest:
            return []
        match = " OR ".join('"' + trigram.replace('"', '""') + '"' for trigram in rarest)
        values: dict[str, object] = {"match": match, "limit": limit}
    elif dialect == "postgresql":
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        values = {"key": key, "inside": f"%{escaped}%", "limit": limit}
    else:
        raise NotImplementedError(f"no name trigrams for the {dialect} dialect")
    rows = connection.execute(text(_SIMILAR_NAMES[dialect]), values)
    return [(found, name) for found, name in rows]


_SNIPPET = f"snippet(search_fts, 1, '{MARK_START}', '{MARK_END}', '…', 12)"
_SHOWN = "sd.id, sd.fact_type, sd.fact_id, sd.slug, sd.title"


def search_page(
    dialect: str, words: list[str], ids: list[int], scored: bool
) -> TextClause | AnySelect:
    """The documents ``ids`` of a search for ``words``: (id, fact_type, fact_id, slug,
    title, snippet), and their score unless ``scored`` (the page's sort gave it).

    On SQLite, bm25 weighs each word by counting all its matches, once per statement: a
    score is made for every row of one statement over the page's rowid range (a row
    at a time, the count would be redone for each). Snippets alone are made a row at a
    time, which reads that row only.
    """
    if dialect == "sqlite":
        if scored:
            sql = (
                f"SELECT {_SHOWN}, (SELECT {_SNIPPET} FROM search_fts WHERE search_fts MATCH"
                " :match AND search_fts.rowid = sd.id) AS snippet"
                " FROM search_documents sd WHERE sd.id IN :ids"
            )
        else:  # CROSS JOIN: the index is read first, in rowid order
            sql = (
                f"SELECT {_SHOWN}, f.snippet, f.score FROM (SELECT rowid AS id,"
                f" {_SNIPPET} AS snippet, {SQLITE_SCORE} AS score FROM search_fts"
                " WHERE search_fts MATCH :match AND rowid BETWEEN :low AND :high"
                " AND +rowid IN :ids) f CROSS JOIN search_documents sd ON sd.id = f.id"
            )
        return text(sql).bindparams(
            bindparam("match", fts_match(words)),
            bindparam("ids", ids, expanding=True),
            *([] if scored else [bindparam("low", min(ids)), bindparam("high", max(ids))]),
        )
    if dialect == "postgresql":
        options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8"
        headline = func.ts_headline(_CONFIG, SearchDocument.body, _tsquery(words), options)
        return select(
            SearchDocument.id,
            SearchDocument.fact_type,
            SearchDocument.fact_id,
            SearchDocument.slug,
            SearchDocument.title,
            headline.label("snippet"),
            *([] if scored else [_ts_rank(words).label("score")]),
        ).where(SearchDocument.id.in_(ids))
    raise NotImplementedError(f"no full-text search for the {dialect} dialect")


_CONFIG: ColumnElement[Any] = literal_column("'simple'::regconfig")


def _tsquery(words: list[str]) -> ColumnElement[Any]:
    return func.plainto_tsquery(_CONFIG, " ".join(words))


def _ts_document() -> ColumnElement[Any]:
    return literal_column("search_documents.document")


def _ts_rank(words: list[str]) -> ColumnElement[Any]:
    # ts_rank is float4: as float8 a score survives the round trip through a cursor.
    return cast(func.ts_rank(_ts_document(), _tsquery(words)), Double)


class folded(FunctionElement[str]):
    """A text column casefolded: Python's casefold on SQLite (whose lower() knows only
    ASCII; registered on every connection as factdb_fold), lower() on PostgreSQL."""

    type = String()
    inherit_cache = True


@compiles(folded, "sqlite")
def _folded_sqlite(element: folded, compiler: Any, **kw: Any) -> str:
    return f"factdb_fold({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_postgresql(element: folded, compiler: Any, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


class code_point_order(FunctionElement[str]):
    """A text column sorted by code point on both engines: SQLite's BINARY collation is
    that already; PostgreSQL's default follows the database's locale, so say "C"."""

    type = String()
    inherit_cache = True


@compiles(code_point_order, "sqlite")
def _code_point_sqlite(element: code_point_order, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(code_point_order, "postgresql")
def _code_point_postgresql(element: code_point_order, compiler: Any, **kw: Any) -> str:
    return f'({compiler.process(element.clauses, **kw)} COLLATE "C")'


def analyze(connection: Connection, tables: Iterable[str]) -> None:
    """Gather the query planner's statistics on ``tables``, in the connection's
    transaction (whether a database needs them: factdb.loader.statistics).

    PostgreSQL: ANALYZE, a sample of each table. SQLite: ANALYZE of every row of each
    table's indexes. Not PRAGMA optimize: before 3.46 it analyzes only the tables this
    connection's queries read (on a fresh connection it did nothing). Not analysis_limit:
    an index's first rows are no sample of it (limited to 1,000 rows on 1,000 sources,
    statements counted 334 per speaker, not 9, and 1,001 per mode, not 7,000).
    """
    preparer = connection.dialect.identifier_preparer
    names = [preparer.quote(name) for name in tables]
    if not names:
        return
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.exec_driver_sql(f"ANALYZE {', '.join(names)}")
    elif dialect == "sqlite":
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            # pysqlite begins a transaction before DML only: without this one, each
            # ANALYZE commits on its own (100 ms for the seed's tables, not 30).
            driver.execute("BEGIN")
        connection.exec_driver_sql("PRAGMA analysis_limit = 0")  # 0: every row
        for name in names:
            connection.exec_driver_sql(f"ANALYZE {name}")
    else:
        raise NotImplementedError(f"no ANALYZE for the {dialect} dialect")


def analyzed_rows(connection: Connection, table: str) -> float | None:
    """How many rows ``table`` held when it was last analyzed, as the planner knows it;
    None if it never was."""
    if connection.dialect.name == "postgresql":
        # reltuples is -1 until the table is first analyzed or vacuumed.
        rows = connection.scalar(
            text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)"), {"t": table}
        )
        return None if rows is None or rows < 0 else float(rows)
    if connection.dialect.name == "sqlite":
        exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        if connection.exec_driver_sql(exists).first() is None:
            return None
        # Each row's stat starts with the table's row count.
        stat = connection.scalar(
            text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t LIMIT 1"), {"t": table}
        )
        return None if stat is None else float(stat.split()[0])
    raise NotImplementedError(f"no statistics for the {connection.dialect.name} dialect")


def next_id(connection: Connection, table: str, given: int = 0) -> int:
    """An id for a new row of ``table``, taken before the insert (a fact's first report
    names itself in fact_id): the table's sequence on PostgreSQL; on SQLite, which has
    one writer at a time, one past the largest id stored and past ``given``, the last
    id this writer took for rows it has not inserted yet."""
    if connection.dialect.name == "postgresql":
        query = text("SELECT nextval(pg_get_serial_sequence(:t, 'id'))")
        return int(connection.scalar(query, {"t": table}))
    if connection.dialect.name == "sqlite":
        preparer = connection.dialect.identifier_preparer
        largest = connection.exec_driver_sql(f"SELECT max(id) FROM {preparer.quote(table)}")
        return max(int(largest.scalar() or 0), given) + 1
    raise NotImplementedError(f"no ids for the {connection.dialect.name} dialect")
