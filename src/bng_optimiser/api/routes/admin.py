"""Operator actions behind the admin bearer token: import banks, purge the cache, queue state."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from rq import Queue, Worker
from rq.registry import (
    CanceledJobRegistry,
    FailedJobRegistry,
    FinishedJobRegistry,
    StartedJobRegistry,
)
from starlette.concurrency import run_in_threadpool

from bng_optimiser.db.importer import import_banks
from bng_optimiser.db.session import session_scope
from bng_optimiser.jobs.cache import purge_cache

from ..deps import AdminDep, RedisDep, Services, ServicesDep, SettingsDep
from ..schemas import ImportOut, PurgeOut, QueueOut, WorkerOut
from ..uploads import read_upload

logger = logging.getLogger(__name__)

router = APIRouter(tags=["admin"])

# Failed job ids listed in /admin/queue; the registry itself may hold many more.
FAILED_IDS_SHOWN = 50


@router.post("/reference/import", response_model=ImportOut)
async def import_reference(
    admin: AdminDep,
    services: ServicesDep,
    file: Annotated[
        UploadFile, File(description="Bank workbook (.xlsx) or zip of banks/stock/prices CSVs")
    ],
) -> ImportOut:
    """Replace banks, stock and prices from a file; 422 lists every invalid row."""
    data = await read_upload(file, services.settings.max_upload_bytes)
    who = f"{admin} via API ({file.filename})"
    version = await run_in_threadpool(_import, services, data, who)
    logger.info("reference data imported from %s: version %s", file.filename, version)
    return ImportOut(version=version)


def _import(services: Services, data: bytes, who: str) -> str:
    with session_scope(services.session_factory) as session:
        return import_banks(session, data, who=who)


@router.post("/cache/purge", response_model=PurgeOut)
def purge(admin: AdminDep, redis: RedisDep) -> PurgeOut:
    """Delete every cached quote result."""
    return PurgeOut(deleted=purge_cache(redis))


@router.get("/admin/queue", response_model=QueueOut)
def get_queue(admin: AdminDep, redis: RedisDep, settings: SettingsDep) -> QueueOut:
    """Return the queue length, the workers and the failed jobs."""
    queue = Queue(settings.queue_name, connection=redis)
    failed = FailedJobRegistry(settings.queue_name, connection=redis)
    workers = [
        WorkerOut(
            name=worker.name,
            state=str(worker.get_state()),
            current_job=worker.get_current_job_id(),
            successful_jobs=worker.successful_job_count,
            failed_jobs=worker.failed_job_count,
        )
        for worker in Worker.all(queue=queue)
    ]
    return QueueOut(
        queue=settings.queue_name,
        queued=queue.count,
        started=StartedJobRegistry(settings.queue_name, connection=redis).count,
        failed=failed.count,
        canceled=CanceledJobRegistry(settings.queue_name, connection=redis).count,
        finished=FinishedJobRegistry(settings.queue_name, connection=redis).count,
        workers=workers,
        failed_job_ids=failed.get_job_ids(0, FAILED_IDS_SHOWN - 1),
    )
