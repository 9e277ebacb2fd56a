"""A bulk batch's rows, held until the batch is inserted."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from factdb.loader.reports import Declared
from factdb.loader.shared import Enriched


@dataclass
class Rows:
    """A batch's rows to insert, by table, with ids taken from ``next_ids``; references
    to a row inserted later in the same table are set afterwards (``deferred``)."""

    next_ids: dict[str, int]
    inserts: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    deferred: dict[tuple[str, str], list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def allocate(self, table: str) -> int:
        self.next_ids[table] += 1
        return self.next_ids[table] - 1

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.inserts[table].append(row)

    def refer(self, table: str, row: dict[str, Any], column: str, target: int | None) -> None:
        """Set ``row[column]`` to ``target``, a row of the same table: at once when that
        row is inserted before this one, else by an update after the inserts."""
        if target is not None and target >= row["id"]:
            self.deferred[(table, column)].append({"id": row["id"], "value": target})
            target = None
        row[column] = target


@dataclass(frozen=True)
class Written:
    """What a source's rows need checked before the batch is inserted."""

    file: str
    slug: str
    keys: list[tuple[str, int, str]]  # (section, index in the file, key)
    shared: tuple[Enriched, ...]  # what it added to entities other sources define
    source_id: int
    # Per kind of fact, its facts that name other sources' facts under same_as.
    declared: dict[str, list[Declared]]
