"""A plan's references, checked in two steps: against what its own file defines, where
it is read, and against the entities and topics already stored, where it is written."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from factdb.loader.errors import Problem, fact_label
from factdb.loader.facts_file import PUBLISHED

SINGULAR = {
    "entities": "entity",
    "topics": "topic",
    "dates": "date",
    "events": "event",
    "statements": "statement",
}
# Sections that other sources may reference once stored; the rest are a source's own.
SHARED = ("entities", "topics")
# Facts that another source may name (an event a statement was made at, an anchor...):
# checked by the writer against what other sources stored (loader.across).
ACROSS = ("events", "statements")


@dataclass(frozen=True)
class UnresolvedReference:
    """A reference its file does not define: a problem unless ``target`` (a shared
    section, or a fact of ACROSS) already holds ``value``, or always when ``target`` is
    None."""

    problem: Problem
    target: str | None
    value: str


def natural_key(section: str, item: dict[str, Any]) -> str:
    return str(item["slug"] if section in SHARED else item["key"])


def unresolved_references(
    file: str, raw: Any, sections: dict[str, list[dict[str, Any]]]
) -> list[UnresolvedReference]:
    """Every reference of the file to something it does not define, in file order."""
    defined = {
        section: {natural_key(section, item) for item in items}
        for section, items in sections.items()
    }
    unresolved = []
    for section, items in sections.items():
        for index, item in enumerate(items):
            for field_name, target, value in _references(section, item):
                if value is None or value in defined[target]:
                    continue
                label = fact_label(raw, section, index)
                message = f"unknown {SINGULAR[target]} {value!r}"
                problem = Problem(file, label, field_name, message)
                shared = target if target in SHARED or target in ACROSS else None
                unresolved.append(UnresolvedReference(problem, shared, value))
    return unresolved


def reference_problems(
    unresolved: list[UnresolvedReference],
    known_entities: AbstractSet[str],
    known_topics: AbstractSet[str],
) -> list[Problem]:
    """The unresolved references that the stored entities and topics do not resolve
    (those to other sources' facts are the writer's to check)."""
    known = {"entities": known_entities, "topics": known_topics}
    return [
        reference.problem
        for reference in unresolved
        if reference.target is None
        or (reference.target in known and reference.value not in known[reference.target])
    ]


def _references(section: str, item: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(field, kind of thing referenced, value) for every reference of a fact."""
    refs: list[tuple[str, str, str | None]] = []
    get = item.get
    if section == "entities":
        refs.append(("located_in", "entities", get("located_in")))
    elif section == "dates" and get("relative"):
        anchor = item["relative"]["anchor"]
        refs.append(("relative.anchor", "events", None if anchor == PUBLISHED else anchor))
    elif section == "events":
        refs += [("date", "dates", get("date")), ("place", "entities", get("place"))]
        refs.append(("part_of", "events", get("part_of")))
        refs += [
            (f"participants.{i}.entity", "entities", p["entity"])
            for i, p in enumerate(item["participants"])
        ]
        refs += [(f"topics.{i}", "topics", t) for i, t in enumerate(item["topics"])]
    elif section == "roles":
        refs += [("holder", "entities", get("holder")), ("date", "dates", get("date"))]
        refs.append(("organization", "entities", get("organization")))
    elif section == "statements":
        refs += [("speaker", "entities", get("speaker")), ("event", "events", get("event"))]
        refs.append(("relayed_by", "entities", get("relayed_by")))
        refs.append(("date", "dates", get("date")))
        refs += [(f"mentions.{i}", "entities", m) for i, m in enumerate(item["mentions"])]
    elif section == "positions":
        refs += [("holder", "entities", get("holder")), ("date", "dates", get("date"))]
        refs += [("target.entity", "entities", item["target"].get("entity"))]
        refs += [("target.topic", "topics", item["target"].get("topic"))]
        refs.append(("statement", "statements", get("statement")))
    elif section == "quantities":
        refs += [("subject.entity", "entities", item["subject"].get("entity"))]
        refs.append(("subject.event", "events", item["subject"].get("event")))
    return refs
