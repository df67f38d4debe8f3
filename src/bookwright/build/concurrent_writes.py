"""The build's editions written side by side where they can be, with the result of one
written after another.

With a worker pool (`--jobs` above 1), every paged edition is written in a thread of its
own: each hands its units to the one pool and waits, so the pool always has the units of
every edition to lay out (the longest first within each round), and each joins its file
while the others' units are still being laid out. The EPUB starts as soon as the page
layout its page list follows is known, before that edition's file is joined. An edition
made from other files of the build (`Edition.needs`: a print cover counts its interior's
pages, the web edition offers files for download) starts at once in a thread of its own
and waits for those files when it comes to them (the site makes its pages and cuts its
fonts first), while the rest are still being written. Without a pool everything
happens in this thread, one edition after another, in the same order and with the same
result.

Whatever runs when, the outcome is in build order: each edition reports into a
collector of its own, merged into the build's in build order; the editions written are
recorded, and announced, in build order.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bookwright.build.atomic import atomic_folder, atomic_path, folder_size
from bookwright.build.output_record import record_output
from bookwright.diagnostics import Diagnostics
from bookwright.editions import Edition
from bookwright.model import ResolvedBook
from bookwright.writers import BuildContext, EditionRejected, Written


@dataclass
class Outcome:
    edition: Edition
    path: Path
    seconds: float
    note: str | None  # None: rejected, the previous file stays
    diagnostics: Diagnostics


def write_editions(book: ResolvedBook, out: Path, editions: list[Edition], context: BuildContext,
                   announce: Callable[[Outcome], None]) -> None:
    """Writes `editions` (in build order: paged first, folders last); `announce` hears of
    each one written, in that order. An edition that fails raises once the editions before
    it are announced."""
    if context.pool is None:
        _write_one_by_one(book, out, editions, context, announce)
        return
    names = {edition.name for edition in editions}
    needs = {edition.name: [name for name in edition.needs(book) if name in names] for edition in editions}
    paged = [e for e in editions if e.paged]
    following = [e for e in editions if needs[e.name] and not e.paged]
    context.awaited = {edition.name: threading.Event() for edition in paged}
    here = [e for e in editions if not e.paged and not needs[e.name]]  # the EPUB: written in this thread
    results: dict[str, Future] = {edition.name: Future() for edition in here}
    with ThreadPoolExecutor(max_workers=len(paged) + len(following), thread_name_prefix="edition") as threads:
        for edition in paged:
            results[edition.name] = threads.submit(write_edition, book, out, edition, context)
        for edition in following:  # after what they need: each waits for futures made before it
            results[edition.name] = threads.submit(_write_after, book, out, edition, context,
                                                   [results[name] for name in needs[edition.name]])
        for edition in here:
            _write_here(book, out, edition, context, results[edition.name])
        _announce_upto(editions, results, context, announce)


def _write_one_by_one(book: ResolvedBook, out: Path, editions: list[Edition], context: BuildContext,
                      announce: Callable[[Outcome], None]) -> None:
    results: dict[str, Future] = {}
    for index, edition in enumerate(editions):
        if edition.needs(book):
            _announce_upto(editions[:index], results, context, announce)  # what it needs is in context.written
        results[edition.name] = _write_here(book, out, edition, context, Future())
    _announce_upto(editions, results, context, announce)


def _write_here(book: ResolvedBook, out: Path, edition: Edition, context: BuildContext, done: Future) -> Future:
    """Writes `edition` in this thread; `done` holds its outcome, or what it raised, for the
    announcements in build order."""
    try:
        done.set_result(write_edition(book, out, edition, context))
    except BaseException as exc:  # noqa: BLE001 - raised in build order
        done.set_exception(exc)
    return done


def _write_after(book: ResolvedBook, out: Path, edition: Edition, context: BuildContext,
                 needed: list[Future]) -> Outcome:
    """Writes `edition`, which waits for the editions it needs when it comes to them
    (raising what one of them raised) and is told of those as written: the build's record is
    kept in build order, later."""

    def await_needed() -> list[Written]:
        outcomes: list[Outcome] = [future.result() for future in needed]
        return [Written(o.edition.name, o.path) for o in outcomes if o.note is not None]

    return write_edition(book, out, edition, dataclasses.replace(context, written=[], await_needed=await_needed))


def write_edition(book: ResolvedBook, out: Path, edition: Edition, context: BuildContext) -> Outcome:
    """Writes one edition into place, reporting into a collector of its own (`settle` adds
    it to the build's)."""
    own = dataclasses.replace(context, diagnostics=Diagnostics(root=context.diagnostics.root))
    started = time.perf_counter()
    final = edition.output_path(out, book.metadata.slug)
    try:
        with (atomic_folder if edition.folder else atomic_path)(final) as temporary:
            note = edition.write(book, temporary, own)
    except EditionRejected:
        note = None  # the gate's findings are in the diagnostics; the previous file stays
    except BaseException:
        context.failed.add(edition.name)  # an EPUB following its pages is not written either
        raise
    finally:
        event = context.awaited.get(edition.name)
        if event is not None:
            event.set()  # whatever happened, nobody waits for its layout any more
    return Outcome(edition, final, time.perf_counter() - started, note, own.diagnostics)


def _announce_upto(editions: list[Edition], results: dict[str, Future], context: BuildContext,
                   announce: Callable[[Edition, Outcome], None]) -> None:
    for edition in editions:
        future = results[edition.name]
        if getattr(future, "announced", False):
            continue
        outcome: Outcome = future.result()  # raises the edition's exception, in build order
        future.announced = True
        if settle(outcome, context):
            announce(outcome)


def settle(outcome: Outcome, context: BuildContext) -> bool:
    """The edition's diagnostics added to the build's and, unless it rejected itself (False),
    the edition recorded as written."""
    context.diagnostics.items.extend(outcome.diagnostics.items)
    if outcome.note is None:
        return False
    record_output(outcome.path)
    context.written.append(Written(outcome.edition.name, outcome.path))
    return True


def output_size(edition: Edition, path: Path) -> int:
    return folder_size(path) if edition.folder else path.stat().st_size
