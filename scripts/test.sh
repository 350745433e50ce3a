#!/usr/bin/env bash
# Install, bring up PostgreSQL and Redis, lint, then run the whole test suite once.
# Extra arguments go to pytest, e.g. `scripts/test.sh tests/domain -x`.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/services.sh
scripts/lint.sh
mkdir -p test-artifacts

# pytest exits 5 when it collects no tests; that is a failure here too.
.venv/bin/python -m pytest "$@"
