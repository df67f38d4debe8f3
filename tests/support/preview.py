"""A live preview to talk to: `bookwright serve` run in a subprocess, and raw HTTP to it."""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds}s for {what}")


class RunningPreview:
    """`bookwright serve BOOK --port 0 ARGS` in a subprocess, with its terminal collected."""

    def __init__(self, book: Path, *args: str):
        self.book = book
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bookwright", "serve", str(book), "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=book.parent,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=lambda s=stream, l=lines: l.extend(iter(s.readline, "")), daemon=True).start()
        try:
            line = wait_for(lambda: next((l for l in self.out if "http://" in l), None)
                            or self.process.poll() is not None, 60, "the server to start")
            assert line is not True, f"the server ended: {self.terminal()}"
        except BaseException:
            self.stop()
            raise
        self.base = re.search(r"http://[^/\s]+/", line).group(0)
        self.port = urlsplit(self.base).port

    def terminal(self) -> str:
        return "".join(self.out) + "".join(self.err)

    def status(self) -> dict:
        return json.loads(fetch(self.base + "__bookwright/status"))

    def build_number(self) -> int:
        return self.status()["build"]

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def assert_no_traceback(running: RunningPreview) -> None:
    assert "Traceback" not in running.terminal(), running.terminal()
    assert "internal error" not in running.terminal(), running.terminal()


def fetch(url: str) -> str:
    return fetch_bytes(url).decode("utf-8")


def fetch_bytes(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read()


@dataclasses.dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(target: str, host: str | None = "127.0.0.1:{port}", method: str = "GET", headers=(),
            body: bytes = b"") -> str:
    lines = [f"{method} {target} HTTP/1.1"] + ([f"Host: {host}"] if host is not None else [])
    lines += [f"{name}: {value}" for name, value in headers] + ["Connection: close"]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return "\r\n".join(lines) + "\r\n\r\n" + body.decode("latin-1")


def ask(port: int, raw: str | bytes, method: str = "GET", timeout: float = 10) -> Answer:
    """Sends `raw` as it is and reads one answer."""
    data = raw.encode("latin-1") if isinstance(raw, str) else raw
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(data.replace(b"{port}", str(port).encode()))
        answer = http.client.HTTPResponse(connection, method=method)
        answer.begin()
        return Answer(answer.status, answer.headers, answer.read())


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid` (pid → name), read from Linux's /proc; {} elsewhere."""
    found: dict[int, str] = {}
    pending = [pid]
    while pending:
        parent = pending.pop()
        try:
            listings = list(Path(f"/proc/{parent}/task").glob("*/children"))
        except OSError:
            continue  # it ended while its threads were listed (CI saw this once)
        for children in listings:
            try:
                pids = [int(p) for p in children.read_text().split()]
            except OSError:
                continue
            for child in pids:
                try:
                    found[child] = Path(f"/proc/{child}/comm").read_text().strip()
                except OSError:
                    continue
                pending.append(child)
    return found


def still_running(pids) -> list[int]:
    """Those of `pids` that are alive (not ended, not waiting to be reaped)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.append(pid)
    return alive

