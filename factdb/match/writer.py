"""Writing proposals into a facts file as text: PyYAML would drop the file's comments
(a drafted file cites its rules in them), so each fact's ``same_as_proposals`` block is
inserted right under its ``- key: <key>`` line, at the fact's indentation, replacing the
block an earlier run wrote; every other byte stays as it was.

Facts that already name ``same_as`` are left alone: a reviewer has decided them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from factdb.match.rules import Proposal

FIELD = "same_as_proposals"
COMMENT = "# factdb match: to accept one, write its key under same_as; delete the rest"
TOP_LEVEL = re.compile(r"[^\s#-]")


class FactsFileError(ValueError):
    """The facts file cannot be edited; the message names the file and the fact."""


@dataclass(frozen=True)
class FactsText:
    """A facts file's lines (each with its line ending) and its parsed content."""

    path: Path
    lines: list[str]
    data: dict[str, Any]

    def facts(self, kind: str) -> list[dict[str, Any]]:
        """The facts of the section ``kind``, as parsed."""
        found = self.data.get(kind) or []
        return [fact for fact in found if isinstance(fact, dict)]

    def decided(self, kinds: Sequence[str]) -> set[str]:
        """Keys of the facts (of these kinds) that name ``same_as``."""
        return {f["key"] for kind in kinds for f in self.facts(kind) if f.get("same_as")}


def read_facts_text(path: Path) -> FactsText:
    """The facts file at ``path``; FactsFileError if it is missing or not YAML."""
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FactsFileError(f"{path}: cannot read the facts file: {error}") from None
    return facts_text(text, path)


def facts_text(text: str, path: Path) -> FactsText:
    """A facts file's ``text`` not written yet (a draft's), named ``path`` in errors;
    FactsFileError if it is not YAML or has no mapping at the top."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FactsFileError(f"{path}: cannot read the facts file: {error}") from None
    if not isinstance(data, dict):
        raise FactsFileError(f"{path}: not a facts file (no mapping at the top)")
    return FactsText(path, text.splitlines(keepends=True), data)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _section(facts: FactsText, kind: str) -> range:
    """The line numbers of the section ``kind:`` (its heading line excluded)."""
    heading = re.compile(rf"{re.escape(kind)}\s*:")
    starts = [n for n, line in enumerate(facts.lines) if heading.match(line)]
    if len(starts) != 1:
        raise FactsFileError(f"{facts.path}: no single '{kind}:' section line")
    end = starts[0] + 1
    while end < len(facts.lines) and not TOP_LEVEL.match(facts.lines[end]):
        end += 1
    return range(starts[0] + 1, end)


def _key_line(facts: FactsText, kind: str, section: range, key: str) -> tuple[int, int]:
    """The line number of the fact's ``- key: <key>`` line and the column of its fields."""
    pattern = re.compile(rf"(\s*-\s+)key:\s*(['\"]?){re.escape(key)}\2\s*(#.*)?$")
    found = [(n, m) for n in section if (m := pattern.match(facts.lines[n].rstrip("\r\n")))]
    if len(found) != 1:
        what = "no" if not found else f"{len(found)}"
        raise FactsFileError(
            f"{facts.path}: {kind} fact {key!r}: {what} '- key: {key}' line found; "
            "the proposals go right under it (write the key first, in block style)"
        )
    number, match = found[0]
    return number, len(match.group(1))


def _old_block(facts: FactsText, start: int, end: int, column: int) -> range | None:
    """The lines of an earlier ``same_as_proposals`` field of the fact in [start, end)."""
    heading = re.compile(rf" {{{column}}}{FIELD}\s*:")
    for number in range(start, end):
        if heading.match(facts.lines[number]):
            last = number
            for inner in range(number + 1, end):
                line = facts.lines[inner]
                if not _blank(line) and _indent(line) <= column:
                    break
                if not _blank(line):
                    last = inner
            return range(number, last + 1)
    return None


def _fact_end(facts: FactsText, key_line: int, section: range) -> int:
    """The line after the fact's last line: the next line at or left of its dash."""
    dash = _indent(facts.lines[key_line])
    for number in range(key_line + 1, section.stop):
        line = facts.lines[number]
        if not _blank(line) and _indent(line) <= dash:
            return number
    return section.stop


def block(proposals: Sequence[Proposal], column: int, newline: str) -> list[str]:
    """The ``same_as_proposals`` field for these proposals, at ``column``."""
    pad = " " * column
    lines = [f"{pad}{FIELD}:  {COMMENT}"]
    for proposal in proposals:
        source = f"  # {proposal.source}" if proposal.source else ""
        lines.append(f"{pad}  - key: {proposal.key}{source}")
        lines.append(f"{pad}    score: {proposal.score:.2f}")
        lines.append(f"{pad}    reasons:")
        lines.extend(f"{pad}      - {json.dumps(r, ensure_ascii=False)}" for r in proposal.reasons)
    return [line + newline for line in lines]


def _without_proposals(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_proposals(v) for k, v in data.items() if k != FIELD}
    if isinstance(data, list):
        return [_without_proposals(v) for v in data]
    return data


def write_proposals(
    facts: FactsText, proposals: Mapping[str, Mapping[str, Sequence[Proposal]]]
) -> str:
    """The file's new text: for every fact of the kinds in ``proposals`` that names no
    ``same_as``, its proposals (best first) under its key line in place of any earlier
    ones, or no block when it has none. FactsFileError when a fact's key line cannot be
    found; the file is not written here."""
    edits: list[tuple[int, range | None, list[str]]] = []
    newline = "\r\n" if facts.lines and facts.lines[0].endswith("\r\n") else "\n"
    for kind, by_key in proposals.items():
        keys = [f["key"] for f in facts.facts(kind) if not f.get("same_as")]
        for key in sorted(set(by_key) - set(keys) - facts.decided([kind])):
            raise FactsFileError(f"{facts.path}: {kind} fact {key!r} is not in the file")
        if not keys:
            continue
        section = _section(facts, kind)
        for key in keys:
            line, column = _key_line(facts, kind, section, key)
            end = _fact_end(facts, line, section)
            old = _old_block(facts, line + 1, end, column)
            new = block(by_key.get(key, ()), column, newline) if by_key.get(key) else []
            edits.append((line, old, new))
    lines = list(facts.lines)
    for line, old, new in sorted(edits, key=lambda e: e[0], reverse=True):
        if old is not None:
            del lines[old.start : old.stop]
        if new and not lines[line].endswith("\n"):
            lines[line] += newline  # the file's last line: the block needs a line of its own
        lines[line + 1 : line + 1] = new
    text = "".join(lines)
    if _without_proposals(yaml.safe_load(text)) != _without_proposals(facts.data):
        raise FactsFileError(f"{facts.path}: the edit would change more than the proposals")
    return text


def save(path: Path, text: str) -> None:
    """Replace the file at ``path`` with ``text`` at once (no half-written file)."""
    temporary = path.with_name(f".{path.name}.match")
    temporary.write_bytes(text.encode("utf-8"))
    os.replace(temporary, path)
