"""Throwaway database servers for tests: PostgreSQL, MariaDB, and the sqlite3 shell.

Each server lives in a temporary folder (data, unix socket, log) and is
stopped at the end of the session. Results are read back as JSON made by the
database itself (one object per row), so that values with quotes, newlines or
tabs come back exactly.

Where a server cannot be started, tests skip with the reason; with
``WPMIGRATE_REQUIRE_DATABASES=1`` (CI) they fail instead.
"""

from __future__ import annotations

import glob
import itertools
import json
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REQUIRE = os.environ.get("WPMIGRATE_REQUIRE_DATABASES") == "1"
#: Unprivileged users to run PostgreSQL as, when the tests run as root.
PG_USERS = ("postgres", "nobody")
_names = itertools.count(1)


def unavailable(reason: str) -> None:
    """Skip, or fail when the databases are required (CI)."""
    if REQUIRE:
        pytest.fail(f"{reason} (WPMIGRATE_REQUIRE_DATABASES=1)", pytrace=False)
    pytest.skip(reason)


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(process: subprocess.Popen, ready, log: Path, seconds: float) -> None:
    """Until ``ready()``; RuntimeError with the server's log if it dies or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start: {log.read_text(errors='replace')[-2000:]}")


def _serve(server, root: Path, name: str):
    """Start ``server``, hand it to the session, then stop it and remove ``root``."""
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        unavailable(f"could not start {name}: {exc}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def _json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


# ---------------------------------------------------------------- sqlite3 shell


class SQLiteShell:
    def __init__(self, binary: str) -> None:
        self.binary = binary

    def load(self, script: Path, database: Path) -> None:
        with open(script, "rb") as stream:
            result = subprocess.run([self.binary, "-bail", str(database)], stdin=stream, capture_output=True)
        assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]


@pytest.fixture(scope="session")
def sqlite_shell() -> SQLiteShell:
    binary = shutil.which("sqlite3")
    if binary is None:
        unavailable("the sqlite3 shell is not installed (apt-get install sqlite3)")
    return SQLiteShell(binary)


# ---------------------------------------------------------------- PostgreSQL


def _postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


def _null_device_ok() -> bool:
    """Whether /dev/null is the real device (some sandboxes replace it by a root-only file)."""
    try:
        return stat.S_ISCHR(os.stat("/dev/null").st_mode)
    except OSError:
        return False


class Postgres:
    def __init__(self, bindir: Path, root: Path, user: str | None) -> None:
        self.bindir = bindir
        self.root = root
        self.user = user
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def _as_user(self, command: list[str]) -> list[str]:
        """``command`` as the unprivileged user (PostgreSQL refuses to run as root)."""
        if self.user is None:
            return command
        command = ["runuser", "-u", self.user, "--", *command]
        if not _null_device_ok():
            # initdb and postgres write to /dev/null: give them a real one, privately.
            null = self.root / "null"
            if not null.exists():
                os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
                os.chmod(null, 0o666)
            command = ["unshare", "-m", "sh", "-c", f'mount --bind "{null}" /dev/null && exec "$@"', "sh", *command]
        return command

    def start(self) -> None:
        data = self.root / "data"
        result = _run(
            self._as_user([str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                           "-E", "UTF8", "--locale=C", "--no-sync"]),
            stdin=subprocess.DEVNULL,
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed: {result.stdout[-1500:]}{result.stderr[-1500:]}")
        log = open(self.root / "postgres.log", "wb")
        self.process = subprocess.Popen(
            self._as_user([str(self.bindir / "postgres"), "-D", str(data), "-p", str(self.port),
                           "-h", "127.0.0.1", "-k", str(self.root), "-c", "fsync=off",
                           "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]),
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        _wait(self.process, lambda: _run(self._client("pg_isready", "postgres")).returncode == 0,
              self.root / "postgres.log", 30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # "fast" shutdown
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def _client(self, program: str, database: str) -> list[str]:
        return [str(self.bindir / program), "-h", str(self.root), "-p", str(self.port), "-U", "postgres",
                "-d", database]

    def psql(self, database: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
        env = {**os.environ, "PGTZ": "UTC", "PGCLIENTENCODING": "UTF8"}
        return subprocess.run([*self._client("psql", database), "-X", "-q", "-v", "ON_ERROR_STOP=1", *args],
                              capture_output=True, env=env, **kwargs)

    def new_database(self) -> str:
        name = f"wpm{next(_names)}"
        result = self.psql("postgres", "-c", f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        return name

    def load(self, script: Path, database: str) -> None:
        result = self.psql(database, "-f", str(script))
        assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]

    def rows(self, database: str, query: str) -> list[dict]:
        """The rows of ``query`` as dicts, by way of ``row_to_json``."""
        result = self.psql(database, "-A", "-t", "-c", f"SELECT row_to_json(q) FROM ({query}) AS q")
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        return _json_lines(result.stdout.decode("utf-8"))


def _pg_user() -> str | None:
    if os.geteuid() != 0:
        return None
    for name in PG_USERS:
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return ""


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    bindir = _postgres_bin()
    if bindir is None:
        unavailable("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin)")
    user = _pg_user()
    if user == "":
        unavailable(f"running as root and none of the users {PG_USERS} exists to run PostgreSQL")
    root = Path(tempfile.mkdtemp(prefix="wpm-pg-"))
    if user:
        shutil.chown(root, user)
    yield from _serve(Postgres(bindir, root, user), root, "PostgreSQL")


# ---------------------------------------------------------------- MariaDB


class MariaDB:
    def __init__(self, server: str, install: str, client: str, root: Path) -> None:
        self.server = server
        self.install = install
        self.client = client
        self.root = root
        self.socket = root / "mysqld.sock"
        self.process: subprocess.Popen | None = None

    def _user_args(self) -> list[str]:
        return ["--user=root"] if os.geteuid() == 0 else []

    def start(self) -> None:
        data = self.root / "data"
        result = _run([self.install, "--no-defaults", f"--datadir={data}", *self._user_args(),
                       "--auth-root-authentication-method=normal", "--skip-test-db"], stdin=subprocess.DEVNULL)
        if result.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed: {result.stdout[-1500:]}{result.stderr[-1500:]}")
        log = open(self.root / "mysqld.log", "wb")
        self.process = subprocess.Popen(
            [self.server, "--no-defaults", f"--datadir={data}", f"--socket={self.socket}", "--skip-networking",
             f"--pid-file={self.root / 'mysqld.pid'}", *self._user_args(), "--skip-grant-tables",
             "--character-set-server=utf8mb4", "--innodb-flush-log-at-trx-commit=0",
             "--innodb-buffer-pool-size=128M", "--max-allowed-packet=256M", f"--tmpdir={self.root}"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        _wait(self.process, lambda: self.socket.exists() and self.sql("mysql", "SELECT 1").returncode == 0,
              self.root / "mysqld.log", 60)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _command(self, database: str) -> list[str]:
        return [self.client, "--no-defaults", f"--socket={self.socket}", "-u", "root",
                "--default-character-set=utf8mb4", "--max-allowed-packet=256M", database]

    def sql(self, database: str, statement: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self._command(database), "-N", "-B", "-r", "-e", statement], capture_output=True)

    def new_database(self) -> str:
        name = f"wpm{next(_names)}"
        result = self.sql("mysql", f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        return name

    def load(self, script: Path, database: str) -> None:
        with open(script, "rb") as stream:
            result = subprocess.run(self._command(database), stdin=stream, capture_output=True)
        assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]

    def rows(self, database: str, table: str, columns: list[str], order: str) -> list[dict]:
        """The rows of ``table`` as dicts, by way of ``JSON_OBJECT`` (one line each)."""
        pairs = ", ".join(f"'{c}', `{c}`" for c in columns)
        result = self.sql(database, f"SELECT JSON_OBJECT({pairs}) FROM `{table}` ORDER BY {order}")
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        return _json_lines(result.stdout.decode("utf-8"))


@pytest.fixture(scope="session")
def mariadb() -> Iterator[MariaDB]:
    server = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin")
    install = shutil.which("mariadb-install-db")
    client = shutil.which("mariadb")
    if not (server and install and client):
        unavailable("MariaDB is not installed (apt-get install mariadb-server mariadb-client)")
    root = Path(tempfile.mkdtemp(prefix="wpm-my-"))
    yield from _serve(MariaDB(server, install, client, root), root, "MariaDB")


# ---------------------------------------------------------------- expected rows, from the JSON output
#
# Built from ``--to json`` independently of the SQL writer's own row code, so
# that a database is compared with what the JSON keeps.

_UTC_COLUMNS = {"date", "modified", "exported_at"}
_LOCAL_COLUMNS = {"date_local", "modified_local"}
_BOOL_COLUMNS = {"sticky"}
_JSON_COLUMNS = {"meta_json", "content_diagnostics"}


def json_output(path: str | Path, tmp: Path) -> dict:
    from wpmigrate.convert import ConvertOptions, convert

    out = tmp / (Path(path).name + ".json")
    convert([str(path)], ConvertOptions(to="json", output=str(out), force=True))
    return json.loads(out.read_text(encoding="utf-8"))


def _meta(doc_meta: dict, owner: str, owner_id: int) -> list[dict]:
    from wpmigrate.schema import meta_from_dict

    rows = []
    for position, row in enumerate(meta_from_dict(doc_meta)):
        text = isinstance(row.value, str)
        rows.append({owner: owner_id, "position": position, "meta_key": row.key,
                     "meta_value": row.value if text else None, "meta_json": None if text else row.value})
    return rows


def expected_rows(doc: dict) -> dict[str, list[dict]]:
    """Every table's rows, in surrogate-key order, as the JSON document says."""
    site = {k: doc["site"][k] for k in doc["site"]}
    tables: dict[str, list[dict]] = {"site": [site], "authors": [], "terms": [], "term_meta": [], "posts": [],
                                     "post_terms": [], "post_meta": [], "comments": [], "comment_meta": []}
    for number, author in enumerate(doc["authors"], 1):
        tables["authors"].append({"id": number, "wp_id": author["id"], **{k: author[k] for k in
                                  ("login", "email", "display_name", "first_name", "last_name")}})
    for number, term in enumerate(doc["terms"], 1):
        tables["terms"].append({"id": number, "wp_id": term["id"], **{k: term[k] for k in
                                ("taxonomy", "slug", "name", "parent", "description")}})
        tables["term_meta"] += _meta(term["meta"], "term_id", number)
    comment_id = 0
    for number, post in enumerate(doc["posts"], 1):
        content = post["content"]
        row = {"id": number, "wp_id": post["id"], "parent_wp_id": post["parent"]}
        for key in ("type", "status", "title", "slug", "link", "path", "guid", "date", "date_local", "modified",
                    "modified_local", "author", "menu_order", "password", "sticky", "comment_status",
                    "ping_status", "excerpt", "featured_image", "attachment_url"):
            row[key] = post[key]
        row.update(content_raw=content["raw"], content_html=content.get("html"),
                   content_teaser=content.get("teaser"), content_diagnostics=content.get("diagnostics"))
        tables["posts"].append(row)
        for position, ref in enumerate(post["terms"]):
            tables["post_terms"].append({"post_id": number, "position": position, **ref})
        tables["post_meta"] += _meta(post["meta"], "post_id", number)
        for comment in post["comments"]:
            comment_id += 1
            row = {"id": comment_id, "post_id": number, "wp_id": comment["id"], "parent_wp_id": comment["parent"],
                   "content_html": comment.get("content_html")}
            for key in ("status", "type", "date", "date_local", "content"):
                row[key] = comment[key]
            for key, value in comment["author"].items():
                row[f"author_{key}"] = value
            tables["comments"].append(row)
            tables["comment_meta"] += _meta(comment["meta"], "comment_id", comment_id)
    return tables


ORDER = {"site": "id", "authors": "id", "terms": "id", "posts": "id", "comments": "id",
         "term_meta": "term_id, position", "post_terms": "post_id, position", "post_meta": "post_id, position",
         "comment_meta": "comment_id, position"}


def normalise(column: str, value):
    """A value read back from any of the databases, in the JSON's form."""
    if value is None:
        return None
    if column in _UTC_COLUMNS and isinstance(value, str):
        value = value.replace(" ", "T", 1).removesuffix("+00:00")
        return value if value.endswith("Z") else value + "Z"
    if column in _LOCAL_COLUMNS and isinstance(value, str):
        return value.replace(" ", "T", 1)
    if column in _BOOL_COLUMNS:
        return bool(value)
    if column in _JSON_COLUMNS and isinstance(value, str):
        return json.loads(value)
    return value


def fetch(database, handle, table: str, columns: list[str], prefix: str = "") -> list[dict]:
    """Rows of ``table`` from a loaded database: a sqlite3 path, or (server, name)."""
    name = prefix + table
    if isinstance(database, (str, Path)):
        import sqlite3

        connection = sqlite3.connect(str(database))
        connection.row_factory = sqlite3.Row
        try:
            raw = [dict(r) for r in connection.execute(
                f'SELECT {", ".join(columns)} FROM "{name}" ORDER BY {ORDER[table]}')]
        finally:
            connection.close()
    elif isinstance(database, Postgres):
        quoted = ", ".join(f'"{c}"' for c in columns)
        raw = database.rows(handle, f'SELECT {quoted} FROM "{name}" ORDER BY {ORDER[table]}')
    else:
        raw = database.rows(handle, name, columns, ORDER[table])
    return [{c: normalise(c, r[c]) for c in columns} for r in raw]


def compare_tables(database, handle, expected: dict[str, list[dict]], *, prefix: str = "",
                   columns: dict[str, list[str]] | None = None) -> None:
    """Row counts, then values, table by table; failures name the place, never the value."""
    for table, rows in expected.items():
        wanted = (columns or {}).get(table, list(rows[0]) if rows else ["1"])
        if not rows:
            assert fetch(database, handle, table, ORDER[table].split(", "), prefix) == [], f"{table}: rows"
            continue
        meta = table.endswith("meta") and "meta_key" in wanted
        owner = ORDER[table].split(", ")[0]
        if meta:
            # The JSON groups an owner's meta rows by key; SQL keeps the file's order.
            wanted = [owner, *(c for c in wanted if c not in (owner, "position"))]
        actual = fetch(database, handle, table, wanted, prefix)
        assert len(actual) == len(rows), f"{table}: {len(actual)} rows, the JSON has {len(rows)}"
        if meta:
            def key(row):
                return row[owner], row["meta_key"]

            actual, rows = sorted(actual, key=key), sorted(rows, key=key)
        for index, (got, want) in enumerate(zip(actual, rows)):
            for column in wanted:
                if got[column] != want[column]:
                    raise AssertionError(f"{table} row {index + 1}, column {column}: differs from the JSON")
