#!/usr/bin/env bash
# Make sure PostgreSQL and Redis respond on loopback, starting them if they are installed but
# stopped, and Chromium is present for the browser test. Exits non-zero, naming the service,
# when one cannot be brought up.
set -euo pipefail

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

if ! pg_up; then
    echo "PostgreSQL is not responding on 127.0.0.1:5432; starting it" >&2
    for version in $(ls /etc/postgresql 2>/dev/null); do
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
    pg_up || { echo "FAILED: PostgreSQL could not be started on 127.0.0.1:5432" >&2; exit 1; }
fi

if ! redis_up; then
    echo "Redis is not responding on 127.0.0.1:6379; starting it" >&2
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
        --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log || true
    for _ in $(seq 1 30); do redis_up && break; sleep 1; done
    redis_up || { echo "FAILED: Redis could not be started on 127.0.0.1:6379" >&2; exit 1; }
fi

if ! command -v chromium >/dev/null 2>&1; then
    echo "Installing Chromium for the browser test" >&2
    apt-get update -qq && apt-get install -y -qq chromium >/dev/null \
        || { echo "FAILED: could not install chromium" >&2; exit 1; }
fi
