"""The cyclic garbage collector, paused where bulk work makes millions of short-lived objects.

Mapping a chunk of a file, or writing a store's lines, makes about a million small tuples, dicts
and strings, none of them in a reference cycle: reference counting frees them all. The collector
still walks the objects alive each time enough have been made, and in a process that holds much
(a forked export inherits the whole heap of its parent) those walks cost more than the work:
measured at 1M triples, side by side, the export took 2.6 s with them and 1.7-2.0 s without (its
sort apart), a reload 4.9-5.1 s and 4.3-4.4 s, and the mapping processes of a load 5.1-5.4 s of CPU
where they had used 6.0-6.5 s. Paused, never turned off: the
collector runs again as soon as the work is done (and any cycle an error made is collected then).
"""

from __future__ import annotations

import functools
import gc
from contextlib import contextmanager


@contextmanager
def paused():
    """The collector off for the block, back on after it (if it was on before)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def without_collector(fn):
    """`fn` run with the collector `paused` (picklable: a worker process can be sent it by name)."""
    @functools.wraps(fn)
    def run(*args, **kwargs):
        with paused():
            return fn(*args, **kwargs)
    return run
