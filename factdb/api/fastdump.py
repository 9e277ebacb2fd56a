"""Marshmallow schemas compiled into plain functions, for the hot path of every response.

The schemas stay the single source of the response shape and of the OpenAPI document;
this module only reads them once and builds a function per schema that produces the
same output as ``schema.dump``, several times faster. No maintained library compiles
marshmallow 4 schemas (toastedmarshmallow stopped at marshmallow 2), hence this file.
A field type it does not know is refused when compiling, never guessed.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from marshmallow import Schema, fields

Dump = Callable[[Any], dict[str, Any]]
Convert = Callable[[Any], Any]
_MISSING = object()
_MAPPING_TYPES: dict[type, bool] = {}

# Plain fields: how each turns a stored value (not None) into JSON, as marshmallow does.
_PLAIN: dict[type[fields.Field], Convert] = {
    fields.String: str,
    fields.Integer: int,
    fields.Float: float,
    fields.Boolean: bool,
    fields.Raw: lambda value: value,
}


def compile_dump(schema: Schema) -> Dump:
    """A function equal to ``schema.dump`` for one object."""
    if any(schema._hooks.values()):
        raise TypeError(f"{type(schema).__name__} has processing hooks; they are not compiled")
    steps = [
        (field.data_key or name, *_compile_field(schema, field))
        for name, field in schema.fields.items()
        if not field.load_only
    ]

    def dump(obj: Any) -> dict[str, Any]:
        is_mapping = _MAPPING_TYPES.get(type(obj))
        if is_mapping is None:  # an ABC check is slow: once per type
            is_mapping = _MAPPING_TYPES[type(obj)] = isinstance(obj, Mapping)
        out: dict[str, Any] = {}
        for key, read, convert in steps:
            value = read(obj, is_mapping)
            if value is _MISSING:
                continue
            out[key] = None if value is None else convert(value)
        return out

    return dump


_compiled: weakref.WeakKeyDictionary[Schema, Dump] = weakref.WeakKeyDictionary()


def dumper(schema: Schema) -> Dump:
    """``compile_dump(schema)``, compiled once per schema object."""
    found = _compiled.get(schema)
    if found is None:
        found = _compiled[schema] = compile_dump(schema)
    return found


def dump_many(schema: Schema, objs: Iterable[Any]) -> list[dict[str, Any]]:
    """Equal to ``schema.dump(objs, many=True)``."""
    one = dumper(schema)
    return [one(obj) for obj in objs]


def _compile_field(
    schema: Schema, field: fields.Field
) -> tuple[Callable[[Any, bool], Any], Convert]:
    """(read the value from the object, convert a non-None value) for one field."""
    if type(field) is fields.Method:
        # A weak reference: the compiled function must not keep its schema alive.
        method = weakref.WeakMethod(getattr(schema, str(field.serialize_method_name)))
        return (lambda obj, _m: method()(obj)), _identity  # type: ignore[misc]
    if type(field) is fields.Function:
        function = field.serialize_func
        assert function is not None, "a dump-only Function field has a function"
        return (lambda obj, _m: function(obj)), _identity
    return _reader(field.attribute or str(field.name)), _converter(field)


def _converter(field: fields.Field) -> Convert:
    if getattr(field, "as_string", False):
        raise TypeError(f"field {field.name!r} with as_string is not compiled")
    if type(field) is fields.Nested:
        inner = compile_dump(field.schema)
        if field.many:
            return lambda values: [inner(value) for value in values]
        return inner
    if type(field) is fields.List:
        item = _converter(field.inner)
        return lambda values: [None if value is None else item(value) for value in values]
    if type(field) is fields.Date:
        if field.format not in (None, "iso"):
            raise TypeError(f"date format {field.format!r} is not compiled")
        return dt.date.isoformat
    for kind, convert in _PLAIN.items():
        if type(field) is kind:
            return convert
    raise TypeError(f"field {field.name!r} of type {type(field).__name__} is not compiled")


def _reader(attribute: str) -> Callable[[Any, bool], Any]:
    """Read ``attribute``; a missing one leaves its key out, as marshmallow does."""
    if "." in attribute:
        raise TypeError(f"dotted attribute {attribute!r} is not compiled")

    def read(obj: Any, is_mapping: bool) -> Any:
        if is_mapping:
            return obj.get(attribute, _MISSING)
        return getattr(obj, attribute, _MISSING)

    return read


def _identity(value: Any) -> Any:
    return value
