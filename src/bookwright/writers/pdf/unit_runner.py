"""Where a round of units is laid out: from the layout cache when it has them, else in the
build's worker pool, or in this process when the build has none (`--jobs 1`).

The tasks a cache cannot answer go to the pool longest first, so that the last one to
finish is a short one. Whoever lays a task out, the result is the same (units.py), and
it goes to the cache before it is used.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from bookwright.model import ResolvedBook
from bookwright.paths import theme_dir
from bookwright.writers.pdf import unit_tasks
from bookwright.writers.pdf.engine import book_base_url, served, stylesheet_base_url
from bookwright.writers.pdf.layout_cache import LayoutCache, layout_folders
from bookwright.writers.pdf.unit_tasks import UnitLaidOut, UnitTask, WorkerSetup
from bookwright.writers.theme import font_aliases


def worker_setup(book: ResolvedBook, cache_folder: Path | None) -> WorkerSetup:
    return WorkerSetup((book.root, theme_dir()), dict(book.assets), book_base_url(book), stylesheet_base_url(),
                       font_aliases(book.config.style), layout_folders(cache_folder)[1])


def worker_start(book: ResolvedBook, cache_folder: Path | None):
    """What the build's worker processes start with (editions.Edition.workers)."""
    return unit_tasks.start, worker_setup(book, cache_folder)


class UnitRunner:
    def __init__(self, book: ResolvedBook, edition: str, cache: LayoutCache, cache_folder: Path | None, pool=None,
                 first: bool = False):
        """`pool`: the build's worker pool (build/layout_pool.py), or None to lay out here;
        `first`: this edition's tasks go to the pool's workers before other editions' tasks."""
        self.edition = edition
        self.cache = cache
        self.pool = pool
        self.first = first
        self.setup = worker_setup(book, cache_folder)
        self.digests: dict[str, str] = {}
        self.laid_out = 0  # tasks laid out by this runner (not answered by the cache)

    def digest_of(self, address: str) -> str:
        """The hash of what the build serves at `address` now ("unreadable" if nothing)."""
        if address not in self.digests:
            try:
                data, _ = served(address, self.setup.roots, self.setup.prepared)
                self.digests[address] = hashlib.sha256(data).hexdigest()
            except Exception:  # the same failure the layout met: remembered as such
                self.digests[address] = "unreadable"
        return self.digests[address]

    def run(self, tasks: list[UnitTask]) -> list[UnitLaidOut]:
        keys = [self.cache.key(task) for task in tasks]
        results: list[UnitLaidOut | None] = [self.cache.get(self.edition, key, task.write, self.digest_of)
                                             for task, key in zip(tasks, keys)]
        missing = sorted((i for i, result in enumerate(results) if result is None), key=lambda i: -len(tasks[i].html))
        if missing:
            laid = self._lay_out([tasks[i] for i in missing])
            self.laid_out += len(missing)
            for i, result in zip(missing, laid):
                self.cache.put(self.edition, keys[i], result, self.digest_of)
                results[i] = result
        return results  # type: ignore[return-value]

    def _lay_out(self, tasks: list[UnitTask]) -> list[UnitLaidOut]:
        if self.pool is not None:
            # Even one task: other editions may be laying out in this process's other threads.
            return self.pool.map(unit_tasks.lay_out, tasks, unit_tasks.start, self.setup, first=self.first)
        if unit_tasks.started_with() != self.setup:
            unit_tasks.start(self.setup)
        return [unit_tasks.lay_out(task) for task in tasks]
