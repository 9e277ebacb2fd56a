"""Load errors that name the file, the fact and the field."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a facts file."""

    file: str
    fact: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.fact:
            where += f": {self.fact}"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"


class SeedError(Exception):
    """A facts file that cannot be loaded; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems

    def __reduce__(self) -> tuple[type[SeedError], tuple[list[Problem]]]:
        # Rebuilt from its problems, not its message, when it comes from another process.
        return (SeedError, (self.problems,))


def fact_label(raw: Any, section: str, index: int | None) -> str:
    """``statements[3] 'putin-quote'``: the section, position and key of a fact."""
    if index is None:
        return section
    label = f"{section}[{index}]"
    items = raw.get(section) if isinstance(raw, dict) else None
    if isinstance(items, list) and 0 <= index < len(items) and isinstance(items[index], dict):
        name = items[index].get("key") or items[index].get("slug")
        if isinstance(name, str):
            label += f" {name!r}"
    return label


def flatten_messages(
    messages: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Walk marshmallow's nested error dict, yielding (path, message)."""
    if isinstance(messages, dict):
        for name, inner in messages.items():
            yield from flatten_messages(inner, (*path, name))
    elif isinstance(messages, list):
        for message in messages:
            yield from flatten_messages(message, path)
    else:
        yield path, str(messages)


def problems_from_validation(file: str, raw: Any, messages: Any) -> list[Problem]:
    """Turn marshmallow's messages for a whole facts file into Problems."""
    problems = []
    for path, message in flatten_messages(messages):
        section = str(path[0]) if path else None
        if section is None:
            problems.append(Problem(file, None, None, message))
            continue
        index = path[1] if len(path) > 1 and isinstance(path[1], int) else None
        rest = path[2:] if index is not None else path[1:]
        field = ".".join(str(part) for part in rest) or None
        if section == "source":
            problems.append(Problem(file, "source", field, message))
        else:
            problems.append(Problem(file, fact_label(raw, section, index), field, message))
    return problems
