"""Tasks the layout pool's tests hand to its workers (importable there: nothing heavy)."""

import time


def timed_nap(seconds: float) -> float:
    """Sleeps `seconds`; returns when it started (the monotonic clock is the machine's)."""
    started = time.monotonic()
    time.sleep(seconds)
    return started
