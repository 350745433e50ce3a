"""The `worker` command: run an RQ worker that computes quote jobs."""

from __future__ import annotations

import argparse
import logging
import sys

from bng_optimiser.cli.main import EXIT_BAD_INPUT, EXIT_OK

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "worker",
        help="run a worker that computes queued quotes (REDIS_URL, DATABASE_URL)",
        description="Run an RQ worker on the quote queue. Start several for parallel quotes.",
    )
    parser.add_argument(
        "--burst", action="store_true", help="exit once the queue is empty instead of waiting"
    )
    parser.add_argument("--name", help="worker name shown in /admin/queue (default: random)")
    parser.add_argument(
        "--fork",
        action="store_true",
        help="run each job in a forked child process: slower, but a crash ends only that job",
    )
    parser.add_argument(
        "--max-jobs",
        type=int,
        metavar="N",
        help="exit after N jobs, for a supervisor to start a fresh process (default: no limit)",
    )
    parser.set_defaults(handler=run_worker)


def run_worker(args: argparse.Namespace) -> int:
    from bng_optimiser.jobs.worker import build_worker

    if args.max_jobs is not None and args.max_jobs < 1:
        sys.stderr.write(f"--max-jobs must be 1 or more, got {args.max_jobs}\n")
        return EXIT_BAD_INPUT
    level = logging.DEBUG if args.verbose else logging.INFO
    logging.getLogger().setLevel(level)
    worker = build_worker(name=args.name, fork=args.fork)
    logger.info("worker %s starting on queue %s", worker.name, worker.queue_names())
    worker.work(
        burst=args.burst, logging_level=logging.getLevelName(level), max_jobs=args.max_jobs
    )
    logger.info("worker %s stopped", worker.name)
    return EXIT_OK
