"""The half of a source's writer that keeps its reports in step with other sources:
what it stops listing leaves the facts it reported, names that other sources gave its
rows move to another report or stop the load, and its same_as links are grouped."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from factdb.loader.across import named_elsewhere
from factdb.loader.conflicts import refresh_conflicts
from factdb.loader.errors import Problem, SeedError
from factdb.loader.fact_rows import SECTIONS
from factdb.loader.plan import Plan
from factdb.loader.reports import REPORTED, Declared, link_problems, regroup
from factdb.models import Base, Source

# The model of each section's table.
MODELS: dict[str, type[Any]] = {
    mapper.class_.__tablename__: mapper.class_
    for mapper in Base.registry.mappers
    if mapper.class_.__tablename__ in SECTIONS
}


class ReportWriter:
    """Needs the writer's session, plan, file, source, rows and problems."""

    session: Session
    plan: Plan
    file: str
    source: Source
    rows: dict[str, dict[str, Any]]
    problems: list[Problem]
    # Per kind of fact: the facts that lost a report to this write (reports.regroup).
    gone: dict[str, set[int]]

    def _removed(self, section: str) -> list[Any]:
        """This source's stored rows of ``section`` that its file no longer lists."""
        model = MODELS[section]
        mine = self.session.scalars(select(model).where(model.source_id == self.source.id))
        return [row for row in mine if row.slug not in self.rows[section]]

    def _delete_removed(self, section: str, removed: list[Any]) -> None:
        model = MODELS[section]
        if section == "dates":  # anchors are kept (RESTRICT) while a date counts from them
            removed = _anchored_first(removed)
        for row in removed:
            if section in REPORTED:
                self._leave_fact(model, row)
            self.session.delete(row)
            if section == "dates":
                self.session.flush()
        self.session.flush()

    def _unnamed_elsewhere(self, section: str, row: Any) -> None:
        """Let ``row`` go if no other source names it, or if it is a report of a fact
        that another source also reports: they then name that report instead. Else a
        problem listing what names it."""
        connection = self.session.connection()
        naming = named_elsewhere(connection, section, row.id, self.source.id)
        if not naming:
            return
        model = MODELS[section]
        other = None
        if section in REPORTED:
            others = select(model.id).where(
                model.fact_id == row.fact_id, model.source_id != self.source.id
            )
            other = self.session.scalar(others.order_by(model.id).limit(1))
        if other is None:
            lines = "; ".join(line for _, _, line in naming)
            message = f"other sources name it, and no other source reports it: {lines}"
            self.problems.append(Problem(self.file, f"{section} {row.slug!r}", None, message))
            return
        for table, column, _ in naming:
            self.session.execute(update(table).where(column == row.id).values({column.name: other}))

    def _leave_fact(self, model: Any, row: Any) -> None:
        """Before ``row``, a report, is deleted: the other reports of its fact each name
        themselves until reports.regroup links them again by their same_as."""
        others = select(model).where(model.fact_id == row.fact_id, model.id != row.id)
        self.gone[model.__tablename__].add(row.fact_id)
        for other in self.session.scalars(others):
            other.fact_id = other.id
            self.gone[model.__tablename__].add(other.id)
        self.session.flush()

    def _link_reports(self) -> None:
        """Check the same_as links of this source's facts, then group every report of
        the facts they touch, and find those facts' conflicts again."""
        connection = self.session.connection()
        for section in REPORTED:
            declared = [
                Declared(f"{section}[{index}] {item['key']!r}", item["key"], item["same_as"])
                for index, item in enumerate(self.plan.sections[section])
            ]
            self.problems += link_problems(connection, self.file, self.source.id, section, declared)
            if self.problems:
                continue
            touched, problems = regroup(
                connection, self.file, self.source.id, section, declared, self.gone[section]
            )
            self.problems += problems
            if not problems:
                refresh_conflicts(connection, section, touched)
        if self.problems:
            raise SeedError(self.problems)
        # The ORM's objects still hold the fact ids they were loaded with.
        self.session.expire_all()


def _anchored_first(dates: list[Any]) -> list[Any]:
    """``dates`` ordered so that a date comes before the date it is anchored on."""
    ids = {row.id for row in dates}
    depth: dict[int, int] = {}

    def anchors_below(row: Any) -> int:
        if row.id not in depth:
            anchor = row.anchor_date_id
            below = next((d for d in dates if d.id == anchor), None) if anchor in ids else None
            depth[row.id] = 0 if below is None else anchors_below(below) + 1
        return depth[row.id]

    return sorted(dates, key=anchors_below, reverse=True)
