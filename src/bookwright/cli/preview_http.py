"""What the live preview answers, and to whom: the HTTP side of `bookwright serve`.

The preview holds a book that is not published yet, so its server is built to answer only a
browser on the author's own machine asking for itself:

- **Who may ask.** A web page the author happens to visit can point a name of its own at
  127.0.0.1 (DNS rebinding) and then read the preview as if it were its own site. The
  browser still sends that name in `Host`, so every request must name the preview:
  localhost, 127.0.0.1, [::1], the `--host` address or a name given with `--allow-host`.
  Only the name is compared, not the port: a port cannot be rebound, and comparing it would
  refuse a preview reached through an SSH tunnel or a container's port mapping. When the
  preview listens on every address (`--host 0.0.0.0`), any IP address is accepted as well:
  a browser sends an address only when it connected to that address, and an address, unlike
  a name, cannot be made to lead somewhere else.
- **What may be taken.** Even with the right `Host`, another site's page can load the
  preview's files into itself with `<script src>`; the search index is such a script, and it
  holds the whole book's text. Browsers say where a request comes from (`Sec-Fetch-Site`):
  anything but a link followed or an address typed is refused when it comes from another
  site, and every answer carries `Cross-Origin-Resource-Policy: same-origin` for browsers
  that do not say. The live-reload status also checks `Origin`.
- **Every request gets an answer.** Malformed requests get 400 (414 for a request line over
  the cap, 431 for oversized headers), other methods 405 with `Allow`, and a bug is a 500
  and one line in the terminal, never a traceback.
- **No client holds more than its share.** Connections, waiting live-reload requests and
  the size of a request are capped; a client that stops reading stalls only its own
  thread, and is dropped after `IDLE_SECONDS`; files are read whole before they are sent,
  so no slow reader keeps one open while a rebuild replaces the site.

The standard library's http.server is enough for this: a thread per connection, with the
request line, headers and errors taken over where its defaults fall short.
"""

from __future__ import annotations

import dataclasses
import functools
import http.client
import http.server
import ipaddress
import json
import mimetypes
import os
import re
import selectors
import socket
import socketserver
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote_to_bytes

from bookwright.cli.preview_pdf import VIEW_PATH, VIEW_SCRIPT_PATH, view_script
from bookwright.paths import is_inside

STATUS_PATH = "/__bookwright/status"
SCRIPT_PATH = "/__bookwright/serve.js"

# --- the limits -------------------------------------------------------------------------------

MAX_REQUEST_LINE = 8 * 1024  # bytes; longer gets 414 (a browser's longest URLs are far shorter)
MAX_HEADER_BYTES = 16 * 1024  # the whole header section; more gets 431
MAX_HEADER_LINES = 64
MAX_NAME_BYTES = 255  # one path segment: no file system has longer names
MAX_PATH_BYTES = 2048
CONNECTION_LIMIT = 256  # open connections at once; the next is answered 503 and closed
LIVE_RELOAD_LIMIT = 32  # waiting live-reload requests at once; the next is answered 503, Retry-After
RETRY_AFTER_SECONDS = 2
LONG_POLL_SECONDS = 20  # a live-reload request is answered after this even with no new build
IDLE_SECONDS = 10  # a connection that sends or takes nothing for this long is closed
LINGER_SECONDS = 1  # after answering, how long unread request bytes are drained (see `linger`)
LINGER_BYTES = 256 * 1024
WRITE_CHUNK = 64 * 1024  # the idle timeout applies per chunk, so a slow but steady reader is served

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
NAME = re.compile(r"[a-z0-9._~-]+")
PORT = re.compile(r"[0-9]{0,5}")
TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/vnd.microsoft.icon",
    ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".otf": "font/otf",
    ".pdf": "application/pdf", ".epub": "application/epub+zip",
}

PAGE = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bookwright preview</title></head>'
        "<body><p>{text}</p></body></html>")
WAITING_PAGE = PAGE.format(text="The book could not be built yet; its problems are listed below and in the "
                                "terminal. This page reloads when they are fixed.")
MISSING_PAGE = PAGE.format(text="There is no such page in the book. This page reloads after the next build.")


def printable(text: str, limit: int = 100) -> str:
    """`text` as plain ASCII, for a terminal or an answer: a request's bytes are the client's
    choice, and a control character could rewrite what the author's terminal shows."""
    shown = "".join(c if " " <= c <= "~" else f"\\x{ord(c):02x}" for c in text[:limit])
    return shown + ("…" if len(text) > limit else "")


# --- who may ask ------------------------------------------------------------------------------


def normal_name(name: str) -> str:
    """A host name or address as compared: lower case, without IPv6 brackets or a final dot."""
    name = name.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    return name[:-1] if name.endswith(".") and len(name) > 1 else name


def is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def host_name(value: str) -> str:
    """An `--allow-host` value, checked: a name or an address, with no port."""
    name = normal_name(value)
    if is_address(name) or NAME.fullmatch(name):
        return name
    hint = " without a port" if ":" in name and not is_address(name) else ""
    raise ValueError(f"'{printable(value)}': give a host name or an IP address{hint}, such as mybox.local")


def host_of(authority: str) -> str:
    """The name or address in a Host value (`localhost:8000`, `[::1]:8000`); ValueError when the
    value is not one (RFC 9112 asks for 400 then)."""
    authority = authority.strip()
    if authority.startswith("["):
        inside, bracket, port = authority[1:].partition("]")
        if not bracket or not is_address(inside) or ":" not in inside:
            raise ValueError(authority)
    else:
        inside, _, port = authority.partition(":")
        port = f":{port}" if _ else ""
        if not NAME.fullmatch(inside.lower()):
            raise ValueError(authority)
    if port and not (port.startswith(":") and PORT.fullmatch(port[1:]) and int(port[1:] or 0) < 65536):
        raise ValueError(authority)
    return normal_name(inside)


@dataclasses.dataclass(frozen=True)
class HostPolicy:
    """The names the preview answers to."""

    names: tuple[str, ...]
    any_address: bool = False  # listening on every address: any IP address is the preview's

    @classmethod
    def for_listening(cls, host: str, extra=()) -> HostPolicy:
        listening = normal_name(host)
        wildcard = listening in ("", "0.0.0.0", "::")
        names = [*LOOPBACK_NAMES, *([] if wildcard else [listening]), *extra]
        return cls(tuple(dict.fromkeys(names)), wildcard)

    def allows(self, name: str) -> bool:
        return name in self.names or (self.any_address and is_address(name))

    def describe(self) -> str:
        shown = [f"[{n}]" if ":" in n else n for n in self.names]
        if self.any_address:
            shown.append("any IP address")
        return ", ".join(shown[:-1]) + " or " + shown[-1]


# --- what a request may look like -------------------------------------------------------------


class Refusal(Exception):
    """A request answered with an error: the status, one line saying why, extra headers."""

    def __init__(self, status: int, explanation: str, headers=()):
        super().__init__(explanation)
        self.status, self.explanation, self.headers = status, explanation, tuple(headers)


@dataclasses.dataclass(frozen=True)
class Target:
    """A request target, checked and decoded."""

    segments: tuple[str, ...]  # decoded, without empty and "." segments
    folder: bool  # the path ends with "/": its index.html is meant
    query: str
    authority: str | None  # from an absolute-form target (`GET http://localhost:8000/ HTTP/1.1`)


def read_target(raw: str) -> Target:
    """The request target, or a 400 Refusal saying what is wrong with it. Each segment is
    percent-decoded on its own (`%2F` stays inside its segment and names no file) and must
    be UTF-8 without control characters; `..` is refused rather than resolved, since no
    browser sends it (they resolve it before asking)."""
    data = raw.encode("latin-1")  # http.server decoded the request line as latin-1: these are its bytes
    authority = None
    if not data.startswith(b"/"):
        scheme, separator, rest = data.partition(b"://")
        if not separator or scheme.lower() != b"http":
            raise Refusal(400, "the request target must be a path such as /index.html")
        authority_bytes, _, rest = rest.partition(b"/")
        authority = authority_bytes.decode("latin-1")
        data = b"/" + rest
    if any(byte < 0x21 or byte == 0x7F for byte in data):
        raise Refusal(400, "the path holds a control character")
    path, _, query = data.partition(b"#")[0].partition(b"?")
    if BAD_PERCENT.search(path):
        raise Refusal(400, "the path holds a % that is not followed by two hexadecimal digits")
    raw_segments = path.split(b"/")[1:]
    segments = []
    for raw_segment in raw_segments:
        try:
            segment = unquote_to_bytes(raw_segment).decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(400, "the path is not UTF-8 once its % escapes are decoded") from None
        if any(c < " " or c == "\x7f" for c in segment):
            raise Refusal(400, "the path holds a control character (such as %00) once decoded")
        if len(segment.encode("utf-8")) > MAX_NAME_BYTES:
            raise Refusal(400, f"a part of the path is longer than {MAX_NAME_BYTES} bytes, "
                               "longer than any file name can be")
        if segment == "..":
            raise Refusal(400, "the path steps up with '..'; the preview serves only the book's site")
        if segment not in ("", "."):
            segments.append(segment)
    if sum(len(s.encode("utf-8")) + 1 for s in segments) > MAX_PATH_BYTES:
        raise Refusal(400, f"the path is longer than {MAX_PATH_BYTES} bytes")
    return Target(tuple(segments), raw_segments[-1:] in ([b""], [b"."]), query.decode("latin-1"), authority)


class HeaderBudget:
    """The request's header section, read through a budget of bytes and lines. http.server's
    own limits (100 lines of 64 KiB each) would let one request hold 6 MB; parse_request
    turns these exceptions into 431 answers."""

    def __init__(self, stream):
        self.stream = stream
        self.left = MAX_HEADER_BYTES
        self.lines = 0

    def readline(self, limit: int = -1) -> bytes:
        self.lines += 1
        if self.lines > MAX_HEADER_LINES + 1:  # + the empty line that ends them
            raise http.client.HTTPException(f"more than {MAX_HEADER_LINES} header lines")
        size = self.left + 1 if limit < 0 else min(limit, self.left + 1)
        line = self.stream.readline(size)
        self.left -= len(line)
        if self.left < 0:
            raise http.client.LineTooLong(f"headers over {MAX_HEADER_BYTES} bytes")
        return line


# --- what is served ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SiteFile:
    suffix: str
    data: bytes


@dataclasses.dataclass(frozen=True)
class Moved:
    location: str


def look_up(site: Path, target: Target) -> SiteFile | Moved | None:
    """The site's file for `target`, read whole; a folder named without its "/" is Moved
    (the page's relative links need it); None when there is no such file."""
    if any("/" in s or "\\" in s for s in target.segments):
        return None  # a %2F or a backslash: no file in the site has one in its name
    candidate = site.joinpath(*target.segments)
    try:
        if target.folder:
            candidate = candidate / "index.html"
        elif os.path.isdir(candidate):
            location = "/" + "".join(quote(s, safe="") + "/" for s in target.segments)
            return Moved(location + (f"?{target.query}" if target.query else ""))
        if not is_inside(candidate, site):
            return None  # a link out of the site
        # Read whole, then sent: the file is closed before any client can be slow to take it.
        with open(candidate, "rb") as file:
            return SiteFile(candidate.suffix.lower(), file.read())
    except OSError:
        return None


def content_type(suffix: str) -> str:
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type("file" + suffix)[0] or "application/octet-stream"


@functools.cache
def live_reload_script() -> bytes:
    return Path(__file__).with_name("serve.js").read_bytes()


def with_live_reload(page: bytes, build: int) -> bytes:
    tag = f'<script src="{SCRIPT_PATH}" data-build="{build}"></script>'.encode()
    at = page.rfind(b"</body>")
    return page[:at] + tag + page[at:] if at >= 0 else page + tag


def linger(connection: socket.socket) -> None:
    """Drains what the client still sends, briefly, before its socket is closed: closing a
    socket with unread bytes makes the kernel send a reset, which can destroy the answer
    (a 414, a 431) before the client has read it."""
    try:
        connection.shutdown(socket.SHUT_WR)
        connection.settimeout(LINGER_SECONDS)
        left = LINGER_BYTES
        while left > 0:
            data = connection.recv(min(left, 65536))
            if not data:
                return
            left -= len(data)
    except OSError:
        pass


# --- the server -------------------------------------------------------------------------------


class PreviewServer(http.server.ThreadingHTTPServer):
    """A thread per connection, within the limits above. `preview` is the running Preview
    (serve.py): its state, its site and its terminal."""

    daemon_threads = True
    block_on_close = False  # stopping the preview must not wait out a 20 s live-reload request
    request_queue_size = 128  # the default 5 turns a burst of page loads into one-second retries

    def __init__(self, address, preview, policy: HostPolicy):
        self.preview = preview
        self.policy = policy
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.counts = threading.Lock()
        self.connections = 0
        self.live_reloads = 0
        self.refused_hosts: set[str] = set()
        super().__init__(address, PreviewHandler)

    def server_bind(self):
        # HTTPServer's own looks the address up in DNS (getfqdn), which can stall the start.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), self.server_address[1]

    def verify_request(self, request, client_address) -> bool:
        with self.counts:
            if self.connections < CONNECTION_LIMIT:
                self.connections += 1
                return True
        body = (f"503 Service Unavailable: the preview has {CONNECTION_LIMIT} connections open already; "
                "try again in a moment\n").encode()
        busy = (f"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(body)}\r\nRetry-After: {RETRY_AFTER_SECONDS}\r\nConnection: close\r\n\r\n")
        try:  # never wait on this client: this is the thread that accepts everyone's connections
            request.setblocking(False)
            request.send(busy.encode() + body)
        except OSError:
            pass
        return False

    def process_request(self, request, client_address):
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.connection_closed()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.connection_closed()

    def connection_closed(self) -> None:
        with self.counts:
            self.connections -= 1

    def take_live_reload(self) -> bool:
        with self.counts:
            if self.live_reloads >= LIVE_RELOAD_LIMIT:
                return False
            self.live_reloads += 1
            return True

    def give_back_live_reload(self) -> None:
        with self.counts:
            self.live_reloads -= 1

    def note_refused_host(self, authority: str) -> None:
        """Says once per name in the terminal why a request was refused: the author trying the
        preview from a phone learns what to add; a hostile page's retries do not flood it."""
        with self.counts:
            if authority in self.refused_hosts or len(self.refused_hosts) > 10:
                return
            self.refused_hosts.add(authority)
            last = len(self.refused_hosts) > 10
        print(f"bookwright: refused a request addressed to '{printable(authority)}': the preview answers only to "
              f"{self.policy.describe()} (add a name with --allow-host NAME)"
              + ("; further refused names are not listed" if last else ""), file=sys.stderr, flush=True)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        # A browser closing a connection mid-answer is normal while pages reload.
        if isinstance(exc, (ConnectionError, TimeoutError)) or exc is None:
            return
        self.preview.report_internal_error("while answering a request", exc)


class PreviewHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # so that every answer, even to a garbled line, has a status line
    server_version = "bookwright-preview"
    sys_version = ""
    timeout = IDLE_SECONDS
    disable_nagle_algorithm = True  # headers and body are two writes; Nagle would hold the second
    server: PreviewServer

    # --- one request, start to end ---

    def handle_one_request(self):
        self.answer_started = False
        self.has_body = False
        self.command, self.path, self.requestline = None, "", ""
        self.request_version = self.default_request_version
        try:
            line = self.rfile.readline(MAX_REQUEST_LINE + 1)
            for _ in range(4):  # RFC 9112 2.2: empty lines before a request are ignored
                if line not in (b"\r\n", b"\n"):
                    break
                line = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(line) > MAX_REQUEST_LINE:
                self.refuse(414, f"the request line is longer than {MAX_REQUEST_LINE} bytes")
                return
            if not line.endswith(b"\n"):
                self.close_connection = True  # the client left, perhaps in mid-line
                return
            self.raw_requestline = line
            stream, self.rfile = self.rfile, HeaderBudget(self.rfile)
            try:
                parsed = self.parse_request()
            finally:
                self.rfile = stream
            if parsed:
                self.answer()
            elif not self.answer_started:  # http.server says nothing to a line of blanks
                self.refuse(400, "the request line is empty")
            self.wfile.flush()
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # a client that left or stopped reading: no one to tell
        except Exception as exc:
            self.close_connection = True
            if not self.answer_started:
                try:
                    self.refuse(500, "the preview failed on this request; the terminal says more")
                except OSError:
                    pass
            command = printable(self.command or "", 20)
            self.server.preview.report_internal_error(f"while answering {command} {printable(self.path)}", exc)

    def answer(self) -> None:
        try:
            if len(self.requestline.split()) != 3:
                raise Refusal(400, "the request line must name a method, a path and the HTTP version")
            if not TOKEN.fullmatch(self.command):
                raise Refusal(400, "the request's method is not a valid token")
            # A GET or HEAD with a body is legal but rare; the body is not read, so the
            # connection ends with this answer rather than read it as the next request.
            self.has_body = "Transfer-Encoding" in self.headers or self.headers.get("Content-Length", "0") != "0"
            if self.command not in ("GET", "HEAD"):
                raise Refusal(405, f"the preview only serves pages to read; {printable(self.command, 20)} "
                                   "is not allowed", [("Allow", "GET, HEAD")])
            target = read_target(self.path)
            self.check_host(target)
            self.route(target)
        except Refusal as refusal:
            if refusal.status == 404:
                self.send(404, f"404 Not Found: {refusal.explanation}\n".encode(), content_type(".txt"))
            else:
                self.refuse(refusal.status, refusal.explanation, refusal.headers)

    # --- who may ask ---

    def check_host(self, target: Target) -> None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1:
            raise Refusal(400, "the request has more than one Host header")
        # RFC 9112 3.2.2: an absolute-form target's own authority is the one that counts.
        authority = target.authority if target.authority is not None else hosts[0] if hosts else None
        if authority is None:
            raise Refusal(400, "the request has no Host header")
        try:
            name = host_of(authority)
        except ValueError:
            raise Refusal(400, f"the Host header '{printable(authority)}' is not a host name or address") from None
        if not self.server.policy.allows(name):
            self.server.note_refused_host(authority)
            raise Refusal(403, f"this preview of an unpublished book answers only to {self.server.policy.describe()}, "
                               f"not to '{printable(authority)}'; bookwright serve --allow-host NAME adds a name")

    def check_fetch_site(self, live_reload: bool) -> None:
        """Refuses what another site's page asks for (a script, an image, a fetch), which a
        browser marks with Sec-Fetch-Site; following a link to the preview stays possible."""
        site = (self.headers.get("Sec-Fetch-Site") or "").strip().lower()
        if site in ("", "same-origin", "none"):
            return
        if not live_reload and (self.headers.get("Sec-Fetch-Mode") or "").strip().lower() == "navigate":
            return
        raise Refusal(403, f"the preview does not lend the book's files to other sites (Sec-Fetch-Site: "
                           f"{printable(site, 20)})")

    def check_origin(self) -> None:
        origin = self.headers.get("Origin")
        if origin is None:
            return  # a browser omits it on a same-origin GET
        scheme, separator, authority = origin.strip().partition("://")
        try:
            allowed = scheme.lower() == "http" and separator and self.server.policy.allows(host_of(authority))
        except ValueError:
            allowed = False
        if not allowed:
            raise Refusal(403, f"the live-reload status answers only the preview's own pages, "
                               f"not a page of '{printable(origin)}'")

    # --- what is served ---

    def route(self, target: Target) -> None:
        preview = self.server.preview
        if target.segments[:1] == ("__bookwright",):
            path = "/" + "/".join(target.segments)
            if path == STATUS_PATH and not target.folder:
                self.answer_status(target)
                return
            own = {SCRIPT_PATH: (live_reload_script, ".js"), VIEW_SCRIPT_PATH: (view_script, ".js"),
                   VIEW_PATH: (preview.pdf_view, ".html")}
            if path in own and not target.folder:
                self.check_fetch_site(live_reload=False)
                make, suffix = own[path]
                self.send(200, make(), content_type(suffix))
                return
            raise Refusal(404, "no such file in the preview")
        self.check_fetch_site(live_reload=False)
        if len(target.segments) == 1 and not target.folder:
            # A download link: the edition's newest file, not the copy the site was made with.
            edition = preview.edition_file(target.segments[0])
            if edition is not None:
                try:
                    data = edition.read_bytes()
                except OSError:
                    raise Refusal(404, "no such file in the preview") from None
                self.send(200, data, content_type(edition.suffix.lower()))
                return
        found, build = preview.across_rebuild(lambda: look_up(preview.site, target))
        if isinstance(found, Moved):
            self.send(301, b"", None, [("Location", found.location)])
        elif isinstance(found, SiteFile):
            data = with_live_reload(found.data, build) if found.suffix == ".html" else found.data
            self.send(200, data, content_type(found.suffix))
        elif target.folder or (target.segments[-1:] and target.segments[-1].lower().endswith(".html")):
            # A page that reloads itself: the chapter the author is about to create, or the
            # first build that is about to succeed, then shows without a click.
            waiting = not preview.site.is_dir()
            page = (WAITING_PAGE if waiting else MISSING_PAGE).encode()
            headers = [("Retry-After", str(RETRY_AFTER_SECONDS))] if waiting else []
            self.send(503 if waiting else 404, with_live_reload(page, build), content_type(".html"), headers)
        else:
            raise Refusal(404, "no such file in the book's site")

    def answer_status(self, target: Target) -> None:
        self.check_fetch_site(live_reload=True)
        self.check_origin()
        preview = self.server.preview
        # ?since=N waits for a build of the site other than N; ?pdf=N (an edition's name) for
        # another version of that edition's file; several wait for the first of them.
        query = parse_qs(target.query)
        known = {}
        for parameter, counter in [("since", "build")] + [(name, name) for name in preview.edition_names()]:
            value = query.get(parameter, [""])[0]
            if value.isascii() and value.isdigit() and len(value) < 19:
                known[counter] = int(value)
        if self.command == "HEAD" or not known:
            state = preview.status()
        else:
            if not self.server.take_live_reload():
                raise Refusal(503, f"the preview is holding {LIVE_RELOAD_LIMIT} live-reload requests already; "
                                   f"ask again in {RETRY_AFTER_SECONDS} s",
                              [("Retry-After", str(RETRY_AFTER_SECONDS))])
            try:
                state = preview.wait_for_change(known, LONG_POLL_SECONDS, self.client_gone)
            finally:
                self.server.give_back_live_reload()
            if state is None:
                self.close_connection = True
                return
        self.send(200, json.dumps(dataclasses.asdict(state)).encode(), "application/json")

    def client_gone(self) -> bool:
        """True when the client has closed its end (a page reloaded or closed mid-wait)."""
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.connection, selectors.EVENT_READ)
                if not selector.select(0):
                    return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    # --- answering ---

    def send(self, status: int, body: bytes, kind: str | None, headers=(), close: bool = False) -> None:
        self.send_response(status)
        if kind:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        if close or self.has_body:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            view = memoryview(body)
            for start in range(0, len(view), WRITE_CHUNK):
                self.wfile.write(view[start:start + WRITE_CHUNK])

    def refuse(self, status: int, explanation: str, headers=()) -> None:
        """An error answer: one line of plain text, and the connection ends (what follows a
        malformed request cannot be trusted to be the next one)."""
        phrase = http.HTTPStatus(status).phrase
        self.send(status, f"{status} {phrase}: {explanation}\n".encode("utf-8"), content_type(".txt"), headers,
                  close=True)

    def send_error(self, code, message=None, explain=None):
        """http.server's own refusals (a garbled request line, oversized headers), in our words."""
        if code == 431:
            explanation = f"the request's headers exceed {MAX_HEADER_BYTES} bytes or {MAX_HEADER_LINES} lines"
        elif code == 505:
            explanation = "the preview speaks HTTP/1.0 and HTTP/1.1"
        else:
            explanation = f"malformed request ({printable(message or http.HTTPStatus(code).phrase, 120)})"
        self.refuse(code, explanation)

    def send_response_only(self, code, message=None):
        self.answer_started = True
        super().send_response_only(code, message)

    def end_headers(self):
        # Every answer is fresh: a stylesheet edited a second ago must not come from a cache.
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        # Browsers that do not send Sec-Fetch-Site still keep other sites from loading these.
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        super().end_headers()

    def handle_expect_100(self):
        return True  # answer at once: nothing here reads a request body

    def finish(self):
        super().finish()
        linger(self.connection)

    def log_message(self, format, *args):  # the terminal is for the book's problems
        pass
