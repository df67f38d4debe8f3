"""The worker processes every PDF edition of a build lays its units out in.

One pool for the whole build, started before the editions are written and kept until the
build ends, so that a worker lays out units of several editions and keeps what it learnt
(writers/pdf/units.py). Its processes are forked from a fork server: a process started as
the build begins, which imports WeasyPrint while the build reads the book and starts no
thread. A worker therefore starts in milliseconds with WeasyPrint loaded, the build's own
process never loads it, and no worker inherits a lock a thread of the build (or of
`bookwright serve`) held. A program that starts a build must, as with any fork server,
guard its own code with `if __name__ == "__main__":`. Where there is no fork server
(Windows), workers are spawned.

The pool hands each worker one task at a time, not its whole queue: the tasks of the edition
the EPUB's page list follows (asked for `first`) then overtake those of the other editions
that wait, so that the EPUB and its gate start while the others are still laid out.

A worker that dies (killed, out of memory) or cannot be started breaks the pool: the tasks
left unfinished are laid out again by new workers, once; if that fails too, the build stops
with `WorkersLost`, and no edition of it is published. A task that fails with an exception
fails the build with that exception, as it would in the build's own process.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

PRELOADED = ["bookwright.writers.pdf.units"]  # what every worker needs: WeasyPrint and the layout of a unit


class WorkersLost(RuntimeError):
    """Layout workers died twice over: the machine is out of memory, or something kills them."""


def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOADED)
        return context
    return multiprocessing.get_context("spawn")


def warm_up() -> None:
    """Starts the fork server now, so that it loads WeasyPrint while the build reads the book."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        _context()
        multiprocessing.forkserver.ensure_running()


def _submit(executor: ProcessPoolExecutor, function, *args):
    try:
        return executor.submit(function, *args)
    except OSError as error:
        # Starting a worker failed because the fork server is gone: a worker killed while its pool
        # broke can take the server with it (its connection closes before it sends anything).
        # The pool is as broken as if the worker had died; the next one starts a new server.
        raise BrokenProcessPool(f"could not start a layout worker: {error}") from error


class WorkerPool:
    """Safe to share between the threads that write the build's editions."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.lock = threading.Lock()
        self.executor: ProcessPoolExecutor | None = None
        self.started_with = None
        # One task per worker at a time (an executor's own queue is first come, first served).
        self.slots = threading.Condition()
        self.running = 0  # tasks handed to the workers and not finished
        self.waiting_first = 0  # threads waiting to hand over a task asked for first

    def start(self, initializer, initargs) -> None:
        """Starts the workers now, before the build writes its editions: the first task of
        every edition finds them ready."""
        executor = self._executor(initializer, initargs, None)
        try:
            _submit(executor, os.getpid).result()
        except BrokenProcessPool:
            pass  # a worker died already: the first map starts new ones

    def _start(self, initializer, initargs) -> None:
        self.executor = ProcessPoolExecutor(self.jobs, mp_context=_context(), initializer=initializer,
                                            initargs=(initargs,))
        self.started_with = (initializer, initargs)

    def _executor(self, initializer, initargs, broken) -> ProcessPoolExecutor:
        """The running pool, started anew if there is none, it is `broken`, or it was
        started for other work."""
        with self.lock:
            if self.executor is not None and (self.executor is broken or self.started_with != (initializer, initargs)):
                old, self.executor = self.executor, None
                old.shutdown(wait=False, cancel_futures=True)
            if self.executor is None:
                self._start(initializer, initargs)
            return self.executor

    def map(self, function, items: list, initializer, initargs, first: bool = False) -> list:
        """`function(item)` for every item, in the pool's workers, in the items' order.
        Every worker first runs `initializer(initargs)`. `first`: the items go to the workers
        before those of other calls waiting for one (the edition the EPUB's page list follows:
        the EPUB and its gate start as soon as its pages are known)."""
        results: list = [None] * len(items)
        done = [False] * len(items)
        broken = None
        for _ in range(2):
            executor = self._executor(initializer, initargs, broken)
            futures = {}
            try:
                for i in range(len(items)):
                    if not done[i]:
                        futures[self._hand_over(executor, function, items[i], first)] = i
                for future, i in futures.items():
                    results[i], done[i] = future.result(), True
                return results
            except BrokenProcessPool:
                # A worker died: what finished is kept, the rest is laid out again by new workers.
                for future, i in futures.items():
                    if future.done() and not future.cancelled() and future.exception() is None:
                        results[i], done[i] = future.result(), True
                broken = executor
        raise WorkersLost("the processes laying out the PDF stopped twice (out of memory, or killed); "
                          "the output folder keeps its previous editions")

    def _hand_over(self, executor: ProcessPoolExecutor, function, item, first: bool):
        """`function(item)` submitted once a worker is free and no task asked for first waits."""
        with self.slots:
            self.waiting_first += first
            try:
                while self.running >= self.jobs or (not first and self.waiting_first):
                    self.slots.wait()
            finally:
                self.waiting_first -= first
            self.running += 1
        try:
            future = _submit(executor, function, item)
        except BaseException:
            self._finished()
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future=None) -> None:
        with self.slots:
            self.running -= 1
            self.slots.notify_all()

    def close(self) -> None:
        with self.lock:
            if self.executor is not None:
                self.executor.shutdown(wait=True, cancel_futures=True)
                self.executor = None
