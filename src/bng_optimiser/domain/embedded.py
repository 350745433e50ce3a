"""Reference data shipped inside the package: catalogue, geography and sample banks.

`EmbeddedSource` quotes with no server at all. By default it reads the illustrative sample banks
in `bng_optimiser/data/banks`; given a folder or an .xlsx workbook it reads a user's banks instead.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .bank_files import TABLES, read_bank_files
from .catalogue import Catalogue, load_catalogue
from .geography import Geography, load_geography
from .reference import ReferenceData

logger = logging.getLogger(__name__)

_PACKAGE_DATA = Path(str(resources.files("bng_optimiser") / "data"))
REFERENCE_DIR = _PACKAGE_DATA / "reference"
SAMPLE_BANKS_DIR = _PACKAGE_DATA / "banks"

# File identity used to notice an edited bank file: (path, modification time ns, size bytes).
_FileStamp = tuple[str, int, int]


@lru_cache(maxsize=1)
def load_static() -> tuple[Catalogue, Geography]:
    """Load the shipped catalogue and geography once per process."""
    catalogue = load_catalogue(REFERENCE_DIR / "metric")
    geography = load_geography(REFERENCE_DIR / "geo")
    logger.info(
        "loaded catalogue of %d habitats and %d LPAs, %d NCAs, %d waterbodies",
        len(catalogue), len(geography.lpas), len(geography.ncas), len(geography.waterbodies),
    )
    return catalogue, geography


class EmbeddedSource:
    """A `ReferenceSource` over bank files on disk, reloaded only when a file changes.

    `banks_path` is a folder with banks.csv, stock.csv and prices.csv, or an .xlsx workbook;
    None means the sample banks shipped in the package. The version is the first 12 hex digits
    of `ReferenceData.content_hash()`, so equal content gives an equal version from any source.
    """

    def __init__(self, banks_path: Path | str | None = None) -> None:
        self.banks_path = Path(banks_path) if banks_path is not None else SAMPLE_BANKS_DIR
        self._snapshot: ReferenceData | None = None
        self._stamp: tuple[_FileStamp, ...] | None = None

    def current_version(self) -> str:
        """Return the version of the bank files as they are on disk now."""
        return self.load().version

    def load(self) -> ReferenceData:
        """Return the snapshot, reading the files again only if one has changed.

        Raises DataFileError when a bank file is missing or has invalid rows.
        """
        stamp = self._file_stamp()
        if self._snapshot is None or stamp != self._stamp:
            self._snapshot = self._read()
            self._stamp = stamp
        return self._snapshot

    def _read(self) -> ReferenceData:
        catalogue, geography = load_static()
        tables = read_bank_files(self.banks_path, catalogue, geography)
        label = "sample banks" if self.banks_path == SAMPLE_BANKS_DIR else str(self.banks_path)
        snapshot = ReferenceData(
            catalogue=catalogue,
            geography=geography,
            banks=tables.banks,
            stock=tables.stock,
            prices=tables.prices,
            label=label,
        )
        logger.info(
            "loaded %d banks, %d stock lines, %d prices from %s (version %s)",
            len(snapshot.banks), len(snapshot.stock), len(snapshot.prices), label,
            snapshot.version,
        )
        return snapshot

    def _file_stamp(self) -> tuple[_FileStamp, ...]:
        if self.banks_path.is_dir():
            paths = [self.banks_path / f"{name}.csv" for name in TABLES]
        else:
            paths = [self.banks_path]
        stamps = []
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                # A missing file gets a stamp of its own; reading it then reports the problem.
                stamps.append((str(path), -1, -1))
                continue
            stamps.append((str(path), stat.st_mtime_ns, stat.st_size))
        return tuple(stamps)
