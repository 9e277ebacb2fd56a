"""Large statements built once per shape, then run again with each request's values.

SQLAlchemy caches compiled SQL by a statement's cache key, but it works the key out
anew for every statement object, walking the whole statement. For a page of statements
with their JSON documents (sqljson.py), building the statement and its key took 660 µs
a request, more than SQLite took to answer it (400 µs); the page query's key alone takes
40 µs. Here the large statement is kept, keyed by the cache key of its small varying
part (the page query): a later page query with the same key differs only in its bound
values, which are handed to the kept statement in the order both keys list them, as
SQLAlchemy does on its own cache hits.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import LRUCache
from sqlalchemy.sql.elements import BindParameter

from factdb.sql import AnySelect

Kept = tuple[AnySelect, list[BindParameter[Any]]]


class StatementsByShape:
    """A statement built around ``part`` for each shape of ``part``, kept and reused
    (thread-safe)."""

    def __init__(self, maxsize: int = 256) -> None:
        self._kept: LRUCache[Hashable, Kept] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def statement(
        self, part: AnySelect, build: Callable[[], AnySelect], *shape: Hashable
    ) -> tuple[AnySelect, dict[str, Any]]:
        """The statement ``build()`` makes around ``part`` (kept from an earlier part of
        the same shape) and the parameters to run it with; ``shape`` names whatever else
        ``build`` depends on."""
        key = part._generate_cache_key()  # SQLAlchemy's own key; its values left out
        if key is None:  # an element SQLAlchemy cannot cache: built each time, as it does
            return build(), {}
        with self._lock:
            kept = self._kept.get((shape, key.key))
        if kept is None:
            statement = build()
            with self._lock:
                self._kept[(shape, key.key)] = (statement, list(key.bindparams))
            return statement, {}
        statement, kept_binds = kept
        values = {
            old.key: new.effective_value
            for old, new in zip(kept_binds, key.bindparams, strict=True)
        }
        return statement, values
