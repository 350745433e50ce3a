"""The RQ workers that run quote jobs: in the worker process (default) or in a fork per job."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from types import FrameType
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker, Worker
from rq.job import Job, JobStatus
from rq.registry import CanceledJobRegistry, StartedJobRegistry
from rq.timeouts import JobTimeoutException, UnixSignalDeathPenalty
from rq.worker import WorkerStatus

from bng_optimiser.settings import Settings, get_settings

from . import runtime
from .memory import release_freed_memory
from .registry import log_abandoned_job
from .stopping import JobStopped, clear_stop, stop_requested

logger = logging.getLogger(__name__)

# Sent by the stop-job command's thread to the worker's own main thread, which runs the job.
STOP_SIGNAL = signal.SIGUSR1
# Exit status of a worker whose job neither finished nor timed out, so it could not be stopped.
EXIT_STUCK = 70


class _QuoteWorkerBase:
    """The heartbeat TTL that both quote workers use, with an adjustable grace period.

    A job's entry in the started registry expires `grace_seconds` after the last heartbeat
    (RQ's own margin is a fixed 60 s). When a worker is killed, the entry expires and registry
    cleanup retries the job or marks it failed.
    """

    grace_seconds = 60
    job_monitoring_interval: int
    current_job_working_time: float
    name: str
    connection: Redis
    _stopped_job_id: str | None

    def get_heartbeat_ttl(self, job: Job) -> int:
        interval = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            interval = int(min(job.timeout - self.current_job_working_time, interval))
        return max(interval, 1) + self.grace_seconds

    def handle_exception(self, job: Job, *exc_info: Any) -> None:
        # A stop is what the user asked for, so it gets an info line and no traceback.
        if exc_info and isinstance(exc_info[0], type) and issubclass(exc_info[0], JobStopped):
            logger.info("worker %s: job %s stopped on request", self.name, job.id)
            return
        super().handle_exception(job, *exc_info)  # type: ignore[misc]

    def handle_job_failure(
        self,
        job: Job,
        queue: Queue,
        started_job_registry: StartedJobRegistry | None = None,
        exc_string: str = "",
    ) -> None:
        """Record a stopped job as stopped and canceled, any other failure as RQ does."""
        stopped = self._stopped_job_id == job.id or stop_requested(self.connection, job.id)
        if not stopped:
            super().handle_job_failure(  # type: ignore[misc]
                job, queue, started_job_registry=started_job_registry, exc_string=exc_string
            )
            return
        # RQ would also add a stopped job to the failed registry, so it counted as failed.
        self._stopped_job_id = None
        with self.connection.pipeline() as pipeline:
            job.set_status(JobStatus.STOPPED, pipeline=pipeline)
            self.cleanup_execution(job, pipeline=pipeline)
            CanceledJobRegistry(job.origin, connection=self.connection).add(job, pipeline=pipeline)
            pipeline.execute()
        clear_stop(self.connection, job.id)
        logger.info("worker %s: job %s recorded as stopped", self.name, job.id)


class QuoteWorker(_QuoteWorkerBase, SimpleWorker):
    """A worker that runs each job in its own process, with reference data kept in memory.

    Forking a child per job cost more than the quote itself (a fork of a process holding the
    reference data, new PostgreSQL connections, the child's exit). Without the fork, this class
    does itself what the parent process of a forking worker did:

    - heartbeats: a thread renews the job's started-registry entry every
      `job_monitoring_interval` seconds while the job function runs, so a killed worker's job
      is retried or failed `grace_seconds` after its last heartbeat;
    - timeouts: RQ's SIGALRM timer raises JobTimeoutException in the job, as in the forking
      worker's child. A signal handler runs only between Python bytecodes, so a C call delays it;
      the solver's own time limit bounds the longest such call. A job still running
      `grace_seconds` after its timeout makes the worker exit, as killing a child would;
    - stopping: the stop-job command raises JobStopped in the running job, and RQ records the
      job as stopped.

    What is lost is isolation: a crash in native code ends the worker rather than one job (the
    job is then retried on another worker), and a job's memory stays with the process.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Id of the job whose function is running now; only then may a stop request interrupt.
        self._running_job_id: str | None = None
        self._running_lock = threading.Lock()
        self.death_penalty_class = _penalty_class_for(self)

    def work(self, *args: Any, **kwargs: Any) -> bool:
        signal.signal(STOP_SIGNAL, self._on_stop_signal)
        return bool(super().work(*args, **kwargs))

    def execute_job(self, job: Job, queue: Queue) -> None:
        # No preload: the job loads reference data in this process, where it stays for the next.
        self.prepare_execution(job)
        finished = threading.Event()
        beats = threading.Thread(
            target=self._beat_until, args=(job, finished), name=f"heartbeat {job.id}", daemon=True
        )
        beats.start()
        try:
            self.perform_job(job, queue)
        finally:
            finished.set()
            beats.join()
            # Jobs share this process, so one job's freed memory must not stay resident.
            before, after = release_freed_memory()
            logger.info(
                "worker %s: after job %s, resident memory %.0f MiB, %.0f MiB once freed memory "
                "was released",
                self.name, job.id, before, after,
            )
        self.set_state(WorkerStatus.IDLE)

    def kill_horse(self, sig: signal.Signals = signal.SIGKILL) -> None:
        # Called by the stop-job command from the pubsub thread; the job runs in the main thread.
        os.kill(os.getpid(), STOP_SIGNAL)

    def job_function_started(self, job_id: str) -> None:
        with self._running_lock:
            self._running_job_id = job_id
        # The id is set first, so a stop request from now on raises in the signal handler.
        # A request that arrived while the job was being prepared raises here instead.
        if self._stopped_job_id == job_id:
            raise JobStopped(f"job {job_id} stopped before it started")

    def job_function_ended(self) -> None:
        with self._running_lock:
            self._running_job_id = None

    def _on_stop_signal(self, signum: int, frame: FrameType | None) -> None:
        job_id = self._running_job_id
        if job_id is not None and job_id == self._stopped_job_id:
            logger.info("worker %s: stopping job %s on request", self.name, job_id)
            raise JobStopped(f"job {job_id} stopped on request")

    def _beat_until(self, job: Job, finished: threading.Event) -> None:
        started = time.monotonic()
        deadline = started + job.timeout + self.grace_seconds if job.timeout else None
        while not finished.wait(self.job_monitoring_interval):
            with self._running_lock:
                # Before the job function starts or after it ends, RQ's own calls set the TTL;
                # a heartbeat then could re-register a job that has just been cleaned up.
                if self._running_job_id != job.id:
                    continue
                self.current_job_working_time = time.monotonic() - started
                try:
                    self.maintain_heartbeats(job)
                except RedisError as error:
                    logger.warning(
                        "worker %s: heartbeat for job %s failed: %s", self.name, job.id, error
                    )
            if deadline is not None and time.monotonic() > deadline:
                logger.critical(
                    "worker %s: job %s ignored its %d s timeout for %d s more; exiting so "
                    "registry cleanup retries or fails it",
                    self.name, job.id, job.timeout, self.grace_seconds,
                )
                os._exit(EXIT_STUCK)


def _penalty_class_for(worker: QuoteWorker) -> type[UnixSignalDeathPenalty]:
    """Return RQ's SIGALRM job timeout, also marking the span in which the job function runs."""

    class JobTimeout(UnixSignalDeathPenalty):
        def __init__(self, timeout: int, exception: type[Exception], **kwargs: Any) -> None:
            super().__init__(timeout, exception, **kwargs)
            # RQ uses this class for job functions and callbacks; only the former carry a job id.
            self._job_id = kwargs.get("job_id") if exception is JobTimeoutException else None

        def setup_death_penalty(self) -> None:
            if self._job_id is None:
                super().setup_death_penalty()
                return
            try:
                worker.job_function_started(self._job_id)
                super().setup_death_penalty()
            except BaseException:
                # `__exit__` never runs when `__enter__` raises, so undo both steps here.
                self.cancel_death_penalty()
                raise

        def cancel_death_penalty(self) -> None:
            try:
                if self._job_id is not None:
                    worker.job_function_ended()
            finally:
                super().cancel_death_penalty()

    return JobTimeout


class ForkingQuoteWorker(_QuoteWorkerBase, Worker):
    """RQ's forking worker: each job in a child process, with reference data loaded in the parent.

    The parent loads the data just before the fork, so every child starts with it in memory,
    and reloads it only when the reference data version changes. Slower per job than
    QuoteWorker, but a crash or leak in one job never outlives it.
    """

    def execute_job(self, job: Job, queue: Queue) -> None:
        try:
            runtime.reference_cache().get()
        except Exception:
            # The job itself loads the data again and records any failure with its id.
            logger.exception(
                "worker %s: preloading reference data failed before job %s", self.name, job.id
            )
        super().execute_job(job, queue)


def build_worker(
    settings: Settings | None = None,
    *,
    name: str | None = None,
    connection: Redis | None = None,
    fork: bool = False,
) -> QuoteWorker | ForkingQuoteWorker:
    """Return a worker on the quote queue configured from settings; `fork` for one per job."""
    settings = settings or get_settings()
    connection = connection or runtime.redis_connection()
    queue = Queue(settings.queue_name, connection=connection)
    worker_class = ForkingQuoteWorker if fork else QuoteWorker
    worker = worker_class(
        [queue],
        connection=connection,
        name=name,
        job_monitoring_interval=settings.worker_heartbeat_seconds,
        maintenance_interval=settings.registry_cleanup_seconds,
        # Called by registry cleanup for each abandoned job, which it then retries or fails.
        exception_handlers=[log_abandoned_job],
    )
    worker.grace_seconds = settings.abandoned_job_grace_seconds
    return worker
