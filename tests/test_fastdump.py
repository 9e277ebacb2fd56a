"""The compiled dump functions give exactly what marshmallow's own dump gives."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from marshmallow import Schema, fields, post_dump
from sqlalchemy import select
from sqlalchemy.orm import Session

from factdb.api.collections.collection import Collection
from factdb.api.documents.pydump import compile_dump, dump_many, dumper
from factdb.api.documents.schemas import EntityOut, SourceOut
from factdb.db import make_engine
from factdb.models import Entity, Event, Position, Quantity, Role, Source, Statement


@pytest.fixture
def session(app: Flask, seeded_url: str) -> Iterator[Session]:
    engine = make_engine(seeded_url)
    with app.test_request_context("/"), Session(engine) as session:  # URLs need a host
        yield session
    engine.dispose()


def schema_of(blueprint_module: str) -> Schema:
    from importlib import import_module

    module = import_module(f"factdb.api.resources.{blueprint_module}")
    return next(v.schema for v in vars(module).values() if isinstance(v, Collection))


@pytest.mark.parametrize(
    ("model", "module"),
    [
        (Event, "events"),
        (Statement, "statements"),
        (Position, "positions"),
        (Role, "roles"),
        (Quantity, "quantities"),
    ],
)
def test_every_fact_dumps_as_marshmallow_dumps_it(
    session: Session, model: Any, module: str
) -> None:
    schema = schema_of(module)
    rows = list(session.scalars(select(model)))
    assert rows
    for row in rows:
        assert dumper(schema)(row) == schema.dump(row), row.slug


@pytest.mark.parametrize(("model", "schema"), [(Entity, EntityOut()), (Source, SourceOut())])
def test_entities_and_sources_too(session: Session, model: Any, schema: Schema) -> None:
    rows = list(session.scalars(select(model)))
    assert dump_many(schema, rows) == schema.dump(rows, many=True)


def test_narrowed_schemas_keep_their_fields_and_nesting(session: Session) -> None:
    schema = type(schema_of("statements"))(only=("id", "speaker.slug", "date", "evidence"))
    rows = list(session.scalars(select(Statement)))
    assert dump_many(schema, rows) == schema.dump(rows, many=True)
    assert set(dump_many(schema, rows)[0]) == {"id", "speaker", "date", "evidence"}


def test_mappings_skip_absent_keys_like_marshmallow() -> None:
    class Row(Schema):
        a = fields.Integer()
        b = fields.String(allow_none=True)

    rows = [{"a": "3", "b": None}, {"a": 4}]
    assert dump_many(Row(), rows) == Row().dump(rows, many=True) == [{"a": 3, "b": None}, {"a": 4}]


def test_missing_attributes_are_left_out_like_marshmallow() -> None:
    class Row(Schema):
        a = fields.Integer()
        b = fields.String()

    class Thing:
        a = 1

    assert dumper(Row())(Thing()) == Row().dump(Thing()) == {"a": 1}


def test_a_compiled_schema_with_a_method_field_can_be_freed() -> None:
    class WithMethod(Schema):
        url = fields.Method("_url")

        def _url(self, obj: Any) -> str:
            return "u"

    schema = WithMethod()
    assert dumper(schema)({}) == {"url": "u"}
    alive = weakref.ref(schema)
    del schema
    gc.collect()
    assert alive() is None


def test_hooks_and_unknown_field_types_are_refused() -> None:
    class Hooked(Schema):
        a = fields.Integer()

        @post_dump
        def change(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
            return data

    class Timed(Schema):
        at = fields.DateTime()

    class Plucked(Schema):
        speaker = fields.Pluck(EntityOut, "slug")

    class Textual(Schema):
        n = fields.Integer(as_string=True)

    with pytest.raises(TypeError, match="hooks"):
        compile_dump(Hooked())
    with pytest.raises(TypeError, match="DateTime"):
        compile_dump(Timed())
    with pytest.raises(TypeError, match="Pluck"):
        compile_dump(Plucked())
    with pytest.raises(TypeError, match="as_string"):
        compile_dump(Textual())
