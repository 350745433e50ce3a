"""HTTP API: validate quote requests, answer from the cache, enqueue jobs, report status."""
