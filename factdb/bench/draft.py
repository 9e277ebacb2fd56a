"""`factdb bench-draft`: how fast `factdb draft` is, on original synthetic articles.

Reports the time to load the drafter (spaCy, dateparser, pycountry), one ~4,000-character
article once loaded (the median of a few runs), a batch in worker processes, and peak
memory (resident set, the largest process)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import resource
import statistics
import time
from concurrent.futures import ProcessPoolExecutor

import click

from factdb.bench.draft_articles import article

PUBLISHED = dt.date(2026, 6, 1)


def _draft_one(number: int) -> int:
    """Draft and check article ``number``; the number of facts."""
    from factdb.draft.pipeline import Meta, check, draft_text
    from factdb.draft.store import StoredNames

    stored = StoredNames()
    title, text = article(number)
    draft = draft_text(text, Meta(title=title, published=PUBLISHED), stored)
    check(draft, stored)
    return sum(draft.counts().values())


def _peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


@click.command("bench-draft")
@click.option("--articles", type=click.IntRange(1), default=1000, show_default=True)
@click.option("--processes", type=click.IntRange(1), default=2, show_default=True)
@click.option("--single-runs", type=click.IntRange(1), default=5, show_default=True)
def bench_draft_command(articles: int, processes: int, single_runs: int) -> None:
    """Time the drafter: load, one article, ARTICLES articles on PROCESSES processes."""
    started = time.perf_counter()
    _draft_one(0)  # loads spaCy, dateparser and pycountry's data
    load = time.perf_counter() - started
    _title, text = article(0)
    timings, cpu_timings = [], []
    for run in range(single_runs):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        _draft_one(run + 1)
        timings.append(time.perf_counter() - begin)
        cpu_timings.append(time.process_time() - begin_cpu)
    begin = time.perf_counter()
    facts = 0
    with ProcessPoolExecutor(processes) as pool:
        for count in pool.map(_draft_one, range(articles), chunksize=20):
            facts += count
    batch = time.perf_counter() - begin
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime  # the workers' CPU: what a busy machine hides
    own, children = _peak_mb()
    click.echo(f"date (UTC)          {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}")
    click.echo(f"machine             {platform.processor() or platform.machine()}")
    click.echo(f"article size        {len(text):,} characters")
    click.echo(f"load + first draft  {load:.2f} s")
    click.echo(
        f"one article, loaded {statistics.median(timings):.3f} s wall, "
        f"{statistics.median(cpu_timings):.3f} s CPU (median of {single_runs})"
    )
    click.echo(f"load average        {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    click.echo(
        f"{f'{articles:,} articles':<20}{batch:.1f} s on {processes} processes "
        f"({articles / batch:.1f} articles/s, {facts:,} facts)"
    )
    click.echo(f"workers' CPU time   {cpu:.1f} s ({cpu / articles * 1000:.0f} ms an article)")
    click.echo(f"peak memory         {max(own, children):.0f} MB (largest process)")
