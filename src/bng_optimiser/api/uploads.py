"""Read an uploaded file into memory, rejecting it with 413 above the upload limit."""

from __future__ import annotations

from fastapi import HTTPException, UploadFile, status

# Read in 1 MiB pieces so an oversized upload is rejected without holding all of it.
CHUNK_BYTES = 1024 * 1024


async def read_upload(upload: UploadFile, max_bytes: int) -> bytes:
    """Return the file's bytes; raise 413 above `max_bytes` and 422 when it is empty."""
    chunks: list[bytes] = []
    size = 0
    while chunk := await upload.read(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                f"file {upload.filename!r} is larger than the upload limit of {max_bytes:,} bytes",
            )
        chunks.append(chunk)
    if size == 0:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, f"file {upload.filename!r} is empty"
        )
    return b"".join(chunks)
