"""The documented deployment, walked: Debian's nginx on 127.0.0.1 with the shipped
deploy/nginx/ files in front of `records serve --base-url /records/`, the desk logging in
with nginx's basic auth (the X-Records-User header) and everyone else anonymous."""

from __future__ import annotations

import base64
import hashlib
import http.client
import re
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from db.connect import open_db
from records.foia.requests import file_request
from tests.publish.conftest import (  # noqa: F401 (ddor_series: a fixture used below)
    RECORDS,
    Built,
    copy_database,
    ddor_series,
    free_port,
)
from tests.shared import REPO

NGINX = shutil.which("nginx") or next(
    (p for p in ("/usr/sbin/nginx", "/sbin/nginx") if Path(p).exists()), None
)
pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (Debian package nginx; `make system-deps`)"
)
NOTES = "Called the clerk twice; fee waiver pending"
DESK_USER, DESK_PASSWORD = "maria", "correct horse battery staple"


def ssha(password: str) -> str:
    """An nginx password-file entry ({SSHA}: salted SHA-1, RFC 2307)."""
    salt = b"records!"
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def nginx_config(tmp: Path, listen: int, upstream: int) -> Path:
    """nginx.conf around the shipped files, changed only in ports and file locations."""
    deploy = REPO / "deploy" / "nginx"
    htpasswd = tmp / "records-desk.htpasswd"
    htpasswd.write_text(f"{DESK_USER}:{ssha(DESK_PASSWORD)}\n", encoding="utf-8")
    location = (deploy / "records-location.conf").read_text(encoding="utf-8")
    location = location.replace("127.0.0.1:8001", f"127.0.0.1:{upstream}")
    location = location.replace("/etc/nginx/records-desk.htpasswd", str(htpasswd))
    (tmp / "records-location.conf").write_text(location, encoding="utf-8")
    for folder in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (tmp / folder).mkdir(exist_ok=True)
    config = tmp / "nginx.conf"
    config.write_text(
        f"""daemon off;
master_process off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {deploy}/records-desk-map.conf;
    server {{
        listen 127.0.0.1:{listen};
        server_name localhost;
        include {tmp}/records-location.conf;
    }}
}}
""",
        encoding="utf-8",
    )
    return config


def wait_until(check: object, what: str, process: subprocess.Popen, within: float = 120) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"{what} exited with {process.returncode}:\n{output}")
        try:
            if check():  # type: ignore[operator]
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} not ready within {within} s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Site:
    def __init__(self, port: int, database: str) -> None:
        self.port = port
        self.db = database

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def text(self, path: str, headers: dict[str, str] | None = None) -> str:
        status, _, body = self.get(path, headers)
        assert status == 200, f"GET {path}: {status} {body[:300]!r}"
        return body.decode("utf-8")


@pytest.fixture(scope="module")
def site(ddor_series: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:  # noqa: F811
    work = tmp_path_factory.mktemp("deploy")
    db = work / "series.db"
    copy_database(ddor_series.db, db)
    request_id = file_request(
        open_db(db), agency="Travis County Sheriff", subject="Detainer logs 2017",
        filed=date(2020, 1, 6), statute_days=10, business_days=True,
    )  # fmt: skip
    with sqlite3.connect(db) as connection:
        connection.execute("update requests set notes = ? where id = ?", [NOTES, request_id])
    sources = work / "sources.toml"
    sources.write_text(
        (REPO / "sources.toml")
        .read_text(encoding="utf-8")
        .replace("[settings]\n", '[settings]\ndesk_header = "X-Records-User"\n', 1),
        encoding="utf-8",
    )
    upstream, listen = free_port(), free_port()
    serve = subprocess.Popen(
        [str(RECORDS), "--sources", str(sources), "--db", str(db), "--archive",
         str(ddor_series.archive), "serve", "--host", "127.0.0.1", "--port", str(upstream),
         "--base-url", "/records/"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    nginx = None
    try:
        config = nginx_config(work, listen, upstream)
        nginx = subprocess.Popen(
            [str(NGINX), "-e", "stderr", "-p", str(work), "-c", str(config)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        front = Site(listen, db.stem)
        wait_until(lambda: front.get("/records/-/versions.json")[0] == 200, "nginx+serve", nginx)
        yield front
    finally:
        if nginx is not None:
            stop(nginx)
        stop(serve)


def test_reporter_walks_the_site_through_nginx(site: Site) -> None:
    home = site.text("/records/")
    assert f'href="/records/{site.db}"' in home
    database = site.text(f"/records/{site.db}")
    assert f'href="/records/{site.db}/documents"' in database
    documents = site.text(f"/records/{site.db}/documents.json?_shape=arrays&_col=filename")
    assert '"rows"' in documents
    rows = site.text(f"/records/{site.db}/documents.csv?_stream=on")
    assert rows.splitlines()[0].startswith("sha256,")
    sha = re.search(r"^([0-9a-f]{64}),", rows, re.M)
    assert sha is not None
    document = site.text(f"/records/{site.db}/documents/{sha.group(1)}")
    assert f'href="/records/-/archive/{sha.group(1)}' in document
    status, headers, body = site.get(f"/records/-/archive/{sha.group(1)}")
    assert (status, body[:5]) == (200, b"%PDF-")
    status, headers, body = site.get(f"/records/-/archive/{sha.group(1)}/page/1.png")
    assert (status, headers["Content-Type"], body[:4]) == (200, "image/png", b"\x89PNG")
    feed = site.text(f"/records/{site.db}/new_documents.atom")
    assert feed.count("<entry>") == 4


def test_records_requests_need_the_desk_login(site: Site) -> None:
    path = f"/records/{site.db}/requests.json?_shape=objects"
    assert site.get(path)[0] == 403
    # A visitor's own header is replaced by nginx: forging it does not log anyone in.
    assert site.get(path, {"X-Records-User": "maria"})[0] == 403
    wrong = base64.b64encode(f"{DESK_USER}:guess".encode()).decode()
    assert site.get(path, {"Authorization": f"Basic {wrong}"})[0] == 401
    right = base64.b64encode(f"{DESK_USER}:{DESK_PASSWORD}".encode()).decode()
    status, _, body = site.get(path, {"Authorization": f"Basic {right}"})
    assert status == 200
    assert NOTES in body.decode()
    status, headers, _ = site.get("/records/desk-login")
    assert (status, headers.get("WWW-Authenticate")) == (401, 'Basic realm="Data desk"')
    home = site.text("/records/desk-login", {"Authorization": f"Basic {right}"})
    assert f'href="/records/{site.db}"' in home
