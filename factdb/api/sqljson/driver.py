"""Kept statements run on the DBAPI connection, compiled once.

SQLAlchemy's execution of an already compiled statement still costs a collection page
about 4% of its instructions (10.50 M -> 10.07 M a request for 50 statements, counted
by callgrind): it looks the compiled form up by the statement's large cache key, sets up
an execution context and wraps every row. A kept statement (reuse.py) is compiled once
per dialect here instead, and each request only binds its values, the way SQLAlchemy
binds them (the compiled form's order and bind processors), and runs the SQL on the
request's own connection, in its transaction. Errors are wrapped as SQLAlchemy wraps
them, so that the API answers a timeout or a lost database as it does elsewhere.
No library runs a compiled SQLAlchemy statement on the driver, hence this module.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError

from factdb.sql import AnySelect

Processor = Callable[[Any], Any]


@dataclass(frozen=True)
class DriverStatement:
    """A statement compiled for one dialect: its SQL and how values are bound to it."""

    sql: str
    compiled: Any  # SQLCompiler: construct_params fills in the values not given
    positions: tuple[str, ...] | None  # bind names in order (positional paramstyles)
    names: Mapping[str, str]  # bind name -> name in the SQL (named paramstyles)
    processors: Mapping[str, Processor]

    @classmethod
    def compile(cls, statement: AnySelect, dialect: Dialect) -> DriverStatement | None:
        """``statement`` compiled for ``dialect``; None when its SQL changes with its
        values (expanding IN lists, literal-rendered values), which only SQLAlchemy's
        own execution expands."""
        compiled: Any = statement.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params:
            return None
        processors = {}
        for name, bind in compiled.binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                processors[name] = processor
        positions = tuple(compiled.positiontup) if compiled.positional else None
        names = dict(compiled.escaped_bind_names or {})
        return cls(compiled.string, compiled, positions, names, processors)

    def parameters(self, values: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
        """The DBAPI parameters for ``values`` (by bind name; the others keep the values
        the statement was built with)."""
        params = self.compiled.construct_params(values, escape_names=False)
        processors = self.processors

        def bound(name: str) -> Any:
            value = params[name]
            processor = processors.get(name)
            return value if processor is None else processor(value)

        if self.positions is not None:
            return tuple(bound(name) for name in self.positions)
        return {self.names.get(name, name): bound(name) for name in params}

    def rows(self, connection: Connection, values: Mapping[str, Any]) -> list[Sequence[Any]]:
        """The statement's rows, as the driver returns them, on ``connection``."""
        return run(connection, self.sql, self.parameters(values))


def run(
    connection: Connection, sql: str, parameters: Sequence[Any] | dict[str, Any] = ()
) -> list[Sequence[Any]]:
    """``sql``'s rows from the driver connection under ``connection``, in its
    transaction (begun here if it is not yet), with DBAPI errors wrapped as SQLAlchemy
    wraps them."""
    if not connection.in_transaction():
        connection.begin()
    driver = connection.connection.driver_connection
    assert driver is not None
    dbapi = connection.dialect.loaded_dbapi
    try:
        cursor = driver.cursor()
        try:
            cursor.execute(sql, parameters)
            return list(cursor.fetchall())
        finally:
            cursor.close()
    except dbapi.Error as error:
        raise DBAPIError.instance(
            sql, parameters, error, dbapi.Error, dialect=connection.dialect
        ) from error
