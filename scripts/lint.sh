#!/usr/bin/env bash
# Lint the tree with ruff and type-check the domain core and API with mypy.
set -euo pipefail
cd "$(dirname "$0")/.."

.venv/bin/ruff check src tests bench scripts
.venv/bin/mypy src/bng_optimiser/domain src/bng_optimiser/api
