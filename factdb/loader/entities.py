"""Writing a source's entities and topics, which all sources share: matched by slug
or by name, their aliases and evidence kept per source."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.orm import Session

from factdb.loader.errors import Problem
from factdb.loader.fact_rows import entity_columns, topic_columns, wanted_aliases
from factdb.loader.plan import Plan
from factdb.loader.search_documents import forget_search_document
from factdb.loader.sync import is_referenced, sync_evidence
from factdb.models import Entity, EntityAlias, Evidence, Source, Topic
from factdb.names import fold


class EntityWriter:
    """The entity and topic half of a source's writer."""

    session: Session
    plan: Plan
    source: Source
    problems: list[Problem]
    entities: dict[str, Entity]
    topics: dict[str, Topic]

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

    def _write_entity(self, item: dict[str, Any]) -> None:
        entity = self.session.scalar(select(Entity).where(Entity.slug == item["slug"]))
        if entity is None:
            entity = self._match_by_name(item)
        if entity is None:
            entity = Entity(slug=item["slug"])
            self.session.add(entity)
        if entity.slug == item["slug"]:  # this file defines it (not matched by name)
            for column, value in entity_columns(item).items():
                setattr(entity, column, value)
        self.entities[item["slug"]] = entity
        self._write_aliases(entity, item)
        sync_evidence(
            self.session, entity, self.source.id, self.plan.spans[("entities", item["slug"])]
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
                for thing_id in orphans
                if not is_referenced(self.session, model.__table__, thing_id)
            }
            for thing_id in gone:
                self.session.delete(self.session.get(model, thing_id))
                forget_search_document(self.session, model.__tablename__, thing_id)
            self.session.flush()
            orphans = orphans - gone if gone else set()
