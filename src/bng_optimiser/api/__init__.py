"""HTTP API: validate quote requests, return cached results, enqueue jobs, report status."""
