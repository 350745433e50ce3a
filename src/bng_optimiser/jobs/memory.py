"""Give a worker's freed memory back to the system between jobs.

A 500-row quote raised a worker's resident set from about 55 MiB to 1.2 GiB. After the job's
objects were collected, 1.0 GiB stayed resident: the C allocator keeps freed heap pages for
reuse, and the solver's many medium-sized allocations leave them scattered. `malloc_trim`
returns those pages, which brought the same process back to 63 MiB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

KIB_PER_MIB = 1024


def resident_mib() -> float:
    """Return this process's resident set size in MiB, read from /proc (0.0 if unreadable)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / KIB_PER_MIB
    except OSError:
        pass
    return 0.0


@lru_cache(maxsize=1)
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    try:
        library = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    # malloc_trim is a glibc extension; without it nothing more is released.
    return library if library is not None and hasattr(library, "malloc_trim") else None


def release_freed_memory() -> tuple[float, float]:
    """Collect garbage and hand freed heap pages back; return resident MiB before and after."""
    before = resident_mib()
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    return before, resident_mib()
