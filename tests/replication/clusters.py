"""A PostgreSQL primary and a streaming replica of it, made for one test run and removed after it.

Both clusters live in a new temporary folder and listen on free ports of 127.0.0.1 only (their
sockets in that folder too), so nothing is asked of the machine's own PostgreSQL: its pg_hba.conf
need not allow replication connections (the development machine's does not). ``initdb -A trust``
writes a pg_hba.conf that allows them from 127.0.0.1, and ``wal_level=replica`` is the default.

PostgreSQL refuses to run as root: as root, every server tool runs as the ``postgres`` system user
(``runuser -u postgres``, which needs no password and no terminal, unlike ``su``), and the folder
is handed to that user first.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

SERVER_TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
SERVER_USER = "postgres"
DATABASE = "hub"


def server_bin_dir() -> Path | None:
    """Where initdb, pg_ctl and pg_basebackup are: the newest /usr/lib/postgresql/*/bin, else the PATH."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: _version(path.parent.name))
    for candidate in reversed(versions):
        if all((candidate / tool).exists() for tool in SERVER_TOOLS):
            return candidate
    on_path = [shutil.which(tool) for tool in SERVER_TOOLS]
    if all(on_path):
        return Path(str(on_path[0])).parent
    return None


def why_clusters_cannot_run() -> str | None:
    """None when a primary and a replica can be started here; else what is missing, in words."""
    if server_bin_dir() is None:
        return (
            "the PostgreSQL server tools (initdb, pg_ctl, pg_basebackup, postgres) are not installed: "
            "neither in /usr/lib/postgresql/*/bin nor on the PATH"
        )
    if os.geteuid() == 0 and not _system_user_exists(SERVER_USER):
        return "running as root, which PostgreSQL refuses, and there is no 'postgres' user to run it as"
    return None


@dataclass
class Cluster:
    name: str
    folder: Path
    port: int

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://{SERVER_USER}@127.0.0.1:{self.port}/{database}"


@dataclass
class PrimaryWithReplica:
    """``start()`` makes both (the replica by ``pg_basebackup -R`` from the primary); ``stop()`` removes them."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="partnerhub-replica-test-")))
    bin_dir: Path = field(default_factory=lambda: server_bin_dir() or Path("/nonexistent"))
    # fsync off: in tests the clusters live for one run; durability is not what is tested.
    # bench/replicas.py passes "" to measure with the server's defaults.
    server_options: str = "-c fsync=off"

    def __post_init__(self) -> None:
        self.primary = Cluster("primary", self.root / "primary", _free_port())
        self.replica = Cluster("replica", self.root / "replica", _free_port())
        self.started: list[Cluster] = []

    def start(self) -> None:
        if os.geteuid() == 0:
            server_user = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, server_user.pw_uid, server_user.pw_gid)
        self._run("initdb", "--pgdata", self.primary.folder, "--auth=trust", "--username", SERVER_USER,
                  "--encoding=UTF8", "--no-locale", "--no-sync")  # fmt: skip
        self._start(self.primary)
        _create_database(self.primary)  # before the copy: the replica receives it with everything else
        self._run("pg_basebackup", "--host=127.0.0.1", f"--port={self.primary.port}", "--username", SERVER_USER,
                  "--pgdata", self.replica.folder, "--write-recovery-conf", "--wal-method=stream",
                  "--checkpoint=fast", "--no-sync")  # fmt: skip
        self._start(self.replica)

    def stop(self) -> None:
        for cluster in reversed(self.started):
            self._run("pg_ctl", "--pgdata", cluster.folder, "--mode=immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self, cluster: Cluster) -> str:
        path = self.root / f"{cluster.name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _start(self, cluster: Cluster) -> None:
        options = f"-p {cluster.port} -k {self.root} -c listen_addresses=127.0.0.1 {self.server_options}"
        self._run("pg_ctl", "--pgdata", cluster.folder, "--options", options,
                  "--log", self.root / f"{cluster.name}.log", "--wait", "--timeout=60", "start")  # fmt: skip
        self.started.append(cluster)

    def _run(self, tool: str, *arguments: object, check: bool = True) -> None:
        command = [str(self.bin_dir / tool), *map(str, arguments)]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SERVER_USER, "--", *command]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)  # noqa: S603
        if check and finished.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({finished.returncode}):\n{finished.stderr}")


def _create_database(cluster: Cluster) -> None:
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {DATABASE}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _system_user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
