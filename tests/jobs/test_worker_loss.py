"""A job whose worker dies is retried once, then failed with a reason; it never stays started."""

from __future__ import annotations

import signal
import subprocess

import httpx
from redis import Redis
from rq import Queue, Retry
from rq.registry import StartedJobRegistry

from tests.api.stack import (
    ADMIN_TOKEN,
    JOB_TIMEOUT_SECONDS,
    ApiServer,
    Workers,
    stop_process,
    wait_for_job,
    wait_until,
)

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
SLOW_TASK = "tests.jobs.slow_tasks.sleep_with_progress"
GATED_TASK = "tests.jobs.slow_tasks.report_after_gate"
COUNTING_TASK = "tests.jobs.slow_tasks.count_run_and_sleep"
# Far longer than the test needs, so the job is always still running when its worker is killed.
SLOW_SECONDS = 600


def enqueue_slow(redis: Redis, queue_name: str, job_id: str) -> None:
    Queue(queue_name, connection=redis).enqueue(
        SLOW_TASK, SLOW_SECONDS, job_id=job_id, job_timeout=SLOW_SECONDS + 60, retry=Retry(max=1)
    )


def wait_for_stage(client: httpx.Client, job_id: str, stage: str) -> dict[str, object]:
    """Poll GET /jobs/{id} until the running job reports progress stage `stage`."""

    def reached() -> dict[str, object] | None:
        body = client.get(f"/jobs/{job_id}").json()
        progress = body.get("progress") or {}
        return body if progress.get("stage") == stage else None

    found = wait_until(reached, JOB_TIMEOUT_SECONDS, f"job {job_id} to reach stage {stage!r}")
    assert isinstance(found, dict)
    return found


def worker_name(process: subprocess.Popen[bytes]) -> str:
    return str(process.args[-1])  # type: ignore[index]


def worker_log(workers: Workers, process: subprocess.Popen[bytes]) -> str:
    return (workers.log_dir / f"{worker_name(process)}.log").read_text()


def test_killed_worker_job_is_retried_then_failed(
    api: ApiServer, client: httpx.Client, workers: Workers, redis: Redis, queue_name: str
) -> None:
    enqueue_slow(redis, queue_name, "quote-killed-worker")
    [first] = workers.start(1)
    # The job is `started` a moment before the task saves its first stage.
    running = wait_for_stage(client, "quote-killed-worker", "solving")
    assert running["status"] == "started"
    assert running["progress"] == {"stage": "solving", "percent": 40}
    assert running["retries_left"] == 1

    # SIGKILL to the worker's whole session: the worker and the child running the job.
    stop_process(first, signal.SIGKILL)
    retried = wait_for_job(client, "quote-killed-worker", {"queued", "failed", "finished"})
    assert retried["status"] == "queued"
    assert retried["retries_left"] == 0
    # The API's registry cleanup noticed the lost worker, so its log names the job and worker.
    assert (
        f"job quote-killed-worker abandoned by worker {worker_name(first)} (no heartbeat); "
        "1 retries left, so it is re-queued"
    ) in api.log_path.read_text()

    [second] = workers.start(1)
    wait_for_job(client, "quote-killed-worker", {"started"})
    stop_process(second, signal.SIGKILL)
    failed = wait_for_job(client, "quote-killed-worker", {"queued", "failed", "finished"})
    assert failed["status"] == "failed"
    error = failed["error"]
    assert isinstance(error, dict)
    assert error["code"] == "worker_lost"
    assert (
        f"job quote-killed-worker abandoned by worker {worker_name(second)} (no heartbeat); "
        "0 retries left, so it is marked failed"
    ) in api.log_path.read_text()
    assert "Submit the quote again" in error["message"]


def test_job_longer_than_grace_is_not_abandoned(
    client: httpx.Client, workers: Workers, redis: Redis, queue_name: str
) -> None:
    # The test stack sends heartbeats every 1 s with a 3 s grace, so a 6 s job outlives its
    # first registry entry and runs only once if the worker keeps renewing it while it runs.
    queue = Queue(queue_name, connection=redis)
    queue.enqueue(
        COUNTING_TASK, 6, job_id="quote-long-alive", job_timeout=60, retry=Retry(max=1)
    )
    [worker] = workers.start(1)
    done = wait_for_job(client, "quote-long-alive", {"finished", "failed"})
    assert done["status"] == "finished"
    # The worker hands the job's freed memory back just after recording the job as finished.
    wait_until(
        lambda: "after job quote-long-alive, resident memory" in worker_log(workers, worker),
        JOB_TIMEOUT_SECONDS,
        "the worker to release the job's memory",
    )
    # A job taken for abandoned is queued again while its first run goes on, and then runs twice.
    assert redis.get("runs:quote-long-alive") == b"1"
    assert queue.count == 0
    assert StartedJobRegistry(queue_name, connection=redis).count == 0


def test_stop_running_job(
    client: httpx.Client, workers: Workers, redis: Redis, queue_name: str
) -> None:
    enqueue_slow(redis, queue_name, "quote-stop-me")
    workers.start(1)
    wait_for_job(client, "quote-stop-me", {"started"})

    stopping = client.delete("/jobs/quote-stop-me")
    assert stopping.status_code == 202
    assert stopping.json()["status"] == "canceling"
    stopped = wait_for_job(client, "quote-stop-me", {"canceled", "failed", "finished", "queued"})
    assert stopped["status"] == "canceled"


def test_timed_out_job_reports_timeout(
    client: httpx.Client, workers: Workers, redis: Redis, queue_name: str
) -> None:
    Queue(queue_name, connection=redis).enqueue(
        SLOW_TASK, SLOW_SECONDS, job_id="quote-too-slow", job_timeout=2
    )
    workers.start(1)
    failed = wait_for_job(client, "quote-too-slow", {"failed", "finished"})
    assert failed["status"] == "failed"
    error = failed["error"]
    assert isinstance(error, dict)
    assert error["code"] == "timeout"


def test_stop_at_next_progress_report(
    client: httpx.Client, workers: Workers, redis: Redis, queue_name: str
) -> None:
    Queue(queue_name, connection=redis).enqueue(
        GATED_TASK, SLOW_SECONDS, job_id="quote-stop-at-report", job_timeout=SLOW_SECONDS + 60
    )
    [worker] = workers.start(1)
    wait_for_stage(client, "quote-stop-at-report", "at gate")

    stopping = client.delete("/jobs/quote-stop-at-report")
    assert stopping.status_code == 202
    # The job cannot stop before the gate opens, so the status shows the pending stop.
    assert client.get("/jobs/quote-stop-at-report").json()["status"] == "canceling"

    redis.set("gate:quote-stop-at-report", 1)
    stopped = wait_for_job(client, "quote-stop-at-report", {"canceled", "failed", "finished"})
    assert stopped["status"] == "canceled"

    queue_state = client.get("/admin/queue", headers=ADMIN).json()
    assert queue_state["failed"] == 0
    assert queue_state["canceled"] == 1
    assert queue_state["failed_job_ids"] == []
    log = worker_log(workers, worker)
    assert "job quote-stop-at-report stopped on request" in log
    assert "Traceback" not in log
