"""entity name trigrams

Revision ID: 0007
Revises: 0006

An index of the trigrams of every entity name and alias (their folded keys), for the
suggestions an unknown name gets: they were a scan of every name and alias, 116 ms at
880,000 facts. SQLite gets an FTS5 table with the trigram tokenizer, kept in step by
triggers (rowid: an entity's id times two, an alias's id times two plus one);
PostgreSQL gets pg_trgm's GIN indexes on the two key columns.
Create Date: 2026-12-07 12:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_UP = (
    # detail='none': only single trigrams are asked for, and the index is a third smaller.
    """CREATE VIRTUAL TABLE entity_name_fts USING fts5(
        key, tokenize='trigram', detail='none')""",
    # How many names hold each trigram: a lookup takes the key's rarest trigrams only.
    "CREATE VIRTUAL TABLE entity_name_fts_vocab USING fts5vocab(entity_name_fts, 'row')",
    """INSERT INTO entity_name_fts(rowid, key)
        SELECT id * 2, name_key FROM entities
        UNION ALL SELECT id * 2 + 1, alias_key FROM entity_aliases""",
    """CREATE TRIGGER entities_name_ai AFTER INSERT ON entities BEGIN
        INSERT INTO entity_name_fts(rowid, key) VALUES (new.id * 2, new.name_key);
    END""",
    """CREATE TRIGGER entities_name_ad AFTER DELETE ON entities BEGIN
        DELETE FROM entity_name_fts WHERE rowid = old.id * 2;
    END""",
    """CREATE TRIGGER entities_name_au AFTER UPDATE OF id, name_key ON entities BEGIN
        DELETE FROM entity_name_fts WHERE rowid = old.id * 2;
        INSERT INTO entity_name_fts(rowid, key) VALUES (new.id * 2, new.name_key);
    END""",
    """CREATE TRIGGER entity_aliases_key_ai AFTER INSERT ON entity_aliases BEGIN
        INSERT INTO entity_name_fts(rowid, key) VALUES (new.id * 2 + 1, new.alias_key);
    END""",
    """CREATE TRIGGER entity_aliases_key_ad AFTER DELETE ON entity_aliases BEGIN
        DELETE FROM entity_name_fts WHERE rowid = old.id * 2 + 1;
    END""",
    """CREATE TRIGGER entity_aliases_key_au AFTER UPDATE OF id, alias_key ON entity_aliases
    BEGIN
        DELETE FROM entity_name_fts WHERE rowid = old.id * 2 + 1;
        INSERT INTO entity_name_fts(rowid, key) VALUES (new.id * 2 + 1, new.alias_key);
    END""",
)
SQLITE_DOWN = (
    "DROP TRIGGER entity_aliases_key_au",
    "DROP TRIGGER entity_aliases_key_ad",
    "DROP TRIGGER entity_aliases_key_ai",
    "DROP TRIGGER entities_name_au",
    "DROP TRIGGER entities_name_ad",
    "DROP TRIGGER entities_name_ai",
    "DROP TABLE entity_name_fts_vocab",
    "DROP TABLE entity_name_fts",
)
# pg_trgm is a trusted extension (PostgreSQL 13 and later): a database owner may create it.
POSTGRESQL_UP = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_entities_name_key_trgm ON entities USING gin (name_key gin_trgm_ops)",
    """CREATE INDEX ix_entity_aliases_alias_key_trgm ON entity_aliases
        USING gin (alias_key gin_trgm_ops)""",
)
# The extension stays: other databases' objects, or the user's, may use it.
POSTGRESQL_DOWN = (
    "DROP INDEX ix_entity_aliases_alias_key_trgm",
    "DROP INDEX ix_entities_name_key_trgm",
)


def _run(statements_by_dialect: dict[str, tuple[str, ...]]) -> None:
    dialect = op.get_bind().dialect.name
    if dialect not in statements_by_dialect:
        raise NotImplementedError(f"no name trigrams for the {dialect} dialect")
    for statement in statements_by_dialect[dialect]:
        op.execute(statement)


def upgrade() -> None:
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP})


def downgrade() -> None:
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN})
