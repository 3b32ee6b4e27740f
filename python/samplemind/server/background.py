"""The server's threads that analyse, search and read run below the event loop.

On two cores, 16 searching clients and an index job kept every core busy; the loop's
thread, at the same priority as a dozen analysing threads, waited for the CPU and
then for the GIL, and /health took 76-113 ms at the 99th percentile
(bench/test_bench_server.py, the sixteen-clients test). A niceness of 10 on the worker
threads (Linux schedules threads, not processes, so this leaves the loop at the
process's own priority), with a 1 ms GIL switch interval, gc.freeze() after start-up
(serve.py) and the search responses built off the loop, brought that to 20-47 ms,
with 45 % more searches served, not fewer: the engine still has every core whenever
the loop is idle.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

WORKER_NICENESS = 10
"""Added to the niceness of the server's analysing, searching and reading threads."""
SWITCH_INTERVAL_S = 0.001
"""The GIL switch interval of a `samplemind serve` process (Python's default: 5 ms)."""


def lower_this_thread() -> None:
    """An executor initializer: this thread yields the CPU to the loop. The C++ threads
    that an analysis starts from here inherit it. Only where a thread has a niceness of
    its own (Linux); elsewhere a no-op."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):  # a sandbox may refuse; priority is only a preference
            own = os.getpriority(os.PRIO_PROCESS, 0)  # on Linux, the calling thread's
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), own + WORKER_NICENESS)
