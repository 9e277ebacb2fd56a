"""Large statements built once per shape, then run again with each request's values.

SQLAlchemy caches compiled SQL by a statement's cache key, but it works the key out
anew for every statement object, walking the whole statement. For a page of statements
with their JSON documents (sqljson.py), building the statement and its key took 660 µs
a request, more than SQLite took to answer it (400 µs); the page query's key alone takes
40 µs. Here the large statement is kept, keyed by the cache key of its small varying
part (the page query): a later page query with the same key differs only in its bound
values, which are handed to the kept statement in the order both keys list them, as
SQLAlchemy does on its own cache hits. The kept statement then runs on the driver,
compiled once (driver.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cachetools import LRUCache
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from factdb.api.sqljson.driver import DriverStatement
from factdb.sql import AnySelect

# Not yet compiled for a dialect (None: compiled, and found to need SQLAlchemy).
_UNCOMPILED: Any = object()


@dataclass(eq=False)
class KeptStatement:
    """A statement built for one shape, and its compiled forms by dialect."""

    statement: AnySelect
    binds: list[BindParameter[Any]]  # the part's, in its cache key's order
    # False for a statement built for one request only: compiling it for the driver
    # would cost more than SQLAlchemy's own execution, which caches what it can.
    on_driver: bool = True
    # No lock: two threads compiling the same statement at once make the same form, and
    # setdefault keeps the first.
    _compiled: dict[str, DriverStatement | None] = field(default_factory=dict)

    def rows(self, connection: Connection, values: dict[str, Any]) -> list[Sequence[Any]]:
        """The statement's rows for ``values``: on the driver (driver.py), or through
        SQLAlchemy when its SQL changes with its values or it is not kept."""
        if not self.on_driver:
            return list(connection.execute(self.statement, values).all())
        dialect = connection.dialect
        compiled = self._compiled.get(dialect.name, _UNCOMPILED)
        if compiled is _UNCOMPILED:
            compiled = self._compiled.setdefault(
                dialect.name, DriverStatement.compile(self.statement, dialect)
            )
        if compiled is None:
            return list(connection.execute(self.statement, values).all())
        return compiled.rows(connection, values)


class StatementsByShape:
    """A statement built around ``part`` for each shape of ``part``, kept and reused
    (thread-safe)."""

    def __init__(self, maxsize: int = 256) -> None:
        self._kept: LRUCache[Hashable, KeptStatement] = LRUCache(maxsize=maxsize)
        self._lock = threading.Lock()

    def statement(
        self, part: AnySelect, build: Callable[[], AnySelect], *shape: Hashable
    ) -> tuple[KeptStatement, dict[str, Any]]:
        """The statement ``build()`` makes around ``part`` (kept from an earlier part of
        the same shape) and the parameters to run it with; ``shape`` names whatever else
        ``build`` depends on."""
        key = part._generate_cache_key()  # SQLAlchemy's own key; its values left out
        if key is None:  # an element SQLAlchemy cannot cache: built each time, as it does
            return KeptStatement(build(), [], on_driver=False), {}
        with self._lock:
            kept = self._kept.get((shape, key.key))
        if kept is None:
            kept = KeptStatement(build(), list(key.bindparams))
            with self._lock:
                self._kept[(shape, key.key)] = kept
            return kept, {}
        values = {
            old.key: new.effective_value
            for old, new in zip(kept.binds, key.bindparams, strict=True)
        }
        return kept, values
