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

from factdb.api.documents.fields import ItemUrl
from factdb.api.documents.urls import api_root

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
}


def compile_dump(schema: Schema) -> Dump:
    """A function equal to ``schema.dump`` for one object.

    The function's source is generated, a statement per field, so that a page of
    facts runs no per-field loop, closure or lookup of the field's converter."""
    if any(schema._hooks.values()):
        raise TypeError(f"{type(schema).__name__} has processing hooks; they are not compiled")
    namespace: dict[str, Any] = {
        "_MISSING": _MISSING,
        "_through": _through,
        "_MAPPING_TYPES": _MAPPING_TYPES,
        "_is_mapping": _is_mapping,
    }
    by_attribute, by_key = [], []
    for index, (name, field) in enumerate(schema.fields.items()):
        if field.load_only:
            continue
        key = repr(field.data_key or name)
        function = _function(schema, field)
        if function is not None:
            namespace[f"f{index}"] = function
            line = f"    out[{key}] = f{index}(obj)"
            by_attribute.append(line)
            by_key.append(line)
            continue
        path = field.attribute or str(field.name)
        attribute = repr(path)
        converted = _expression(field, "value", namespace, f"c{index}")
        reads = [
            (by_attribute, f"getattr(obj, {attribute}, _MISSING)"),
            (by_key, f"obj.get({attribute}, _MISSING)"),
        ]
        if "." in path:  # through references, as marshmallow's get_value does
            namespace[f"p{index}"] = tuple(path.split("."))
            reads = [(lines, f"_through(obj, p{index})") for lines, _ in reads]
        # A missing attribute leaves its key out, as marshmallow does.
        for lines, read in reads:
            lines += [
                f"    value = {read}",
                "    if value is not _MISSING:",
                f"        out[{key}] = None if value is None else {converted}",
            ]
    source = "\n".join(
        [
            "def dump_keys(obj):",
            "    out = {}",
            *by_key,
            "    return out",
            "def dump(obj):",
            "    mapping = _MAPPING_TYPES.get(obj.__class__)",
            "    if mapping or (mapping is None and _is_mapping(obj)):",
            "        return dump_keys(obj)",
            "    out = {}",
            *by_attribute,
            "    return out",
        ]
    )
    # Named after this file, so that profiles count the generated code as serialization.
    filename = f"<factdb/api/documents/pydump.py: dump of {type(schema).__name__}>"
    exec(compile(source, filename, "exec"), namespace)
    return namespace["dump"]


def _through(obj: Any, path: tuple[str, ...]) -> Any:
    """The value at a dotted attribute path; None past a None, missing past a missing."""
    for part in path:
        if obj is None:
            return None
        obj = obj.get(part, _MISSING) if _is_mapping(obj) else getattr(obj, part, _MISSING)
        if obj is _MISSING:
            return _MISSING
    return obj


def _is_mapping(obj: Any) -> bool:
    found = _MAPPING_TYPES.get(type(obj))
    if found is None:  # an ABC check is slow: once per type
        found = _MAPPING_TYPES[type(obj)] = isinstance(obj, Mapping)
    return found


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


def _function(schema: Schema, field: fields.Field) -> Convert | None:
    """What a Method, Function or ItemUrl field calls with the object, or None for other
    fields."""
    if isinstance(field, ItemUrl):
        resource, path = field.resource, tuple(field.slug.split("."))
        return lambda obj: f"{api_root()}/{resource}/{_through(obj, path)}"
    if type(field) is fields.Method:
        # A weak reference: the compiled function must not keep its schema alive.
        method = weakref.WeakMethod(getattr(schema, str(field.serialize_method_name)))
        return lambda obj: method()(obj)  # type: ignore[misc]
    if type(field) is fields.Function:
        function = field.serialize_func
        assert function is not None, "a dump-only Function field has a function"
        return function
    return None


def _expression(field: fields.Field, value: str, namespace: dict[str, Any], name: str) -> str:
    """Python source that converts ``value`` (not None) as ``field`` does; the functions
    it calls are put in ``namespace`` under names starting with ``name``."""
    if getattr(field, "as_string", False):
        raise TypeError(f"field {field.name!r} with as_string is not compiled")
    if type(field) is fields.Nested:
        namespace[name] = compile_dump(field.schema)
        return f"[{name}(item) for item in {value}]" if field.many else f"{name}({value})"
    if type(field) is fields.List:
        item = _expression(field.inner, "item", namespace, name + "_")
        return f"[None if item is None else {item} for item in {value}]"
    if type(field) is fields.Date:
        if field.format not in (None, "iso"):
            raise TypeError(f"date format {field.format!r} is not compiled")
        namespace[name] = dt.date.isoformat
        return f"{name}({value})"
    if type(field) is fields.Raw:
        return value
    for kind, convert in _PLAIN.items():
        if type(field) is kind:
            namespace[name] = convert
            # Most values already have the type: skip the call for them.
            return f"{value} if {value}.__class__ is {name} else {name}({value})"
    raise TypeError(f"field {field.name!r} of type {type(field).__name__} is not compiled")
