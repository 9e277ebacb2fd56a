"""What the benchmark reads of its processes in /proc (Linux): children and peak RSS.

VmHWM, not getrusage's ru_maxrss: a process started by fork and exec (multiprocessing's
spawn) inherits in ru_maxrss the peak of the process it was forked from.
"""

from __future__ import annotations

from pathlib import Path


def worker_pids(master: int) -> list[int]:
    """The child processes of ``master`` (gunicorn's workers)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        return [int(pid) for pid in children.read_text().split()]
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except OSError:
            continue  # the process ended meanwhile
    return pids


def peak_rss_kb(pid: int) -> int:
    """VmHWM: the peak resident set of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0
