"""A PostgreSQL primary and its streaming hot standby, side by side in a scratch folder:
initdb, pg_basebackup -R, pg_ctl start, restart and kill, and everything stopped and
removed afterwards, whatever happened.

initdb and postgres refuse to run as root; as root, the binaries run as the
``postgres`` user (runuser), which is given the scratch folder. The clusters listen on
free ports of 127.0.0.1 with trust authentication and their sockets in the scratch
folder, so the machine's own server (5432) is never touched.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from factdb.bench.servers import HOST, BenchError, free_port

BIN_VARIABLE = "FACTDB_PG_BIN"  # where initdb, pg_basebackup and pg_ctl are
DEFAULT_BIN = Path("/usr/lib/postgresql/15/bin")
RUN_AS = "postgres"  # the user the binaries run as when this process is root
SLOT = "factdb_standby"
# The primary's settings: WAL a standby can replay, senders and a slot for it.
PRIMARY_SETTINGS = {
    "wal_level": "replica",
    "max_wal_senders": "4",
    "max_replication_slots": "4",
    "shared_buffers": "64MB",
}


def standby_settings(statement_timeout_s: float) -> dict[str, str]:
    """A standby's own settings; primary_conninfo and primary_slot_name are written by
    pg_basebackup -R (postgresql.auto.conf), with standby.signal.

    hot_standby_feedback tells the primary which rows the standby's snapshots still
    read, so vacuum on the primary does not remove them and replay never cancels an API
    query for that. Other conflicts (a lock a migration takes) wait for the queries they
    conflict with up to max_standby_streaming_delay: at least the API's statement
    timeout, so a query in flight is never cancelled by replay, at the price of a lag of
    up to that long while one runs."""
    delay_ms = max(1, round(statement_timeout_s * 1000))
    return {
        "hot_standby": "on",
        "hot_standby_feedback": "on",
        "max_standby_streaming_delay": f"{delay_ms}ms",
        "wal_receiver_status_interval": "1s",
    }


def pg_bin() -> Path:
    """The folder of the PostgreSQL binaries, or a BenchError naming what is missing."""
    folder = Path(os.environ.get(BIN_VARIABLE) or DEFAULT_BIN)
    missing = [
        name
        for name in ("initdb", "pg_basebackup", "pg_ctl", "createdb")
        if not (folder / name).is_file()
    ]
    if missing:
        raise BenchError(
            f"{', '.join(missing)} not found in {folder}: install PostgreSQL's server"
            f" binaries (apt-get install postgresql-15) or set {BIN_VARIABLE}"
        )
    return folder


def _as_user() -> list[str]:
    """The prefix that runs a binary as RUN_AS when this process is root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser") is None:
        raise BenchError("running as root needs runuser to start PostgreSQL as postgres")
    return ["runuser", "-u", RUN_AS, "--"]


@dataclass
class Cluster:
    """One PostgreSQL cluster in ``data`` on ``port``; ``settings`` as written."""

    name: str
    data: Path
    port: int
    bin: Path
    settings: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@{HOST}:{self.port}/factdb"

    @property
    def log(self) -> Path:
        return self.data.parent / f"{self.name}.log"

    def run(self, *args: str, timeout: float = 120) -> str:
        """Run a binary of the PostgreSQL folder as the cluster's user; its output."""
        command = [*_as_user(), str(self.bin / args[0]), *args[1:]]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            tail = self.log.read_text(errors="replace")[-1500:] if self.log.exists() else ""
            raise BenchError(f"{' '.join(args[:2])} failed: {done.stderr.strip()}\n{tail}")
        return done.stdout

    def configure(self, settings: dict[str, str]) -> None:
        """Append ``settings`` to postgresql.conf (later lines win over earlier)."""
        self.settings.update(settings)
        lines = [f"{name} = '{value}'" for name, value in settings.items()]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# factdb bench-replica\n" + "\n".join(lines) + "\n")

    def pg_ctl(self, *args: str, timeout: float = 120) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), *args, timeout=timeout)

    def start(self) -> None:
        """Start the server and wait until it takes connections (read-only ones for a
        standby)."""
        self.pg_ctl("-w", "-t", "90", "start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-w", "-t", "90", "-m", mode, "stop")

    def restart(self, mode: str = "fast") -> None:
        self.pg_ctl("-w", "-t", "90", "-m", mode, "restart")

    @property
    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


def _scratch() -> Path:
    """A new folder the binaries' user can write to."""
    scratch = Path(tempfile.mkdtemp(prefix="factdb-replica-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam(RUN_AS)
        os.chown(scratch, user.pw_uid, user.pw_gid)
    return scratch


def init_primary(binaries: Path, scratch: Path) -> Cluster:
    """initdb a primary, configured for streaming replication, started, with an empty
    ``factdb`` database."""
    primary = Cluster("primary", scratch / "primary", free_port(), binaries)
    # --no-sync: a scratch cluster need not survive the machine's crash, only the
    # server's (which is what the outages test), and initdb's fsyncs took seconds here.
    primary.run(
        "initdb",
        "-D",
        str(primary.data),
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--no-sync",
    )
    primary.configure(
        {
            "listen_addresses": HOST,
            "port": str(primary.port),
            "unix_socket_directories": str(scratch),
            **PRIMARY_SETTINGS,
        }
    )
    primary.start()
    primary.run("createdb", "-h", HOST, "-p", str(primary.port), "-U", "postgres", "factdb")
    return primary


def clone_standby(primary: Cluster, scratch: Path, statement_timeout_s: float) -> Cluster:
    """pg_basebackup the primary into a hot standby (-R writes primary_conninfo and
    standby.signal; -C -S a replication slot, so the primary keeps the WAL the standby
    has not received while it is down), on a port of its own, started."""
    standby = Cluster("standby", scratch / "standby", free_port(), primary.bin)
    standby.run(
        "pg_basebackup",
        *("-h", HOST, "-p", str(primary.port), "-U", "postgres"),
        *("-D", str(standby.data), "-R", "-X", "stream", "-C", "-S", SLOT),
        # An immediate checkpoint: a spread one waits most of checkpoint_timeout.
        *("--checkpoint=fast", "--no-sync"),
    )
    standby.settings.update(primary.settings)
    standby.configure({"port": str(standby.port), **standby_settings(statement_timeout_s)})
    standby.start()
    return standby


def written_by_basebackup(standby: Cluster) -> dict[str, str]:
    """The settings pg_basebackup -R wrote into the standby's postgresql.auto.conf."""
    found = {}
    for line in (standby.data / "postgresql.auto.conf").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith("#"):
            found[name.strip()] = value.strip().strip("'")
    return found


@contextmanager
def replica_pair(statement_timeout_s: float) -> Iterator[tuple[Cluster, Cluster]]:
    """A started primary and hot standby in a new scratch folder; both stopped
    (immediately: nothing in them is kept) and the folder removed on leaving."""
    binaries = pg_bin()
    scratch = _scratch()
    clusters: list[Cluster] = []
    try:
        primary = init_primary(binaries, scratch)
        clusters.append(primary)
        clusters.append(Cluster("standby", scratch / "standby", 0, binaries))  # stopped if made
        standby = clone_standby(primary, scratch, statement_timeout_s)
        clusters[-1] = standby
        yield primary, standby
    finally:
        for cluster in reversed(clusters):
            if cluster.running:
                try:
                    cluster.stop("immediate")
                except (BenchError, subprocess.TimeoutExpired):
                    _kill_postmaster(cluster)
        shutil.rmtree(scratch, ignore_errors=True)


def _kill_postmaster(cluster: Cluster) -> None:
    """SIGKILL the cluster's postmaster by the pid in its postmaster.pid (pg_ctl failed)."""
    try:
        pid = int((cluster.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, 9)
        time.sleep(0.5)
    except (OSError, ValueError, IndexError):
        pass  # no postmaster left to stop
