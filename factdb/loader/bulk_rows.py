"""The rows one new source adds, as the ORM writer (apply.py) would insert them: the same
values, and ids taken in the order its flushes take them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from factdb.loader.bulk_batch import Rows, Written
from factdb.loader.bulk_catalog import Alias, Catalog, EntityState, TopicState
from factdb.loader.dates import rule_columns
from factdb.loader.errors import Problem, SeedError
from factdb.loader.plan import FACTS_FILE, Plan
from factdb.loader.search_documents import (
    DocumentText,
    event_document,
    position_document,
    statement_document,
)
from factdb.models import FACT_COLUMNS
from factdb.models.fact_base import date_copies
from factdb.names import fold

# Per-source facts in the order the ORM writer writes them (apply.SOURCED); each
# section's table has the section's name.
SECTIONS = ("dates", "events", "roles", "statements", "positions", "quantities")
# The evidence column of each section's facts.
EVIDENCE_COLUMN = dict(
    zip(
        ("entities", "topics", "dates", "roles", "events", "statements", "positions", "quantities"),
        FACT_COLUMNS,
        strict=True,
    )
)
# Columns a link row copies from the fact it belongs to: filled in by SourceRows._links,
# the one place links are made.
LINK_COPIES: dict[str, tuple[str, ...]] = {
    "event_participants": ("sort_date",),
    "event_topics": (),
    "statement_mentions": ("sort_date",),
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
        self.documents: dict[str, list[tuple[int, DocumentText]]] = defaultdict(list)
        self.source_id = rows.allocate("sources")

    def write(self) -> Written:
        self._source()
        for item in self.plan.sections["entities"]:
            self._entity(item)
        for item in self.plan.sections["entities"]:
            entity = self.entity(item["slug"])
            if entity.slug == item["slug"]:
                located_in = item["located_in"]
                entity.located_in_id = self.entity(located_in).id if located_in else None
        for item in self.plan.sections["topics"]:
            topic = self.catalog.write_topic(item, lambda: self.rows.allocate("topics"))
            self.topics[item["slug"]] = topic
            self._evidence("topics", item["slug"], topic.id)
        fill: dict[str, Callable[[dict[str, Any], dict[str, Any]], None]] = {
            "dates": self._date,
            "events": self._event,
            "roles": self._role,
            "statements": self._statement,
            "positions": self._position,
            "quantities": self._quantity,
        }
        for section in SECTIONS:
            self._section(section, fill[section])
        self._search_documents()
        return Written(self.file, self.plan.source["slug"], self.keys)

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

    def _ref(self, section: str, key: str | None) -> int | None:
        return None if key is None else self.ids[section][key]

    # -- the source, its entities and topics ---------------------------------------------

    def _source(self) -> None:
        meta = self.plan.source
        self.rows.add(
            "sources",
            {
                "id": self.source_id,
                "slug": meta["slug"],
                "title": meta["title"],
                "text": self.plan.text,
                "sha256": self.plan.sha256,
                "facts_sha256": self.plan.facts_sha256,
                "publisher": meta["publisher"],
                "url": meta["url"],
                "published_on": meta["published_on"],
                "year_note": meta["year"]["reason"] if meta["year"] else None,
                "drafted": meta["drafted"],
            },
        )

    def _entity(self, item: dict[str, Any]) -> None:
        """EntityWriter._write_entity for a source not loaded before."""
        entity = self.catalog.entities.get(item["slug"]) or self.catalog.match_by_name(item)
        if entity is None:
            entity = self.catalog.new_entity(self.rows.allocate("entities"), item)
        elif entity.slug == item["slug"]:
            self.catalog.define(entity, item)
        if any(seen is entity for seen in self.entities.values()):
            # The ORM writer would rewrite (and partly delete) what this file just wrote.
            message = f"is the entity {entity.slug!r} again; load this source with load_plans"
            raise SeedError([Problem(self.file, f"entities {item['slug']!r}", "slug", message)])
        self.entities[item["slug"]] = entity
        self.catalog.touch(entity)
        wanted: dict[str, tuple[str, str]] = {}
        for name, kind in [
            *((alias, "alias") for alias in item["aliases"]),
            (item["name"], "alias"),  # a matched entity is also known by this file's name
            *((metonym, "metonym") for metonym in item["metonyms"]),
        ]:
            if fold(name) != entity.name_key:
                wanted.setdefault(fold(name), (name, kind))
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
            row: dict[str, Any] = {
                "id": self.rows.allocate("evidence"),
                "source_id": self.source_id,
                "start_offset": span.start,
                "end_offset": span.end,
                "text": span.text,
            }
            row |= dict.fromkeys(FACT_COLUMNS)
            row[EVIDENCE_COLUMN[section]] = fact_id
            self.rows.add("evidence", row)

    # -- facts of this source --------------------------------------------------------

    def _section(
        self, section: str, fill: Callable[[dict[str, Any], dict[str, Any]], None]
    ) -> None:
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
                depth[key] = 0 if anchor is None else depth[anchor] + 1
            saved = sorted(items, key=lambda pair: depth[pair[1]["key"]])  # stable
        rows = {}
        for _, item in saved:
            row = {"id": self.rows.allocate(section), "source_id": self.source_id}
            rows[item["key"]] = row | {"slug": item["key"]}
            self.ids[section][item["key"]] = row["id"]
        for index, item in items:
            key = item["key"]
            self.keys.append((section, index, key))
            fill(rows[key], item)
            self._evidence(section, key, rows[key]["id"])
        for _, item in saved:
            self.rows.add(section, rows[item["key"]])
        if section == "events":  # part_of may name a later event: as _link_events
            for _, item in items:
                row = rows[item["key"]]
                self.rows.refer("events", row, "part_of_id", self._ref("events", item["part_of"]))

    def _dated(self, row: dict[str, Any], date_key: str | None) -> None:
        """DatedFact.set_date: the date and the copies of its bounds."""
        row["date_id"] = self._ref("dates", date_key)
        interval = None if date_key is None else self.plan.intervals[date_key]
        row |= date_copies(*((None, None) if interval is None else (interval.start, interval.end)))

    def _links(
        self, table: str, fact: dict[str, Any], column: str, wanted: dict[int, dict[str, Any]]
    ) -> None:
        """sync_links for a new fact: one row per key of ``wanted``, in key order."""
        parent = "event_id" if table.startswith("event_") else "statement_id"
        copies = {name: fact[name] for name in LINK_COPIES[table]}
        for key in sorted(wanted):
            self.rows.add(table, {parent: fact["id"], column: key, **wanted[key], **copies})

    def _date(self, row: dict[str, Any], item: dict[str, Any]) -> None:
        interval = self.plan.intervals[item["key"]]
        row["text"] = self.plan.fact_text("dates", item["key"])
        row["start_date"], row["end_date"] = interval.start, interval.end
        row["precision"], row["basis"] = interval.precision, interval.basis
        row["year_basis"] = interval.year_basis
        self.rows.refer("dates", row, "anchor_date_id", self._ref("dates", interval.anchor_key))
        row |= rule_columns(interval)
        row["length_days"] = interval.length_days
        row["note"] = interval.note

    def _event(self, row: dict[str, Any], item: dict[str, Any]) -> None:
        row["kind"], row["title"] = item["kind"], item["title"]
        row["status"], row["reviewed"] = item["status"], item["reviewed"]
        self._dated(row, item["date"])
        place = self.entity(item["place"]) if item["place"] else None
        row["place_id"] = place.id if place else None
        row["part_of_id"] = None  # set by _section once every event has its id
        roles = {self.entity(p["entity"]).id: {"role": p["role"]} for p in item["participants"]}
        self._links("event_participants", row, "entity_id", roles)
        topics = {self.topic(slug).id: self.topic(slug).name for slug in item["topics"]}
        self._links("event_topics", row, "topic_id", {key: {} for key in topics})
        names = [self.catalog.by_id[entity_id].name for entity_id in sorted(roles)]
        names += [place.name] if place else []
        text = event_document(
            self.source_id, row["slug"], row["kind"], row["title"], names,
            [topics[topic_id] for topic_id in sorted(topics)],
        )  # fmt: skip
        self.documents["event"].append((row["id"], text))

    def _role(self, row: dict[str, Any], item: dict[str, Any]) -> None:
        row["holder_id"] = self.entity(item["holder"]).id
        row["title"] = item["title"]
        organization = item["organization"]
        row["organization_id"] = self.entity(organization).id if organization else None
        self._dated(row, item["date"])
        row["reviewed"] = item["reviewed"]

    def _statement(self, row: dict[str, Any], item: dict[str, Any]) -> None:
        speaker = self.entity(item["speaker"])
        row["speaker_id"], row["speaker_text"] = speaker.id, item["speaker_text"]
        relayed_by = item["relayed_by"]
        row["relayed_by_id"] = self.entity(relayed_by).id if relayed_by else None
        row["relayed_by_text"] = item["relayed_by_text"]
        row["mode"] = item["mode"]
        row["text"] = self.plan.fact_text("statements", item["key"])
        row["event_id"] = self._ref("events", item["event"])
        self._dated(row, item["date"])
        row["reviewed"] = item["reviewed"]
        mentions: dict[int, dict[str, Any]] = {self.entity(s).id: {} for s in item["mentions"]}
        self._links("statement_mentions", row, "entity_id", mentions)
        text = statement_document(
            self.source_id, row["slug"], speaker.name, row["speaker_text"], row["text"]
        )
        self.documents["statement"].append((row["id"], text))

    def _position(self, row: dict[str, Any], item: dict[str, Any]) -> None:
        target = item["target"]
        holder = self.entity(item["holder"])
        row["holder_id"] = holder.id
        row["stance"], row["outcome"] = item["stance"], item["outcome"]
        entity = self.entity(target["entity"]) if target.get("entity") else None
        topic = self.topic(target["topic"]) if target.get("topic") else None
        row["target_entity_id"] = entity.id if entity else None
        row["target_topic_id"] = topic.id if topic else None
        row["description"] = item["description"]
        row["statement_id"] = self._ref("statements", item["statement"])
        self._dated(row, item["date"])
        row["reviewed"] = item["reviewed"]
        about = entity or topic
        assert about is not None, "the schema requires one target"
        text = position_document(
            self.source_id, row["slug"], holder.name, row["stance"], about.name, row["description"]
        )
        self.documents["position"].append((row["id"], text))

    def _quantity(self, row: dict[str, Any], item: dict[str, Any]) -> None:
        subject = item["subject"]
        row["text"] = self.plan.fact_text("quantities", item["key"])
        row["value"], row["min_value"], row["max_value"] = item["value"], item["min"], item["max"]
        row["unit"], row["approximate"] = item["unit"], item["approximate"]
        row["approximation"], row["reviewed"] = item["approximation"], item["reviewed"]
        row["description"] = item["description"]
        entity = self.entity(subject["entity"]) if subject.get("entity") else None
        row["subject_entity_id"] = entity.id if entity else None
        row["subject_event_id"] = self._ref("events", subject.get("event"))

    # -- search documents, as sync_search_documents: entities' first, then facts' ---------

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
