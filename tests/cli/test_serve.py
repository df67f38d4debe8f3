"""`bookwright serve`: the live preview, and what it answers to whom.

A real server (`bookwright serve COPY --port 0`, one per module) gets raw requests over
sockets: malformed, from names it must refuse, from another site, too large, too many, and
from clients that stop reading, while a chapter is edited. Each test asserts the status and
headers a client gets and that the terminal never shows a traceback. A few tests run the
server in this process instead, where a limit can be lowered or a bug planted.
"""

from __future__ import annotations

import http.client
import http.server
import json
import select
import shutil
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest

from bookwright.cli import main
from bookwright.cli import preview_http
from bookwright.cli.preview_http import (IDLE_SECONDS, LIVE_RELOAD_LIMIT, MAX_HEADER_BYTES, MAX_REQUEST_LINE,
                                         PreviewHandler)
from bookwright.cli import serve as serve_module
from bookwright.cli.serve import Preview, is_loopback
from support import BOOKS
from support.preview import RunningPreview, ask, assert_no_traceback, fetch, request, wait_for

FEATURES = BOOKS / "web-features"
PAGES = ["index.html", "00-preface.html", "01-kitchen.html", "90-appendix.html"]


# --- running a preview and talking to it -------------------------------------------------------


@pytest.fixture(scope="module")
def preview(tmp_path_factory):
    book = tmp_path_factory.mktemp("serve") / "book"
    shutil.copytree(FEATURES, book)
    # The web edition alone: these tests are about what the server answers; the other
    # editions and the gate have their own (test_serve_editions.py).
    running = RunningPreview(book, "--allow-host", "Book.Test", "--format", "web")
    yield running
    assert running.stop() == 0, running.terminal()
    assert_no_traceback(running)


def is_closed_by_server(connection: socket.socket, seconds: float) -> bool:
    """True when the server ends the connection within `seconds` (what it had sent is skipped)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if select.select([connection], [], [], 0.1)[0]:
            try:
                if not connection.recv(1 << 20):
                    return True
            except OSError:
                return True
    return False


def stalled_reader(port: int, path: str, count: int) -> socket.socket:
    """A client that asks for `count` pages in one go and then reads nothing: the server's
    answers fill both socket buffers and its writer blocks."""
    connection = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    connection.connect(("127.0.0.1", port))
    one = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    connection.settimeout(2)
    try:
        connection.sendall(one * count)
    except TimeoutError:
        pass  # the server has stopped reading too: it is blocked on its answers
    return connection


# --- the preview as the author uses it ---------------------------------------------------------


def test_serve_rebuilds_on_save_and_shows_problems(preview):
    base = preview.base
    assert is_loopback(urlsplit(base).hostname), base
    first = fetch(base + "01-kitchen.html")
    assert "burnt sugar" in first and "/__bookwright/serve.js" in first

    chapter = preview.book / "01-kitchen.md"
    original = chapter.read_text()
    chapter.write_text(original.replace("burnt sugar", "burnt marmalade"))
    edited = time.monotonic()
    # Well under a second on an idle machine; the margin is for a busy one.
    wait_for(lambda: "burnt marmalade" in fetch(base + "01-kitchen.html"), 10, "the edit to be served")
    assert time.monotonic() - edited < 10
    wait_for(lambda: any("01-kitchen.md changed: built the web edition in" in l for l in preview.out), 5,
             "the rebuild time to be printed")

    # A broken reference: the terminal and the status the page polls both say so,
    # the last good site stays up, and fixing the file clears it.
    chapter.write_text(chapter.read_text() + "\nSee @sec-nowhere.\n")
    status = wait_for(lambda: (s := json.loads(fetch(base + "__bookwright/status")))["ok"] is False and s, 5,
                      "the problem to be reported")
    assert any("01-kitchen.md" in p and "unknown reference @sec-nowhere" in p for p in status["problems"])
    wait_for(lambda: any("unknown reference @sec-nowhere" in l for l in preview.err), 10, "the problem in the terminal")
    assert "burnt marmalade" in fetch(base + "01-kitchen.html")
    chapter.write_text(original)
    wait_for(lambda: json.loads(fetch(base + "__bookwright/status"))["ok"], 10, "the fix to clear the problem")
    assert preview.process.poll() is None
    assert_no_traceback(preview)


def test_a_page_and_its_head_agree(preview):
    page = ask(preview.port, request("/01-kitchen.html"))
    head = ask(preview.port, request("/01-kitchen.html", method="HEAD"), method="HEAD")
    assert page.status == head.status == 200
    assert head.body == b"" and int(head.headers["Content-Length"]) == len(page.body)
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.text.rstrip().endswith("</html>")
    moved = ask(preview.port, request("/media"))
    assert moved.status == 301 and moved.headers["Location"] == "/media/"
    missing = ask(preview.port, request("/no-such-chapter.html"))
    assert missing.status == 404 and "/__bookwright/serve.js" in missing.text  # it reloads once the page exists
    assert ask(preview.port, request("/no-such-image.png")).status == 404


# --- every request gets an answer --------------------------------------------------------------

MALFORMED = [
    # (request target, status, what the answer says)
    ("/%00", 400, "control character"),
    ("/01-kitchen.html%00.png", 400, "control character"),
    ("/a\x01b.html", 400, "control character"),
    ("/%zz", 400, "not followed by two hexadecimal digits"),
    ("/%2", 400, "not followed by two hexadecimal digits"),
    ("/index.html%", 400, "not followed by two hexadecimal digits"),
    ("/%ff.html", 400, "not UTF-8"),
    ("/%c3%28.html", 400, "not UTF-8"),
    ("/" + "a" * 300 + ".html", 400, "longer than 255 bytes"),
    ("/" + "abc/" * 600, 400, "longer than 2048 bytes"),
    ("/" + "a" * (MAX_REQUEST_LINE + 1), 414, f"longer than {MAX_REQUEST_LINE} bytes"),
    ("/../../etc/passwd", 400, "'..'"),
    ("/%2e%2e/%2e%2e/etc/passwd", 400, "'..'"),
    ("/images/..%2f..%2f..%2fetc%2fpasswd", 404, "no such file"),
    ("//etc/passwd", 404, "no such file"),
    ("*", 400, "must be a path"),
    ("https://localhost/", 400, "must be a path"),
]


@pytest.mark.parametrize("target, status, says", MALFORMED, ids=[m[0][:30] for m in MALFORMED])
def test_a_malformed_path_is_answered_not_crashed_on(preview, target, status, says):
    answer = ask(preview.port, request(target))
    assert answer.status == status, answer.text
    assert says in answer.text
    assert answer.text.count("\n") == 1, "one line of explanation"
    if status != 404:
        assert answer.headers["Connection"] == "close"
    assert ask(preview.port, request("/index.html")).status == 200
    assert_no_traceback(preview)


@pytest.mark.parametrize("raw, status", [
    ("GET / HTTP/1.1\r\n\r\n", 400),  # no Host
    ("GET /\r\n\r\n", 400),  # HTTP/0.9
    ("   \r\n\r\n", 400),
    ("GET / HTTP/9.1\r\nHost: localhost\r\n\r\n", 505),
    ("GET / HTTP/1.x\r\nHost: localhost\r\n\r\n", 400),
    ("GET / / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400),
], ids=["no-host", "http-0.9", "blank", "http-9", "bad-version", "four-words"])
def test_a_malformed_request_line_is_answered(preview, raw, status):
    answer = ask(preview.port, raw)
    assert answer.status == status, answer.text
    assert answer.text.count("\n") == 1
    assert_no_traceback(preview)


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "BREW"])
def test_other_methods_get_405_with_allow(preview, method):
    target = "localhost:1" if method == "CONNECT" else "*" if method == "OPTIONS" else "/index.html"
    answer = ask(preview.port, request(target, method=method, body=b"chapter=1" if method == "POST" else b""))
    assert answer.status == 405, answer.text
    assert answer.headers["Allow"] == "GET, HEAD"
    assert f"{method} is not allowed" in answer.text
    assert_no_traceback(preview)


def test_oversized_requests_are_refused(preview):
    big = ask(preview.port, request("/index.html", headers=[("X-Filler", "x" * MAX_HEADER_BYTES)]))
    assert big.status == 431 and "headers exceed" in big.text
    many = ask(preview.port, request("/index.html", headers=[(f"X-Filler-{i}", "x") for i in range(80)]))
    assert many.status == 431
    # Within the caps, a request with many ordinary headers is served.
    fine = ask(preview.port, request("/index.html", headers=[(f"X-Filler-{i}", "x" * 100) for i in range(40)]))
    assert fine.status == 200
    assert_no_traceback(preview)


# --- who may ask -------------------------------------------------------------------------------


@pytest.mark.parametrize("host", [
    "127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}", "LocalHost:{port}", "localhost.:{port}",
    "book.test:{port}",  # --allow-host Book.Test
    "localhost", "localhost:9000",  # no port, or another one: an SSH tunnel's or a container's
])
def test_a_local_name_is_served(preview, host):
    answer = ask(preview.port, request("/01-kitchen.html", host=host))
    assert answer.status == 200 and "burnt" in answer.text


@pytest.mark.parametrize("host", [
    "evil.example:{port}", "localhost.evil.example:{port}", "127.0.0.1.nip.io:{port}", "[::2]:{port}",
    "10.0.0.7:{port}", "0.0.0.0:{port}", "book.test.evil.example:{port}",
])
def test_any_other_name_is_refused(preview, host):
    """DNS rebinding: a page of evil.example whose name now leads to 127.0.0.1 still sends
    its own name, and gets nothing of the book."""
    answer = ask(preview.port, request("/01-kitchen.html", host=host))
    assert answer.status == 403, answer.text
    assert "burnt" not in answer.text
    assert "answers only to localhost, 127.0.0.1, [::1] or book.test," in answer.text
    assert "--allow-host NAME" in answer.text and answer.text.count("\n") == 1
    # The author sees why in the terminal, once per name.
    shown = host.replace("{port}", str(preview.port))
    ask(preview.port, request("/", host=host))
    wait_for(lambda: any(f"refused a request addressed to '{shown}'" in l for l in preview.err), 5, "the notice")
    assert sum(f"'{shown}'" in l for l in preview.err) == 1


@pytest.mark.parametrize("raw", [
    request("/", host="local host:{port}"), request("/", host="[::1:{port}"), request("/", host="localhost:port"),
    request("/", host="user@localhost:{port}"), request("/", host="localhost:99999"),
    "GET / HTTP/1.1\r\nHost: localhost:{port}\r\nHost: evil.example:{port}\r\n\r\n",
])
def test_a_malformed_or_doubled_host_is_400(preview, raw):
    answer = ask(preview.port, raw)
    assert answer.status == 400, answer.text


def test_an_absolute_target_is_judged_by_its_own_host(preview):
    assert ask(preview.port, request("http://evil.example:{port}/01-kitchen.html")).status == 403
    answer = ask(preview.port, request("http://localhost:{port}/01-kitchen.html", host="evil.example"))
    assert answer.status == 200 and "burnt" in answer.text


def test_another_site_cannot_take_the_books_files(preview):
    """The search index is a script holding the book's text: another site's page that loads
    it with <script src> would read the book, whatever the Host."""
    index = "/assets/search-index.js"
    for site in ("cross-site", "same-site"):
        taken = ask(preview.port, request(index, headers=[("Sec-Fetch-Site", site), ("Sec-Fetch-Mode", "no-cors"),
                                                          ("Sec-Fetch-Dest", "script")]))
        assert taken.status == 403 and "bookwrightSearch" not in taken.text
        assert "does not lend the book's files to other sites" in taken.text
    own = ask(preview.port, request(index, headers=[("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Mode", "no-cors")]))
    assert own.status == 200 and own.text.startswith("window.bookwrightSearch=")
    # Following a link from elsewhere to the preview is fine: the page is shown to its reader only.
    followed = ask(preview.port, request("/01-kitchen.html", headers=[("Sec-Fetch-Site", "cross-site"),
                                                                     ("Sec-Fetch-Mode", "navigate")]))
    assert followed.status == 200
    for answer in (taken, own, followed):
        assert answer.headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("headers, status", [
    ([], 200),
    ([("Origin", "http://127.0.0.1:{port}")], 200),
    ([("Origin", "http://localhost:{port}"), ("Sec-Fetch-Site", "same-origin")], 200),
    ([("Origin", "http://evil.example:{port}")], 403),
    ([("Origin", "https://localhost:{port}")], 403),
    ([("Origin", "null")], 403),
    ([("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "navigate")], 403),
], ids=["none", "same", "same-fetch", "other-site", "https", "null", "navigated"])
def test_the_live_reload_status_checks_origin(preview, headers, status):
    answer = ask(preview.port, request("/__bookwright/status", headers=headers))
    assert answer.status == status, answer.text
    if status == 200:
        assert set(json.loads(answer.body)) == {"build", "ok", "problems", "editions"}


# --- limits ------------------------------------------------------------------------------------


def test_live_reload_requests_are_capped_and_answered_at_a_build(preview):
    since = preview.build_number()
    poll = f"GET /__bookwright/status?since={since} HTTP/1.1\r\nHost: localhost:{preview.port}\r\n\r\n".encode()

    def open_polls(count):
        polls = [socket.create_connection(("127.0.0.1", preview.port), timeout=10) for _ in range(count)]
        for connection in polls:
            connection.sendall(poll)
        return polls

    # One more than the cap: exactly one is told to come back, the others wait for a build.
    polls = open_polls(LIVE_RELOAD_LIMIT + 1)
    answered = wait_for(lambda: [c for c in polls if select.select([c], [], [], 0)[0]], 5, "the one over the cap")
    assert len(answered) == 1
    busy = http.client.HTTPResponse(answered[0], method="GET")
    busy.begin()
    assert busy.status == 503 and busy.headers["Retry-After"] == "2"
    assert f"holding {LIVE_RELOAD_LIMIT} live-reload requests" in busy.read().decode()
    time.sleep(0.5)
    assert not [c for c in polls if c is not answered[0] and select.select([c], [], [], 0)[0]]

    # Pages that go away give their places back at once, not when their wait would end.
    for connection in polls:
        connection.close()
    time.sleep(1.5)
    polls = open_polls(LIVE_RELOAD_LIMIT)
    time.sleep(0.5)
    assert not [c for c in polls if select.select([c], [], [], 0)[0]], "a place was still taken"

    # A build answers every waiting page with its number.
    appendix = preview.book / "90-appendix.md"
    appendix.write_text(appendix.read_text() + "\nA line added while pages wait.\n")
    for connection in polls:
        answer = http.client.HTTPResponse(connection, method="GET")
        answer.begin()
        assert answer.status == 200 and json.loads(answer.read())["build"] > since
        connection.close()
    assert_no_traceback(preview)


def test_a_client_that_stops_reading_holds_back_no_one(preview):
    idle = socket.create_connection(("127.0.0.1", preview.port))
    half = socket.create_connection(("127.0.0.1", preview.port))
    half.sendall(f"GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:{preview.port}\r\n".encode())
    stalled = stalled_reader(preview.port, "/01-kitchen.html", 1500)
    waiting = stalled_reader(preview.port, f"/__bookwright/status?since={preview.build_number()}", 1)
    try:
        before = preview.build_number()
        chapter = preview.book / "01-kitchen.md"
        original = chapter.read_text()
        time.sleep(0.3)  # the stalled reader's answers fill the buffers; its thread blocks
        chapter.write_text(original.replace("burnt sugar", "burnt toffee"))
        # The rebuild goes through and is served to others, each answer in good time: well
        # before the stalled clients are dropped for idling, so that it is not what frees them.
        within = IDLE_SECONDS - 2
        wait_for(lambda: "burnt toffee" in fetch(preview.base + "01-kitchen.html"), within, "the edit to be served")
        wait_for(lambda: preview.build_number() > before, within, "the build to be counted")
        for page in PAGES:
            started = time.monotonic()
            assert ask(preview.port, request("/" + page), timeout=5).status == 200
            assert time.monotonic() - started < 5
        chapter.write_text(original)
        wait_for(lambda: "burnt sugar" in fetch(preview.base + "01-kitchen.html"), 15, "the undo to be served")
    finally:
        for connection in (idle, half, stalled, waiting):
            connection.close()
    assert_no_traceback(preview)


def test_load_during_rebuilds(preview):
    """16 readers, at least 50 requests each, some on one kept-alive connection and some on a
    new connection each time, while the book is rebuilt four times: every answer is a
    complete page."""
    chapter = preview.book / "00-preface.md"
    original = chapter.read_text()
    edits_done = threading.Event()
    failures: list[str] = []
    counts = [0] * 16

    def edit():
        try:
            for n in range(4):
                before = preview.build_number()
                chapter.write_text(original + f"\nEdit number {n} of the load test.\n")
                wait_for(lambda before=before: preview.build_number() > before, 20, "a rebuild")
        except BaseException as exc:
            failures.append(f"editing: {exc!r}")
        finally:
            edits_done.set()

    def read(reader: int):
        connection = None
        while counts[reader] < 50 or not edits_done.is_set():
            page = PAGES[(reader + counts[reader]) % len(PAGES)]
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=15)
                connection.request("GET", "/" + page)
                answer = connection.getresponse()
                body = answer.read()
                if reader % 2:  # the odd readers open a new connection for every request
                    connection.close()
                    connection = None
            except Exception as exc:
                failures.append(f"{page}: {exc!r}")
                return
            if answer.status != 200 or not body.rstrip().endswith(b"</html>") or b"<h1" not in body:
                failures.append(f"{page}: {answer.status} {body[-80:]!r}")
                return
            counts[reader] += 1

    threads = [threading.Thread(target=edit)] + [threading.Thread(target=read, args=(i,)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert not any(t.is_alive() for t in threads), "a reader hangs"
    chapter.write_text(original)
    assert failures == []
    assert min(counts) >= 50 and sum(counts) >= 800
    assert_no_traceback(preview)


# --- sharing the preview on a network, and the command's arguments --------------------------


def test_sharing_on_the_network_says_so_and_still_checks_names(tmp_path):
    book = tmp_path / "book"
    shutil.copytree(FEATURES, book)
    shared = RunningPreview(book, "--host", "0.0.0.0", "--allow-host", "mybox.local", "--format", "web")
    try:
        terminal = shared.terminal()
        assert "warning: listening on 0.0.0.0: the unpublished book is now visible to every machine" in terminal
        assert "localhost, 127.0.0.1, [::1], mybox.local or any IP address;" in terminal
        assert shared.base == f"http://localhost:{shared.port}/"
        for host in ("192.0.2.7:{port}", "[2001:db8::7]:{port}", "mybox.local:{port}", "localhost:{port}"):
            assert ask(shared.port, request("/01-kitchen.html", host=host)).status == 200, host
        assert ask(shared.port, request("/01-kitchen.html", host="evil.example:{port}")).status == 403
    finally:
        code = shared.stop()
    assert code == 0, shared.terminal()
    assert_no_traceback(shared)


@pytest.mark.parametrize("value", ["mybox:8000", "http://mybox", "my box", ""])
def test_a_bad_allow_host_is_a_usage_error(capsys, value):
    assert main(["serve", str(FEATURES), "--allow-host", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith("bookwright: error: --allow-host") and err.count("\n") == 1


def test_loopback_is_recognised():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.10")


# --- in this process: a planted bug, lowered limits ----------------------------------------------


@pytest.fixture(scope="module")
def in_process(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-in-process")
    shutil.copytree(FEATURES, folder / "book")
    preview = Preview(folder / "book", folder / "out", log=lambda line: None)
    assert preview.rebuild().ok
    server = preview.server("127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield preview, server
    server.shutdown()
    server.server_close()


def test_an_unexpected_error_is_a_500_and_one_line(in_process, capfd, monkeypatch):
    preview, server = in_process
    port = server.server_address[1]

    def planted_bug(site, target):
        raise RuntimeError("a planted bug\nwith a second line")

    reported = threading.Event()
    real_report = preview.report_internal_error

    def report_and_signal(*args, **kwargs):
        try:
            return real_report(*args, **kwargs)
        finally:
            reported.set()

    def report() -> str:
        # The client has its 500 before the line is printed. Read the capture only once the
        # line is out: reading while the server thread writes can lose what it writes.
        assert reported.wait(5), "the report was never made"
        reported.clear()
        return capfd.readouterr().err

    monkeypatch.setattr(preview, "report_internal_error", report_and_signal)
    monkeypatch.setattr(preview_http, "look_up", planted_bug)
    answer = ask(port, request("/index.html"))
    assert answer.status == 500 and answer.headers["Connection"] == "close"
    assert report() == ("bookwright: internal error while answering GET /index.html: RuntimeError: a planted bug "
                        "(a bug in bookwright, not in your book; --verbose shows where)\n")

    monkeypatch.setattr(preview, "verbose", True)
    assert ask(port, request("/index.html")).status == 500
    err = report()
    assert "Traceback" in err and "in planted_bug" in err

    monkeypatch.undo()
    assert ask(port, request("/index.html")).status == 200


def test_a_page_asked_for_while_a_build_swaps_the_site_is_served(in_process, monkeypatch):
    """A rebuild moves the old site aside and the new one in; between the two renames there
    is no site folder. Here the build holds that instant open while a page is asked for."""
    preview, server = in_process
    port = server.server_address[1]
    gap_open, asked = threading.Event(), threading.Event()
    real_publish = serve_module.publish

    def publish_with_a_long_gap(edition, book, out, context):
        site = out / "site"
        site.rename(out / "aside")
        gap_open.set()
        asked.wait(10)
        time.sleep(0.3)  # the request is waiting now, or has been answered without the site
        (out / "aside").rename(site)
        return real_publish(edition, book, out, context)

    monkeypatch.setattr(serve_module, "publish", publish_with_a_long_gap)
    rebuilding = threading.Thread(target=preview.rebuild)
    rebuilding.start()
    assert gap_open.wait(10)
    answers = []
    asking = threading.Thread(target=lambda: answers.append(ask(port, request("/01-kitchen.html"))))
    asking.start()
    asked.set()
    rebuilding.join(30)
    asking.join(30)
    assert answers[0].status == 200 and "burnt" in answers[0].text


def test_idle_and_stalled_connections_are_dropped(in_process, monkeypatch):
    _, server = in_process
    port = server.server_address[1]
    monkeypatch.setattr(PreviewHandler, "timeout", 0.5)
    idle = socket.create_connection(("127.0.0.1", port))
    stalled = stalled_reader(port, "/01-kitchen.html", 1500)
    try:
        assert is_closed_by_server(idle, 5)
        # The stalled reader's thread gives up on it and its place is free again.
        wait_for(lambda: server.connections == 0, 10, "the stalled connection to be dropped")
    finally:
        idle.close()
        stalled.close()


def test_connections_over_the_cap_are_answered_503(in_process, monkeypatch):
    _, server = in_process
    port = server.server_address[1]
    monkeypatch.setattr(preview_http, "CONNECTION_LIMIT", 3)
    held = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
    try:
        wait_for(lambda: server.connections == 3, 5, "the connections to be taken")
        answer = ask(port, request("/index.html"))
        assert answer.status == 503 and answer.headers["Retry-After"] == "2"
    finally:
        for connection in held:
            connection.close()
    wait_for(lambda: server.connections == 0, 5, "the connections to end")
    assert ask(port, request("/index.html")).status == 200


# --- in a browser --------------------------------------------------------------------------------


class HostileSite(http.server.BaseHTTPRequestHandler):
    """A web page the author happens to visit, trying to read the preview."""

    preview_port = 0
    leak_port = 0

    def do_GET(self):
        if self.path == "/leak.js":  # the same index from a server without the preview's defences
            body = b"window.leakedSearch = true;"
            kind = "text/javascript"
        else:
            body = f"""<!DOCTYPE html><html><head><title>hostile</title>
<script src="http://127.0.0.1:{self.preview_port}/assets/search-index.js"></script>
<script src="http://127.0.0.1:{self.leak_port}/leak.js"></script></head><body></body></html>""".encode()
            kind = "text/html"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def test_in_chromium_a_rebound_name_and_another_sites_script_get_nothing(preview):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (python3 build.py test installs it as root)")
    playwright = pytest.importorskip("playwright.sync_api")
    hostile = http.server.ThreadingHTTPServer(("127.0.0.1", 0), HostileSite)
    HostileSite.preview_port = preview.port
    HostileSite.leak_port = hostile.server_address[1]
    threading.Thread(target=hostile.serve_forever, daemon=True).start()
    # evil.test leads to 127.0.0.1, as a rebound name would.
    flags = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--host-resolver-rules=MAP evil.test 127.0.0.1"]
    try:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=flags)
            try:
                tab = browser.new_page()
                answer = tab.goto(f"http://evil.test:{preview.port}/01-kitchen.html")
                assert answer.status == 403 and "burnt" not in tab.content()
                tab.goto(f"http://evil.test:{HostileSite.leak_port}/")
                tab.wait_for_load_state("load")
                # The control: a script from an undefended server is read by the page.
                assert tab.evaluate("window.leakedSearch") is True
                assert tab.evaluate("typeof window.bookwrightSearch") == "undefined"
                # The author's own tab still works, and reloads itself after an edit: the
                # browser's own live-reload requests pass the Origin and Sec-Fetch checks.
                tab.goto(f"{preview.base}01-kitchen.html")
                assert "burnt sugar" in tab.content()
                chapter = preview.book / "01-kitchen.md"
                original = chapter.read_text()
                try:
                    with tab.expect_navigation(timeout=15000):
                        chapter.write_text(original.replace("burnt sugar", "burnt honey"))
                    assert "burnt honey" in tab.content()
                finally:
                    chapter.write_text(original)
            finally:
                browser.close()
    finally:
        hostile.shutdown()
        hostile.server_close()
    assert_no_traceback(preview)
