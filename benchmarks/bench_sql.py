#!/usr/bin/env python3
"""Benchmark the SQL outputs: writing them, and loading them into real databases.

On the generated 100 MB export (the same file as ``bench_convert.py``) it measures:

* ``convert --to sql --dialect D`` for sqlite, postgresql and mysql, and
  ``convert --to sqlite``: wall time, CPU time and peak RSS, each in a fresh
  child process (``os.wait4``; best wall of N runs, largest peak);
* loading each script into its database, timed around the client: the
  ``sqlite3`` shell into a new file, ``psql -v ON_ERROR_STOP=1`` into a
  throwaway PostgreSQL cluster, the ``mariadb`` client into a throwaway
  MariaDB server (both started as the tests start them, ``tests/dbservers.py``);
* rows: the rows of every table, counted in the database ``--to sqlite``
  wrote; ``rows/s`` is those rows over the wall time of each step.

A database whose server is not installed is reported as skipped. Results go to
``benchmarks/RESULTS.md`` between the ``bench_sql`` markers.

Usage::

    python benchmarks/bench_sql.py [--runs N] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import bench_convert as bench  # noqa: E402  (the shared helpers: input, child measurement, RESULTS.md)
from tests import dbservers  # noqa: E402

from wpmigrate.writers.sql.tables import TABLE_ORDER  # noqa: E402

START = "<!-- bench_sql:start -->"
END = "<!-- bench_sql:end -->"
DIALECTS = ("sqlite", "postgresql", "mysql")


@dataclass
class Row:
    step: str
    wall: float
    cpu: float | None = None
    rss_mb: float | None = None
    tree_mb: float | None = None
    note: str = ""


def count_rows(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        return sum(connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in TABLE_ORDER)


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def convert_steps(path: Path, out: Path, runs: int) -> list[Row]:
    cli = bench.wpmigrate_command()
    commands = {f"convert --to sql --dialect {d}": [*cli, "convert", str(path), "--to", "sql", "--dialect", d,
                                                    "-o", str(out / f"{d}.sql"), "--force"] for d in DIALECTS}
    commands["convert --to sqlite"] = [*cli, "convert", str(path), "--to", "sqlite", "-o", str(out / "blog.db"),
                                       "--force"]
    rows = []
    for step, command in commands.items():
        m = bench.measure("100m", path, step, command, runs)
        rows.append(Row(step, m.wall, m.cpu, m.rss_mb, m.tree_mb))
    return rows


def load_steps(out: Path) -> list[Row]:
    rows = []
    shell = shutil.which("sqlite3")
    if shell:
        target = out / "loaded.db"
        wall = timed(lambda: dbservers.SQLiteShell(shell).load(out / "sqlite.sql", target))
        rows.append(Row("load into SQLite (sqlite3 shell)", wall))
    else:
        rows.append(Row("load into SQLite (sqlite3 shell)", float("nan"), note="skipped: sqlite3 not installed"))
    rows.append(_load_server("PostgreSQL", _postgres, out / "postgresql.sql"))
    rows.append(_load_server("MariaDB", _mariadb, out / "mysql.sql"))
    return rows


def _postgres():
    bindir, user = dbservers._postgres_bin(), dbservers._pg_user()
    if bindir is None or user == "":
        return None
    root = Path(tempfile.mkdtemp(prefix="wpm-bench-pg-"))
    if user:
        shutil.chown(root, user)
    return dbservers.Postgres(bindir, root, user), root


def _mariadb():
    server = shutil.which("mariadbd") or shutil.which("mariadbd", path="/usr/sbin:/usr/local/sbin")
    install, client = shutil.which("mariadb-install-db"), shutil.which("mariadb")
    if not (server and install and client):
        return None
    root = Path(tempfile.mkdtemp(prefix="wpm-bench-my-"))
    return dbservers.MariaDB(server, install, client, root), root


def _load_server(name: str, make, script: Path) -> Row:
    step = f"load into {name}"
    made = make()
    if made is None:
        return Row(step, float("nan"), note=f"skipped: {name} is not installed")
    server, root = made
    try:
        server.start()
        database = server.new_database()
        return Row(step, timed(lambda: server.load(script, database)))
    except (RuntimeError, OSError) as error:
        return Row(step, float("nan"), note=f"skipped: {name} did not start ({error})")
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def report(path: Path, rows: list[Row], total_rows: int, runs: int, sizes: dict[str, int]) -> str:
    lines = [
        START,
        "## bench_sql: SQL scripts and the SQLite database",
        "",
        f"Run {datetime.date.today().isoformat()} at revision `{bench.git_revision()}` on "
        f"`{bench.show(path)}` ({path.stat().st_size / 1e6:.0f} MB, {total_rows:,} rows in all tables). "
        f"Convert steps: best wall of {runs} fresh processes, least CPU (user+system, workers included), "
        "largest peak RSS of one process (`ru_maxrss`) and largest sampled PSS of the process tree "
        "(workers included). Load steps: one run, wall time around the "
        "database's own client, into a new database (servers with fsync off, as in the tests).",
        "",
        "| step | wall s | rows/s | CPU s | peak RSS MB | tree PSS MB | output MB | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        rate = f"{total_rows / row.wall:,.0f}" if row.wall == row.wall and row.wall > 0 else ""
        wall = f"{row.wall:.2f}" if row.wall == row.wall else ""
        cpu = f"{row.cpu:.2f}" if row.cpu is not None else ""
        rss = f"{row.rss_mb:.0f}" if row.rss_mb is not None else ""
        tree = f"{row.tree_mb:.0f}" if row.tree_mb is not None else ""
        size = f"{sizes[row.step] / 1e6:.0f}" if row.step in sizes else ""
        lines.append(f"| {row.step} | {wall} | {rate} | {cpu} | {rss} | {tree} | {size} | {row.note} |")
    lines += ["", "```sh", f"python benchmarks/bench_sql.py --runs {runs}", "```", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, metavar="N", help="runs per convert step, best kept")
    parser.add_argument("--no-write", action="store_true", help="print the section, leave RESULTS.md alone")
    args = parser.parse_args(argv)
    path = bench.ensure_input("100m", bench.SIZES["100m"])
    out = Path(tempfile.mkdtemp(prefix="bench-sql-"))
    try:
        rows = convert_steps(path, out, args.runs)
        sizes = {f"convert --to sql --dialect {d}": (out / f"{d}.sql").stat().st_size for d in DIALECTS}
        sizes["convert --to sqlite"] = (out / "blog.db").stat().st_size
        total_rows = count_rows(out / "blog.db")
        rows += load_steps(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    section = report(path, rows, total_rows, args.runs, sizes)
    bench.publish(START, END, section, write=not args.no_write)
    return 0


if __name__ == "__main__":
    sys.exit(main())
