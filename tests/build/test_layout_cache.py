"""Issue 14: laid-out units are kept across builds, and a cached build is a cold build.

A build that takes its units from the layout cache writes, byte for byte, what a build
with no cache writes (every PDF edition, and the EPUB whose page list follows the print
interior), also after an edit that changes a chapter's page count; the edit lays out the
edited chapter and the units whose printed numbers moved, not the chapters after it.
`--jobs 1` and `--jobs 2` write the same bytes. A damaged or unwritable cache, or a
worker killed mid-build, costs time and never a wrong page."""

from __future__ import annotations

import multiprocessing.forkserver
import os
import shutil
import signal
import threading
import time
from collections import Counter

import pytest

from bookwright.build import layout_pool
from bookwright.build.pipeline import build
from bookwright.writers.pdf import cache_files, unit_tasks
from support import SAMPLE, copy_book, diagnostics_text

EDITIONS = ("pdf", "print-kdp", "print-ingram", "epub")


@pytest.fixture(autouse=True)
def fixed_moment(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def built(book, out, jobs=None) -> dict[str, bytes]:
    result = build(book, out, EDITIONS, jobs=jobs)
    assert not result.diagnostics.errors, diagnostics_text(result)
    assert {o.format for o in result.outputs} == set(EDITIONS)
    return {o.format: o.path.read_bytes() for o in result.outputs}


@pytest.fixture
def counted(monkeypatch):
    """The tasks laid out (not taken from the cache), by kind and unit, in this process."""
    laid = Counter()
    real = unit_tasks.lay_out

    def counting(task):
        laid[(task.kind, task.label)] += 1
        return real(task)

    monkeypatch.setattr(unit_tasks, "lay_out", counting)
    return laid


def test_a_cached_build_of_the_sample_book_is_a_cold_build(tmp_path):
    book = copy_book(SAMPLE, tmp_path)
    first = built(book, tmp_path / "dist")
    again = built(book, tmp_path / "dist")  # every unit from the cache
    assert any((tmp_path / "dist" / ".bookwright-cache" / "layout" / "print-kdp").iterdir())
    shutil.rmtree(tmp_path / "dist" / ".bookwright-cache")
    cold = built(book, tmp_path / "dist")
    assert again == cold == first


def lengthen(chapter, paragraphs: int) -> None:
    text = chapter.read_text(encoding="utf-8")
    extra = "\n\n".join(["An added paragraph of counting, long enough to fill several lines of this "
                         "small page, so that the chapter grows by a page or more and every page "
                         "after it moves: the folios, the contents, the references and the index."] * paragraphs)
    marker = "## Tallies that disagree"
    chapter.write_text(text.replace(marker, extra + "\n\n" + marker), encoding="utf-8")


def page_count(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def test_an_edit_that_moves_every_later_page_lays_out_only_what_it_changed(tmp_path, counted):
    book = copy_book("units-book", tmp_path)
    before = built(book, tmp_path / "dist", jobs=1)
    counted.clear()
    lengthen(book / "01-tally.md", 8)
    edited = built(book, tmp_path / "dist", jobs=1)
    assert page_count(edited["pdf"]) > page_count(before["pdf"])
    units = {label for kind, label in counted if kind == "unit"}
    # The edited chapter, and what prints the numbers that moved: the contents, the
    # references into and out of it, the index. Not the chapters that only moved.
    assert "01-tally" in units
    assert not units & {"03-margin", "90-appendix", "part-2"}, units
    cold_book = copy_book("units-book", tmp_path / "cold")
    lengthen(cold_book / "01-tally.md", 8)
    assert built(cold_book, tmp_path / "cold" / "dist", jobs=1) == edited


def test_one_worker_and_two_write_the_same_bytes(tmp_path):
    book = copy_book("units-book", tmp_path)
    assert built(book, tmp_path / "one", jobs=1) == built(book, tmp_path / "two", jobs=2)


def test_covers_and_the_site_written_beside_the_rest_are_the_ones_written_after_it(tmp_path):
    # With a pool, a cover starts once its interior is written and the site once the files
    # it offers are, while the other editions are still being written (concurrent_writes.py).
    book = copy_book("units-book", tmp_path)
    editions = EDITIONS + ("print-kdp-cover", "print-ingram-cover", "web")

    def files(jobs: int) -> dict[str, bytes]:
        result = build(book, tmp_path / f"jobs{jobs}", editions, jobs=jobs)
        assert not result.diagnostics.errors, diagnostics_text(result)
        assert [o.format for o in result.outputs] == ["pdf", "print-kdp", "print-ingram", "epub", "print-kdp-cover",
                                                      "print-ingram-cover", "web"]  # announced in build order
        found = {}
        for output in result.outputs:
            paths = sorted(output.path.rglob("*")) if output.path.is_dir() else [output.path]
            found.update({str(p.relative_to(output.path.parent)): p.read_bytes() for p in paths if p.is_file()})
        return found

    one, two = files(1), files(2)
    assert any(name.startswith("site/") and name.endswith(".pdf") for name in two)  # the site offers the PDF
    assert one == two


def test_a_damaged_cache_entry_is_laid_out_again(tmp_path, counted):
    book = copy_book("units-book", tmp_path)
    cold = built(book, tmp_path / "dist", jobs=1)
    entries = sorted((tmp_path / "dist" / ".bookwright-cache" / "layout" / "pdf").iterdir())
    damaged = {entries[0]: entries[0].read_bytes()[:-100], entries[1]: b"bookwright-layout-1\nnot an entry"}
    middle = entries[2].read_bytes()
    damaged[entries[2]] = middle[:len(middle) // 2] + bytes([middle[len(middle) // 2] ^ 1]) + middle[len(middle) // 2 + 1:]
    for path, data in damaged.items():
        path.write_bytes(data)
    counted.clear()
    assert built(book, tmp_path / "dist", jobs=1) == cold
    assert 3 <= sum(counted.values()) < 10  # the three damaged entries, and what the kept units did not need
    for path, data in damaged.items():
        assert path.read_bytes() != data  # written again, whole


def test_a_cache_that_cannot_be_written_costs_only_time(tmp_path, monkeypatch):
    book = copy_book("units-book", tmp_path)
    cold = built(book, tmp_path / "cold", jobs=1)

    def full_disk(path, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache_files, "store", full_disk)
    assert built(book, tmp_path / "full", jobs=1) == cold
    assert built(book, tmp_path / "full", jobs=1) == cold


def test_a_killed_worker_costs_time_not_a_page(tmp_path, monkeypatch):
    book = copy_book("units-book", tmp_path)
    cold = built(book, tmp_path / "cold", jobs=1)
    killed = []
    real_map = layout_pool.WorkerPool.map

    def map_and_kill_one(self, function, items, initializer, initargs, first=False):
        def kill_soon():
            deadline = time.monotonic() + 30
            while not killed and time.monotonic() < deadline:
                processes = list((self.executor._processes or {}).values()) if self.executor else []
                if processes and processes[0].pid:
                    time.sleep(0.3)  # in the middle of a unit
                    try:
                        os.kill(processes[0].pid, signal.SIGKILL)
                    except ProcessLookupError:
                        continue
                    killed.append(processes[0].pid)
                    return
                time.sleep(0.01)

        if not killed and len(items) > 2:
            threading.Thread(target=kill_soon, daemon=True).start()
        return real_map(self, function, items, initializer, initargs, first)

    monkeypatch.setattr(layout_pool.WorkerPool, "map", map_and_kill_one)
    assert built(book, tmp_path / "killed", jobs=2) == cold
    assert killed


def test_a_worker_that_cannot_be_started_costs_time_not_a_page(tmp_path, monkeypatch):
    # What CI saw once: a worker killed while its pool broke took the fork server with it,
    # and starting the next worker was refused a connection.
    book = copy_book("units-book", tmp_path)
    cold = built(book, tmp_path / "cold", jobs=1)
    refused = []
    real_connect = multiprocessing.forkserver.connect_to_new_process

    def refuse_once(fds):
        if not refused:
            refused.append(fds)
            raise ConnectionRefusedError(111, "Connection refused")
        return real_connect(fds)

    monkeypatch.setattr(multiprocessing.forkserver, "connect_to_new_process", refuse_once)
    assert built(book, tmp_path / "refused", jobs=2) == cold
    assert refused


def test_workers_that_keep_dying_fail_the_build_cleanly(tmp_path, monkeypatch):
    book = copy_book("units-book", tmp_path)
    out = tmp_path / "dist"
    previous = built(book, out, jobs=1)
    shutil.rmtree(out / ".bookwright-cache")
    real_start = layout_pool.WorkerPool._start

    def start_and_kill(self, initializer, initargs):
        real_start(self, initializer, initargs)
        executor = self.executor

        def kill_all():
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                processes = [p for p in (executor._processes or {}).values() if p.pid]
                if processes:
                    for process in processes:
                        try:
                            os.kill(process.pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    return
                time.sleep(0.01)

        threading.Thread(target=kill_all, daemon=True).start()

    monkeypatch.setattr(layout_pool.WorkerPool, "_start", start_and_kill)
    with pytest.raises(layout_pool.WorkersLost):
        build(book, out, EDITIONS, jobs=2)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix in (".pdf", ".epub")} == {
        name: data for name, data in ((f"units-and-numbers{suffix}", previous[edition]) for edition, suffix in
                                      (("pdf", ".pdf"), ("print-kdp", "-kdp.pdf"), ("print-ingram", "-ingram.pdf"),
                                       ("epub", ".epub")))}
