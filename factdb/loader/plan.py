"""Read and check a source folder without touching a database: the load plan."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from factdb.loader.dates import DateError, Interval, compute_dates
from factdb.loader.errors import Problem, SeedError, fact_label, problems_from_validation
from factdb.loader.facts_file import Excerpt, facts_file_schema
from factdb.loader.references import (
    ACROSS,
    SHARED,
    UnresolvedReference,
    natural_key,
    reference_problems,
    unresolved_references,
)
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
# Fields holding an excerpt whose span is also evidence of the fact.
TEXT_EXCERPT_SECTIONS = ("dates", "statements", "quantities")
# Facts with a review mark, which defaults to the opposite of source.drafted.
REVIEWED_SECTIONS = ("events", "roles", "statements", "positions", "quantities")


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
    # The spans of a fact's `text`: one, or a statement's parts in the text's order.
    text_spans: dict[tuple[str, str], list[Span]] = field(default_factory=dict)
    intervals: dict[str, Interval] = field(default_factory=dict)
    # References to other sources' events and statements, which the writer checks
    # (loader.across); with a date anchored on such an event, the dates are computed
    # there too, and ``date_labels`` names them for its problems.
    across: list[UnresolvedReference] = field(default_factory=list)
    dates_pending: bool = False
    date_labels: dict[str, str] = field(default_factory=dict)
    # What the writer found those references to be: (section, key) -> stored row id.
    stored_ids: dict[tuple[str, str], int] = field(default_factory=dict)

    def fact_text(self, section: str, key: str) -> str:
        """A fact's stored text: its text span, or the parts' spans joined by a space."""
        return " ".join(span.text for span in self.text_spans[(section, key)])


# Builds a source's plan given the entity and topic slugs stored so far (load_plans).
PlanMaker = Callable[[set[str], set[str]], Plan]


class _UniqueKeyLoader(yaml.CSafeLoader):
    """PyYAML's safe loader on libyaml's parser (about ten times faster than the pure
    Python one: the seed's file took 97 ms), but a key given twice in a mapping is an
    error, not the silent last-one-wins that would hide a journalist's slip."""

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


@dataclass
class PreparedPlan:
    """A plan checked in everything but whether the entities and topics it references
    without defining them are stored, which only the writer knows. Picklable, so that
    another process can prepare it (background.py)."""

    plan: Plan
    # The folder's name, and keys given twice.
    early_problems: list[Problem]
    unresolved: list[UnresolvedReference]
    span_problems: list[Problem]
    # Only looked for when everything else is right, as the dates rest on it.
    date_problems: list[Problem]

    def resolve(self, known_entities: AbstractSet[str], known_topics: AbstractSet[str]) -> Plan:
        """The plan, given the slugs stored so far; or a SeedError with every problem."""
        problems = (
            self.early_problems
            + reference_problems(self.unresolved, known_entities, known_topics)
            + self.span_problems
        )
        if not problems:
            problems = self.date_problems
        if problems:
            raise SeedError(problems)
        self.plan.across = [ref for ref in self.unresolved if ref.target in ACROSS]
        return self.plan


def prepare_folder(folder: Path) -> PreparedPlan:
    """Read and check ``folder`` as far as can be done without a database; raise
    SeedError for a file that cannot be read or does not fit the schema."""
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
    return prepare_from_data(folder, raw, text_bytes, facts_bytes)


def prepare_from_data(
    folder: Path, raw: dict[str, Any], text_bytes: bytes, facts_bytes: bytes
) -> PreparedPlan:
    """The checks of prepare_folder on a facts mapping and text already in memory."""
    file = str(folder / FACTS_FILE)
    try:
        data = facts_file_schema.load(raw)
    except ValidationError as error:
        raise SeedError(problems_from_validation(file, raw, error.messages)) from None
    source = data["source"]
    for section in REVIEWED_SECTIONS:
        for item in data[section]:
            if item["reviewed"] is None:  # a drafted file's facts stay drafts until marked
                item["reviewed"] = not source["drafted"]
    early_problems = []
    if source["slug"] != folder.name:
        message = f"must equal the folder name {folder.name!r}"
        early_problems.append(Problem(file, "source", "slug", message))
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
    prepared = PreparedPlan(
        plan=plan,
        early_problems=early_problems + _check_unique_keys(file, raw, plan),
        unresolved=unresolved_references(file, raw, plan.sections),
        span_problems=_locate_spans(file, raw, plan),
        date_problems=[],
    )
    # A reference to an undefined date or event is a problem whatever is stored.
    broken = any(reference.target is None for reference in prepared.unresolved)
    anchored_elsewhere = any(
        reference.problem.field == "relative.anchor" for reference in prepared.unresolved
    )
    if not (prepared.early_problems or prepared.span_problems or broken):
        if anchored_elsewhere:  # on another source's event: computed by the writer
            plan.dates_pending = True
            plan.date_labels = {
                item["key"]: fact_label(raw, "dates", index)
                for index, item in enumerate(plan.sections["dates"])
            }
        else:
            prepared.date_problems = _compute_intervals(file, raw, plan)
    return prepared


def _check_unique_keys(file: str, raw: Any, plan: Plan) -> list[Problem]:
    problems = []
    for section, items in plan.sections.items():
        seen: set[str] = set()
        for index, item in enumerate(items):
            key = natural_key(section, item)
            if key in seen:
                name = "slug" if section in SHARED else "key"
                label = fact_label(raw, section, index)
                problems.append(Problem(file, label, name, f"duplicate {name} {key!r}"))
            seen.add(key)
    return problems


def _locate_spans(file: str, raw: Any, plan: Plan) -> list[Problem]:
    problems = []
    for section, items in plan.sections.items():
        for index, item in enumerate(items):
            key = natural_key(section, item)
            spans: list[Span] = []
            excerpts: list[tuple[str, Excerpt]] = []
            if section in TEXT_EXCERPT_SECTIONS:
                excerpts += _text_excerpts(item["text"])
            excerpts += [(f"evidence.{i}", e) for i, e in enumerate(item["evidence"])]
            text_spans: list[Span] = []
            for field_name, excerpt in excerpts:
                try:
                    span = locate(plan.text, excerpt)
                except ExcerptError as error:
                    label = fact_label(raw, section, index)
                    problems.append(Problem(file, label, field_name, str(error)))
                    continue
                if field_name.startswith("text"):
                    if text_spans and span.start < text_spans[-1].end:
                        message = "must come after the excerpt before it, in the text's order"
                        label = fact_label(raw, section, index)
                        problems.append(Problem(file, label, field_name, message))
                    text_spans.append(span)
                if span not in spans:
                    spans.append(span)
            plan.spans[(section, key)] = spans
            if text_spans:
                plan.text_spans[(section, key)] = text_spans
    return problems


def _text_excerpts(text: Excerpt | tuple[Excerpt, ...]) -> list[tuple[str, Excerpt]]:
    """A fact's text excerpt (field ``text``), or a statement's parts (``text.0``...)."""
    if isinstance(text, Excerpt):
        return [("text", text)]
    if len(text) == 1:
        return [("text", text[0])]
    return [(f"text.{i}", part) for i, part in enumerate(text)]


def _compute_intervals(file: str, raw: Any, plan: Plan) -> list[Problem]:
    event_dates = {item["key"]: item["date"] for item in plan.sections["events"]}
    year = plan.source["year"]["value"] if plan.source["year"] else None
    published_on = plan.source["published_on"]
    try:
        plan.intervals = compute_dates(plan.sections["dates"], event_dates, year, published_on)
    except DateError as error:
        keys = [item["key"] for item in plan.sections["dates"]]
        index = keys.index(error.key) if error.key in keys else None
        return [Problem(file, fact_label(raw, "dates", index), error.field, str(error))]
    return []
