"""The bulk path's picture of what all sources share: entities (with their aliases,
descriptions and search documents) and topics, read once per load and kept up to date
in memory, so a source's entities are matched without a query each, as the ORM writer
matches them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from factdb.loader.fact_rows import entity_columns, topic_columns
from factdb.loader.search_documents import DocumentText, entity_document
from factdb.loader.shared import NAMED_SOURCES
from factdb.models import Entity, EntityAlias, EntityDescription, SearchDocument, Source, Topic
from factdb.names import fold

ENTITY_COLUMNS = ("slug", "name", "name_key", "kind", "description", "located_in_id")
TOPIC_COLUMNS = ("slug", "name", "name_key")


@dataclass
class Alias:
    alias: str
    alias_key: str
    kind: str
    source_id: int


@dataclass
class EntityState:
    """An entity as stored once the batch commits; ``stored`` is its row as committed
    (None while only this batch holds it)."""

    id: int
    slug: str
    name: str
    name_key: str
    kind: str
    description: str
    located_in_id: int | None = None
    aliases: list[Alias] = field(default_factory=list)  # in id order
    alias_keys: set[str] = field(default_factory=set)  # of aliases and metonyms
    # The sources that describe it, in the order they did (the defining one first), as
    # far as the bulk path needs them: to know the first and to name a few.
    described_by: list[int] = field(default_factory=list)
    texts: set[str] = field(default_factory=set)  # the descriptions they give
    stored: dict[str, Any] | None = None

    def row(self) -> dict[str, Any]:
        return {"id": self.id, **{column: getattr(self, column) for column in ENTITY_COLUMNS}}

    def document(self) -> DocumentText:
        aliases = (alias.alias for alias in self.aliases)
        return entity_document(self.slug, self.name, self.description, aliases)


@dataclass
class TopicState:
    id: int
    slug: str
    name: str
    name_key: str
    stored: dict[str, Any] | None = None

    def row(self) -> dict[str, Any]:
        return {"id": self.id, **{column: getattr(self, column) for column in TOPIC_COLUMNS}}


@dataclass
class DocumentState:
    """An entity's search document: its id, and its text as committed (None if new)."""

    id: int
    stored: DocumentText | None = None


class Catalog:
    """Entities, aliases, entity documents and topics, by the keys the writer looks up."""

    def __init__(self, connection: Connection) -> None:
        self.entities: dict[str, EntityState] = {}  # by slug
        self.by_id: dict[int, EntityState] = {}
        self.by_name_key: dict[str, set[int]] = defaultdict(set)
        self.by_alias_key: dict[str, set[int]] = defaultdict(set)  # aliases of kind "alias"
        self.topics: dict[str, TopicState] = {}
        self.documents: dict[int, DocumentState] = {}  # by entity id
        self.entity_slugs: set[str] = set()  # what plan makers are told is stored
        self.topic_slugs: set[str] = set()
        self.touched: dict[int, EntityState] = {}  # entities written in this batch
        self.touched_topics: dict[int, TopicState] = {}
        self.touched_documents: set[int] = set()  # by entity id
        self.source_slugs: dict[int, str] = {}
        self._read(connection)

    def _read(self, connection: Connection) -> None:
        for row in connection.execute(select(Entity.__table__).order_by(Entity.id)).mappings():
            values = {column: row[column] for column in ENTITY_COLUMNS}
            self._add(EntityState(id=row["id"], **values, stored=values))
        aliases = select(EntityAlias.__table__).order_by(EntityAlias.id)
        for row in connection.execute(aliases).mappings():
            alias = Alias(row["alias"], row["alias_key"], row["kind"], row["source_id"])
            self.add_alias(self.by_id[row["entity_id"]], alias)
        self.source_slugs = {
            row.id: row.slug for row in connection.execute(select(Source.id, Source.slug))
        }
        descriptions = select(
            EntityDescription.entity_id, EntityDescription.source_id, EntityDescription.description
        ).order_by(EntityDescription.id)
        for entity_id, source_id, words in connection.execute(descriptions):
            self.add_description(self.by_id[entity_id], source_id, words)
        for row in connection.execute(select(Topic.__table__)).mappings():
            values = {column: row[column] for column in TOPIC_COLUMNS}
            self.topics[row["slug"]] = TopicState(id=row["id"], **values, stored=values)
            self.topic_slugs.add(row["slug"])
        table = SearchDocument.__table__
        documents = select(table).where(table.c.fact_type == "entity")
        for row in connection.execute(documents).mappings():
            text = (row["source_id"], row["slug"], row["title"], row["body"])
            self.documents[row["fact_id"]] = DocumentState(row["id"], text)

    def _add(self, entity: EntityState) -> None:
        self.entities[entity.slug] = entity
        self.by_id[entity.id] = entity
        self.by_name_key[entity.name_key].add(entity.id)
        self.entity_slugs.add(entity.slug)

    # -- entities ----------------------------------------------------------------------

    def new_entity(self, entity_id: int, item: dict[str, Any]) -> EntityState:
        entity = EntityState(id=entity_id, slug=item["slug"], **entity_columns(item))
        self._add(entity)
        return entity

    def match_by_name(self, item: dict[str, Any]) -> EntityState | None:
        """EntityWriter._match_by_name: the one entity of the item's kind whose name, or
        one of whose aliases (not metonyms), folds to the item's name or an alias."""
        keys = {fold(item["name"]), *(fold(alias) for alias in item["aliases"])}
        ids: set[int] = set()
        for key in keys:
            ids |= self.by_name_key.get(key, set()) | self.by_alias_key.get(key, set())
        candidates = [i for i in ids if self.by_id[i].kind == item["kind"]]
        return self.by_id[candidates[0]] if len(candidates) == 1 else None

    def define(self, entity: EntityState, item: dict[str, Any]) -> None:
        """The item defines ``entity`` (same slug): its name, kind and description."""
        self.by_name_key[entity.name_key].discard(entity.id)
        for column, value in entity_columns(item).items():
            setattr(entity, column, value)
        self.by_name_key[entity.name_key].add(entity.id)

    def add_alias(self, entity: EntityState, alias: Alias) -> None:
        entity.aliases.append(alias)
        entity.alias_keys.add(alias.alias_key)
        if alias.kind == "alias":
            self.by_alias_key[alias.alias_key].add(entity.id)

    def add_description(self, entity: EntityState, source_id: int, text: str) -> None:
        """A source's description of ``entity`` (the first source's is already the
        entity's own: new_entity or define set it)."""
        if len(entity.described_by) <= NAMED_SOURCES:
            entity.described_by.append(source_id)
        entity.texts.add(text)

    def touch(self, entity: EntityState) -> None:
        self.touched[entity.id] = entity

    def document(self, entity: EntityState, allocate: Any) -> None:
        """The entity's document will be rewritten; a new one takes the next id now."""
        if entity.id not in self.documents:
            self.documents[entity.id] = DocumentState(allocate())
        self.touched_documents.add(entity.id)

    # -- topics ------------------------------------------------------------------------

    def write_topic(self, item: dict[str, Any], allocate: Any) -> TopicState:
        topic = self.topics.get(item["slug"])
        columns = topic_columns(item)
        if topic is None:
            topic = TopicState(allocate(), item["slug"], **columns)
            self.topics[topic.slug] = topic
            self.topic_slugs.add(topic.slug)
        for column, value in columns.items():
            setattr(topic, column, value)
        self.touched_topics[topic.id] = topic
        return topic

    # -- the batch's writes ------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        """What the batch changed: new rows and updated rows of entities, topics and
        entity documents (each row as it stands after the batch)."""
        new_entities = sorted((e for e in self.touched.values() if e.stored is None), key=_id)
        old_entities = [e for e in self.touched.values() if e.stored is not None]
        new_topics = sorted((t for t in self.touched_topics.values() if t.stored is None), key=_id)
        old_topics = [t for t in self.touched_topics.values() if t.stored is not None]
        new_documents, old_documents = [], []
        for entity_id in self.touched_documents:
            document = self.documents[entity_id]
            text = self.by_id[entity_id].document()
            row = dict(zip(("source_id", "slug", "title", "body"), text, strict=True))
            row |= {"id": document.id, "fact_type": "entity", "fact_id": entity_id}
            if document.stored is None:
                new_documents.append(row)
            elif document.stored != text:
                old_documents.append(row)
        return {
            "new_entities": [e.row() for e in new_entities],
            "updated_entities": [e.row() for e in old_entities if _changed(e.stored, e.row())],
            "new_topics": [t.row() for t in new_topics],
            "updated_topics": [t.row() for t in old_topics if _changed(t.stored, t.row())],
            "new_documents": sorted(new_documents, key=lambda row: row["id"]),
            "updated_documents": old_documents,
        }

    def committed(self) -> None:
        """The batch is committed: what it wrote is now what is stored."""
        for entity in self.touched.values():
            entity.stored = {column: getattr(entity, column) for column in ENTITY_COLUMNS}
        for topic in self.touched_topics.values():
            topic.stored = {column: getattr(topic, column) for column in TOPIC_COLUMNS}
        for entity_id in self.touched_documents:
            self.documents[entity_id].stored = self.by_id[entity_id].document()
        self.touched, self.touched_topics, self.touched_documents = {}, {}, set()


def _id(thing: EntityState | TopicState) -> int:
    return thing.id


def _changed(stored: dict[str, Any] | None, row: dict[str, Any]) -> bool:
    return stored is None or any(stored[column] != row[column] for column in stored)
