"""Read and check a source folder without touching a database: the load plan."""

from __future__ import annotations

import hashlib
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from factdb.loader.dates import DateError, Interval, compute_dates
from factdb.loader.errors import Problem, SeedError, fact_label, problems_from_validation
from factdb.loader.schemas import Excerpt, facts_file_schema
from factdb.loader.spans import ExcerptError, Span, locate

FACTS_FILE = "facts.yaml"
SECTIONS = (
    "entities",
    "topics",
    "dates",
    "events",
    "roles",
    "statements",
    "positions",
    "quantities",
)
SINGULAR = {
    "entities": "entity",
    "topics": "topic",
    "dates": "date",
    "events": "event",
    "statements": "statement",
}
# Fields holding an excerpt whose span is also evidence of the fact.
TEXT_EXCERPT_SECTIONS = ("dates", "statements", "quantities")


@dataclass
class Plan:
    """Everything needed to write one source, already validated."""

    folder: Path
    source: dict[str, Any]
    text: str
    sha256: str
    facts_sha256: str
    sections: dict[str, list[dict[str, Any]]]
    spans: dict[tuple[str, str], list[Span]] = field(default_factory=dict)
    text_spans: dict[tuple[str, str], Span] = field(default_factory=dict)
    intervals: dict[str, Interval] = field(default_factory=dict)


def natural_key(section: str, item: dict[str, Any]) -> str:
    return str(item["slug"] if section in ("entities", "topics") else item["key"])


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, but a key given twice in a mapping is an error, not the
    silent last-one-wins that would hide a journalist's slip."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a mapping",
                    node.start_mark,
                    f"found the key {key!r} twice",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_plan(
    folder: Path,
    known_entities: AbstractSet[str] = frozenset(),
    known_topics: AbstractSet[str] = frozenset(),
) -> Plan:
    """Parse, validate and resolve ``folder``; raise SeedError listing every problem.

    ``known_entities`` and ``known_topics`` are slugs already stored, which a file may
    reference without defining them again.
    """
    facts_path = folder / FACTS_FILE
    file = str(facts_path)
    if not facts_path.is_file():
        raise SeedError([Problem(file, None, None, "no facts file in this folder")])
    facts_bytes = facts_path.read_bytes()
    try:
        raw = yaml.load(facts_bytes.decode("utf-8"), Loader=_UniqueKeyLoader)
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SeedError([Problem(file, None, None, f"not valid UTF-8 YAML: {error}")]) from None
    if not isinstance(raw, dict):
        raise SeedError([Problem(file, None, None, "the file must be a mapping of sections")])
    meta = raw.get("source")
    text_file = meta.get("text_file", "article.txt") if isinstance(meta, dict) else "article.txt"
    try:
        text_bytes = (folder / str(text_file)).read_bytes()
    except (OSError, ValueError) as error:  # ValueError: a NUL in the path
        raise SeedError([Problem(file, "source", "text_file", f"cannot read: {error}")]) from None
    return plan_from_data(folder, raw, text_bytes, facts_bytes, known_entities, known_topics)


def plan_from_data(
    folder: Path,
    raw: dict[str, Any],
    text_bytes: bytes,
    facts_bytes: bytes,
    known_entities: AbstractSet[str] = frozenset(),
    known_topics: AbstractSet[str] = frozenset(),
) -> Plan:
    """The checks of read_plan on a facts mapping and text already in memory."""
    file = str(folder / FACTS_FILE)
    try:
        data = facts_file_schema.load(raw)
    except ValidationError as error:
        raise SeedError(problems_from_validation(file, raw, error.messages)) from None
    source = data["source"]
    problems: list[Problem] = []
    if source["slug"] != folder.name:
        problems.append(
            Problem(file, "source", "slug", f"must equal the folder name {folder.name!r}")
        )
    try:
        text = text_bytes.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SeedError([Problem(file, "source", "text_file", f"not UTF-8: {error}")]) from None
    plan = Plan(
        folder=folder,
        source=source,
        text=text,
        sha256=hashlib.sha256(text_bytes).hexdigest(),
        facts_sha256=hashlib.sha256(facts_bytes).hexdigest(),
        sections={name: data[name] for name in SECTIONS},
    )
    problems += _check_unique_keys(file, raw, plan)
    problems += _check_references(file, raw, plan, known_entities, known_topics)
    problems += _locate_spans(file, raw, plan)
    if not problems:
        problems += _compute_intervals(file, raw, plan)
    if problems:
        raise SeedError(problems)
    return plan


def _check_unique_keys(file: str, raw: Any, plan: Plan) -> list[Problem]:
    problems = []
    for section, items in plan.sections.items():
        seen: set[str] = set()
        for index, item in enumerate(items):
            key = natural_key(section, item)
            if key in seen:
                name = "slug" if section in ("entities", "topics") else "key"
                label = fact_label(raw, section, index)
                problems.append(Problem(file, label, name, f"duplicate {name} {key!r}"))
            seen.add(key)
    return problems


def _references(section: str, item: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(field, kind of thing referenced, value) for every reference of a fact."""
    refs: list[tuple[str, str, str | None]] = []
    get = item.get
    if section == "entities":
        refs.append(("located_in", "entities", get("located_in")))
    elif section == "dates" and get("relative"):
        refs.append(("relative.anchor", "events", item["relative"]["anchor"]))
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


def _check_references(
    file: str,
    raw: Any,
    plan: Plan,
    known_entities: AbstractSet[str],
    known_topics: AbstractSet[str],
) -> list[Problem]:
    defined = {
        section: {natural_key(section, item) for item in items}
        for section, items in plan.sections.items()
    }
    defined["entities"] |= set(known_entities)
    defined["topics"] |= set(known_topics)
    problems = []
    for section, items in plan.sections.items():
        for index, item in enumerate(items):
            for field_name, target, value in _references(section, item):
                if value is not None and value not in defined[target]:
                    label = fact_label(raw, section, index)
                    message = f"unknown {SINGULAR[target]} {value!r}"
                    problems.append(Problem(file, label, field_name, message))
    return problems


def _locate_spans(file: str, raw: Any, plan: Plan) -> list[Problem]:
    problems = []
    for section, items in plan.sections.items():
        for index, item in enumerate(items):
            key = natural_key(section, item)
            spans: list[Span] = []
            excerpts: list[tuple[str, Excerpt]] = []
            if section in TEXT_EXCERPT_SECTIONS:
                excerpts.append(("text", item["text"]))
            excerpts += [(f"evidence.{i}", e) for i, e in enumerate(item["evidence"])]
            for field_name, excerpt in excerpts:
                try:
                    span = locate(plan.text, excerpt)
                except ExcerptError as error:
                    label = fact_label(raw, section, index)
                    problems.append(Problem(file, label, field_name, str(error)))
                    continue
                if field_name == "text":
                    plan.text_spans[(section, key)] = span
                if span not in spans:
                    spans.append(span)
            plan.spans[(section, key)] = spans
    return problems


def _compute_intervals(file: str, raw: Any, plan: Plan) -> list[Problem]:
    event_dates = {item["key"]: item["date"] for item in plan.sections["events"]}
    year = plan.source["year"]["value"] if plan.source["year"] else None
    try:
        plan.intervals = compute_dates(plan.sections["dates"], event_dates, year)
    except DateError as error:
        keys = [item["key"] for item in plan.sections["dates"]]
        index = keys.index(error.key) if error.key in keys else None
        return [Problem(file, fact_label(raw, "dates", index), error.field, str(error))]
    return []
