"""Keep the search documents of a source's facts in step with the facts."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factdb.models import Entity, Event, Position, SearchDocument, Source, Statement

DocumentKey = tuple[str, int]
DocumentText = tuple[int | None, str, str, str]  # source_id, slug, title, body


def _event_text(event: Event) -> tuple[str, str]:
    # Sorted by id, not list order: the in-memory order of a first load differs.
    names = [p.entity.name for p in sorted(event.participants, key=lambda p: p.entity_id)]
    if event.place is not None:
        names.append(event.place.name)
    topics = [link.topic.name for link in sorted(event.topics, key=lambda link: link.topic_id)]
    return event.title, " ".join([event.kind.replace("_", " "), *names, *topics])


def _position_text(position: Position) -> tuple[str, str]:
    target = position.target_entity or position.target_topic
    assert target is not None
    title = f"{position.holder.name} {position.stance.replace('_', ' ')} {target.name}"
    return title, position.description


def documents_for(
    session: Session, source: Source, entities: Iterable[Entity]
) -> dict[DocumentKey, DocumentText]:
    """The search documents that the facts of ``source`` and ``entities`` should have."""
    wanted: dict[DocumentKey, DocumentText] = {}
    for entity in entities:
        aliases = " ".join(dict.fromkeys(alias.alias for alias in entity.aliases))
        body = f"{entity.description} {aliases}"
        wanted[("entity", entity.id)] = (None, entity.slug, entity.name, body)
    for event in session.scalars(select(Event).where(Event.source_id == source.id)):
        wanted[("event", event.id)] = (source.id, event.slug, *_event_text(event))
    for statement in session.scalars(select(Statement).where(Statement.source_id == source.id)):
        title = f"{statement.speaker.name} ({statement.speaker_text})"
        wanted[("statement", statement.id)] = (source.id, statement.slug, title, statement.text)
    for position in session.scalars(select(Position).where(Position.source_id == source.id)):
        wanted[("position", position.id)] = (source.id, position.slug, *_position_text(position))
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
