"""Quote jobs: the Redis result cache, the RQ job function and the worker."""
