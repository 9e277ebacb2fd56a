"""The fields a facts file is made of: slugs, references, text and excerpts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import fields, validate

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
SLUG_RULES = [
    validate.Regexp(SLUG_PATTERN, error="must be lowercase ASCII words joined by hyphens"),
    validate.Length(max=200),
]
slug_field = fields.String(required=True, validate=SLUG_RULES)
reference = fields.String(required=True, validate=SLUG_RULES)
optional_reference = fields.String(load_default=None, validate=SLUG_RULES)
# A fact's review mark; when absent, the loader sets it from source.drafted (plan.py).
reviewed_field = fields.Boolean(load_default=None)


def plain_text(max_length: int | None = None, required: bool = True) -> fields.String:
    """A non-empty string no longer than its column (PostgreSQL enforces the length)."""
    rule = validate.Length(min=1, max=max_length)
    if required:
        return fields.String(required=True, validate=rule)
    return fields.String(load_default=None, validate=rule)


@dataclass(frozen=True)
class Excerpt:
    """The exact words a fact rests on, with an optional prefix that makes them unique."""

    text: str
    before: str = ""


def _excerpt(value: Any) -> Excerpt | None:
    """``value`` as an excerpt, or None when it is not one."""
    if isinstance(value, str) and value.strip():
        return Excerpt(text=value)
    if isinstance(value, dict) and set(value) <= {"before", "text"}:
        text, before = value.get("text"), value.get("before", "")
        if isinstance(text, str) and text.strip() and isinstance(before, str):
            return Excerpt(text=text, before=before)
    return None


class ExcerptField(fields.Field):
    """A string excerpt, or ``{before: ..., text: ...}`` where the words occur twice."""

    default_error_messages = {  # noqa: RUF012 - marshmallow's own class attribute
        "invalid": "must be a string or a mapping {before, text}"
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Excerpt:
        excerpt = _excerpt(value)
        if excerpt is None:
            raise self.make_error("invalid")
        return excerpt


class ExcerptsField(fields.Field):
    """One excerpt, or a list of them: the parts of one quote that its attribution
    interrupts ("The talks were useful," he said, "and they will go on.")."""

    default_error_messages = {  # noqa: RUF012 - marshmallow's own class attribute
        "invalid": "must be an excerpt (a string or a mapping {before, text}) or a list of them",
        "empty": "give at least one excerpt",
    }

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> tuple[Excerpt, ...]:
        parts = value if isinstance(value, list) else [value]
        if not parts:
            raise self.make_error("empty")
        excerpts = []
        for part in parts:
            excerpt = _excerpt(part)
            if excerpt is None:
                raise self.make_error("invalid")
            excerpts.append(excerpt)
        return tuple(excerpts)


def excerpt_list(required: bool) -> fields.List:
    if required:
        return fields.List(ExcerptField(), required=True, validate=validate.Length(min=1))
    return fields.List(ExcerptField(), load_default=[])


class SameAsField(fields.Field):
    """``same_as``: the key of a stored fact of another source that this fact reports too,
    or a list of such keys (facts that this source shows to be one). Loaded as a tuple."""

    default_error_messages = {  # noqa: RUF012 - marshmallow's own class attribute
        "invalid": "must be a fact key or a list of fact keys",
        "empty": "give at least one key",
        "twice": "names the same key twice",
    }

    def _deserialize(
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> tuple[str, ...]:
        keys = value if isinstance(value, list) else [value]
        if not keys:
            raise self.make_error("empty")
        slug = fields.String(validate=SLUG_RULES)
        for key in keys:
            if not isinstance(key, str):
                raise self.make_error("invalid")
            slug.deserialize(key)
        if len(set(keys)) != len(keys):
            raise self.make_error("twice")
        return tuple(keys)


same_as_field = SameAsField(load_default=())
