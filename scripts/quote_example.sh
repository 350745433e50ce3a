#!/usr/bin/env bash
# Install bng-optimiser, then quote the example development in Cheshire West and Chester on the
# reference data shipped in the package (no server needed).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
exec .venv/bin/bng-optimiser quote \
    --lpa "Cheshire West and Chester" \
    --nca "Shropshire, Cheshire and Staffordshire Plain" \
    --waterbody GB112068060280 \
    --demand examples/demand_cheshire.csv "$@"
