"""How many cores this process may use: the one count behind every batch split across threads (the
compiled kernels' row parts, a slate CSV's chunks)."""
from __future__ import annotations


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system has one, as in a container)."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
