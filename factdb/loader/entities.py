"""Writing a source's entities and topics, which all sources share: matched by slug
or by name, their descriptions, aliases and evidence kept per source. The source that
described an entity first defines it (its description is the entity's); the others
must agree on its kind and name (shared.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from factdb.loader.errors import Problem
from factdb.loader.fact_rows import Item, entity_columns, topic_columns, wanted_aliases
from factdb.loader.plan import Plan
from factdb.loader.search_documents import forget_search_document, refresh_entity_document
from factdb.loader.shared import (
    NAMED_SOURCES,
    Enriched,
    disagreements,
    enriched,
    entity_label,
)
from factdb.loader.sync import is_referenced, sync_evidence
from factdb.models import Entity, EntityAlias, EntityDescription, Evidence, Source, Topic
from factdb.names import fold

# Of a stored entity's descriptions: the defining source's id, this source's row, and
# the slugs of some of the other sources that describe it.
Described = tuple[int | None, EntityDescription | None, list[str]]


class EntityWriter:
    """The entity and topic half of a source's writer."""

    session: Session
    plan: Plan
    file: str
    source: Source
    problems: list[Problem]
    entities: dict[str, Entity]
    topics: dict[str, Topic]
    defined: set[str]  # the file's slugs of the entities this source defines
    shared: list[Enriched]  # what it added to entities others define

    def entity(self, slug: str) -> Entity:
        if slug not in self.entities:
            found = self.session.scalar(select(Entity).where(Entity.slug == slug))
            if found is None:  # the plan's resolve checked every reference; a bug
                raise LookupError(f"entity {slug!r} vanished during the load")
            self.entities[slug] = found
        return self.entities[slug]

    def topic(self, slug: str) -> Topic:
        if slug not in self.topics:
            found = self.session.scalar(select(Topic).where(Topic.slug == slug))
            if found is None:
                raise LookupError(f"topic {slug!r} vanished during the load")
            self.topics[slug] = found
        return self.topics[slug]

    def _match_by_name(self, item: dict[str, Any]) -> Entity | None:
        """An entity of another source that this one names differently."""
        keys = {fold(item["name"]), *(fold(alias) for alias in item["aliases"])}
        alias_owner = select(EntityAlias.entity_id).where(
            EntityAlias.alias_key.in_(keys), EntityAlias.kind == "alias"
        )
        candidates = self.session.scalars(
            select(Entity).where(
                Entity.kind == item["kind"],
                or_(Entity.name_key.in_(keys), Entity.id.in_(alias_owner)),
            )
        ).all()
        return candidates[0] if len(candidates) == 1 else None

    def _write_entity(self, index: int, item: Item) -> None:
        """Write the item's entity, or add a Problem when it disagrees with the stored one
        (see shared.py) or is one the file already listed (under another slug)."""
        entity = self.session.scalar(select(Entity).where(Entity.slug == item["slug"]))
        if entity is None:
            entity = self._match_by_name(item)
        label = entity_label(index, item["slug"])
        if entity is not None and any(seen is entity for seen in self.entities.values()):
            message = f"is the entity {entity.slug!r} again; list each entity once"
            self.problems.append(Problem(self.file, label, "slug", message))
            return
        first: int | None = None  # the defining source
        mine: EntityDescription | None = None
        if entity is None:
            entity = Entity(slug=item["slug"], **entity_columns(item))
            self.session.add(entity)
        else:
            first, mine, others = self._descriptions(entity)
            if entity.slug == item["slug"] and others:
                stored = (entity.slug, entity.name, entity.kind)
                problems = disagreements(self.file, label, stored, item, others)
                if problems:
                    self.problems += problems
                    return
            elif entity.slug == item["slug"]:  # no other source lists it: this one may change it
                for column, value in entity_columns(item).items():
                    setattr(entity, column, value)
        defines = first is None or first == self.source.id
        if not defines:
            report = enriched(
                entity.slug, self._new_names(entity, item), self._new_description(entity, item)
            )
            if report is not None:
                self.shared.append(report)
        self._write_description(entity, mine, item["description"], defines)
        if defines:
            self.defined.add(item["slug"])
        self.entities[item["slug"]] = entity
        self._write_aliases(entity, item)
        sync_evidence(
            self.session, entity, self.source.id, self.plan.spans[("entities", item["slug"])]
        )

    def _descriptions(self, entity: Entity) -> Described:
        """Of a stored entity's descriptions: the defining source's id, this source's row,
        and (up to NAMED_SOURCES and one) the slugs of the other sources that describe it.

        A few rows each, on the (entity_id, id) index: a popular entity has thousands."""
        rows = select(EntityDescription.source_id).where(EntityDescription.entity_id == entity.id)
        first = self.session.scalar(rows.order_by(EntityDescription.id).limit(1))
        mine = self.session.scalar(
            select(EntityDescription).where(
                EntityDescription.entity_id == entity.id,
                EntityDescription.source_id == self.source.id,
            )
        )
        others = self.session.scalars(
            select(Source.slug)
            .join(EntityDescription, EntityDescription.source_id == Source.id)
            .where(
                EntityDescription.entity_id == entity.id,
                EntityDescription.source_id != self.source.id,
            )
            .order_by(EntityDescription.id)
            .limit(NAMED_SOURCES + 1)
        ).all()
        return first, mine, list(others)

    def _new_names(self, entity: Entity, item: Item) -> list[tuple[str, str]]:
        """The item's aliases and metonyms, as (name, kind), that no source gave yet."""
        wanted = wanted_aliases(item, entity.name_key)
        held = set(
            self.session.scalars(
                select(EntityAlias.alias_key).where(
                    EntityAlias.entity_id == entity.id, EntityAlias.alias_key.in_(wanted)
                )
            )
        )
        return [names for key, names in wanted.items() if key not in held]

    def _new_description(self, entity: Entity, item: Item) -> bool:
        """Whether no source describes ``entity`` in the item's words yet."""
        same = select(EntityDescription.id).where(
            EntityDescription.entity_id == entity.id,
            EntityDescription.description == item["description"],
        )
        return self.session.scalar(same.limit(1)) is None

    def _write_description(
        self, entity: Entity, mine: EntityDescription | None, text: str, defines: bool
    ) -> None:
        """This source's description row, and the entity's own if the source defines it."""
        if defines:
            entity.description = text
        if mine is not None:
            mine.description = text
        elif inspect(entity).has_identity:  # not through the collection: it may be long
            row = EntityDescription(entity_id=entity.id, source_id=self.source.id, description=text)
            self.session.add(row)
        else:
            entity.descriptions.append(
                EntityDescription(source_id=self.source.id, description=text)
            )

    def _write_aliases(self, entity: Entity, item: dict[str, Any]) -> None:
        """This source's aliases of ``entity``: added, kept, or dropped when dropped."""
        wanted = wanted_aliases(item, entity.name_key)
        if inspect(entity).has_identity:
            mine = select(EntityAlias).where(
                EntityAlias.entity_id == entity.id, EntityAlias.source_id == self.source.id
            )
            for alias in self.session.scalars(mine):
                if wanted.pop(alias.alias_key, None) != (alias.alias, alias.kind):
                    self.session.delete(alias)
            self.session.flush()
        for key, (name, kind) in wanted.items():
            alias = EntityAlias(alias=name, alias_key=key, kind=kind, source_id=self.source.id)
            entity.aliases.append(alias)

    def _write_topic(self, item: dict[str, Any]) -> None:
        topic = self.session.scalar(select(Topic).where(Topic.slug == item["slug"]))
        if topic is None:
            topic = Topic(slug=item["slug"])
            self.session.add(topic)
        for column, value in topic_columns(item).items():
            setattr(topic, column, value)
        self.topics[item["slug"]] = topic
        sync_evidence(
            self.session, topic, self.source.id, self.plan.spans[("topics", item["slug"])]
        )

    def _forget_dropped(self, model: type[Entity | Topic], kept: set[str], column: str) -> None:
        """Drop this source's evidence of entities or topics no longer in the file, and
        the entities or topics that are then unsupported and unreferenced."""
        stale = self.session.scalars(
            select(Evidence)
            .join(model, getattr(Evidence, column) == model.id)
            .where(Evidence.source_id == self.source.id, model.slug.not_in(kept))
        ).all()
        orphans = {getattr(row, column) for row in stale}
        for row in stale:
            self.session.delete(row)
        if model is Entity:
            described = self.session.scalars(
                select(EntityDescription)
                .join(Entity, Entity.id == EntityDescription.entity_id)
                .where(EntityDescription.source_id == self.source.id, Entity.slug.not_in(kept))
            ).all()
            orphans |= {row.entity_id for row in described}
            for description in described:
                self.session.delete(description)
        if model is Entity and orphans:
            dropped_aliases = select(EntityAlias).where(
                EntityAlias.entity_id.in_(orphans), EntityAlias.source_id == self.source.id
            )
            for alias in self.session.scalars(dropped_aliases):
                self.session.delete(alias)
        self.session.flush()
        # Until none goes: an orphan placed in another (located_in) keeps it referenced.
        while orphans:
            gone = {
                thing_id
                for thing_id in sorted(orphans)
                if not is_referenced(self.session, model.__table__, thing_id)
            }
            for thing_id in sorted(gone):
                self.session.delete(self.session.get(model, thing_id))
                forget_search_document(self.session, model.__tablename__, thing_id)
            self.session.flush()
            if not gone:
                break
            orphans -= gone
        for thing_id in sorted(orphans):
            if model is Entity:
                self._redefine(thing_id)

    def _redefine(self, entity_id: int) -> None:
        """An entity this source no longer lists but others still refer to: its
        description becomes that of the source that now described it first, and its
        search document follows (its aliases from this source are gone too)."""
        entity = self.session.get(Entity, entity_id)
        assert entity is not None  # is_referenced just found what refers to it
        first = self.session.scalar(
            select(EntityDescription.description)
            .where(EntityDescription.entity_id == entity_id)
            .order_by(EntityDescription.id)
            .limit(1)
        )
        if first is not None:
            entity.description = first
        self.session.flush()
        refresh_entity_document(self.session, entity)
