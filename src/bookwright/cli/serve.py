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
page it sends. A build that fails keeps the last good site on show, prints the problems,
and lays them over the page.

The book is unpublished, so the server answers only what a browser on this machine asks
for itself; `preview_http` holds those rules (who may ask, what a request may look like,
what one client may hold).
"""

from __future__ import annotations

import copy
import dataclasses
import ipaddress
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.model import ChapterSource, ParsedChapter
from bookwright.parse import parse_chapter
from bookwright.paths import is_inside, theme_dir
from bookwright.build.fingerprint import digest
from bookwright.build.parse_cache import parse_inputs
from bookwright.build.pipeline import build
from bookwright.cli.preview_http import HostPolicy, PreviewServer, host_name
from bookwright.editions import EDITIONS

POLL_SECONDS = 0.05
# How long a request that missed a file waits for a running build to put its site in place.
SWAP_WAIT_SECONDS = 30


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
    def __init__(self, root: Path, out: Path, log=lambda line: print(line, flush=True), verbose: bool = False):
        self.root = root.resolve()
        self.out = out.resolve()
        self.site = EDITIONS["web"].output_path(self.out, "")
        self.log = log
        self.verbose = verbose
        self.cache = ParseCache()
        self.state = BuildState()
        self.building = False
        self.lock = threading.Lock()
        self.built = threading.Condition(self.lock)

    # --- building ---------------------------------------------------------------------

    def rebuild(self, reason: str = "") -> BuildState:
        started = time.perf_counter()
        with self.lock:
            self.building = True
        try:
            result = build(self.root, self.out, ("web",), parse=self.cache)
            diagnostics = result.diagnostics.sorted()
            errors = [d for d in diagnostics if d.severity == "error"]
            problems = [d.format() for d in diagnostics]
            ok = not errors and bool(result.outputs)
        except Exception as exc:  # a bug or an unwritable folder must not end the preview
            problems = [self.report_internal_error("while building", exc, quiet=True)]
            ok = False
        self.cache.forget_unused()
        seconds = time.perf_counter() - started
        with self.lock:
            self.state = BuildState(self.state.build + 1, ok, problems if not ok else [])
            self.building = False
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

    def report_internal_error(self, doing: str, exc: BaseException, quiet: bool = False) -> str:
        """One line for a bug in bookwright (the traceback only with --verbose): the terminal
        belongs to the book's problems. `quiet` leaves the printing of the line to the caller."""
        if self.verbose:
            traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
        detail = (str(exc).strip().splitlines() or [""])[0][:200]
        line = (f"bookwright: internal error {doing}: {type(exc).__name__}{': ' + detail if detail else ''} "
                "(a bug in bookwright, not in your book; --verbose shows where)")
        if not quiet:
            print(line, file=sys.stderr, flush=True)
        return line

    def status(self) -> BuildState:
        with self.lock:
            return self.state

    def wait_for_build(self, newer_than: int, timeout: float, gone) -> BuildState | None:
        """The first build other than `newer_than`, or the current state after `timeout`, so
        that an open page hears of a build at once instead of at its next poll. None when
        `gone()` says the asker has left: its place among the waiting is given back then,
        not at the end of the wait."""
        deadline = time.monotonic() + timeout
        while True:
            with self.lock:
                if self.built.wait_for(lambda: self.state.build != newer_than, min(0.5, timeout)):
                    return self.state
                if time.monotonic() >= deadline:
                    return self.state
            if gone():
                return None

    def across_rebuild(self, look):
        """`look()` (which reads the site) and the number of the build it saw. A rebuild
        swaps the whole site folder in one step, yet for an instant there is no folder: a
        look that finds nothing while a build runs, or just after one, waits for that build
        and looks again, so that a reader never gets a 404 for a page that exists."""
        with self.lock:
            seen = self.state.build
        found = look()
        if found is not None:
            return found, seen
        with self.lock:
            if not self.building and self.state.build == seen:
                return None, seen
            self.built.wait_for(lambda: not self.building, SWAP_WAIT_SECONDS)
            seen = self.state.build
        return look(), seen

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

    def server(self, host: str, port: int, allow_hosts=()) -> PreviewServer:
        return PreviewServer((host, port), self, HostPolicy.for_listening(host, allow_hosts))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, out: Path | None = None,
          allow_hosts=(), verbose: bool = False) -> int:
    """Runs the preview until interrupted. Returns the command's exit status."""
    try:
        extra_hosts = [host_name(name) for name in allow_hosts]
    except ValueError as exc:
        print(f"bookwright: error: --allow-host {exc}", file=sys.stderr)
        return 2
    temporary = out is None
    out = Path(tempfile.mkdtemp(prefix="bookwright-preview-")) if out is None else out
    preview = Preview(root, out, verbose=verbose)
    try:
        server = preview.server(host, port, extra_hosts)
    except OSError as exc:
        print(f"bookwright: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        if temporary:
            shutil.rmtree(out, ignore_errors=True)
        return 2
    if not is_loopback(host):
        print(f"warning: listening on {host}: the unpublished book is now visible to every machine that can "
              "reach this one on the network", file=sys.stderr)
        print(f"warning: the preview answers requests addressed to {server.policy.describe()}; "
              "add a name with --allow-host NAME", file=sys.stderr, flush=True)
    preview.rebuild()
    bound_host, bound_port = server.server_address[:2]
    # A wildcard address is no place to open in a browser; this machine's own name is.
    shown = "localhost" if server.policy.any_address else f"[{bound_host}]" if ":" in bound_host else bound_host
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
