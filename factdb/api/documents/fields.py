"""Field types of the response documents beyond marshmallow's own: an item's URL, and
the SQL value of a field that the models hold another way than its attribute."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from marshmallow import fields
from marshmallow.utils import get_value

from factdb.api.documents.urls import item_url
from factdb.api.sqljson.build import SQL_VALUE, Scope, url


class ItemUrl(fields.String):
    """The absolute URL of an item of ``resource``, from the slug at attribute path
    ``slug``."""

    def __init__(self, resource: str, slug: str = "slug", **kwargs: Any) -> None:
        metadata = {
            "description": f"The item's URL under /{resource}.",
            SQL_VALUE: lambda scope: url(resource, scope.column(slug)),
            **kwargs.pop("metadata", {}),
        }
        super().__init__(dump_only=True, metadata=metadata, **kwargs)
        self.resource, self.slug = resource, slug

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return get_value(obj, self.slug)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str:
        return item_url(self.resource, value)


def sql_value(function: Callable[[Scope], Any], **metadata: Any) -> dict[str, Any]:
    """A field's metadata giving its SQL value (``function`` of the rows' scope)."""
    return {**metadata, SQL_VALUE: function}
