#!/usr/bin/env python3
"""`bookwright serve` after a save: how long until the web page, the screen PDF, the EPUB
draft and the gated EPUB are in place, and what the preview's processes hold in memory.

    .venv/bin/python benchmarks/serve_preview.py [BOOK] [--edits 5] [--no-gate]

Starts the preview on a copy of BOOK (the sample book by default), waits for its first
build and first gate, then appends a sentence to a middle chapter EDITS times, each time
timing from the write to each step as the status the pages poll reports it (the same long
poll they use, so a step is seen the moment it is published). Prints the median and the
worst of each, and the peak PSS of the preview's process tree (Python, and the gate's JVM,
Node and Chromium). Not part of the test suite; `run.py` can call `measure_serve`.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
STEPS = ("web", "pdf", "draft", "gated")


def status(base: str, query: str = "") -> dict:
    with urllib.request.urlopen(base + "__bookwright/status" + query, timeout=30) as answer:
        return json.loads(answer.read())


def tree_pss(process: psutil.Process) -> int:
    total = 0
    for member in [process] + process.children(recursive=True):
        try:
            total += member.memory_full_info().pss
        except psutil.Error:
            pass
    return total


def measure_serve(book: Path, edits: int = 5, gate: bool = True) -> dict:
    with tempfile.TemporaryDirectory(prefix="bookwright-serve-bench-") as scratch:
        copy = Path(scratch) / "book"
        shutil.copytree(book, copy)
        command = [sys.executable, "-m", "bookwright", "serve", str(copy), "--port", "0", "--out",
                   str(Path(scratch) / "out")] + ([] if gate else ["--no-gate"])
        process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        peak = 0
        done = threading.Event()

        def sample():
            nonlocal peak
            while not done.wait(0.2):
                peak = max(peak, tree_pss(process))

        threading.Thread(target=sample, daemon=True).start()
        try:
            base = None
            for line in process.stdout:
                found = re.search(r"http://[^/\s]+/", line)
                if found:
                    base = found.group(0)
                    break
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            finished = ("published", "kept", "failed") if gate else ("off",)
            deadline = time.monotonic() + 900
            while status(base)["editions"].get("epub", {}).get("gate") not in finished:
                if time.monotonic() > deadline:
                    raise SystemExit("the first build did not finish")
                time.sleep(0.2)
            chapters = sorted(p for p in copy.glob("*.md"))
            chapter = chapters[len(chapters) // 2]
            timings = {step: [] for step in STEPS}
            for number in range(edits):
                before = status(base)
                text = chapter.read_text(encoding="utf-8")
                started = time.perf_counter()
                chapter.write_text(text + f"\nA sentence added by the benchmark, number {number}.\n", encoding="utf-8")
                seen: dict[str, float] = {}
                last = before
                while len(seen) < (4 if gate else 3):
                    query = f"?since={last['build']}" + "".join(
                        f"&{name}={edition['version']}" for name, edition in last["editions"].items())
                    last = status(base, query)
                    now = time.perf_counter() - started
                    epub = last["editions"].get("epub", {})
                    if last["build"] > before["build"]:
                        seen.setdefault("web", now)
                    if last["editions"].get("pdf", {}).get("version", 0) > before["editions"]["pdf"]["version"]:
                        seen.setdefault("pdf", now)
                    if epub.get("version", 0) > before["editions"]["epub"]["version"]:
                        seen.setdefault("draft", now)
                        if epub.get("gate") in finished:
                            seen.setdefault("gated", now)
                for step, seconds in seen.items():
                    timings[step].append(seconds)
                time.sleep(1)
            return {"book": book.name, "edits": edits, "gate": gate,
                    "seconds": {step: {"median": statistics.median(values), "worst": max(values)}
                                for step, values in timings.items() if values},
                    "peak_pss_mb": round(peak / 2**20)}
        finally:
            done.set()
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", nargs="?", type=Path, default=ROOT / "manuscript")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--no-gate", action="store_true")
    args = parser.parse_args()
    result = measure_serve(args.book, args.edits, not args.no_gate)
    print(f"bookwright serve {result['book']}: save → step, over {result['edits']} edits")
    for step, seconds in result["seconds"].items():
        print(f"  {step:6} median {seconds['median']:.2f} s  worst {seconds['worst']:.2f} s")
    print(f"  peak PSS of the preview's processes: {result['peak_pss_mb']} MB")


if __name__ == "__main__":
    main()
