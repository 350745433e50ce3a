#!/usr/bin/env bash
# Run the full stack on this machine: API, N workers and the UI, as background process groups
# with pid files and logs under run/. Used by the Makefile targets up, down, workers, status.
#
#   deploy/stack.sh up [N]      prepare the database, start the API, N workers (default 2), UI
#   deploy/stack.sh workers N   start or stop workers until exactly N run
#   deploy/stack.sh down        stop everything started here
#   deploy/stack.sh status      list what runs
#
# Settings come from the environment (DATABASE_URL, REDIS_URL, API_PORT, UI_PORT, ...);
# API_PROCESSES sets the number of API server processes (default 2, as in the Makefile).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
RUN_DIR=${RUN_DIR:-run}
mkdir -p "$RUN_DIR"

running() {  # running NAME -> true when run/NAME.pid names a live process group
    local pidfile="$RUN_DIR/$1.pid"
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

start() {  # start NAME COMMAND... -> background process group, pid file, log file
    local name=$1
    shift
    if running "$name"; then
        echo "$name already running (pid $(cat "$RUN_DIR/$name.pid"))"
        return
    fi
    setsid "$@" >>"$RUN_DIR/$name.log" 2>&1 < /dev/null &
    echo $! >"$RUN_DIR/$name.pid"
    echo "$name started (pid $!, log $RUN_DIR/$name.log)"
}

stop() {  # stop NAME -> SIGTERM to the group, then SIGKILL to the session after 15 s
    local name=$1 pidfile="$RUN_DIR/$1.pid"
    [ -f "$pidfile" ] || return 0
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        # RQ workers finish the job in hand on SIGTERM. A job still running after 15 s is
        # killed with its worker, and registry cleanup retries it on another worker.
        kill -TERM -- "-$pid" 2>/dev/null || true
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "$name did not stop in 15 s; killing it"
            # The session, unlike the group, also contains a worker's job child process.
            pkill -KILL -s "$pid" 2>/dev/null || true
        fi
        echo "$name stopped"
    fi
    rm -f "$pidfile"
}

worker_names() {
    for pidfile in "$RUN_DIR"/worker-*.pid; do
        [ -e "$pidfile" ] && basename "$pidfile" .pid
    done | sort -t- -k2 -n
}

scale_workers() {  # scale_workers N
    local want=$1 index
    for index in $(seq 1 "$want"); do
        start "worker-$index" "$BIN/bng-optimiser" worker --name "$(hostname)-worker-$index-$$"
    done
    for name in $(worker_names); do
        index=${name#worker-}
        if [ "$index" -gt "$want" ]; then
            stop "$name"
        fi
    done
}

prepare_database() {
    "$BIN/python" deploy/create_database.py
    "$BIN/bng-optimiser" db upgrade
    "$BIN/bng-optimiser" db seed
}

wait_for_api() {
    local url="http://${API_HOST:-127.0.0.1}:${API_PORT:-8000}/health"
    for _ in $(seq 1 100); do
        if curl -fsS "$url" >/dev/null 2>&1; then
            echo "API healthy at $url"
            return
        fi
        sleep 0.3
    done
    echo "API did not become healthy at $url; see $RUN_DIR/api.log" >&2
    return 1
}

case "${1:-}" in
    up)
        prepare_database
        start api "$BIN/bng-optimiser" serve api --processes "${API_PROCESSES:-2}"
        scale_workers "${2:-${WORKER_COUNT:-2}}"
        export BACKEND_URL=${BACKEND_URL:-http://${API_HOST:-127.0.0.1}:${API_PORT:-8000}}
        start ui "$BIN/bng-optimiser" serve ui
        wait_for_api
        ;;
    workers)
        scale_workers "${2:?usage: stack.sh workers N}"
        ;;
    down)
        stop ui
        for name in $(worker_names); do stop "$name"; done
        stop api
        ;;
    status)
        for pidfile in "$RUN_DIR"/*.pid; do
            [ -e "$pidfile" ] || continue
            name=$(basename "$pidfile" .pid)
            if running "$name"; then state=running; else state=stopped; fi
            echo "$name $(cat "$pidfile") $state"
        done
        ;;
    *)
        sed -n '2,10p' "$0"
        exit 2
        ;;
esac
