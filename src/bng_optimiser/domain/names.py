"""Name matching shared by every lookup: exact, then case-insensitive, then suggestions."""

import difflib
from collections.abc import Iterable


def normalise(name: str) -> str:
    """Fold case and runs of whitespace so that user typing matches catalogue labels."""
    return " ".join(name.casefold().split())


def suggest(value: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Return up to `limit` candidates closest to `value`, best first."""
    by_key = {normalise(c): c for c in candidates}
    key = normalise(value)
    close = difflib.get_close_matches(key, list(by_key), n=limit, cutoff=0.5)
    if not close:
        # A partial word ("modified") should still find "Grassland - Modified grassland".
        close = [k for k in by_key if key and key in k][:limit]
    return [by_key[k] for k in close]
