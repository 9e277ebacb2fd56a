"""Keep the search documents of a source's facts in step with the facts."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factdb.models import (
    Entity,
    EntityAlias,
    Event,
    Position,
    SearchDocument,
    Source,
    Statement,
)

DocumentKey = tuple[str, int]
DocumentText = tuple[int | None, str, str, str]  # source_id, slug, title, body


def entity_document(slug: str, name: str, description: str, aliases: Iterable[str]) -> DocumentText:
    """An entity's document: its description and each of its aliases once, in id order."""
    return (None, slug, name, f"{description} {' '.join(dict.fromkeys(aliases))}")


def event_document(
    source_id: int,
    slug: str,
    kind: str,
    title: str,
    names: Iterable[str],
    topics: Iterable[str],
) -> DocumentText:
    """An event's document: ``names`` are its participants' by entity id, then its
    place's; ``topics`` its topics' by topic id."""
    return (source_id, slug, title, " ".join([kind.replace("_", " "), *names, *topics]))


def statement_document(
    source_id: int, slug: str, speaker: str, speaker_text: str, text: str
) -> DocumentText:
    return (source_id, slug, f"{speaker} ({speaker_text})", text)


def position_document(
    source_id: int, slug: str, holder: str, stance: str, target: str, description: str
) -> DocumentText:
    return (source_id, slug, f"{holder} {stance.replace('_', ' ')} {target}", description)


def _event_document(event: Event) -> DocumentText:
    # Sorted by id, not list order: the in-memory order of a first load differs.
    names = [p.entity.name for p in sorted(event.participants, key=lambda p: p.entity_id)]
    if event.place is not None:
        names.append(event.place.name)
    topics = [link.topic.name for link in sorted(event.topics, key=lambda link: link.topic_id)]
    return event_document(event.source_id, event.slug, event.kind, event.title, names, topics)


def _position_document(position: Position) -> DocumentText:
    target = position.target_entity or position.target_topic
    assert target is not None
    return position_document(
        position.source_id,
        position.slug,
        position.holder.name,
        position.stance,
        target.name,
        position.description,
    )


def documents_for(
    session: Session, source: Source, entities: Iterable[Entity]
) -> dict[DocumentKey, DocumentText]:
    """The search documents that the facts of ``source`` and ``entities`` should have."""
    wanted: dict[DocumentKey, DocumentText] = {}
    for entity in entities:
        aliases = (alias.alias for alias in entity.aliases)
        wanted[("entity", entity.id)] = entity_document(
            entity.slug, entity.name, entity.description, aliases
        )
    # In id order: without an order, PostgreSQL returns updated rows (an event's part_of
    # is set after it is inserted) last, and documents would take ids in no fixed order.
    events = select(Event).where(Event.source_id == source.id).order_by(Event.id)
    for event in session.scalars(events):
        wanted[("event", event.id)] = _event_document(event)
    statements = select(Statement).where(Statement.source_id == source.id)
    for statement in session.scalars(statements.order_by(Statement.id)):
        wanted[("statement", statement.id)] = statement_document(
            source.id,
            statement.slug,
            statement.speaker.name,
            statement.speaker_text,
            statement.text,
        )
    positions = select(Position).where(Position.source_id == source.id)
    for position in session.scalars(positions.order_by(Position.id)):
        wanted[("position", position.id)] = _position_document(position)
    return wanted


def sync_search_documents(session: Session, source: Source, entities: Iterable[Entity]) -> None:
    """Insert, update or delete documents so they match the stored facts, keeping ids."""
    entities = list(entities)
    wanted = documents_for(session, source, entities)
    entity_ids = [entity.id for entity in entities]
    existing = session.scalars(
        select(SearchDocument).where(
            or_(
                SearchDocument.source_id == source.id,
                (SearchDocument.fact_type == "entity") & SearchDocument.fact_id.in_(entity_ids),
            )
        )
    )
    for document in existing:
        text = wanted.pop((document.fact_type, document.fact_id), None)
        if text is None:
            session.delete(document)
        elif text != (document.source_id, document.slug, document.title, document.body):
            document.source_id, document.slug, document.title, document.body = text
    for (fact_type, fact_id), (source_id, slug, title, body) in wanted.items():
        session.add(
            SearchDocument(
                fact_type=fact_type,
                fact_id=fact_id,
                source_id=source_id,
                slug=slug,
                title=title,
                body=body,
            )
        )
    session.flush()


def forget_search_document(session: Session, table: str, fact_id: int) -> None:
    """Delete the document of a deleted entity (documents hold no foreign key)."""
    fact_type = {"entities": "entity"}.get(table)
    if fact_type is not None:
        document = select(SearchDocument).where(
            SearchDocument.fact_type == fact_type, SearchDocument.fact_id == fact_id
        )
        for row in session.scalars(document):
            session.delete(row)


def refresh_entity_document(session: Session, entity: Entity) -> None:
    """Rewrite the document of an entity that a source stopped listing while others
    still refer to it: its description or aliases may have changed."""
    aliases = session.scalars(
        select(EntityAlias.alias).where(EntityAlias.entity_id == entity.id).order_by(EntityAlias.id)
    )
    text = entity_document(entity.slug, entity.name, entity.description, aliases)
    document = session.scalar(
        select(SearchDocument).where(
            SearchDocument.fact_type == "entity", SearchDocument.fact_id == entity.id
        )
    )
    if document is not None:
        document.source_id, document.slug, document.title, document.body = text
