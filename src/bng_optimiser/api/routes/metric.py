"""Demand read from an uploaded Statutory Biodiversity Metric workbook."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from starlette.concurrency import run_in_threadpool

from bng_optimiser.domain.metric import MetricDemand, read_metric

from ..deps import ReferenceDep, SettingsDep
from ..uploads import read_upload

router = APIRouter(tags=["metric"])


@router.post("/metric", response_model=MetricDemand)
async def read_metric_upload(
    reference: ReferenceDep,
    settings: SettingsDep,
    file: Annotated[UploadFile, File(description="Completed metric workbook, .xlsx or .xlsm")],
) -> MetricDemand:
    """Return the demand rows left after on-site offsetting; nothing is saved."""
    data = await read_upload(file, settings.max_upload_bytes)
    return await run_in_threadpool(
        read_metric,
        data,
        reference.catalogue,
        name=file.filename,
        max_bytes=settings.max_upload_bytes,
    )
