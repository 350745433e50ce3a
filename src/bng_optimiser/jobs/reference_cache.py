"""Reference data held by one process and reloaded only when its version changes."""

from __future__ import annotations

import gc
import logging
import threading

from bng_optimiser.domain.reference import ReferenceData, ReferenceSource

logger = logging.getLogger(__name__)


class ReferenceCache:
    """One snapshot of reference data per process, checked against the source on every use.

    The check is `source.current_version()`, one cheap query; the full `load()` runs only when
    the version differs from the snapshot held.
    """

    def __init__(self, source: ReferenceSource) -> None:
        self.source = source
        self._snapshot: ReferenceData | None = None
        self._lock = threading.Lock()

    def get(self) -> ReferenceData:
        """Return the snapshot at the source's current version, loading it if needed."""
        version = self.source.current_version()
        snapshot = self._snapshot
        if snapshot is not None and snapshot.version == version:
            return snapshot
        with self._lock:
            snapshot = self._snapshot
            if snapshot is None or snapshot.version != version:
                snapshot = self.source.load()
                logger.info(
                    "loaded reference data version %s (%d banks, %d stock lines, %d prices)",
                    snapshot.version,
                    len(snapshot.banks),
                    len(snapshot.stock),
                    len(snapshot.prices),
                )
                self._snapshot = snapshot
                _freeze_long_lived_objects()
        return snapshot

    def held(self, version: str) -> ReferenceData | None:
        """Return the snapshot held now if it is at `version`, else None; no source query."""
        snapshot = self._snapshot
        return snapshot if snapshot is not None and snapshot.version == version else None

    def peek(self) -> ReferenceData | None:
        """Return the snapshot held now, without asking the source."""
        return self._snapshot


def _freeze_long_lived_objects() -> None:
    """Move every object alive now out of the cyclic garbage collector's generations.

    Reference data and the imported modules are about 160,000 tracked objects. Each full
    collection walked them all, about 90 ms in an API process serving 1,600 cache hits a
    second (2 vCPU AMD EPYC), and ran several times a second, stalling every request in flight.
    Frozen objects are still freed by reference counting when unused.
    """
    # NOTE: a replaced snapshot that contains reference cycles stays in memory, because the
    # collector never frees frozen objects. Reference data changes rarely, so this stays small.
    gc.freeze()
