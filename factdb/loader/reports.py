"""Facts that several sources report: each source's row of a fact is its report, and
the rows that ``same_as`` links (directly or through each other) are one fact, named by
``fact_id``, the smallest id among them.

Both writers call this once a source's rows are written (or removed): the links are
checked, and the rows of every fact the source touched take their fact's id again.
Only those facts' rows are read, by the fact_id index, never a whole table; a batch of
new sources (the bulk path) reads only its facts that name others and what they name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select, update

from factdb.loader.errors import Problem
from factdb.loader.lookup import one_of
from factdb.models import Base

# The kinds of fact that several sources may report, each a table of that name.
REPORTED = ("events", "roles", "statements", "positions", "quantities")
SINGULAR = {
    "events": "event",
    "roles": "role",
    "statements": "statement",
    "positions": "position",
    "quantities": "quantity",
}


@dataclass(frozen=True)
class Declared:
    """A fact of the source being written, as its file labels it, and its same_as."""

    label: str
    key: str
    same_as: tuple[str, ...]


def table_of(section: str) -> Table:
    table = Base.metadata.tables[section]
    assert isinstance(table, Table)
    return table


def link_problems(
    connection: Connection, file: str, source_id: int, section: str, declared: list[Declared]
) -> list[Problem]:
    """The same_as keys of ``declared`` that name no stored fact of ``section`` of
    another source: unknown, a fact of another kind, or one of this very source."""
    keys = {key for fact in declared for key in fact.same_as}
    if not keys:
        return []
    table = table_of(section)
    stored = dict(_by_slug(connection, table, keys, table.c.source_id))
    others = {
        other: {slug for slug, _ in _by_slug(connection, table_of(other), keys, None)}
        for other in REPORTED
        if other != section
    }
    problems = []
    for fact in declared:
        for index, key in enumerate(fact.same_as):
            field = "same_as" if len(fact.same_as) == 1 else f"same_as.{index}"
            message = None
            if key == fact.key or stored.get(key) == source_id:
                message = f"{key!r} is a fact of this same source: same_as links other sources"
            elif key not in stored:
                kinds = [SINGULAR[other] for other, slugs in others.items() if key in slugs]
                message = (
                    f"{key!r} is {_a(kinds[0])}, not {_a(SINGULAR[section])}"
                    if kinds
                    else f"no stored {SINGULAR[section]} {key!r} in another source"
                )
            if message is not None:
                problems.append(Problem(file, fact.label, field, message))
    return problems


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def links_hold(connection: Connection, section: str, declared: dict[int, list[Declared]]) -> bool:
    """Whether every same_as key of ``declared`` (by the id of the source declaring
    it) names a stored fact of ``section`` of another source: link_problems would find
    nothing, found in one statement per chunk of keys for any number of sources."""
    keys = {key for facts in declared.values() for fact in facts for key in fact.same_as}
    stored = dict(_by_slug(connection, table_of(section), keys, table_of(section).c.source_id))
    return all(
        key != fact.key and stored.get(key, source_id) != source_id
        for source_id, facts in declared.items()
        for fact in facts
        for key in fact.same_as
    )


def regroup(
    connection: Connection,
    file: str,
    source_id: int,
    section: str,
    declared: list[Declared],
    gone: Iterable[int] = (),
) -> tuple[set[int], list[Problem]]:
    """Give every row of the facts this source's rows touch (or ``gone``, the facts of
    rows just deleted) the id of its fact again.

    Returns the ids that named a touched fact before or after (their conflicts are
    stale), and a problem for each fact that would hold two reports of one source.
    """
    table = table_of(section)
    mine = {row.id: row for row in _rows(connection, table, table.c.source_id, [source_id])}
    touched, members, groups = _regroup(connection, section, mine, gone)
    problems = _one_report_per_source(file, section, declared, members, groups.values())
    return touched, problems


def regroup_sources(
    connection: Connection, declared: dict[int, list[Declared]], section: str
) -> tuple[set[int], bool]:
    """``regroup`` for a batch of new sources at once, given the facts of each (by
    source id) that name others under same_as, links known to name stored facts of
    other sources: the same fact ids as regrouping them one after the other.

    Only the rows those facts name are read (their own rows, the rows their same_as
    keys name, and the other reports of those rows' facts): a new fact no one links
    is alone in its fact already, named by its own id.

    Returns the ids whose conflicts are stale, and whether every fact holds one report
    per source (when not, regroup source by source says where)."""
    table = table_of(section)
    named = {
        key for facts in declared.values() for fact in facts for key in (fact.key, *fact.same_as)
    }
    linked = {row.id: row for row in _rows(connection, table, table.c.slug, named)}
    touched, members, groups = _regroup(connection, section, linked, ())
    alone = all(
        len({members[row_id].source_id for row_id in row_ids}) == len(row_ids)
        for row_ids in groups.values()
    )
    return touched, alone


def _regroup(
    connection: Connection, section: str, mine: dict[int, Any], gone: Iterable[int]
) -> tuple[set[int], dict[int, Any], dict[int, list[int]]]:
    """Link the rows of the facts that the rows ``mine`` (or ``gone``) touch by their
    same_as, and give each its fact's id. Returns the ids that named a touched fact
    before or after, the rows read, and the rows of each fact by its id."""
    table = table_of(section)
    read = {row.slug for row in mine.values()}
    keys = {key for row in mine.values() for key in (row.same_as or "").split()} - read
    targets = {row.id: row for row in _rows(connection, table, table.c.slug, keys)}
    touched = {row.fact_id for row in (*mine.values(), *targets.values())} | set(gone)
    members = {row.id: row for row in _rows(connection, table, table.c.fact_id, touched)}
    members |= mine | targets
    by_slug = {row.slug: row_id for row_id, row in members.items()}
    parent = {row_id: row_id for row_id in members}

    def find(row_id: int) -> int:
        while parent[row_id] != row_id:
            parent[row_id] = parent[parent[row_id]]
            row_id = parent[row_id]
        return row_id

    for row_id, row in members.items():
        for key in (row.same_as or "").split():
            if key in by_slug:  # a key of a removed source's fact links nothing
                first, second = sorted((find(row_id), find(by_slug[key])))
                parent[second] = first
    groups: dict[int, list[int]] = {}
    for row_id in sorted(members):
        groups.setdefault(find(row_id), []).append(row_id)
    moved = [
        {"row_id": row_id, "new_fact_id": fact_id}
        for fact_id, row_ids in groups.items()
        for row_id in row_ids
        if members[row_id].fact_id != fact_id
    ]
    if moved:  # one executemany: a batch moves thousands of rows
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values(fact_id=bindparam("new_fact_id"))
        )
        connection.execute(statement, moved)
    return touched | set(groups), members, groups


def _one_report_per_source(
    file: str,
    section: str,
    declared: list[Declared],
    members: dict[int, Any],
    groups: Iterable[list[int]],
) -> list[Problem]:
    labels = {fact.key: fact.label for fact in declared}
    problems = []
    for row_ids in groups:
        by_source: dict[int, list[str]] = {}
        for row_id in row_ids:
            by_source.setdefault(members[row_id].source_id, []).append(members[row_id].slug)
        for slugs in by_source.values():
            if len(slugs) > 1:
                mine = [slug for group in by_source.values() for slug in group if slug in labels]
                label = labels[mine[0]] if mine else None
                message = (
                    f"links {', '.join(repr(s) for s in slugs)}, facts that one source reports "
                    f"apart, into one {SINGULAR[section]}: a fact has one report per source"
                )
                problems.append(Problem(file, label, "same_as", message))
    return problems


def _by_slug(
    connection: Connection, table: Table, slugs: Iterable[str], value: Any
) -> Iterator[tuple[str, Any]]:
    column = value if value is not None else table.c.id
    if slugs := set(slugs):
        query = select(table.c.slug, column).where(one_of(connection, table.c.slug, slugs))
        yield from ((slug, found) for slug, found in connection.execute(query))


def _rows(connection: Connection, table: Table, by: Any, values: Iterable[Any]) -> Iterator[Any]:
    """The columns regrouping needs of the rows whose ``by`` is one of ``values``."""
    if values := set(values):
        columns = (table.c.id, table.c.slug, table.c.fact_id, table.c.same_as, table.c.source_id)
        yield from connection.execute(select(*columns).where(one_of(connection, by, values)))
