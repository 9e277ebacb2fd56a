"""Write a checked load plan into the database as an update keyed on natural keys."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import MANYTOONE, ONETOMANY, Session

from factdb.loader.across import resolve_across
from factdb.loader.entities import EntityWriter
from factdb.loader.errors import Problem, SeedError
from factdb.loader.fact_rows import LATER_REFERENCES, SECTIONS, Links, fact_row, source_columns
from factdb.loader.plan import FACTS_FILE, Plan
from factdb.loader.report_writer import MODELS, ReportWriter
from factdb.loader.reports import REPORTED
from factdb.loader.search_documents import sync_search_documents
from factdb.loader.shared import Enriched, Loaded
from factdb.loader.sync import sync_evidence, sync_links
from factdb.models import Base, Dataset, Entity, Source, Topic
from factdb.sql import next_id

# The relationship that sets each foreign-key column of a section's table, so that the
# writer sets a fact_rows reference (an object) through it, as the unit of work expects.
SETTERS = {
    section: {
        next(iter(relation.local_columns)).name: relation.key
        for relation in inspect(model).relationships
        if relation.direction is MANYTOONE and not relation.viewonly
    }
    for section, model in MODELS.items()
}
# The collection holding each link table's rows of a fact, and the link's model.
COLLECTIONS = {
    (section, relation.mapper.class_.__tablename__): (relation.key, relation.mapper.class_)
    for section, model in MODELS.items()
    for relation in inspect(model).relationships
    if relation.direction is ONETOMANY and not relation.viewonly
}


@dataclass(frozen=True)
class Applied:
    """What a plan wrote (facts per kind, what it added to entities others define), and
    the stored slugs of its entities and topics (an entity matched by name keeps its
    stored slug, not the file's)."""

    loaded: Loaded
    entity_slugs: set[str]
    topic_slugs: set[str]


def apply_plan(session: Session, plan: Plan) -> Applied:
    """Write ``plan`` in the session's transaction.

    The caller updates the content version once its transaction's plans are written.
    """
    resolve_across(session.connection(), plan)
    writer = _Writer(session, plan)
    writer.write()
    if writer.problems:
        raise SeedError(writer.problems)
    sync_search_documents(session, writer.source, writer.entities.values())
    counts = {section: len(items) for section, items in plan.sections.items()}
    return Applied(
        loaded=Loaded(counts, tuple(writer.shared)),
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


class _Writer(EntityWriter, ReportWriter):
    def __init__(self, session: Session, plan: Plan) -> None:
        self.session = session
        self.plan = plan
        self.file = str(plan.folder / FACTS_FILE)
        self.problems: list[Problem] = []
        self.entities: dict[str, Entity] = {}
        self.topics: dict[str, Topic] = {}
        self.defined: set[str] = set()
        self.shared: list[Enriched] = []
        self.rows: dict[str, dict[str, Any]] = {section: {} for section in SECTIONS}
        # Per kind of fact: the facts that lost a report to this write (reports.regroup).
        self.gone: dict[str, set[int]] = {section: set() for section in REPORTED}
        self.given_ids: dict[str, int] = {}
        self.source = self._write_source()

    def write(self) -> None:
        for index, item in enumerate(self.plan.sections["entities"]):
            self._write_entity(index, item)
        if self.problems:  # the facts would reference entities that were refused
            raise SeedError(self.problems)
        for item in self.plan.sections["entities"]:
            if item["slug"] in self.defined:
                entity = self.entity(item["slug"])
                located_in = item["located_in"]
                entity.located_in = self.entity(located_in) if located_in else None
        for item in self.plan.sections["topics"]:
            self._write_topic(item)
        self.session.flush()
        for section in SECTIONS:
            self._write_section(section)
            self._set_later_references(section)
        # Before anything goes: a row that other sources name and no other report
        # stands in for stops the load.
        removed = {section: self._removed(section) for section in SECTIONS}
        for section in SECTIONS:
            for row in removed[section]:
                self._unnamed_elsewhere(section, row)
        if self.problems:
            raise SeedError(self.problems)
        for section in reversed(SECTIONS):
            self._delete_removed(section, removed[section])
        self._link_reports()
        # By stored slug: a file's entity may have been matched to one with another slug.
        # Those it lists, not those its facts refer to: its evidence and description of
        # an entity it no longer lists go, though its facts may still name it.
        listed = {self.entities[item["slug"]].slug for item in self.plan.sections["entities"]}
        self._forget_dropped(Entity, listed, "entity_id")
        self._forget_dropped(Topic, {t.slug for t in self.topics.values()}, "topic_id")
        self.session.flush()

    def fact(self, section: str, key: str) -> Any:
        """A fact of this source written so far, or of another source that it names
        (fact_rows.Refs, with entity and topic)."""
        row = self.rows[section].get(key)
        if row is None:
            row = self.session.get(MODELS[section], self.plan.stored_ids[(section, key)])
        return row

    # -- the source ---------------------------------------------------------------------

    def _write_source(self) -> Source:
        slug = self.plan.source["slug"]
        source = self.session.scalar(select(Source).where(Source.slug == slug))
        if source is None:
            source = Source(slug=slug)
            self.session.add(source)
        for column, value in source_columns(self.plan).items():
            setattr(source, column, value)
        self.session.flush()
        return source

    # -- facts of this source ---------------------------------------------------------

    def _write_section(self, section: str) -> None:
        model = MODELS[section]
        existing = {
            row.slug: row
            for row in self.session.scalars(select(model).where(model.source_id == self.source.id))
        }
        keys = [item["key"] for item in self.plan.sections[section]]
        taken: dict[str, str] = dict(
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
        setters = SETTERS[section]
        for index, item in items:
            key = item["key"]
            if key in taken:
                label = f"{section}[{index}] {key!r}"
                message = f"key {key!r} is already used by source {taken[key]!r}"
                self.problems.append(Problem(self.file, label, "key", message))
                continue
            # Described before the row is added: a lookup's autoflush sees whole rows.
            described = fact_row(section, self.plan, item, self)
            row = existing.get(key)
            if row is None:
                row = model(slug=key, source_id=self.source.id)
                if section in REPORTED:  # a new fact's first report names itself
                    row.id = row.fact_id = self._new_id(section)
                self.session.add(row)
            self.rows[section][key] = row
            for column, value in described.columns.items():
                setattr(row, setters.get(column, column), value)
            for links in described.links:
                self._write_links(section, row, links)
            sync_evidence(self.session, row, self.source.id, self.plan.spans[(section, key)])
        if self.problems:  # later sections would reference the rows that were refused
            raise SeedError(self.problems)
        self.session.flush()

    def _write_links(self, section: str, row: Any, links: Links) -> None:
        collection, model = COLLECTIONS[(section, links.table)]
        lookup = self.entity if links.column == "entity_id" else self.topic
        wanted = {lookup(slug).id: values for slug, values in links.wanted}
        sync_links(getattr(row, collection), wanted, links.column, model)

    def _set_later_references(self, section: str) -> None:
        """LATER_REFERENCES, once the section's rows are flushed: an event's part_of may
        name an event later in the file (set before the flush, it would change the
        order the unit of work inserts them in, and so their ids)."""
        if section not in LATER_REFERENCES:
            return
        column, name = LATER_REFERENCES[section]
        setter = SETTERS[section][column]
        for item in self.plan.sections[section]:
            row = self.rows[section].get(item["key"])
            if row is not None:
                target = item[name]
                setattr(row, setter, None if target is None else self.fact(section, target))
        self.session.flush()

    def _new_id(self, section: str) -> int:
        given = next_id(self.session.connection(), section, self.given_ids.get(section, 0))
        self.given_ids[section] = given
        return given
