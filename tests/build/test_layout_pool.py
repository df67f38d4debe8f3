"""The layout pool hands its workers one task at a time, so that the tasks of the edition the
EPUB's page list follows overtake the others waiting (the EPUB and its gate then start while
the other editions are laid out): a map asked for `first` gets the next free worker."""

from __future__ import annotations

import threading
import time

from bookwright.build.layout_pool import WorkerPool
from support.pool_tasks import timed_nap


def test_tasks_asked_for_first_overtake_the_waiting_ones():
    pool = WorkerPool(1)
    try:
        pool.start(len, ())
        later: list = []
        others = threading.Thread(target=lambda: later.extend(pool.map(timed_nap, [0.4, 0.1, 0.1], len, ())))
        others.start()
        time.sleep(0.2)  # the first of those is running, the two others wait for the worker
        first = pool.map(timed_nap, [0.05, 0.05], len, (), first=True)
        others.join()
    finally:
        pool.close()
    assert len(later) == 3 and len(first) == 2
    assert later[0] < first[0] < first[1] < later[1] < later[2]
    assert pool.running == 0 and pool.waiting_first == 0

