"""HTTP client for the quote API: one method per route, errors a page can show as they are."""

from __future__ import annotations

import logging
from typing import Any

import httpx

logger = logging.getLogger(__name__)

# Job states as `GET /jobs/{id}` reports them; polling stops at any terminal one.
ACTIVE_STATES = frozenset({"queued", "started", "canceling"})
TERMINAL_STATES = frozenset({"finished", "failed", "canceled"})


class BackendError(Exception):
    """The API rejected a request.

    `message` is the first line to show a user. `problems` contains every line of the API's
    detail, starting with `message`, such as each invalid row of an import.
    """

    def __init__(self, message: str, *, status_code: int | None = None, problems=None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.problems: list[str] = list(problems or [])


class BackendUnavailable(BackendError):
    """The API did not respond: refused connection, timeout or a 503 from `/health`."""


def _problems_from_detail(detail: Any) -> list[str]:
    """Turn FastAPI's `detail` (text, validation error list or dict) into lines a user reads."""
    if detail is None:
        return []
    if isinstance(detail, str):
        return [detail]
    if isinstance(detail, list):
        lines = []
        for item in detail:
            if isinstance(item, dict):
                location = ".".join(str(part) for part in item.get("loc", []) if part != "body")
                text = item.get("msg") or item.get("message") or str(item)
                lines.append(f"{location}: {text}" if location else text)
            else:
                lines.append(str(item))
        return lines
    if isinstance(detail, dict):
        lines = [str(detail["message"])] if detail.get("message") else []
        for key in ("problems", "errors", "rows", "detail"):
            lines.extend(_problems_from_detail(detail.get(key)))
        return lines or [str(detail)]
    return [str(detail)]


def _error_from_response(response: httpx.Response) -> BackendError:
    try:
        body = response.json()
    except ValueError:
        body = {"detail": response.text[:500] or response.reason_phrase}
    detail = body.get("detail", body.get("error", body)) if isinstance(body, dict) else body
    problems = _problems_from_detail(detail)
    message = problems[0] if problems else f"{response.status_code} {response.reason_phrase}"
    if response.status_code == 503:
        return BackendUnavailable(message, status_code=503, problems=problems)
    return BackendError(message, status_code=response.status_code, problems=problems)


class ApiClient:
    """Client of the quote API at `base_url`; failures raise BackendError or BackendUnavailable."""

    def __init__(self, base_url: str, *, timeout_seconds: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout_seconds)

    def close(self) -> None:
        self._http.close()

    def _request(
        self, method: str, path: str, *, token: str | None = None, **kwargs
    ) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = self._http.request(method, path, headers=headers, **kwargs)
        except httpx.TimeoutException as error:
            logger.warning("%s %s%s timed out: %s", method, self.base_url, path, error)
            raise BackendUnavailable(f"the quote service at {self.base_url} timed out") from error
        except httpx.TransportError as error:
            logger.warning("%s %s%s failed: %s", method, self.base_url, path, error)
            raise BackendUnavailable(
                f"the quote service at {self.base_url} is not responding "
                f"({error.__class__.__name__})"
            ) from error
        if response.status_code >= 400:
            raise _error_from_response(response)
        return response

    def _json(self, method: str, path: str, **kwargs) -> Any:
        return self._request(method, path, **kwargs).json()

    # Service
    def health(self) -> dict:
        return self._json("GET", "/health")

    # Jobs
    def submit_quote(self, payload: dict) -> dict:
        """Post a quote request; returns a finished job (cache hit) or a queued one."""
        return self._json("POST", "/jobs", json=payload)

    def job_status(self, job_id: str) -> dict:
        return self._json("GET", f"/jobs/{job_id}")

    def cancel_job(self, job_id: str) -> dict:
        response = self._request("DELETE", f"/jobs/{job_id}")
        return response.json() if response.content else {"job_id": job_id, "status": "canceled"}

    # Reference data
    def reference_version(self) -> dict:
        return self._json("GET", "/reference/version")

    def promoters(self) -> list[str]:
        """Return the names of the promoters whose terms `POST /jobs` accepts."""
        return [str(name) for name in self._json("GET", "/promoters")]

    def bank_locations(self) -> dict[str, str]:
        """Return bank id -> LPA code, or an empty mapping when the API has no banks route."""
        try:
            body = self._json("GET", "/reference/banks")
        except BackendError as error:
            if error.status_code in (404, 405):
                return {}
            raise
        items = body.get("items", []) if isinstance(body, dict) else body
        return {item["bank_id"]: item["lpa_code"] for item in items if "lpa_code" in item}

    def read_metric(self, filename: str, content: bytes) -> dict:
        """Upload a statutory metric workbook; returns the demand the reader found."""
        files = {"file": (filename, content, "application/octet-stream")}
        return self._json("POST", "/metric", files=files)

    # Quote history
    def quotes(self, **filters) -> dict:
        params = {key: value for key, value in filters.items() if value not in (None, "")}
        return self._json("GET", "/quotes", params=params)

    def quotes_csv(self, **filters) -> bytes:
        params = {key: value for key, value in filters.items() if value not in (None, "")}
        params.pop("page", None)
        params.pop("page_size", None)
        return self._request("GET", "/quotes.csv", params=params).content

    def quote(self, reference: str) -> dict:
        return self._json("GET", f"/quotes/{reference}")

    def accept_quote(self, reference: str) -> dict:
        return self._json("POST", f"/quotes/{reference}/accept")

    def requote(self, reference: str) -> dict:
        return self._json("POST", f"/quotes/{reference}/requote")

    # Administration
    def import_reference(self, filename: str, content: bytes, token: str) -> dict:
        files = {"file": (filename, content, "application/octet-stream")}
        return self._json("POST", "/reference/import", files=files, token=token)

    def purge_cache(self, token: str) -> dict:
        return self._json("POST", "/cache/purge", token=token)

    def admin_queue(self, token: str) -> dict:
        return self._json("GET", "/admin/queue", token=token)
