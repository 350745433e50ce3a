"""The `serve` command: run the API under uvicorn or the Streamlit UI."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from bng_optimiser.cli.main import EXIT_OK
from bng_optimiser.settings import get_settings

logger = logging.getLogger(__name__)

UI_APP = Path(__file__).resolve().parents[1] / "ui" / "app.py"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the API or the web UI",
        description="Run the HTTP API (uvicorn) or the Streamlit UI in the foreground.",
    )
    parser.add_argument("component", choices=("api", "ui"), help="what to run")
    parser.add_argument("--host", help="address to listen on (default: API_HOST, 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, help="TCP port (default: API_PORT 8000 or UI_PORT 8501)"
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="API server processes (uvicorn --workers); each needs its own memory",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every API request (off by default: it costs CPU on each cache hit)",
    )
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    host = args.host or settings.api_host
    logging.getLogger().setLevel(logging.DEBUG if args.verbose else logging.INFO)
    if args.component == "api":
        import uvicorn

        port = args.port or settings.api_port
        logger.info("starting API on %s:%d", host, port)
        uvicorn.run(
            "bng_optimiser.api.main:create_app",
            factory=True,
            host=host,
            port=port,
            workers=args.processes,
            # uvloop and httptools (pinned dependencies) parse HTTP and run the event loop in C.
            loop="uvloop",
            http="httptools",
            access_log=args.access_log,
            log_level="debug" if args.verbose else "info",
        )
        return EXIT_OK

    port = args.port or settings.ui_port
    command = [
        sys.executable, "-m", "streamlit", "run", str(UI_APP),
        "--server.address", host, "--server.port", str(port), "--server.headless", "true",
    ]
    logger.info("starting UI on %s:%d", host, port)
    # Replace this process, so signals sent to it reach Streamlit directly.
    os.execv(sys.executable, command)
    return EXIT_OK
