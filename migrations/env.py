"""Alembic environment: the URL comes from FACTDB_DATABASE_URL, never from a file."""

from alembic import context
from sqlalchemy import pool

from factdb.config import database_url
from factdb.db import make_engine
from factdb.models import Base

config = context.config
target_metadata = Base.metadata


# Objects the migrations make per engine, outside the models: FTS5's tables, PostgreSQL's
# generated tsvector column and its GIN indexes. Autogenerate and `alembic check` skip them.
ENGINE_OWN_TABLES = ("search_fts", "entity_name_fts")
ENGINE_OWN_COLUMNS = {("search_documents", "document")}
ENGINE_OWN_INDEXES = {
    "ix_search_documents_document",
    "ix_entities_name_key_trgm",
    "ix_entity_aliases_alias_key_trgm",
}


def include_object(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
    if type_ == "table" and name.startswith(ENGINE_OWN_TABLES):
        return False
    if type_ == "column" and (obj.table.name, name) in ENGINE_OWN_COLUMNS:
        return False
    return not (type_ == "index" and name in ENGINE_OWN_INDEXES)


def url() -> str:
    # Commands that build a Config themselves (tests, factdb db) pass the URL along.
    return config.attributes.get("database_url") or database_url()


def run_migrations_offline() -> None:
    context.configure(
        url=url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch mode rebuilds tables and downgrades drop them with rows in place:
        # SQLite checks foreign keys per statement, so they are checked once, after.
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
        # Batch mode renames its rebuilt copy to the table's name; SQLite's modern rename
        # re-parses every view and fails on views over the table it has just dropped.
        # The legacy rename leaves views alone, which is right: the name comes back.
        connection.exec_driver_sql("PRAGMA legacy_alter_table = ON")
        connection.commit()  # end SQLAlchemy's autobegun transaction; Alembic opens its own
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")
        connection.commit()
        if broken:
            raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
