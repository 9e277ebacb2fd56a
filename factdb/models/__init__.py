"""The relational model of factdb: every table, importable from one place."""

from factdb.models.base import Base
from factdb.models.conflicts import REPORTED_COLUMNS, Conflict, ConflictValue
from factdb.models.core import DateInterval, Entity, EntityAlias, EntityDescription, Topic
from factdb.models.evidence import FACT_COLUMNS, Evidence
from factdb.models.facts import (
    Dataset,
    Event,
    EventParticipant,
    EventTopic,
    Position,
    Quantity,
    Role,
    Statement,
    StatementMention,
)
from factdb.models.search import SEARCH_TYPES, SearchDocument, SearchTopHit
from factdb.models.source import Source

__all__ = [
    "FACT_COLUMNS",
    "REPORTED_COLUMNS",
    "SEARCH_TYPES",
    "Base",
    "Conflict",
    "ConflictValue",
    "Dataset",
    "DateInterval",
    "Entity",
    "EntityAlias",
    "EntityDescription",
    "Event",
    "EventParticipant",
    "EventTopic",
    "Evidence",
    "Position",
    "Quantity",
    "Role",
    "SearchDocument",
    "SearchTopHit",
    "Source",
    "Statement",
    "StatementMention",
    "Topic",
]
