"""Issue 9: a long book's chapters are parsed by the build's process and forked workers
together (build/parse_pool.py); the book and its problems are the ones a single process gives."""

from __future__ import annotations

import dataclasses
import os
import sys
import threading
import time

import pytest
from lxml import html

from bookwright.build import parse_pool
from bookwright.diagnostics import Diagnostics
from bookwright.load import load_book
from bookwright.parse import parse_chapter
from bookwright.build.parse_cache import pack, unpack
from bookwright.build.pipeline import build

from support import BOOKS
from support.readback import Epub

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")


@pytest.fixture(autouse=True)
def fixed_moment(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def chapters_of(name: str):
    root = BOOKS / name
    diags = Diagnostics(root=root.resolve())
    book = load_book(root, diags)
    return book, root.resolve()


def reading(parsed, problems) -> tuple:
    """Everything a parse gives, the tree as HTML."""
    fields = {f.name: getattr(parsed, f.name) for f in dataclasses.fields(parsed) if f.name not in ("source", "body")}
    return html.tostring(parsed.body, encoding="unicode"), fields, [d.format() for d in problems]


def slow_parse(chapter, language, diags):
    time.sleep(0.15)  # long enough that a worker is sure to take chapters before this process does
    return parse_chapter(chapter, language, diags)


def one_at_a_time(book, root):
    out = []
    for chapter in book.chapters:
        own = Diagnostics(root=root)
        out.append(reading(parse_chapter(chapter, book.metadata.language, own), own.items))
    return out


@pytest.mark.parametrize("name", ["xref-book", "scholarly-notes", "xref-errors"])
def test_chapters_parsed_by_workers_are_the_chapters_parsed_here(name):
    book, root = chapters_of(name)
    results = parse_pool.parse_chapters(book.chapters, book.metadata.language, root, slow_parse, pack, unpack, workers=1)
    by_worker = [payload is not None for _, _, payload in results]
    assert any(by_worker) and not all(by_worker)  # both processes parsed some
    assert [reading(parsed, problems) for parsed, problems, _ in results] == one_at_a_time(book, root)


def test_a_chapter_that_does_not_travel_is_parsed_here():
    book, root = chapters_of("xref-book")
    first = book.chapters[0]

    def pack_all_but_the_first(parsed, problems):
        return None if parsed.source is first or parsed.source.path == first.path else pack(parsed, problems)

    results = parse_pool.parse_chapters(book.chapters, book.metadata.language, root, slow_parse,
                                        pack_all_but_the_first, unpack, workers=1)
    assert results[0][2] is None
    assert [reading(parsed, problems) for parsed, problems, _ in results] == one_at_a_time(book, root)


def test_a_worker_that_dies_costs_time_not_chapters():
    book, root = chapters_of("xref-book")
    parent = os.getpid()

    def dying_parse(chapter, language, diags):
        if os.getpid() != parent:
            os._exit(1)  # as if the worker had been killed
        return slow_parse(chapter, language, diags)

    results = parse_pool.parse_chapters(book.chapters, book.metadata.language, root, dying_parse, pack, unpack,
                                        workers=1)
    assert all(payload is None for _, _, payload in results)
    assert [reading(parsed, problems) for parsed, problems, _ in results] == one_at_a_time(book, root)


@pytest.mark.parametrize("name", ["xref-book", "xref-errors"])
def test_a_build_with_workers_is_the_build_without(tmp_path, monkeypatch, name):
    results = {}
    for workers in (0, 1):
        monkeypatch.setattr(parse_pool, "worker_count", lambda chapters, n=workers: n)
        results[workers] = build(BOOKS / name, tmp_path / f"out-{workers}", ("epub",))
    sequential, parallel = results[0], results[1]
    assert [d.format() for d in parallel.diagnostics.items] == [d.format() for d in sequential.diagnostics.items]
    assert [o.format for o in parallel.outputs] == [o.format for o in sequential.outputs]
    for one, other in zip(sequential.outputs, parallel.outputs):
        assert Epub(other.path).files == Epub(one.path).files
    # The chapters parsed by workers are in the cache like the others: a rebuild parses none.
    cache = tmp_path / "out-1" / ".bookwright-cache" / "parse"
    if parallel.book is not None:
        assert len(list(cache.glob("*.pickle"))) == len(parallel.book.chapters)


def test_a_short_book_is_parsed_in_one_process():
    book, _ = chapters_of("xref-book")
    assert parse_pool.worker_count(book.chapters) == 0  # the test suite's books stay under the threshold


def test_a_long_book_uses_the_other_cpus(monkeypatch):
    book, _ = chapters_of("xref-book")
    monkeypatch.setattr(parse_pool, "usable_cpus", lambda: 4)
    monkeypatch.setattr(parse_pool, "PARALLEL_MIN_CHARS", 0)
    # As in a build's own process, where no other thread runs yet (an earlier test's broken
    # layout pool may still be reaping its workers in a thread of this one).
    monkeypatch.setattr(parse_pool.threading, "active_count", lambda: 1)
    assert len(book.chapters) >= 4
    assert parse_pool.worker_count(book.chapters) == 3  # this process is the fourth


def test_no_fork_while_another_thread_runs(monkeypatch):
    # `serve` watches and serves in threads: a forked parser could inherit a lock one holds.
    book, _ = chapters_of("xref-book")
    monkeypatch.setattr(parse_pool, "usable_cpus", lambda: 4)
    monkeypatch.setattr(parse_pool, "PARALLEL_MIN_CHARS", 0)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert parse_pool.worker_count(book.chapters) == 0
    finally:
        release.set()
        other.join()
