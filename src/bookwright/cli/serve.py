"""`bookwright serve`: the book rebuilt on every save, shown in the browser as it changes.

After each save the preview rebuilds, in this order: the web edition first (its pages reload
as soon as it is in place), then the screen PDF (its viewer, `/__bookwright/pdf`, opens the
new file at the first page that changed: `preview_pdf.py`), then the EPUB without its gate,
published at once as a draft with no conformance claim, and last the gate in the background,
whose gated file replaces the draft only when it passes those exact bytes
(`preview_gate.py`). The book is loaded, parsed and resolved once per save for all of them,
and a save that comes while the PDF is laid out is built as soon as that edition is done: the
rest of the older build is skipped. The site's download links serve the newest file of each
edition.

A watcher polls the book folder and the theme: a poll of a few hundred file stamps twenty
times a second costs nothing measurable, works the same on every file system (network shares
and containers included, where change notifications fail), and needs no dependency. Chapters
whose text did not change are not parsed again: the whole-book resolve and the editions are
redone on each change, so numbers and references stay right, but the slow Markdown stage
runs only for the edited file.

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

from bookwright.diagnostics import BookError, Diagnostics
from bookwright.model import ChapterSource, ParsedChapter
from bookwright.parse import parse_chapter
from bookwright.paths import CACHE_FOLDER, is_inside, theme_dir
from bookwright.build.fingerprint import digest, tool_fingerprint
from bookwright.build.parse_cache import parse_inputs
from bookwright.build.pipeline import prepare_output, publish
from bookwright.cli.preview_gate import GateJob, GateOutcome, GateWorker
from bookwright.cli.preview_http import HostPolicy, PreviewServer, host_name
from bookwright.cli.preview_pdf import VIEW_PATH, first_changed_page, page_signatures, view_page
from bookwright.editions import EDITIONS, build_order
from bookwright.writers import BuildContext, Written
from bookwright.writers.epub.gate import find_tools

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


@dataclasses.dataclass(frozen=True)
class EditionState:
    """A file edition as the preview last published it (the status tells the browser)."""

    version: int = 0  # how often it changed: a new file, or (the EPUB) a new gate verdict
    file: str = ""  # its name in the output folder, served at /<file>
    seconds: float = 0.0  # how long the last build of it took
    page: int = 0  # the screen PDF: the first page that changed in the last build (0: none)
    # The EPUB: "draft" (published without its gate, which is checking it), "published" (the
    # gated file, with its claim, replaced the draft), "kept" (the gate found only warnings, or
    # lacked a tool: no claim, and the draft is the gated file byte for byte), "failed" (the
    # gate found errors; the draft stays), "off" (no gate in this preview).
    gate: str = ""
    note: str = ""
    problems: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class BuildState:
    build: int = 0  # the web edition's builds (and failed builds): pages reload on a new one
    ok: bool = False
    problems: tuple[str, ...] = ()
    editions: dict = dataclasses.field(default_factory=dict)  # name → EditionState, for files

    def version(self, name: str) -> int:
        """The counter a client waits on: "build" for the site, an edition's name for its file."""
        if name == "build":
            return self.build
        edition = self.editions.get(name)
        return edition.version if edition else 0


DEFAULT_FORMATS = ("web", "pdf", "epub")


class Preview:
    def __init__(self, root: Path, out: Path, log=lambda line: print(line, flush=True), verbose: bool = False,
                 formats: tuple[str, ...] = ("web",), gate: bool = False):
        """`formats`: the editions rebuilt after each save (the web edition always among them).
        `gate`: check the EPUB with EPUBCheck and Ace in the background (`preview_gate.py`)."""
        self.root = root.resolve()
        self.out = out.resolve()
        self.site = EDITIONS["web"].output_path(self.out, "")
        self.log = log
        self.verbose = verbose
        self.formats = ("web",) + tuple(e.name for e in build_order(n for n in formats if n != "web"))
        self.cache = ParseCache()
        self.state = BuildState()
        self.building = False
        self.lock = threading.Lock()
        self.built = threading.Condition(self.lock)
        self.pdf_pages: list[str] = []  # the published screen PDF's page signatures
        self.publishing = threading.Lock()  # held by whoever puts an EPUB in place
        self.drafts = 0  # EPUB drafts published: the gate publishes only over the one it checked
        self.gate: GateWorker | None = None
        if gate and "epub" in self.formats:
            tools = find_tools()
            if tools.java or (tools.ace and tools.browser):
                self.gate = GateWorker(self.root, self.out, tools, self.out / CACHE_FOLDER, self.publishing,
                                       lambda: self.drafts, self.gate_done)
            else:
                self.log(f"the EPUB is published unchecked, with no conformance claim: {', '.join(tools.missing())} "
                         "not installed")

    # --- building ---------------------------------------------------------------------

    def rebuild(self, reason: str = "") -> BuildState:
        """The site, then the other editions (unless the sources change again meanwhile)."""
        started = self.snapshot()
        state, prepared = self.rebuild_site(reason)
        if prepared is not None:
            self.rebuild_editions(prepared, started)
        return state

    def rebuild_site(self, reason: str = "", offered=None):
        """The book prepared and the web edition put in place. Returns the state and what
        the other editions need (None when the book has errors)."""
        started = time.perf_counter()
        with self.lock:
            self.building = True
        prepared = None
        try:
            diags = Diagnostics(root=self.root)
            try:
                book = prepare_output(self.root, self.out, diags, self.cache)
            except BookError:
                book = None
            web = None
            if book is not None:
                context = BuildContext(diags, cache_folder=self.out / CACHE_FOLDER, tool=tool_fingerprint(),
                                       layouts={} if "epub" in self.formats else None)
                # The site offers the editions already in place; the server hands out the newest.
                context.written.extend(self.published() if offered is None else offered)
                web = publish(EDITIONS["web"], book, self.out, context)
                context.written.clear()
                prepared = (book, context, [Written(w.edition, w.path) for w in self.published()])
            diagnostics = diags.sorted()
            errors = [d for d in diagnostics if d.severity == "error"]
            problems = [d.format() for d in diagnostics]
            ok = not errors and web is not None
        except Exception as exc:  # a bug or an unwritable folder must not end the preview
            problems = [self.report_internal_error("while building", exc, quiet=True)]
            ok = False
            prepared = None
        self.cache.forget_unused()
        seconds = time.perf_counter() - started
        with self.lock:
            self.state = dataclasses.replace(self.state, build=self.state.build + 1, ok=ok,
                                             problems=tuple(problems if not ok else []))
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
        return state, prepared if ok else None

    def rebuild_editions(self, prepared, started: dict) -> None:
        """The paged editions, then the EPUB's draft (and its gate, in the background), from the
        book the site was built from. Stops early when the sources changed since `started`
        (a snapshot): the next build is more use than the rest of this one."""
        try:
            self._rebuild_editions(prepared, started)
        except Exception as exc:  # a bug must not end the preview
            self.report_internal_error("while building the editions", exc)

    def _rebuild_editions(self, prepared, started: dict) -> None:
        book, context, offered = prepared
        for name in self.formats[1:]:
            if self.snapshot() != started:
                self.log("the sources changed again; building them first")
                return
            edition = EDITIONS[name]
            diags = context.diagnostics
            before = len(diags.items)
            try:
                if name == "epub":
                    with self.publishing:
                        output = publish(edition, book, self.out, context)
                        if output is not None:
                            self.drafts += 1
                else:
                    output = publish(edition, book, self.out, context)
            except Exception as exc:
                self.report_internal_error(f"while building the {name} edition", exc)
                continue
            problems = tuple(d.format() for d in diags.items[before:])
            for line in problems:
                print(line, file=sys.stderr, flush=True)
            if output is None:
                continue
            changes = {"file": output.path.name, "seconds": output.seconds, "note": output.note, "problems": problems}
            if name == "pdf":
                pages = page_signatures(output.path)
                changes["page"] = first_changed_page(self.pdf_pages, pages)
                where = f", page {changes['page']} changed" if changes["page"] and self.pdf_pages else ""
                self.pdf_pages = pages
                self.log(f"built the screen PDF in {output.seconds:.2f}s{where}")
            elif name == "epub":
                changes.update(gate="draft" if self.gate else "off", note="a draft: not checked, no conformance claim")
                self.log(f"published the EPUB draft in {output.seconds:.2f}s"
                         + ("; checking it with EPUBCheck and Ace" if self.gate else ""))
                if self.gate:
                    self.gate.submit(GateJob(book, context.layouts, self.drafts))
            else:
                self.log(f"built the {name} edition in {output.seconds:.2f}s")
            self.update_edition(name, **changes)
        # The first build (or one after an edition first appears) had nothing to offer for
        # download yet: the site is made again, once, with the files now in place.
        if {w.edition for w in offered} != {w.edition for w in self.published()}:
            self.rebuild_site("the editions are in place", offered=self.published())

    def gate_done(self, outcome: GateOutcome) -> None:
        if outcome.verdict == "stale":
            return  # a newer draft is published, and its own check follows
        for line in outcome.problems:
            print(line, file=sys.stderr, flush=True)
        if outcome.verdict == "failed":
            self.log(f"the EPUB did not pass its gate ({outcome.seconds:.2f}s): {outcome.note}; "
                     "the draft stays, without a conformance claim")
        else:
            self.log(f"checked the EPUB in {outcome.seconds:.2f}s: {outcome.note}")
        self.update_edition("epub", gate=outcome.verdict, note=outcome.note, problems=tuple(outcome.problems))

    def update_edition(self, name: str, **changes) -> None:
        with self.lock:
            editions = dict(self.state.editions)
            current = editions.get(name, EditionState())
            editions[name] = dataclasses.replace(current, version=current.version + 1, **changes)
            self.state = dataclasses.replace(self.state, editions=editions)
            self.built.notify_all()

    def published(self) -> list[Written]:
        """The file editions of this preview now in the output folder."""
        found = []
        for name, edition in self.state.editions.items():
            path = self.out / edition.file
            if edition.file and path.is_file():
                found.append(Written(name, path))
        return found

    def edition_names(self) -> tuple[str, ...]:
        return self.formats[1:]

    def edition_file(self, name: str) -> Path | None:
        """The published file called `name` (a download link's target), or None."""
        with self.lock:
            files = [e.file for e in self.state.editions.values() if e.file]
        return self.out / name if name in files else None

    def pdf_view(self) -> bytes:
        with self.lock:
            pdf = self.state.editions.get("pdf", EditionState())
        return view_page(pdf.file, pdf.version, pdf.page, self.root.name)

    def close(self) -> None:
        if self.gate is not None:
            self.gate.close()

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

    def wait_for_change(self, known: dict[str, int], timeout: float, gone) -> BuildState | None:
        """The first state in which a counter differs from `known` ("build" for the site, an
        edition's name for its file), or the current state after `timeout`, so that an open
        page hears of a build at once instead of at its next poll. None when `gone()` says
        the asker has left: its place among the waiting is given back then, not at the end
        of the wait."""
        deadline = time.monotonic() + timeout

        def changed() -> bool:
            return any(self.state.version(name) != value for name, value in known.items())

        while True:
            with self.lock:
                if self.built.wait_for(changed, min(0.5, timeout)):
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

    def watch(self, stop: threading.Event, before: dict | None = None) -> None:
        """Rebuilds on every change from `before` (a snapshot; now when None) until `stop`."""
        before = self.snapshot() if before is None else before
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
          allow_hosts=(), verbose: bool = False, formats: tuple[str, ...] = DEFAULT_FORMATS,
          gate: bool = True) -> int:
    """Runs the preview until interrupted. Returns the command's exit status."""
    try:
        extra_hosts = [host_name(name) for name in allow_hosts]
    except ValueError as exc:
        print(f"bookwright: error: --allow-host {exc}", file=sys.stderr)
        return 2
    temporary = out is None
    out = Path(tempfile.mkdtemp(prefix="bookwright-preview-")) if out is None else out
    preview = Preview(root, out, verbose=verbose, formats=formats, gate=gate)
    try:
        server = preview.server(host, port, extra_hosts)
    except OSError as exc:
        print(f"bookwright: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        preview.close()
        if temporary:
            shutil.rmtree(out, ignore_errors=True)
        return 2
    if not is_loopback(host):
        print(f"warning: listening on {host}: the unpublished book is now visible to every machine that can "
              "reach this one on the network", file=sys.stderr)
        print(f"warning: the preview answers requests addressed to {server.policy.describe()}; "
              "add a name with --allow-host NAME", file=sys.stderr, flush=True)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        # `kill` ends the preview as Ctrl-C does, a build under way included: the temporary
        # build is removed and the gate's tools are stopped.
        signal.signal(signal.SIGTERM, _interrupt)
    thread = threading.Thread(target=server.serve_forever, name="bookwright-preview", daemon=True)
    try:
        before = preview.snapshot()
        _, prepared = preview.rebuild_site()
        bound_host, bound_port = server.server_address[:2]
        # A wildcard address is no place to open in a browser; this machine's own name is.
        shown = "localhost" if server.policy.any_address else f"[{bound_host}]" if ":" in bound_host else bound_host
        print(f"Serving {preview.root.name} at http://{shown}:{bound_port}/  (Ctrl-C to stop)", flush=True)
        if "pdf" in preview.formats:
            print(f"The screen PDF, opened where each edit is: http://{shown}:{bound_port}{VIEW_PATH}", flush=True)
        thread.start()
        if prepared is not None:
            preview.rebuild_editions(prepared, before)
        preview.watch(stop, before)
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second `kill` must not cut the cleanup short
        stop.set()
        if thread.is_alive():
            server.shutdown()
        server.server_close()
        preview.close()
        if temporary:
            shutil.rmtree(out, ignore_errors=True)
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt
