"""Real servers for the tests, each started on loopback in a temporary folder and stopped after:
Oxigraph (PyPI), Virtuoso Open Source and Apache httpd (Debian packages).

Where a Debian package is missing the tests that need it skip with the reason — except under
`.ci/run`, which installs them and sets RIVALRY_REQUIRE_SERVERS=1 so that a skip is a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tools.loopback import free_port, wait_until_listening

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))


def required(program: str, package: str) -> str:
    found = shutil.which(program) or (program if Path(program).exists() else None)
    if found:
        return found
    message = f"{program} is missing: apt-get install {package}"
    if os.environ.get("RIVALRY_REQUIRE_SERVERS"):
        pytest.fail(message + " (.ci/run requires it)")
    pytest.skip(message)


@contextlib.contextmanager
def _running(command: list[str], port: int, log: Path, ready_url: str | None = None):
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(port, seconds=90)
        if ready_url:  # listening is not yet serving for Virtuoso
            deadline = time.monotonic() + 90
            while httpx.get(ready_url, timeout=10).status_code >= 500:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{ready_url} not ready: {log.read_text()[-2000:]}")
                time.sleep(0.5)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def oxigraph(workdir: Path, location: Path | None = None):
    """`oxigraph serve` on a store folder (a new empty one by default); yields its base URL."""
    port = free_port()
    location = location or workdir / "oxigraph-db"
    command = [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with _running(command, port, workdir / "oxigraph.log"):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def oxigraph_loaded(workdir: Path, data: Path):
    """`oxigraph serve` on a new store loaded with ``data`` (`oxigraph load`); yields its
    query URL."""
    location = workdir / "oxigraph-loaded"
    subprocess.run(
        [OXIGRAPH, "load", "--location", str(location), "--file", str(data)],
        check=True,
        capture_output=True,
    )
    with oxigraph(workdir, location) as base:
        yield f"{base}/query"


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {dir}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


@contextlib.contextmanager
def virtuoso(workdir: Path):
    """Virtuoso Open Source 7 with a fresh database; yields its base URL. The Debian build
    ships the `dba` account with password `dba`, which the Graph Store and Update endpoints
    (`/sparql-graph-crud-auth`, `/sparql-auth`) accept by HTTP Digest."""
    binary = required("virtuoso-t", "virtuoso-opensource")
    folder = workdir / "virtuoso"
    folder.mkdir()
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    base = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(ini)]
    with _running(command, http_port, folder / "stdout.log", f"{base}/sparql?query=ASK%7B%7D"):
        yield base


APACHE_CONF = """\
ServerRoot /usr/lib/apache2
ServerName localhost
Listen 127.0.0.1:{port}
PidFile {dir}/httpd.pid
ErrorLog {dir}/error.log
User www-data
Group www-data
LoadModule mpm_event_module modules/mod_mpm_event.so
LoadModule authz_core_module modules/mod_authz_core.so
LoadModule mime_module modules/mod_mime.so
LoadModule dir_module modules/mod_dir.so
LoadModule rewrite_module modules/mod_rewrite.so
LoadModule headers_module modules/mod_headers.so
TypesConfig /etc/mime.types
DirectoryIndex index.html
DocumentRoot {root}
<Directory {root}>
    AllowOverride All
    Require all granted
</Directory>
"""


APACHE_BASIC_PROXY = """\
LoadModule proxy_module modules/mod_proxy.so
LoadModule proxy_http_module modules/mod_proxy_http.so
LoadModule auth_basic_module modules/mod_auth_basic.so
LoadModule authn_core_module modules/mod_authn_core.so
LoadModule authn_file_module modules/mod_authn_file.so
LoadModule authz_user_module modules/mod_authz_user.so
<Location /protected/>
    AuthType Basic
    AuthName "rivalry"
    AuthUserFile {passwords}
    Require valid-user
    ProxyPass {upstream}/
</Location>
"""


@contextlib.contextmanager
def apache(root: Path, workdir: Path, extra: str = ""):
    """Apache httpd serving ``root`` with .htaccess files honoured; yields its base URL."""
    binary = required("/usr/sbin/apache2", "apache2")
    folder = workdir / "apache"
    folder.mkdir()
    port = free_port()
    conf = folder / "httpd.conf"
    conf.write_text(APACHE_CONF.format(port=port, dir=folder, root=root) + extra)
    with _running([binary, "-f", str(conf), "-DFOREGROUND"], port, folder / "stdout.log"):
        yield f"http://127.0.0.1:{port}"


@contextlib.contextmanager
def basic_auth_proxy(upstream: str, user: str, password: str, workdir: Path):
    """Apache httpd asking for HTTP Basic credentials under /protected/ and passing requests
    on to ``upstream``; yields the protected base URL."""
    htpasswd = required("htpasswd", "apache2-utils")
    passwords = workdir / "htpasswd"
    subprocess.run(
        [htpasswd, "-cbB", str(passwords), user, password], check=True, capture_output=True
    )
    os.chmod(workdir, 0o755)
    os.chmod(passwords, 0o644)
    extra = APACHE_BASIC_PROXY.format(passwords=passwords, upstream=upstream)
    with apache(workdir, workdir, extra) as base:
        yield base + "/protected"
