"""SQL whose spelling differs by engine, each written once and chosen by dialect."""

from __future__ import annotations

import re
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
from sqlalchemy.ext.compiler import compiles
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
WORD = re.compile(r"[^\W_]+")
MAX_SEARCH_WORDS = 16
MARK_START, MARK_END = "<mark>", "</mark>"


def search_words(query: str) -> list[str]:
    """The words of a user's query. Nothing else of it reaches the engine: operators,
    quotes, '*' and 'NEAR(' are dropped, so the words are searched as plain text."""
    return WORD.findall(query)[:MAX_SEARCH_WORDS]


def search_hits(dialect: str, words: list[str], snippets: bool = False) -> AnySelect:
    """(document id, score[, snippet]) of documents holding every word.

    SQLite matches the words as FTS5 phrases; PostgreSQL through plainto_tsquery. Both
    AND the words; scores and snippet boundaries differ between the engines. Snippets
    cost more than scores: ask for them only for the rows of a page.
    """
    if dialect == "sqlite":
        match = " ".join(f'"{word}"' for word in words)  # words hold no quote characters
        snippet = f", snippet(search_fts, 1, '{MARK_START}', '{MARK_END}', '…', 12) AS snippet"
        fts = text(
            "SELECT rowid AS id, -bm25(search_fts, 2.0, 1.0) AS score"
            f"{snippet if snippets else ''} FROM search_fts WHERE search_fts MATCH :match"
        ).bindparams(bindparam("match", match))
        columns = [literal_column("id"), literal_column("score", Float)]
        hits = fts.columns(*columns, *([literal_column("snippet")] if snippets else [])).subquery(
            "hits"
        )
        return select(*hits.c)
    if dialect == "postgresql":
        config: ColumnElement[Any] = literal_column("'simple'::regconfig")
        tsquery = func.plainto_tsquery(config, " ".join(words))
        document: ColumnElement[Any] = literal_column("search_documents.document")
        options = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=8"
        headline = func.ts_headline(config, SearchDocument.body, tsquery, options)
        return select(
            SearchDocument.id.label("id"),
            # ts_rank is float4: as float8 a score survives the round trip through a cursor.
            cast(func.ts_rank(document, tsquery), Double).label("score"),
            *([headline.label("snippet")] if snippets else []),
        ).where(document.op("@@")(tsquery))
    raise NotImplementedError(f"no full-text search for the {dialect} dialect")


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
