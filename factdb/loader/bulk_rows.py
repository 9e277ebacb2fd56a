"""The rows one new source adds, as the ORM writer (apply.py) would insert them: the
values of fact_rows.py, and ids taken in the order its flushes take them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from factdb.loader.bulk_batch import Rows, Written
from factdb.loader.bulk_catalog import Alias, Catalog, EntityState, TopicState
from factdb.loader.errors import Problem, SeedError
from factdb.loader.fact_rows import (
    LATER_REFERENCES,
    SECTIONS,
    Item,
    Links,
    evidence_columns,
    fact_row,
    source_columns,
    wanted_aliases,
)
from factdb.loader.plan import FACTS_FILE, Plan
from factdb.loader.reports import REPORTED, Declared
from factdb.loader.search_documents import (
    DocumentText,
    event_document,
    position_document,
    statement_document,
)
from factdb.loader.shared import Enriched, disagreements, enriched, entity_label
from factdb.models import FACT_COLUMNS, Base

# The evidence column of each section's facts.
EVIDENCE_COLUMN = dict(
    zip(
        ("entities", "topics", "dates", "roles", "events", "statements", "positions", "quantities"),
        FACT_COLUMNS,
        strict=True,
    )
)
# Columns of a section's table that reference a row of that table (set by Rows.refer,
# which defers a reference to a row inserted later), but for LATER_REFERENCES.
SELF_COLUMNS = {
    section: [
        fk.parent.name
        for fk in Base.metadata.tables[section].foreign_keys
        if fk.column.table.name == section
        and fk.parent.name not in (LATER_REFERENCES.get(section, ("",))[0], "fact_id")
    ]
    for section in SECTIONS
}


class SourceRows:
    """One plan's rows, built like apply._Writer builds its objects."""

    def __init__(self, rows: Rows, catalog: Catalog, plan: Plan) -> None:
        self.rows, self.catalog, self.plan = rows, catalog, plan
        self.file = str(plan.folder / FACTS_FILE)
        self.entities: dict[str, EntityState] = {}  # by the file's slug, first use first
        self.topics: dict[str, TopicState] = {}
        self.ids: dict[str, dict[str, int]] = {section: {} for section in SECTIONS}
        self.keys: list[tuple[str, int, str]] = []
        self.declared: dict[str, list[Declared]] = {section: [] for section in REPORTED}
        self.documents: dict[str, list[tuple[int, DocumentText]]] = defaultdict(list)
        self.defined: set[str] = set()  # the file's slugs of the entities it defines
        self.problems: list[Problem] = []
        self.shared: list[Enriched] = []
        self.source_id = rows.allocate("sources")
        catalog.source_slugs[self.source_id] = plan.source["slug"]
        self.refs = _Ids(self)

    def write(self) -> Written:
        self.rows.add("sources", {"id": self.source_id, **source_columns(self.plan)})
        for index, item in enumerate(self.plan.sections["entities"]):
            self._entity(index, item)
        if self.problems:
            raise SeedError(self.problems)
        for item in self.plan.sections["entities"]:
            if item["slug"] in self.defined:
                entity = self.entity(item["slug"])
                located_in = item["located_in"]
                entity.located_in_id = self.entity(located_in).id if located_in else None
        for item in self.plan.sections["topics"]:
            topic = self.catalog.write_topic(item, lambda: self.rows.allocate("topics"))
            self.topics[item["slug"]] = topic
            self._evidence("topics", item["slug"], topic.id)
        for section in SECTIONS:
            self._section(section)
        self._search_documents()
        declared = {section: facts for section, facts in self.declared.items() if facts}
        return Written(
            self.file,
            self.plan.source["slug"],
            self.keys,
            tuple(self.shared),
            self.source_id,
            declared,
        )

    # -- lookups, as EntityWriter.entity and .topic ------------------------------------

    def entity(self, slug: str) -> EntityState:
        if slug not in self.entities:
            found = self.catalog.entities.get(slug)
            if found is None:  # the plan's resolve checked every reference; a bug
                raise LookupError(f"entity {slug!r} vanished during the load")
            self.entities[slug] = found
        return self.entities[slug]

    def topic(self, slug: str) -> TopicState:
        if slug not in self.topics:
            found = self.catalog.topics.get(slug)
            if found is None:
                raise LookupError(f"topic {slug!r} vanished during the load")
            self.topics[slug] = found
        return self.topics[slug]

    # -- the source's entities and their evidence ------------------------------------------

    def _entity(self, index: int, item: Item) -> None:
        """EntityWriter._write_entity for a source not loaded before."""
        entity = self.catalog.entities.get(item["slug"]) or self.catalog.match_by_name(item)
        label = entity_label(index, item["slug"])
        if entity is not None and any(seen is entity for seen in self.entities.values()):
            message = f"is the entity {entity.slug!r} again; list each entity once"
            self.problems.append(Problem(self.file, label, "slug", message))
            return
        if entity is None:
            entity = self.catalog.new_entity(self.rows.allocate("entities"), item)
        elif entity.slug == item["slug"] and entity.described_by:
            stored = (entity.slug, entity.name, entity.kind)
            others = [self.catalog.source_slugs[source] for source in entity.described_by]
            problems = disagreements(self.file, label, stored, item, others)
            if problems:
                self.problems += problems
                return
        elif entity.slug == item["slug"]:  # no source lists it: this one changes it
            self.catalog.define(entity, item)
        wanted = wanted_aliases(item, entity.name_key)
        if entity.described_by:  # another source defines it
            added = [names for key, names in wanted.items() if key not in entity.alias_keys]
            report = enriched(entity.slug, added, item["description"] not in entity.texts)
            if report is not None:
                self.shared.append(report)
        else:
            self.defined.add(item["slug"])
        row = {"id": self.rows.allocate("entity_descriptions"), "entity_id": entity.id}
        row |= {"source_id": self.source_id, "description": item["description"]}
        self.rows.add("entity_descriptions", row)
        self.catalog.add_description(entity, self.source_id, item["description"])
        self.entities[item["slug"]] = entity
        self.catalog.touch(entity)
        for key, (name, kind) in wanted.items():
            alias = Alias(name, key, kind, self.source_id)
            self.catalog.add_alias(entity, alias)
            row = {"id": self.rows.allocate("entity_aliases"), "entity_id": entity.id}
            self.rows.add("entity_aliases", row | vars(alias))
        self._evidence("entities", item["slug"], entity.id)

    def _evidence(self, section: str, key: str, fact_id: int) -> None:
        """sync_evidence for a fact with no evidence from this source yet."""
        wanted = {(span.start, span.end): span for span in self.plan.spans[(section, key)]}
        for span in wanted.values():
            row: dict[str, Any] = {"id": self.rows.allocate("evidence")}
            row |= evidence_columns(self.source_id, span)
            row |= dict.fromkeys(FACT_COLUMNS)
            row[EVIDENCE_COLUMN[section]] = fact_id
            self.rows.add("evidence", row)

    # -- facts of this source --------------------------------------------------------

    def _section(self, section: str) -> None:
        """_write_section for a new source: a row per item, then its evidence."""
        items = list(enumerate(self.plan.sections[section]))
        saved = items
        if section == "dates":
            # The writer adds dates anchors first (and their evidence in that order); its
            # flush saves them as the unit of work sorts a self-referencing table: dates
            # without an anchor, then those anchored on them..., each in the order added.
            order = {key: index for index, key in enumerate(self.plan.intervals)}
            items.sort(key=lambda pair: order[pair[1]["key"]])
            depth: dict[str, int] = {}
            for key, interval in self.plan.intervals.items():  # anchors first
                anchor = interval.anchor_key
                # An anchor of another source's is stored already.
                depth[key] = 0 if anchor is None else depth.get(anchor, -1) + 1
            saved = sorted(items, key=lambda pair: depth[pair[1]["key"]])  # stable
        ids = self.ids[section]
        for _, item in saved:
            ids[item["key"]] = self.rows.allocate(section)
        rows = {}
        for index, item in items:
            key = item["key"]
            self.keys.append((section, index, key))
            described = fact_row(section, self.plan, item, self.refs)
            row = rows[key] = described.columns  # the writer's own dict: completed here
            row["id"], row["source_id"], row["slug"] = ids[key], self.source_id, key
            if section in REPORTED:  # a new fact's first report names itself
                row["fact_id"] = row["id"]
                if item["same_as"]:
                    label = f"{section}[{index}] {key!r}"
                    self.declared[section].append(Declared(label, key, item["same_as"]))
            for column in SELF_COLUMNS[section]:
                self.rows.refer(section, row, column, row[column])
            for links in described.links:
                self._links(links, row["id"])
            self._evidence(section, key, row["id"])
            self._document(section, row, item)
        for _, item in saved:
            self.rows.add(section, rows[item["key"]])
        if section in LATER_REFERENCES:  # as apply._Writer._set_later_references
            column, name = LATER_REFERENCES[section]
            for _, item in items:
                target = None if item[name] is None else self.refs.fact(section, item[name])
                self.rows.refer(section, rows[item["key"]], column, target)

    def _links(self, links: Links, fact_id: int) -> None:
        """sync_links for a new fact: one row per linked id, in id order."""
        parent = "event_id" if links.table.startswith("event_") else "statement_id"
        lookup = self.entity if links.column == "entity_id" else self.topic
        wanted = {lookup(slug).id: values for slug, values in links.wanted}
        for key in sorted(wanted):
            self.rows.add(links.table, {parent: fact_id, links.column: key, **wanted[key]})

    # -- search documents, as sync_search_documents: entities' first, then facts' ---------

    def _document(self, section: str, row: dict[str, Any], item: Item) -> None:
        """The text of the search document of a fact that has one (search_documents)."""
        if section == "events":
            # Participants and topics by id, as the ORM writer's links are ordered.
            entities = {self.entity(p["entity"]).id: p for p in item["participants"]}
            names = [self.catalog.by_id[entity_id].name for entity_id in sorted(entities)]
            names += [self.entity(item["place"]).name] if item["place"] else []
            topics = {self.topic(slug).id: self.topic(slug).name for slug in item["topics"]}
            text = event_document(
                self.source_id, row["slug"], row["kind"], row["title"], names,
                [topics[topic_id] for topic_id in sorted(topics)],
            )  # fmt: skip
        elif section == "statements":
            speaker = self.entity(item["speaker"]).name
            text = statement_document(
                self.source_id, row["slug"], speaker, row["speaker_text"], row["text"]
            )
        elif section == "positions":
            target = item["target"]
            about = self.entity(target["entity"]) if target.get("entity") else None
            name = about.name if about else self.topic(target["topic"]).name
            holder = self.entity(item["holder"]).name
            text = position_document(
                self.source_id, row["slug"], holder, row["stance"], name, row["description"]
            )
        else:
            return
        self.documents[section.removesuffix("s")].append((row["id"], text))

    def _search_documents(self) -> None:
        def allocate() -> int:
            return self.rows.allocate("search_documents")

        for entity in self.entities.values():
            self.catalog.document(entity, allocate)  # its text once the batch is written
        for fact_type in ("event", "statement", "position"):
            for fact_id, (source_id, slug, title, body) in self.documents[fact_type]:
                row: dict[str, Any] = {"id": allocate(), "fact_type": fact_type}
                row |= {"fact_id": fact_id, "source_id": source_id, "slug": slug}
                row |= {"title": title, "body": body}
                self.rows.add("search_documents", row)


class _Ids:
    """The bulk path's references (fact_rows.Refs): the ids of the rows."""

    def __init__(self, source: SourceRows) -> None:
        self.source = source

    def entity(self, slug: str) -> int:
        found = self.source.entities.get(slug)  # what a file names is mostly its own
        return (found or self.source.entity(slug)).id

    def topic(self, slug: str) -> int:
        found = self.source.topics.get(slug)
        return (found or self.source.topic(slug)).id

    def fact(self, section: str, key: str) -> int:
        found = self.source.ids[section].get(key)  # else another source's, stored
        return found if found is not None else self.source.plan.stored_ids[(section, key)]
