"""Result cache in Redis, keyed by the canonical request and the reference data version."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from redis import Redis
from redis.asyncio import Redis as AsyncRedis

logger = logging.getLogger(__name__)

CACHE_PREFIX = "cache:"
JOB_PREFIX = "quote-"
# 32 hex digits of SHA-256 (128 bits) keep job ids short with no realistic collision.
JOB_ID_HEX_DIGITS = 32


def canonical_json(payload: Any) -> str:
    """Serialise with sorted keys and no spaces, so equal requests give equal text."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_hash(canonical: dict[str, Any], reference_version: str) -> str:
    """Return the SHA-256 hex digest of the canonical request plus the reference version."""
    text = canonical_json(canonical) + "\n" + reference_version
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cache_key(digest: str) -> str:
    return CACHE_PREFIX + digest


def job_id_for(digest: str) -> str:
    """Return the RQ job id for a request hash; identical requests share it."""
    return JOB_PREFIX + digest[:JOB_ID_HEX_DIGITS]


def get_cached(redis: Redis, digest: str) -> bytes | None:
    """Return the stored JSON document `{"reference", "result"}` as bytes, or None on a miss."""
    value = redis.get(cache_key(digest))
    return value if isinstance(value, bytes) or value is None else str(value).encode()


async def get_cached_async(redis: AsyncRedis, digest: str) -> bytes | None:
    """Return the stored document like `get_cached`, without blocking the event loop."""
    value = await redis.get(cache_key(digest))
    return value if isinstance(value, bytes) or value is None else str(value).encode()


def set_cached(
    redis: Redis, digest: str, result: dict[str, Any], reference: str | None, ttl_seconds: int
) -> None:
    """Store a finished quote under `cache:<digest>` for `ttl_seconds`."""
    document = canonical_json({"reference": reference, "result": result})
    redis.set(cache_key(digest), document.encode("utf-8"), ex=ttl_seconds)


def purge_cache(redis: Redis) -> int:
    """Delete every `cache:*` key and return how many were deleted."""
    deleted = 0
    batch: list[bytes] = []
    for key in redis.scan_iter(match=CACHE_PREFIX + "*", count=500):
        batch.append(key)
        if len(batch) >= 500:
            deleted += int(redis.delete(*batch))
            batch.clear()
    if batch:
        deleted += int(redis.delete(*batch))
    logger.info("purged %d cached quotes", deleted)
    return deleted
