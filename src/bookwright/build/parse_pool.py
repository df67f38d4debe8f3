"""The chapters a build must parse, shared between the build's own process and forked
workers when there are enough of them to pay for the workers.

Python-Markdown is most of a cold EPUB build's time, and no chapter's parse depends on
another's. A worker sends back what the parse cache stores (the chapter's facts, its HTML
and its problems, `parse_cache.pack`), and its tree is parsed back from that HTML as a
cache hit's is, so a chapter parsed by a worker is the chapter a cache hit gives. Results
come back in book order whoever parsed them, so the book and the order of its problems
are those of a single process.

The workers claim chapters from the front of the list while this process claims them from
the back, so the split follows whichever side is faster on a machine shared with other
work. A worker sends its chapters when no chapter is left to claim; a chapter a worker
claimed and never sent (it died, or its parse failed) is parsed here, so a failure costs
time, never a chapter, and a parse error is raised where a single process raises it.
Workers are forked, inheriting the loaded modules, which makes them cheap to start; where
fork is not the safe way to start a process (anything but Linux) chapters are parsed one
after another.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from pathlib import Path

from bookwright.diagnostics import Diagnostic, Diagnostics
from bookwright.model import ChapterSource, ParsedChapter

# Below this much Markdown (about 25,000 words) a worker costs more to start and to hear
# back from than it saves: the parse takes a few tenths of a second in one process.
PARALLEL_MIN_CHARS = 150_000

# What the forked workers need, set just before they are forked and inherited by them:
# (chapters, parse, language, root, pack, claims).
_job = None

Result = tuple[ParsedChapter, list[Diagnostic], "bytes | None"]


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def worker_count(chapters: list[ChapterSource]) -> int:
    """How many worker processes to fork besides this one: none for a short book, a single
    CPU, a process running other threads, or a platform where forking is not safe."""
    if not sys.platform.startswith("linux") or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    if threading.active_count() > 1:
        return 0  # `serve` watches and serves in threads; a fork can inherit a lock one of them holds
    if len(chapters) < 2 or sum(len(c.text) for c in chapters) < PARALLEL_MIN_CHARS:
        return 0
    return max(0, min(usable_cpus(), len(chapters)) - 1)


def parse_chapters(chapters: list[ChapterSource], language: str, root: Path | None, parse, pack, unpack,
                   workers: int | None = None) -> list[Result]:
    """(parsed chapter, its problems, pack's bytes when a worker parsed it, else None) for
    each chapter, in order. `pack`/`unpack` are the parse cache's entry format."""
    workers = worker_count(chapters) if workers is None else workers

    def here(chapter: ChapterSource) -> Result:
        own = Diagnostics(root=root)
        return parse(chapter, language, own), own.items, None

    if workers < 1:
        return [here(chapter) for chapter in chapters]
    context = multiprocessing.get_context("fork")
    claims = context.Array("i", [0, len(chapters)])  # the unclaimed chapters are [claims[0], claims[1])
    results: list[Result | None] = [None] * len(chapters)
    started = []
    global _job
    _job = (chapters, parse, language, root, pack, claims)
    try:
        for _ in range(workers):
            reader, writer = context.Pipe(duplex=False)
            process = context.Process(target=_work, args=(writer,), daemon=True)
            process.start()
            writer.close()
            started.append((process, reader))
    except OSError:
        pass  # no more processes could be started: this one parses what the others do not
    finally:
        _job = None
    while (index := _claim(claims, from_back=True)) is not None:
        results[index] = here(chapters[index])
    for process, reader in started:
        while True:
            try:
                index, payload = reader.recv()
            except (EOFError, OSError):
                break  # the worker has sent everything it parsed
            unpacked = unpack(payload) if payload is not None else None
            if unpacked is not None:  # else a fact that does not pickle: parsed below
                parsed, problems = unpacked
                results[index] = parsed, problems, payload
        reader.close()
        process.join()
    for index, chapter in enumerate(chapters):
        if results[index] is None:
            results[index] = here(chapter)
    return results  # type: ignore[return-value]


def _claim(claims, from_back: bool) -> int | None:
    with claims.get_lock():
        if claims[0] >= claims[1]:
            return None
        if from_back:
            claims[1] -= 1
            return claims[1]
        claims[0] += 1
        return claims[0] - 1


def _work(writer) -> None:
    """A worker: claims and parses chapters until none is left, then sends them."""
    chapters, parse, language, root, pack, claims = _job
    done = []
    try:
        while (index := _claim(claims, from_back=False)) is not None:
            own = Diagnostics(root=root)
            done.append((index, pack(parse(chapters[index], language, own), own.items)))
    except BaseException:  # noqa: BLE001 - the chapter is parsed again by the build's process, which reports it
        pass
    try:
        for item in done:
            writer.send(item)
    finally:
        writer.close()
