"""Documents the database builds from a response schema (factdb.api.sqljson.build) are
exactly what marshmallow dumps."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, post_dump
from sqlalchemy import Boolean, Float, Integer, String, literal, select
from sqlalchemy.dialects import sqlite

from factdb.api.collections.lookup import documents_of
from factdb.api.documents.schemas import EventOut, PositionOut, QuantityOut, RoleOut, StatementOut
from factdb.api.documents.urls import SINGULAR
from factdb.api.http import request_db
from factdb.api.sqljson.build import Many, Nested, document, url
from factdb.api.sqljson.reader import DocumentReader, parsed
from factdb.models import Conflict, Event, Position, Quantity, Role, Statement

NARROWED = [
    ("slug",),
    ("slug", "mentions.name"),
    ("date", "evidence"),
    ("speaker.url", "event", "url"),
]


EVENT_SHAPES = [("quantities",), ("slug", "participants.role"), ("topics", "place", "part_of")]
CASES = [
    *((Statement, StatementOut, only) for only in [None, *NARROWED]),
    *((Event, EventOut, only) for only in [None, *EVENT_SHAPES]),
    *((Position, PositionOut, only) for only in [None, ("target",), ("statement", "date")]),
    *((Role, RoleOut, only) for only in [None, ("organization", "holder.url")]),
    *((Quantity, QuantityOut, only) for only in [None, ("subject", "value", "approximation")]),
]


@pytest.mark.parametrize(("model", "schema_type", "only"), CASES)
def test_documents_are_what_the_schema_dumps(
    app: Flask, model: Any, schema_type: Any, only: Any
) -> None:
    """Derived from the schema and the models, the SQL builds what marshmallow dumps of
    the ORM objects, for every fact of the seed."""
    schema = schema_type() if only is None else schema_type(only=only)
    with app.test_request_context("/"):
        objects = list(request_db.session().scalars(select(model).order_by(model.id)))
        documents = documents_of(DocumentReader(model), schema, [obj.id for obj in objects])
        assert documents == [dumped_fact(schema, obj) for obj in objects]


def dumped_fact(schema: Schema, fact: Any) -> dict[str, Any]:
    """What marshmallow dumps of ``fact``, with the two fields only SQL computes (no
    attribute holds them) counted here from the rows."""
    dumped = schema.dump(fact)
    if "source_count" in schema.fields:
        dumped["source_count"] = len(fact.reports)
    if "conflicts" in schema.fields:
        column = Conflict.__table__.c[f"{SINGULAR[fact.__tablename__]}_id"]
        query = select(Conflict.field).where(column == fact.id).order_by(Conflict.id)
        dumped["conflicts"] = list(request_db.session().scalars(query))
    return dumped


def test_the_seed_covers_each_case_of_an_event_document(app: Flask) -> None:
    """Lists of several participants, topics and quantities, floats and null floats,
    booleans both ways; absent objects are tested above, any float below."""
    with app.test_request_context("/"):
        events = list(request_db.session().scalars(select(Event)))
        assert max(len(e.participants) for e in events) >= 2
        assert max(len(e.topics) for e in events) >= 2
        quantities = [q for e in events for q in e.quantities]
        assert {q.approximate for q in quantities} == {True, False}
        assert {q.min_value is None for q in quantities} == {True}  # null floats


@settings(max_examples=200, deadline=None)
@given(share=st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)))
def test_any_float_comes_back_as_marshmallow_dumps_it(app: Flask, share: float | None) -> None:
    """Every finite double, whole ones too (60.0 stays a float), and None."""
    with app.test_request_context("/"):
        query = select(document(WithFloat(), {"share": literal(share, Float)}))
        (built,) = parsed([request_db.session().connection().execute(query).scalar_one()])
    assert built == WithFloat().dump({"share": share})
    assert type(built["share"]) is type(WithFloat().dump({"share": share})["share"])


@pytest.mark.parametrize("flag", [True, False, None])
def test_booleans_come_back_as_booleans(app: Flask, flag: bool | None) -> None:
    with app.test_request_context("/"):
        query = select(document(WithBoolean(), {"flag": literal(flag, Boolean)}))
        (built,) = parsed([request_db.session().connection().execute(query).scalar_one()])
    assert built == {"flag": flag}


def test_the_seed_covers_each_case_of_a_statement_document(app: Flask) -> None:
    """The comparison above meets optional references both present and absent, and
    lists of several items (whose order matters); empty lists are tested below."""
    with app.test_request_context("/"):
        statements = list(request_db.session().scalars(select(Statement)))
        assert {s.event is None for s in statements} == {True, False}
        assert max(len(s.mentions) for s in statements) >= 2
        assert max(len(s.evidence) for s in statements) >= 2


def test_key_order_follows_the_schema(app: Flask) -> None:
    schema = StatementOut()
    with app.test_request_context("/"):
        ids = list(request_db.session().scalars(select(Statement.id)))
        (first,) = documents_of(DocumentReader(Statement), schema, ids[:1])
    assert list(first) == list(schema.dump_fields)
    assert list(first["speaker"]) == ["slug", "name", "url"]


class Texts(Schema):
    text = fields.String()
    number = fields.Integer()


@settings(max_examples=60, deadline=None)
@given(text=st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00")))
def test_any_text_comes_back_as_it_was_stored(app: Flask, text: str) -> None:
    """The database's JSON escaping and orjson's parsing give back every string (NUL
    excepted: PostgreSQL text cannot hold it), quotes, controls and astral ones too."""
    values = {"text": literal(text, String), "number": literal(7, Integer)}
    with app.test_request_context("/"):
        built = request_db.session().connection().execute(select(document(Texts(), values)))
        assert parsed([built.scalar_one()]) == [{"text": text, "number": 7}]


def test_urls_are_built_on_the_request_api_root(app: Flask) -> None:
    with app.test_request_context("/", base_url="https://facts.example:8443"):
        query = select(url("entities", literal("vladimir-putin", String)))
        found = request_db.session().connection().execute(query, {"api_root": "ROOT"})
        assert found.scalar_one() == "ROOT/entities/vladimir-putin"
        (statement,) = documents_of(DocumentReader(Statement), StatementOut(only=("url",)), [1])
        assert statement["url"].startswith("https://facts.example:8443/api/v1/statements/")


class WithFloat(Schema):
    share = fields.Float(allow_none=True)


class WithBoolean(Schema):
    flag = fields.Boolean(allow_none=True)


class WithTime(Schema):
    at = fields.Time()


class WithNested(Schema):
    speaker = fields.Nested(Texts)


class WithList(Schema):
    items = fields.List(fields.Nested(Texts))


class WithOddKey(Schema):
    text = fields.String(data_key="it's")


class WithHook(Texts):
    @post_dump
    def shout(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        return {key: str(value).upper() for key, value in data.items()}


class WithDateFormat(Schema):
    day = fields.Date(format="%d/%m/%Y")


class WithSchemaDateFormat(Schema):
    class Meta:
        dateformat = "%Y"

    day = fields.Date()


@pytest.mark.parametrize(
    ("schema", "values", "message"),
    [
        (Texts(), {"text": literal("a")}, "Texts.number has no SQL value"),
        (WithFloat(), {"share": Nested({})}, "give it a column expression"),
        (WithTime(), {"at": literal("12:00")}, "Time is not compiled"),
        (WithNested(), {"speaker": literal("a")}, "give it a Nested value"),
        (WithList(), {"items": Nested({})}, "give it a Many value"),
        (Texts(), {"text": Nested({}), "number": literal(1)}, "give it a column expression"),
        (WithOddKey(), {"text": literal("a")}, "cannot be written into SQL"),
        (WithHook(), {"text": literal("a"), "number": literal(1)}, "processing hooks"),
        (WithDateFormat(), {"day": literal("2024-01-02")}, "only ISO dates"),
        (WithSchemaDateFormat(), {"day": literal("2024-01-02")}, "only ISO dates"),
    ],
)
def test_compiling_refuses_what_it_cannot_write_exactly(
    schema: Schema, values: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        document(schema, values)


class Both(Schema):
    speaker = fields.Nested(Texts, allow_none=True)
    items = fields.List(fields.Nested(Texts))


@pytest.mark.parametrize("wanted", [0, 1, 3])
def test_lists_and_optional_objects_of_any_length(app: Flask, wanted: int) -> None:
    """No rows give [] (PostgreSQL's json_agg gives NULL), an absent reference null."""
    rows = select(Statement.id).where(Statement.id <= wanted)
    items = Many(rows, {"text": Statement.slug, "number": Statement.id}, (Statement.id.desc(),))
    absent = Nested({"text": literal("x"), "number": literal(1)}, present=literal(None, Integer))
    with app.test_request_context("/"):
        found = (
            request_db.session()
            .connection()
            .execute(select(document(Both(), {"speaker": absent, "items": items})))
        )
        (built,) = parsed([found.scalar_one()])
        slugs = list(request_db.session().scalars(rows.with_only_columns(Statement.slug)))
    assert built["speaker"] is None
    assert [item["number"] for item in built["items"]] == list(range(wanted, 0, -1))
    assert sorted(item["text"] for item in built["items"]) == sorted(slugs)


def test_sqlite_orders_inside_the_aggregate_where_it_can() -> None:
    """SQLite 3.44 and later order json_group_array itself; older ones read an ordered
    subquery (what the tests above run on this machine's SQLite) of the item's columns,
    and make each item in the aggregate, not in the subquery (no text to parse again)."""
    rows = select(Statement.id).where(Statement.id < 5)
    items = Many(rows, {"text": Statement.slug, "number": Statement.id}, (Statement.id.desc(),))
    query = select(document(WithList(), {"items": items}))
    for version, ordered in [((3, 40, 1), False), ((3, 44, 0), True), (None, False)]:
        dialect = sqlite.dialect()
        dialect.server_version_info = version
        sql = " ".join(str(query.compile(dialect=dialect)).split())
        in_aggregate = "json_group_array(json_object('text', statements.slug, 'number', "
        assert (in_aggregate in sql) is ordered, (version, sql)
        in_subquery = "SELECT statements.slug AS c0, statements.id AS c1 FROM statements"
        assert (in_subquery in sql) is not ordered, (version, sql)
        assert "json_group_array(json(" not in sql
        assert "ORDER BY statements.id DESC" in sql


def test_each_shape_of_page_runs_with_its_own_values(client: FlaskClient) -> None:
    """Pages are kept per shape and rerun with each request's values: spellings of
    one fields parameter (a name repeated) share a shape, and never another request's
    speaker or host."""
    cases = [
        ("fields=slug,speaker.slug&speaker=vladimir-putin", "vladimir-putin", "localhost"),
        (
            "fields=slug,speaker.slug,slug&speaker=benjamin-netanyahu",
            "benjamin-netanyahu",
            "a.test",
        ),
        ("fields=slug,slug,speaker.slug&speaker=vladimir-putin", "vladimir-putin", "b.test"),
        ("fields=url&speaker=benjamin-netanyahu", None, "c.test"),
    ]
    for query, speaker, host in cases:
        body = client.get(f"/api/v1/statements?{query}", base_url=f"http://{host}").get_json()
        assert body["data"], query
        for statement in body["data"]:
            if speaker is None:
                assert statement["url"].startswith(f"http://{host}/api/v1/statements/")
            else:
                assert statement["speaker"] == {"slug": speaker}, query
        assert body["links"]["self"].startswith(f"http://{host}/"), query


def test_the_statement_reader_selects_documents() -> None:
    assert list(DocumentReader(Statement).select(StatementOut()).selected_columns.keys()) == [
        "document"
    ]
