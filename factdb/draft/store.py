"""The names already in the database, read once per draft (or batch) with SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factdb.models import Base, Entity, EntityAlias, Source, Topic
from factdb.models.fact_base import SourcedFact

# Every table of facts with a key of its own (events, roles, statements, ...).
KEYED_FACTS = [
    mapper.class_ for mapper in Base.registry.mappers if issubclass(mapper.class_, SourcedFact)
]


@dataclass(frozen=True)
class StoredEntity:
    slug: str
    name: str
    kind: str


@dataclass
class StoredNames:
    """Stored entities and, per casefolded name, alias or metonym, the entity's slug."""

    entities: dict[str, StoredEntity] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    metonyms: dict[str, str] = field(default_factory=dict)
    topics: set[str] = field(default_factory=set)
    # Every stored fact key -> the slug of the source that holds it: a draft never
    # reuses another source's key (the load would refuse it).
    fact_keys: dict[str, str] = field(default_factory=dict)


def read_stored_names(engine: Engine) -> StoredNames:
    """Every entity name, alias and metonym, every topic slug and every fact key of the
    database."""
    stored = StoredNames()
    with Session(engine) as session:
        for slug, name, kind in session.execute(select(Entity.slug, Entity.name, Entity.kind)):
            stored.entities[slug] = StoredEntity(slug, name, kind)
            stored.names.setdefault(name.casefold(), slug)
        rows = session.execute(
            select(Entity.slug, EntityAlias.alias, EntityAlias.kind).join(
                EntityAlias, EntityAlias.entity_id == Entity.id
            )
        )
        for slug, alias, kind in rows:
            target = stored.metonyms if kind == "metonym" else stored.names
            target.setdefault(alias.casefold(), slug)
        stored.topics = set(session.scalars(select(Topic.slug)))
        for model in KEYED_FACTS:
            keys = session.execute(
                select(model.slug, Source.slug).join(Source, Source.id == model.source_id)
            )
            stored.fact_keys.update((key, source) for key, source in keys)
    return stored
