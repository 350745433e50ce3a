"""Name matching shared by every lookup: exact, then case-insensitive, then suggestions."""

import difflib
import re
from collections.abc import Iterable

# Letters and digits; hyphens, commas and brackets in labels separate words.
WORD = re.compile(r"[^\W_]+")
# Similarity ratio (difflib, 0 to 1) at which two words count as the same word misspelt:
# "grasland" and "grassland" score 0.94, "chesire" and "cheshire" 0.93, but "chesire" and
# "chester" only 0.71.
WORD_CUTOFF = 0.8
# Similarity below which a name is too far from the value to be worth suggesting.
SUGGEST_CUTOFF = 0.5
# Shortest value that counts as a partial name: "x" is inside "Mixed scrub" by chance.
MIN_PARTIAL_LENGTH = 3


def normalise(name: str) -> str:
    """Fold case and runs of whitespace so that user typing matches catalogue labels."""
    return " ".join(name.casefold().split())


def words(text: str) -> list[str]:
    """Return the case-folded words of `text`."""
    return WORD.findall(text.casefold())


def word_similarity(value: str, candidate: str) -> float:
    """Return the mean, over the words of `value`, of the best ratio with a word of `candidate`.

    1.0 means every word of `value` appears in `candidate`, in any order.
    """
    return _mean_best_ratios(words(value), words(candidate))


def fuzzy_matches(value: str, candidates: Iterable[str]) -> list[str]:
    """Return the candidates with a close word for every word of `value`, best first.

    A word is close at a similarity ratio of at least WORD_CUTOFF, so misspellings such as
    "grasland" or "chesire" find "Grassland - ..." or "Cheshire East". Ties keep input order.
    """
    query = words(value)
    if not query:
        return []
    scored: list[tuple[float, int, str]] = []
    for candidate in candidates:
        target = words(candidate)
        best = [_best_ratio(word, target) for word in query]
        if min(best) >= WORD_CUTOFF:
            scored.append((-sum(best) / len(best), len(scored), candidate))
    return [candidate for _, _, candidate in sorted(scored)]


def suggest(value: str, candidates: Iterable[str], limit: int = 3) -> list[str]:
    """Return up to `limit` candidates closest to `value`, best first.

    A candidate scores the highest of its whole-name similarity, its word similarity and,
    if it contains a `value` of at least MIN_PARTIAL_LENGTH characters, WORD_CUTOFF. So
    "chesire" suggests both Cheshire LPAs and "modif" finds "Grassland - Modified
    grassland". When some candidate scores at least WORD_CUTOFF, weaker candidates are left
    out. Ties go to the higher whole-name similarity.
    """
    by_key = {normalise(c): c for c in candidates}
    key = normalise(value)
    ranks = {}
    for k in by_key:
        whole = difflib.SequenceMatcher(None, key, k).ratio()
        contained = WORD_CUTOFF if len(key) >= MIN_PARTIAL_LENGTH and key in k else 0.0
        ranks[k] = (max(whole, word_similarity(key, k), contained), whole)
    ranked = sorted((k for k in by_key if ranks[k][0] >= SUGGEST_CUTOFF), key=lambda k: ranks[k],
                    reverse=True)
    if ranked and ranks[ranked[0]][0] >= WORD_CUTOFF:
        ranked = [k for k in ranked if ranks[k][0] >= WORD_CUTOFF]
    return [by_key[k] for k in ranked[:limit]]


def _best_ratio(word: str, target: list[str]) -> float:
    return max((difflib.SequenceMatcher(None, word, t).ratio() for t in target), default=0.0)


def _mean_best_ratios(query: list[str], target: list[str]) -> float:
    if not query:
        return 0.0
    return sum(_best_ratio(word, target) for word in query) / len(query)
