"""Ace by DAISY, run through `ace.js`: Ace's own library with a runner that sends a content
document to the browser only when no earlier check saw it with the same bytes (and the same
stylesheets, fonts and images). The gate (`gate.py`) asks; this module owns the process.

One `AceProcess` answers one EPUB at a time. A build starts one, asks once and closes its
input, so the program (and the browser it may have started) ends with the answer;
`bookwright serve` keeps one between builds, so the browser stays warm.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

HELPER = Path(__file__).with_name("ace.js")
TIMEOUT = 600  # seconds for one EPUB; a document the browser must open takes a few
BACKGROUND_NICENESS = 10


class AceFailed(Exception):
    """Ace could not check the EPUB; the message says why."""


@dataclass
class AceRun:
    report: dict  # Ace's report (report.json's content)
    checked: list[str] = field(default_factory=list)  # documents opened in the browser
    reused: list[str] = field(default_factory=list)  # documents whose earlier verdict still held


def file_identity(path: str | None) -> str:
    """What a cache knows a tool by (the browser, Java, a jar): its file, size and time, which
    an upgrade changes."""
    if not path:
        return ""
    real = os.path.realpath(path)
    try:
        info = os.stat(real)
        return f"{real}:{info.st_size}:{info.st_mtime_ns}"
    except OSError:
        return real


class AceProcess:
    def __init__(self, ace_cli: str, browser: str, scratch: Path, background: bool = False):
        """`scratch`: a folder for the browser's profile, removed by the caller. `background`:
        run at a lower priority (the browser it starts inherits it), so that a check in the
        live preview does not slow the next build the author is waiting for."""
        self.browser = browser
        self.identity = file_identity(browser)
        env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": browser, "PUPPETEER_SKIP_DOWNLOAD": "1"}
        try:
            # Kept in the background, it gets a process group of its own with the browser it
            # starts, so that stopping it promptly ends them all. A build's stays in the build's
            # group: whatever stops the build (Ctrl-C, a kill of the group) stops it too.
            self.process = subprocess.Popen(["node", str(HELPER), ace_cli, str(scratch)], env=env, stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            start_new_session=background)
        except OSError as exc:
            raise AceFailed(f"could not start: {exc}") from None
        if background:
            try:
                os.setpriority(os.PRIO_PROCESS, self.process.pid, BACKGROUND_NICENESS)
            except (OSError, AttributeError):
                pass  # not permitted, or not POSIX: it runs at the usual priority
        self.own_group = background
        self.buffer = b""
        self.errors = b""
        self.asked = 0  # requests sent; each answer names the one it answers

    def ask(self, epub: Path, cache: Path | None, scratch: Path, last: bool = False) -> None:
        """Sends one EPUB; `last` closes the input, so that the program ends after answering."""
        self.asked += 1
        request = {"id": self.asked, "epub": str(epub.resolve()), "cache": str(cache.resolve()) if cache else None,
                   "scratch": str(scratch.resolve()), "browser": self.identity}
        try:
            self.process.stdin.write((json.dumps(request) + "\n").encode())
            self.process.stdin.flush()
            if last:
                self.process.stdin.close()
        except (BrokenPipeError, ValueError):
            pass  # it ended already; answer() says why

    def answer(self, timeout: float = TIMEOUT) -> AceRun:
        """The answer to the last request, or AceFailed."""
        line = self._read_line(time.monotonic() + timeout)
        try:
            data = json.loads(line)
        except ValueError:
            raise AceFailed(f"gave an unreadable answer: {line[:200]!r}") from None
        if not isinstance(data, dict) or data.get("id") != self.asked:
            self.close(promptly=True)  # out of step with its questions: never trust it again
            raise AceFailed("answered another question than the last one asked")
        if "error" in data or not isinstance(data.get("report"), dict):
            raise AceFailed(str(data.get("error"))[:500])
        return AceRun(data["report"], list(data.get("checked", [])), list(data.get("reused", [])))

    def _read_line(self, deadline: float) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ, "out")
            selector.register(self.process.stderr, selectors.EVENT_READ, "err")
            while b"\n" not in self.buffer:
                left = deadline - time.monotonic()
                if left <= 0:
                    self.close()
                    raise AceFailed(f"did not finish within {TIMEOUT} s")
                for key, _ in selector.select(min(left, 1.0)):
                    chunk = os.read(key.fileobj.fileno(), 65536)
                    if key.data == "err":
                        self.errors = (self.errors + chunk)[-4000:]
                        if not chunk:
                            selector.unregister(key.fileobj)
                        continue
                    if not chunk:
                        self.process.wait()
                        tail = self.errors.decode("utf-8", "replace").strip().splitlines()[-2:]
                        raise AceFailed("ended without an answer" + (f": {' '.join(tail)}" if tail else ""))
                    self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line.decode("utf-8", "replace")

    def _signal(self, number: int) -> None:
        """To the program's own group when it has one, else to the program."""
        try:
            if self.own_group:
                os.killpg(self.process.pid, number)
            elif self.process.poll() is None:
                self.process.send_signal(number)
        except (ProcessLookupError, PermissionError, OSError):
            pass  # it has ended

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def close(self, promptly: bool = False) -> None:
        """Ends the program and its browser. Closing its input lets it finish the EPUB it is
        checking and close the browser itself; `promptly` stops it at once (terminated,
        puppeteer closes the browser; a group of its own is ended whole)."""
        running = self.process.poll() is None
        if running:
            try:
                self.process.stdin.close()
            except (BrokenPipeError, ValueError, OSError):
                pass
            if promptly:
                self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5 if promptly else TIMEOUT)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait()
        if promptly and running:
            self._signal(signal.SIGKILL)  # a browser process that outlived its program
        for stream in (self.process.stdout, self.process.stderr):
            stream.close()
