"""Fixtures of the job tests: the real stack from `tests.api.stack`."""

from tests.api.stack import (  # noqa: F401
    api,
    client,
    database_url,
    queue_name,
    redis,
    redis_url,
    stack_env,
    workers,
)
