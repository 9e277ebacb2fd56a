"""Write a checked load plan into the database as an update keyed on natural keys."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factdb.loader.dates import rule_columns
from factdb.loader.entities import EntityWriter
from factdb.loader.errors import Problem, SeedError
from factdb.loader.plan import FACTS_FILE, Plan
from factdb.loader.search_documents import sync_search_documents
from factdb.loader.sync import sync_evidence, sync_links
from factdb.models import (
    Base,
    Dataset,
    DateInterval,
    Entity,
    Event,
    EventParticipant,
    EventTopic,
    Position,
    Quantity,
    Role,
    Source,
    Statement,
    StatementMention,
    Topic,
)

Fact = TypeVar("Fact", DateInterval, Event, Role, Statement, Position, Quantity)

# Per-source facts in the order they are written; deleted in the reverse order.
SOURCED: tuple[tuple[str, type[Any]], ...] = (
    ("dates", DateInterval),
    ("events", Event),
    ("roles", Role),
    ("statements", Statement),
    ("positions", Position),
    ("quantities", Quantity),
)


@dataclass(frozen=True)
class Applied:
    """What a plan wrote: facts per kind, and the stored slugs of its entities and topics
    (an entity matched by name keeps its stored slug, not the file's)."""

    counts: dict[str, int]
    entity_slugs: set[str]
    topic_slugs: set[str]


def apply_plan(session: Session, plan: Plan) -> Applied:
    """Write ``plan`` in the session's transaction.

    The caller updates the content version once its transaction's plans are written.
    """
    writer = _Writer(session, plan)
    writer.write()
    if writer.problems:
        raise SeedError(writer.problems)
    sync_search_documents(session, writer.source, writer.entities.values())
    return Applied(
        counts={section: len(items) for section, items in plan.sections.items()},
        entity_slugs={entity.slug for entity in writer.entities.values()},
        topic_slugs={topic.slug for topic in writer.topics.values()},
    )


# Tables whose rows the API shows with their ids.
_ID_TABLES = [
    table
    for table in Base.metadata.sorted_tables
    if list(table.primary_key.columns.keys()) == ["id"] and table.name != "dataset"
]


def update_content_version(session: Session) -> str:
    """Recompute the dataset's content version from every source's hashes and the
    largest id of each table.

    The ids matter because the API shows them: a fact removed and then restored comes
    back with a new id, the same content under new ids. New rows always take ids past
    the largest, so equal hashes and equal largest ids mean equal ids.
    """
    rows = session.execute(
        select(Source.slug, Source.sha256, Source.facts_sha256).order_by(Source.slug)
    )
    lines = [":".join(row) for row in rows]
    for table in _ID_TABLES:
        largest = session.scalar(select(func.max(table.c.id)))
        lines.append(f"{table.name}:{largest or 0}")
    digest = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    dataset = session.get(Dataset, 1) or Dataset(id=1)
    dataset.content_version = digest[:32]
    session.add(dataset)
    session.flush()
    return dataset.content_version


class _Writer(EntityWriter):
    def __init__(self, session: Session, plan: Plan) -> None:
        self.session = session
        self.plan = plan
        self.file = str(plan.folder / FACTS_FILE)
        self.problems: list[Problem] = []
        self.entities: dict[str, Entity] = {}
        self.topics: dict[str, Topic] = {}
        self.rows: dict[str, dict[str, Any]] = {section: {} for section, _ in SOURCED}
        self.source = self._write_source()

    def write(self) -> None:
        for item in self.plan.sections["entities"]:
            self._write_entity(item)
        for item in self.plan.sections["entities"]:
            entity = self.entity(item["slug"])
            if entity.slug == item["slug"]:
                located_in = item["located_in"]
                entity.located_in = self.entity(located_in) if located_in else None
        for item in self.plan.sections["topics"]:
            self._write_topic(item)
        self.session.flush()
        writers: dict[str, Callable[[Any, dict[str, Any]], None]] = {
            "dates": self._fill_date,
            "events": self._fill_event,
            "roles": self._fill_role,
            "statements": self._fill_statement,
            "positions": self._fill_position,
            "quantities": self._fill_quantity,
        }
        for section, model in SOURCED:
            self._write_section(section, model, writers[section])
            if section == "events":
                self._link_events()
        for section, model in reversed(SOURCED):
            self._delete_removed(section, model)
        # By stored slug: a file's entity may have been matched to one with another slug.
        self._forget_dropped(Entity, {e.slug for e in self.entities.values()}, "entity_id")
        self._forget_dropped(Topic, {t.slug for t in self.topics.values()}, "topic_id")
        self.session.flush()

    # -- the source ---------------------------------------------------------------------

    def _write_source(self) -> Source:
        meta = self.plan.source
        source = self.session.scalar(select(Source).where(Source.slug == meta["slug"]))
        if source is None:
            source = Source(slug=meta["slug"])
            self.session.add(source)
        source.title = meta["title"]
        source.text = self.plan.text
        source.sha256 = self.plan.sha256
        source.facts_sha256 = self.plan.facts_sha256
        source.publisher = meta["publisher"]
        source.url = meta["url"]
        source.published_on = meta["published_on"]
        source.year_note = meta["year"]["reason"] if meta["year"] else None
        source.drafted = meta["drafted"]
        self.session.flush()
        return source

    # -- facts of this source ---------------------------------------------------------

    def _write_section(
        self, section: str, model: type[Fact], fill: Callable[[Any, dict[str, Any]], None]
    ) -> None:
        existing = {
            row.slug: row
            for row in self.session.scalars(select(model).where(model.source_id == self.source.id))
        }
        keys = [item["key"] for item in self.plan.sections[section]]
        taken = dict(
            self.session.execute(
                select(model.slug, Source.slug)
                .join(Source, Source.id == model.source_id)
                .where(model.slug.in_(keys), model.source_id != self.source.id)
            ).all()
        )
        items = list(enumerate(self.plan.sections[section]))
        if section == "dates":  # anchors first: intervals were computed in that order
            order = list(self.plan.intervals)
            items.sort(key=lambda pair: order.index(pair[1]["key"]))
        for index, item in items:
            key = item["key"]
            if key in taken:
                label = f"{section}[{index}] {key!r}"
                message = f"key {key!r} is already used by source {taken[key]!r}"
                self.problems.append(Problem(self.file, label, "key", message))
                continue
            row = existing.get(key)
            if row is None:
                row = model(slug=key, source_id=self.source.id)
                self.session.add(row)
            self.rows[section][key] = row
            fill(row, item)
            sync_evidence(self.session, row, self.source.id, self.plan.spans[(section, key)])
        if self.problems:  # later sections would reference the rows that were refused
            raise SeedError(self.problems)
        self.session.flush()

    def _link_events(self) -> None:
        for item in self.plan.sections["events"]:
            row = self.rows["events"].get(item["key"])
            if row is not None:
                row.part_of = self._ref("events", item["part_of"])
        self.session.flush()

    def _delete_removed(self, section: str, model: type[Fact]) -> None:
        for row in self.session.scalars(select(model).where(model.source_id == self.source.id)):
            if row.slug not in self.rows[section]:
                self.session.delete(row)
        self.session.flush()

    def _ref(self, section: str, key: str | None) -> Any:
        return None if key is None else self.rows[section][key]

    def _fill_date(self, row: DateInterval, item: dict[str, Any]) -> None:
        interval = self.plan.intervals[item["key"]]
        row.text = self.plan.fact_text("dates", item["key"])
        row.start_date, row.end_date = interval.start, interval.end
        row.precision, row.basis = interval.precision, interval.basis
        row.year_basis = interval.year_basis
        row.anchor = self._ref("dates", interval.anchor_key)
        for column, value in rule_columns(interval).items():
            setattr(row, column, value)
        row.length_days = interval.length_days
        row.note = interval.note

    def _fill_event(self, row: Event, item: dict[str, Any]) -> None:
        row.kind, row.title = item["kind"], item["title"]
        row.status, row.reviewed = item["status"], item["reviewed"]
        row.set_date(self._ref("dates", item["date"]))
        row.place = self.entity(item["place"]) if item["place"] else None
        # part_of may name an event later in the file: _link_events sets it.
        roles = {
            self.entity(p["entity"]).id: {"role": p["role"], "sort_date": row.sort_date}
            for p in item["participants"]
        }
        sync_links(row.participants, roles, "entity_id", EventParticipant)
        topics: dict[int, dict[str, Any]] = {self.topic(slug).id: {} for slug in item["topics"]}
        sync_links(row.topics, topics, "topic_id", EventTopic)

    def _fill_role(self, row: Role, item: dict[str, Any]) -> None:
        row.holder = self.entity(item["holder"])
        row.title = item["title"]
        row.organization = self.entity(item["organization"]) if item["organization"] else None
        row.set_date(self._ref("dates", item["date"]))
        row.reviewed = item["reviewed"]

    def _fill_statement(self, row: Statement, item: dict[str, Any]) -> None:
        row.speaker = self.entity(item["speaker"])
        row.speaker_text = item["speaker_text"]
        row.relayed_by = self.entity(item["relayed_by"]) if item["relayed_by"] else None
        row.relayed_by_text = item["relayed_by_text"]
        row.mode = item["mode"]
        row.text = self.plan.fact_text("statements", item["key"])
        row.reviewed = item["reviewed"]
        row.event = self._ref("events", item["event"])
        row.set_date(self._ref("dates", item["date"]))
        mentions: dict[int, dict[str, Any]] = {
            self.entity(s).id: {"sort_date": row.sort_date} for s in item["mentions"]
        }
        sync_links(row.mentions, mentions, "entity_id", StatementMention)

    def _fill_position(self, row: Position, item: dict[str, Any]) -> None:
        target = item["target"]
        row.holder = self.entity(item["holder"])
        row.stance, row.outcome = item["stance"], item["outcome"]
        row.target_entity = self.entity(target["entity"]) if target.get("entity") else None
        row.target_topic = self.topic(target["topic"]) if target.get("topic") else None
        row.description = item["description"]
        row.statement = self._ref("statements", item["statement"])
        row.set_date(self._ref("dates", item["date"]))
        row.reviewed = item["reviewed"]

    def _fill_quantity(self, row: Quantity, item: dict[str, Any]) -> None:
        subject = item["subject"]
        row.text = self.plan.fact_text("quantities", item["key"])
        row.value, row.min_value, row.max_value = item["value"], item["min"], item["max"]
        row.unit, row.approximate = item["unit"], item["approximate"]
        row.approximation, row.reviewed = item["approximation"], item["reviewed"]
        row.description = item["description"]
        row.subject_entity = self.entity(subject["entity"]) if subject.get("entity") else None
        row.subject_event = self._ref("events", subject.get("event"))
