"""Command line: `bng-optimiser COMMAND`; each command lives in its own module."""
