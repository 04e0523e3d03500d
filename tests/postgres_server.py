"""A throwaway PostgreSQL for tests: the server `.ci/run` started (MENTOR_TEST_POSTGRES_URL), one
fresh database per test; or a cluster of our own for tests that restart the server."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

HOW_TO_START = ("no PostgreSQL: run .ci/run, or start one and set "
                "MENTOR_TEST_POSTGRES_URL=postgresql+psycopg://user@127.0.0.1:PORT/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class Cluster:
    """initdb + pg_ctl in a temporary folder, listening on 127.0.0.1 only (as `postgres` when root)."""

    def __init__(self):
        self.bin = pg_bin()
        self.dir = Path(tempfile.mkdtemp(prefix="mentor-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> Cluster:
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user)
        return self

    def start(self) -> None:
        opts = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir}"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"), "-w", "start")

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"

    def remove(self) -> None:
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.dir, ignore_errors=True)


def fresh_database(server_url: str) -> tuple[str, callable]:
    """A new empty database on the server, and a function that drops it."""
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = f"mentor_test_{uuid.uuid4().hex[:10]}"
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture
def postgres_url():
    """A fresh database on the test server; skips with how to start one when there is none."""
    server = os.environ.get("MENTOR_TEST_POSTGRES_URL")
    if not server:
        pytest.skip(HOW_TO_START)
    url, drop = fresh_database(server)
    yield url
    drop()


@pytest.fixture
def own_cluster():
    """A cluster this test may stop and start."""
    if pg_bin() is None:
        pytest.skip("no PostgreSQL binaries: apt-get install postgresql (see .ci/run)")
    cluster = Cluster().init()
    cluster.start()
    yield cluster
    cluster.remove()
