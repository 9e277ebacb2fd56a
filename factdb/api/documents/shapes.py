"""What a response shows of each row: the collection's schema, narrowed by the fields
parameter, and its compiled dump."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from marshmallow import Schema, fields

from factdb.api.documents.pydump import Dump, compile_dump, dumper
from factdb.api.http.problems import BadParameter


class Shape(NamedTuple):
    """What a response shows of each row: the schema (narrowed by the fields
    parameter to the names in ``fields``) and its compiled dump."""

    schema: Schema
    dump: Dump
    fields: tuple[str, ...] | None


def shape_of(schema: Schema, only: list[str] | None) -> Shape:
    """``schema`` narrowed to ``only`` (the fields parameter's names), and its compiled
    dump function; BadParameter naming what is unknown."""
    if only is None:
        return Shape(schema, dumper(schema), None)
    names = list(dict.fromkeys(only))  # a name given twice is shown once
    unknown = [name for name in names if not _has_field(schema, name.split("."))]
    if unknown:
        choices = ", ".join(schema.fields)
        listed = ", ".join(map(repr, unknown))
        raise BadParameter("fields", f"unknown field(s) {listed}; fields are {choices}")
    return Shape(*_narrowed(type(schema), tuple(names)), tuple(names))


@lru_cache(maxsize=128)
def _narrowed(schema_type: type[Schema], names: tuple[str, ...]) -> tuple[Schema, Dump]:
    """A schema limited to ``names`` and its dump function, compiled once per choice."""
    schema = schema_type(only=names)
    return schema, compile_dump(schema)


def _has_field(schema: Schema, path: list[str]) -> bool:
    """Whether the dotted ``path`` names a field of ``schema`` (through nested schemas)."""
    field = schema.fields.get(path[0])
    if field is None:
        return False
    if len(path) == 1:
        return True
    inner = getattr(field, "inner", field)
    return isinstance(inner, fields.Nested) and _has_field(inner.schema, path[1:])
