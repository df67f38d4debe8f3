"""The EPUB's gate in the live preview: the draft is published at once, the gated file when
it passes.

A build for `bookwright serve` publishes the EPUB without the gate (a draft, with no
conformance claim) so that the author can open it straight away. The gate then runs here, in
a thread of its own with tools that stay running between builds (the JVM, Node and the
browser: `gate.Checkers(warm=True)`): it writes the EPUB with the claim, as a gated build
would, puts those exact bytes through EPUBCheck and Ace, and the result replaces the draft
only when the gate passes and no newer draft has been published meanwhile. A gate that finds
errors leaves the draft in place and says what it found, at the Markdown lines.

One check runs at a time. A build that comes while one runs waits its turn, and only the
newest waits: a draft replaced before its check began is never checked. A check whose draft
was replaced while it ran still finishes, since its per-document verdicts are kept for the
next check, but its file is thrown away.
"""

from __future__ import annotations

import filecmp
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bookwright.build.output_record import record_output
from bookwright.diagnostics import Diagnostics
from bookwright.editions import EDITIONS
from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext, EditionRejected
from bookwright.writers.epub.gate import Checkers, GateTools


@dataclass
class GateJob:
    book: ResolvedBook
    layouts: dict | None  # the paged editions' layouts the draft's page list followed
    draft: int  # the number of the draft it checks (Preview.drafts)


@dataclass
class GateOutcome:
    job: GateJob
    # "published": the gated file replaced the draft; "kept": it was the draft byte for byte (no
    # claim); "failed": the gate found errors, the draft stays; "stale": a newer draft came meanwhile.
    verdict: str
    note: str
    problems: list[str]
    seconds: float


class GateWorker:
    """Checks the newest draft in the background. `publishing` is the lock every writer of the
    EPUB file holds while it puts a file in place; `current_draft()` says which draft is
    published; `done(outcome)` hears each result."""

    def __init__(self, root: Path, out: Path, tools: GateTools, cache_folder: Path, publishing: threading.Lock,
                 current_draft, done):
        self.root = root
        self.out = out
        self.cache_folder = cache_folder
        self.publishing = publishing
        self.current_draft = current_draft
        self.done = done
        self.checkers = Checkers(tools, warm=True, scratch=cache_folder)
        self.pending: GateJob | None = None
        self.wake = threading.Condition()
        self.stopping = False
        self.busy = False
        self.thread = threading.Thread(target=self._loop, name="bookwright-gate", daemon=True)
        self.thread.start()

    def submit(self, job: GateJob) -> None:
        with self.wake:
            self.pending = job  # an older draft still waiting is never checked
            self.wake.notify_all()

    def idle(self) -> bool:
        with self.wake:
            return self.pending is None and not self.busy

    def close(self) -> None:
        """Stops the worker and its tools at once; a check under way is abandoned."""
        with self.wake:
            self.stopping = True
            self.pending = None
            self.wake.notify_all()
        self.checkers.close(promptly=True)
        self.thread.join(timeout=5)  # its check fails at once now; the thread is a daemon either way

    def _loop(self) -> None:
        while True:
            with self.wake:
                self.wake.wait_for(lambda: self.pending is not None or self.stopping)
                if self.stopping:
                    return
                job, self.pending = self.pending, None
                self.busy = True
            try:
                outcome = self._check(job)
            except Exception as exc:  # a bug must not end the preview; the draft stays
                outcome = GateOutcome(job, "failed", "", [f"bookwright: internal error while checking the EPUB: "
                                                          f"{type(exc).__name__}: {exc}"], 0.0)
            with self.wake:
                self.busy = False
            if not self.stopping:
                self.done(outcome)

    def _check(self, job: GateJob) -> GateOutcome:
        started = time.perf_counter()
        edition = EDITIONS["epub"]
        final = edition.output_path(self.out, job.book.metadata.slug)
        diags = Diagnostics(root=self.root)
        context = BuildContext(diags, gate=True, cache_folder=self.cache_folder, gate_checkers=self.checkers,
                               layouts=job.layouts)
        fd, name = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".part", dir=final.parent)
        os.close(fd)
        temporary = Path(name)
        try:
            try:
                note = edition.write(job.book, temporary, context)
            except EditionRejected as exc:
                return GateOutcome(job, "failed", str(exc), _problems(diags), time.perf_counter() - started)
            with self.publishing:
                if self.current_draft() != job.draft:
                    return GateOutcome(job, "stale", note, [], time.perf_counter() - started)
                # The gate passed: the file carries the claim and replaces the draft. A gate that
                # found warnings took the claim off, and the file is the draft byte for byte.
                replaced = not final.is_file() or not filecmp.cmp(temporary, final, shallow=False)
                if replaced:
                    os.chmod(temporary, 0o644)
                    os.replace(temporary, final)
                    record_output(final)
            return GateOutcome(job, "published" if replaced else "kept", note, _problems(diags),
                               time.perf_counter() - started)
        finally:
            temporary.unlink(missing_ok=True)


def _problems(diags: Diagnostics) -> list[str]:
    return [d.format() for d in diags.sorted()]
