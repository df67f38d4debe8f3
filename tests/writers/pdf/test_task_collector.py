"""A layout task runs with Python's cycle collector off (writers/pdf/units.py says why): the
cycles it leaves are freed when it ends, and the collector is as it was before, also when
tasks overlap in one process's threads."""

from __future__ import annotations

import gc
import weakref

from bookwright.writers.pdf.units import _cycles_collected_at_end


class Node:
    pass


def cycle() -> weakref.ref:
    """A pair of objects that refer to each other and to nothing else: only the collector frees them."""
    a, b = Node(), Node()
    a.other, b.other = b, a
    return weakref.ref(a)


def test_a_tasks_cycles_are_freed_when_it_ends_and_the_collector_is_back_on():
    assert gc.isenabled()
    with _cycles_collected_at_end():
        assert not gc.isenabled()
        left = cycle()
        assert left() is not None
    assert left() is None
    assert gc.isenabled()


def test_overlapping_tasks_turn_the_collector_back_on_when_the_last_ends():
    first, second = _cycles_collected_at_end(), _cycles_collected_at_end()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first ends while the second still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off():
    gc.disable()
    try:
        with _cycles_collected_at_end():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
