"""`bookwright serve`: the web edition, rebuilt on every save and reloaded in the browser.

The preview builds only the web edition, into a folder of its own, and serves it on
loopback. A watcher polls the book folder and the theme: a poll of a few hundred file
stamps twenty times a second costs nothing measurable, works the same on every file
system (network shares and containers included, where change notifications fail), and
needs no dependency. Chapters whose text did not change are not parsed again: the
whole-book resolve and the site are redone on each change, so numbers and references
stay right, but the slow Markdown stage runs only for the edited file.

A page learns about a new build from `/__bookwright/status?since=N`, which answers as soon
as there is a build newer than N (a long poll: no delay, no dependency, and it survives a
restart of the server); the server injects the small script that asks into every HTML
page it sends. A build that fails keeps the
last good site on show, prints the problems, and lays them over the page.
"""

from __future__ import annotations

import copy
import dataclasses
import http.server
import ipaddress
import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from bookwright.diagnostics import Diagnostics
from bookwright.model import ChapterSource, ParsedChapter
from bookwright.parse import parse_chapter
from bookwright.paths import is_inside, theme_dir
from bookwright.build.fingerprint import digest
from bookwright.build.parse_cache import parse_inputs
from bookwright.build.pipeline import build
from bookwright.editions import EDITIONS

STATUS_PATH = "/__bookwright/status"
SCRIPT_PATH = "/__bookwright/serve.js"
POLL_SECONDS = 0.05
WAITING_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>bookwright preview</title></head>'
    "<body><p>The book could not be built yet; its problems are listed below and in the terminal."
    " This page reloads when they are fixed.</p></body></html>"
)


class ParseCache:
    """parse_chapter, remembered per chapter text for the life of the preview."""

    def __init__(self):
        self.entries: dict[str, tuple[ParsedChapter, list]] = {}
        self.used: dict[str, tuple[ParsedChapter, list]] = {}

    def __call__(self, chapter: ChapterSource, language: str, diags: Diagnostics) -> ParsedChapter:
        key = digest(parse_inputs(chapter, language, diags))
        entry = self.entries.get(key)
        if entry is None:
            own = Diagnostics(root=diags.root)
            entry = (parse_chapter(chapter, language, own), own.items)
            self.entries[key] = entry
        self.used[key] = entry
        parsed, problems = entry
        diags.items.extend(problems)
        # Later stages get their own tree, so nothing they do can reach the cached one.
        return dataclasses.replace(parsed, source=chapter, body=copy.deepcopy(parsed.body))

    def forget_unused(self) -> None:
        """Keeps only what the last build used, so that edits do not pile up entries. A build
        that stopped before parsing (a broken book.toml) used nothing and forgets nothing."""
        if self.used:
            self.entries, self.used = self.used, {}


@dataclasses.dataclass
class BuildState:
    build: int = 0
    ok: bool = False
    problems: list[str] = dataclasses.field(default_factory=list)


class Preview:
    def __init__(self, root: Path, out: Path, log=lambda line: print(line, flush=True)):
        self.root = root.resolve()
        self.out = out.resolve()
        self.site = EDITIONS["web"].output_path(self.out, "")
        self.log = log
        self.cache = ParseCache()
        self.state = BuildState()
        self.lock = threading.Lock()
        self.built = threading.Condition(self.lock)

    # --- building ---------------------------------------------------------------------

    def rebuild(self, reason: str = "") -> BuildState:
        started = time.perf_counter()
        try:
            result = build(self.root, self.out, ("web",), parse=self.cache)
            diagnostics = result.diagnostics.sorted()
            errors = [d for d in diagnostics if d.severity == "error"]
            problems = [d.format() for d in diagnostics]
            ok = not errors and bool(result.outputs)
        except Exception as exc:  # a bug or an unwritable folder must not end the preview
            traceback.print_exc()
            problems = [f"bookwright: internal error while building: {exc}"]
            ok = False
        self.cache.forget_unused()
        seconds = time.perf_counter() - started
        with self.lock:
            self.state = BuildState(self.state.build + 1, ok, problems if not ok else [])
            state = self.state
            self.built.notify_all()
        for line in problems:
            print(line, file=sys.stderr, flush=True)
        what = f"{reason}: " if reason else ""
        if ok:
            self.log(f"{what}built the web edition in {seconds:.2f}s")
        else:
            self.log(f"{what}the book has problems; the browser shows them and the last good build ({seconds:.2f}s)")
        return state

    def status(self, newer_than: int | None = None, timeout: float = 20) -> BuildState:
        """The last build's state; with `newer_than`, waits (up to `timeout`) for a later
        build, so that an open page hears of it at once instead of at its next poll."""
        with self.lock:
            if newer_than is not None:
                self.built.wait_for(lambda: self.state.build != newer_than, timeout)
            return self.state

    # --- watching ---------------------------------------------------------------------

    def watched_roots(self) -> list[Path]:
        return [self.root, theme_dir().resolve()]

    def snapshot(self) -> dict[str, tuple[int, int]]:
        stamps: dict[str, tuple[int, int]] = {}
        for top in self.watched_roots():
            for folder, dirs, files in os.walk(top):
                # Hidden folders (.git), caches and our own output never trigger a build.
                dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"
                           and not is_inside(Path(folder) / d, self.out)]
                for name in files:
                    if name.startswith(".") or name.endswith((".swp", "~")):
                        continue
                    path = os.path.join(folder, name)
                    try:
                        info = os.stat(path)
                    except OSError:
                        continue  # removed between listing and looking
                    stamps[path] = (info.st_mtime_ns, info.st_size)
        return stamps

    def changed(self, before: dict, after: dict) -> list[str]:
        names = sorted(set(before) ^ set(after) | {p for p in before if p in after and before[p] != after[p]})
        return [self._display(p) for p in names]

    def _display(self, path: str) -> str:
        for top in self.watched_roots():
            try:
                return Path(path).relative_to(top).as_posix()
            except ValueError:
                continue
        return path

    def watch(self, stop: threading.Event) -> None:
        before = self.snapshot()
        while not stop.wait(POLL_SECONDS):
            after = self.snapshot()
            if after == before:
                continue
            # An editor may write a file in several steps; wait for it to settle.
            while not stop.wait(0.05):
                settled = self.snapshot()
                if settled == after:
                    break
                after = settled
            names = self.changed(before, after)
            before = after
            reason = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "") + " changed"
            self.rebuild(reason)

    # --- serving ----------------------------------------------------------------------

    def server(self, host: str, port: int) -> http.server.ThreadingHTTPServer:
        preview = self

        class Handler(PreviewHandler):
            pass

        Handler.preview = preview
        server_class = PreviewServerV6 if ":" in host else PreviewServer
        return server_class((host, port), Handler)


class PreviewServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser closing a connection mid-answer is normal while pages reload.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class PreviewServerV6(PreviewServer):
    address_family = socket.AF_INET6


class PreviewHandler(http.server.SimpleHTTPRequestHandler):
    preview: Preview

    def __init__(self, *args, **kwargs):
        super().__init__(*args, directory=str(self.preview.site), **kwargs)

    def log_message(self, format, *args):  # the terminal is for the book's problems
        pass

    def end_headers(self):
        # Every answer is fresh: a stylesheet edited a second ago must not come from a cache.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        path = urlsplit(self.path).path
        if path == STATUS_PATH:
            since = parse_qs(urlsplit(self.path).query).get("since", [""])[0]
            state = self.preview.status(int(since) if since.isdigit() else None)
            self._send(json.dumps(dataclasses.asdict(state)).encode("utf-8"), "application/json")
            return
        if path == SCRIPT_PATH:
            script = (Path(__file__).with_name("serve.js")).read_bytes()
            self._send(script, "text/javascript; charset=utf-8")
            return
        local = Path(self.translate_path(self.path))
        if path.endswith("/") or path == "":
            local = local / "index.html"
        if local.suffix == ".html":
            if local.is_file():
                page = local.read_bytes()
            elif not self.preview.site.is_dir():
                page = WAITING_PAGE.encode("utf-8")
            else:
                self.send_error(404, "No such page in the book")
                return
            self._send(self._with_script(page), "text/html; charset=utf-8")
            return
        super().do_GET()

    def _with_script(self, page: bytes) -> bytes:
        tag = f'<script src="{SCRIPT_PATH}" data-build="{self.preview.status().build}"></script>'.encode()
        at = page.rfind(b"</body>")
        return page[:at] + tag + page[at:] if at >= 0 else page + tag

    def _send(self, data: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, out: Path | None = None) -> int:
    """Runs the preview until interrupted. Returns the command's exit status."""
    temporary = out is None
    out = Path(tempfile.mkdtemp(prefix="bookwright-preview-")) if out is None else out
    preview = Preview(root, out)
    try:
        server = preview.server(host, port)
    except OSError as exc:
        print(f"bookwright: error: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
        if temporary:
            shutil.rmtree(out, ignore_errors=True)
        return 2
    if not is_loopback(host):
        print(f"warning: serving on {host}: other machines on the network can read the book", file=sys.stderr)
    preview.rebuild()
    bound_host, bound_port = server.server_address[:2]
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    print(f"Serving {preview.root.name} at http://{shown}:{bound_port}/  (Ctrl-C to stop)", flush=True)
    thread = threading.Thread(target=server.serve_forever, name="bookwright-preview", daemon=True)
    thread.start()
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        # `kill` ends the preview as Ctrl-C does: the temporary build is removed.
        signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    try:
        preview.watch(stop)
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        if temporary:
            shutil.rmtree(out, ignore_errors=True)
    return 0
