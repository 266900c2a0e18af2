"""Real web servers for a built site: nginx and Apache (Debian packages) with the writer's redirect
file included, and Python's http.server; each started on a free loopback port and stopped after.

A missing server skips the test, except with WPMIGRATE_REQUIRE_TOOLS=1 (CI), where it fails.
Apache will not serve as root: run by root, it drops to www-data, so the site must be in a
folder everyone can read (:func:`readable_folder`).
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import http.server
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

APACHE_MODULES = Path("/usr/lib/apache2/modules")
#: Apache modules the site needs (the MPM, access, index files, types, redirects).
_MODULES = ("mpm_event", "authz_core", "dir", "mime", "rewrite")
START_TIMEOUT = 20


def server(name: str) -> str:
    """The server's executable; skips (fails with WPMIGRATE_REQUIRE_TOOLS=1) when it is missing."""
    exe = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if exe and (name != "apache2" or all((APACHE_MODULES / f"mod_{m}.so").exists() for m in _MODULES)):
        return exe
    if os.environ.get("WPMIGRATE_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{name} is required (WPMIGRATE_REQUIRE_TOOLS=1): run .ci/setup-tools as root")
    pytest.skip(f"{name} is not installed (Debian: apt-get install {name}; .ci/setup-tools installs it)")


@contextlib.contextmanager
def readable_folder() -> Iterator[Path]:
    """A temporary folder every user can read (for a server's worker user), removed after."""
    folder = Path(tempfile.mkdtemp(prefix="wpmigrate-web-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def nginx(public: Path, redirects: Path, work: Path) -> Iterator[int]:
    """nginx serving ``public`` with the ``redirects`` map included; yields its port."""
    port = free_port()
    temp = "".join(f"{kind}_temp_path {work}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = work / "nginx.conf"
    config.write_text(f"""daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log;
{"user root;" if os.geteuid() == 0 else ""}
events {{ worker_connections 64; }}
http {{
    access_log off;
    {temp}
    include /etc/nginx/mime.types;
    include {redirects};
    server {{
        listen 127.0.0.1:{port};
        root {public};
        if ($wpmigrate_redirect) {{ return 301 $wpmigrate_redirect; }}
        location / {{ try_files $uri $uri/ =404; }}
    }}
}}
""")
    with _running([server("nginx"), "-c", str(config), "-p", str(work)], port, work / "nginx-error.log"):
        yield port


@contextlib.contextmanager
def apache(public: Path, redirects: Path, work: Path) -> Iterator[int]:
    """Apache serving ``public`` with the ``redirects`` rules included; yields its port."""
    port = free_port()
    modules = "".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so\n" for m in _MODULES)
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    config = work / "apache.conf"
    config.write_text(f"""{modules}{user}ServerName localhost
Listen 127.0.0.1:{port}
PidFile {work}/apache.pid
ErrorLog {work}/apache-error.log
Mutex file:{work} default
TypesConfig /etc/mime.types
DocumentRoot "{public}"
DirectoryIndex index.html
<Directory "{public}">
    Require all granted
</Directory>
Include "{redirects}"
""")
    with _running([server("apache2"), "-f", str(config), "-DFOREGROUND"], port, work / "apache-error.log"):
        yield port


@contextlib.contextmanager
def python_server(public: Path) -> Iterator[int]:
    """Python's http.server serving ``public`` in a thread; yields its port."""
    handler = functools.partial(_QuietHandler, directory=str(public))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def _running(command: list[str], port: int, log: Path) -> Iterator[None]:
    """Run ``command`` until the port answers; stop it (and wait) after."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, process, log)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            errors = log.read_text(errors="replace") if log.exists() else ""
            raise AssertionError(f"{process.args[0]} stopped ({process.returncode}):\n{output}\n{errors}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise AssertionError(f"{process.args[0]} did not answer on port {port}")


def get(port: int, path: str) -> tuple[int, str, bytes]:
    """``(status, Location path, body)`` of GET ``path`` (already percent-encoded), no redirect followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        location = response.getheader("Location") or ""
        parts = urlsplit(location)
        target = (parts.path or "") + (f"?{parts.query}" if parts.query else "") if location else ""
        return response.status, target, response.read()
    finally:
        connection.close()


def follow(port: int, path: str, hops: int = 3) -> tuple[list[int], str, bytes]:
    """The statuses of GET ``path`` and the redirects it leads to; the final path and body."""
    statuses = []
    for _ in range(hops + 1):
        status, location, body = get(port, path)
        statuses.append(status)
        if status not in (301, 302, 307, 308) or not location:
            return statuses, path, body
        path = location
    return statuses, path, body
