"""Answers kept per content version: a collection's total, an entity's counts, the id
a slug names, the longest date interval of a kind of fact.

Stored content only changes with a load, and a load changes the content version, so a
count made once for a version stays true for that version. Every page of a walk repeats
the first page's total; a popular entity's counts take longest to make. Each worker
keeps a bounded number, behind a lock because cachetools' caches are not thread-safe
(``flask run`` and threaded gunicorn workers serve requests in threads).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from cachetools import LRUCache

from factdb.api.http import request_db

Value = TypeVar("Value")
_CACHE: LRUCache[tuple[Hashable, ...], object] = LRUCache(maxsize=8192)
_LOCK = threading.Lock()


def counted(key: tuple[Hashable, ...], count: Callable[[], Value]) -> Value:
    """``count()``, made once per content version and ``key``.

    Nothing is kept while the database has no content version (an empty database, or
    one that ``factdb copy`` is still filling): its counts may be of half the rows.
    """
    version = request_db.content_version()
    if version == request_db.NO_CONTENT:
        return count()
    full_key = (version, *key)
    with _LOCK:
        found = _CACHE.get(full_key)
    if found is not None:
        return found  # type: ignore[return-value]
    value = count()
    with _LOCK:
        _CACHE[full_key] = value
    return value
