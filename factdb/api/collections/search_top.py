"""The first pages of a search for one frequent word, read from search_top (kept ranked
by the loader, factdb.loader.search_top) instead of scoring every document holding it.

Only when the result is the same as ranking live: SQLite, one ASCII word (its FTS5 term
is the word lowercased), no type filter, best first, JSON pages, search_top ranked on
the current content version with the ranking this process would use (the same score
expression and SQLite), and the whole page (with the row that tells whether another
follows) among the kept rows. A cursor is the same on both paths: the score and the
id.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from factdb.api.collections.collection import wants_csv
from factdb.api.collections.keyset import SortKey, decode_cursor, keyset_after, parse_sort
from factdb.api.http import request_db
from factdb.loader.search_top import RANKING
from factdb.models import Dataset, SearchTopHit
from factdb.sql import AnySelect

_KEPT = SearchTopHit.__table__
_SORT_KEYS = {"score": SortKey(_KEPT.c.score, "float"), "id": SortKey(_KEPT.c.document_id, "int")}
BEST_FIRST = [("score", True), ("id", False)]


def kept_hits(dialect: str, words: list[str], args: dict[str, Any]) -> AnySelect | None:
    """(id, score) of the kept hits of this search, when they hold the page asked for;
    else None (rank live)."""
    if dialect != "sqlite" or len(words) != 1 or not words[0].isascii():
        return None
    if "type" in args or "group_by" in args or wants_csv(args):
        return None
    if parse_sort(_SORT_KEYS, args.get("sort", "-score")) != BEST_FIRST:
        return None
    hits = select(_KEPT.c.document_id.label("id"), _KEPT.c.score.label("score")).where(
        _KEPT.c.term == words[0].lower()
    )
    ranked_on = Dataset.content_version + ":" + RANKING
    current = select(Dataset.search_top_version == ranked_on).scalar_subquery()
    hits = hits.where(current)
    page = hits
    if "cursor" in args:
        page = page.where(keyset_after(decode_cursor(_SORT_KEYS, args["cursor"], BEST_FIRST)))
    wanted = args["limit"] + 1
    found = select(func.count()).select_from(page.limit(wanted).subquery())
    return hits if request_db.session().scalar(found) == wanted else None
