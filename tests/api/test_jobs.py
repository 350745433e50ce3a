"""POST/GET/DELETE /jobs against the real API, Redis, RQ workers and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from redis import Redis
from rq import Queue
from rq.registry import FinishedJobRegistry

from bng_optimiser.jobs.stopping import request_stop
from tests.api.samples import NEUTRAL_GRASSLAND, quote_body, sample_price
from tests.api.stack import ADMIN_TOKEN, Workers, wait_for_job

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def saved_quote_count(client: httpx.Client, client_name: str) -> int:
    response = client.get("/quotes", params={"client": client_name})
    assert response.status_code == 200
    return int(response.json()["total"])


def test_cold_quote_then_cache_hit(
    client: httpx.Client, workers: Workers, redis: Redis, queue_name: str
) -> None:
    workers.start(1)
    queued = client.post("/jobs", json=quote_body("Cold then hit Ltd"))
    assert queued.status_code == 202
    assert queued.json()["status"] == "queued"
    job_id = queued.json()["job_id"]
    assert job_id.startswith("quote-")

    done = wait_for_job(client, job_id, {"finished", "failed"})
    assert done["status"] == "finished"
    result = done["result"]
    assert isinstance(result, dict)
    # 1.0 unit is at least 0.1 and below 2.5, so the contract is small with a 500 GBP admin fee.
    assert result["contract_size"] == "small"
    assert result["admin_fee"] == 500.0
    [line] = result["lines"]
    assert line["demand_habitat"] == NEUTRAL_GRASSLAND
    assert line["units"] == 1.0
    # Unpaired, so the unit price is the bank's listed price for that habitat, size and tier.
    if not line["paired"]:
        [supply] = line["supply"]
        assert line["unit_price"] == sample_price(line["bank_id"], supply, "small", line["tier"])
    # cost = 1.0 unit x unit price; total = cost + 500 admin fee (no discounts requested).
    assert line["cost"] == line["unit_price"]
    assert result["total"] == line["cost"] + 500.0
    assert saved_quote_count(client, "Cold then hit Ltd") == 1

    hit = client.post("/jobs", json=quote_body("Cold then hit Ltd"))
    assert hit.status_code == 200
    body = hit.json()
    assert body["status"] == "finished"
    assert body["cached"] is True
    assert body["reference"] == done["reference"]
    assert body["result"] == result
    # A hit neither enqueues nor saves anything.
    assert Queue(queue_name, connection=redis).count == 0
    assert FinishedJobRegistry(queue_name, connection=redis).count == 1
    assert saved_quote_count(client, "Cold then hit Ltd") == 1


def test_spellings_share_one_cache_entry(client: httpx.Client, redis: Redis) -> None:
    first = client.post("/jobs", json=quote_body("Spelling Ltd"))
    canonical = quote_body("Spelling Ltd")
    canonical.update(
        lpa_code="E60000016",
        nca_number=61,
        demand=[{"habitat": NEUTRAL_GRASSLAND, "units": 1.0}],
    )
    second = client.post("/jobs", json=canonical)
    assert first.status_code == 202
    assert second.status_code == 202
    assert second.json()["job_id"] == first.json()["job_id"]


def test_identical_concurrent_posts_make_one_job(
    client: httpx.Client, workers: Workers, redis: Redis, queue_name: str
) -> None:
    body = quote_body("Twenty at once Ltd", units=2.0)

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=str(client.base_url), timeout=30) as own:
            return own.post("/jobs", json=body)

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(post, range(20)))

    assert [r.status_code for r in responses] == [202] * 20
    job_ids = {r.json()["job_id"] for r in responses}
    assert len(job_ids) == 1
    assert Queue(queue_name, connection=redis).count == 1

    workers.start(1)
    done = wait_for_job(client, job_ids.pop(), {"finished", "failed"})
    assert done["status"] == "finished"
    assert saved_quote_count(client, "Twenty at once Ltd") == 1


def test_reference_change_makes_next_request_a_miss(
    client: httpx.Client, workers: Workers
) -> None:
    from tests.api.samples import bank_zip

    workers.start(1)
    body = quote_body("Version change Ltd")
    first = client.post("/jobs", json=body)
    done = wait_for_job(client, first.json()["job_id"], {"finished", "failed"})
    assert done["status"] == "finished"
    assert client.post("/jobs", json=body).status_code == 200
    old_version = client.get("/reference/version").json()["version"]

    # Bank BNK036's first price rises by 1 GBP, which makes a new reference data version.
    upload = {"file": ("bank.zip", bank_zip("BNK036", price_change=1.0), "application/zip")}
    imported = client.post("/reference/import", files=upload, headers=ADMIN)
    assert imported.status_code == 200, imported.text
    new_version = imported.json()["version"]
    assert new_version != old_version

    miss = client.post("/jobs", json=body)
    assert miss.status_code == 202
    assert miss.json()["job_id"] != first.json()["job_id"]
    redone = wait_for_job(client, miss.json()["job_id"], {"finished", "failed"})
    assert redone["status"] == "finished"
    result = redone["result"]
    assert isinstance(result, dict)
    assert result["reference_version"] == new_version
    assert client.post("/jobs", json=body).status_code == 200


def test_job_reports_retries_left(client: httpx.Client) -> None:
    queued = client.post("/jobs", json=quote_body("Retry count Ltd"))
    state = client.get(f"/jobs/{queued.json()['job_id']}").json()
    assert state["status"] == "queued"
    # Settings.job_retries defaults to 1: one retry after a lost worker.
    assert state["retries_left"] == 1


def test_unknown_job_is_404(client: httpx.Client) -> None:
    for job_id in ("quote-0000", "not a job id"):
        response = client.get(f"/jobs/{job_id}")
        assert response.status_code == 404
        assert "not found" in response.json()["detail"]


def test_cancel_queued_job(client: httpx.Client, redis: Redis, queue_name: str) -> None:
    job_id = client.post("/jobs", json=quote_body("Cancel me Ltd")).json()["job_id"]

    canceled = client.delete(f"/jobs/{job_id}")
    assert canceled.status_code == 200
    assert canceled.json() == {"job_id": job_id, "status": "canceled"}
    assert client.get(f"/jobs/{job_id}").json()["status"] == "canceled"
    assert Queue(queue_name, connection=redis).count == 0
    again = client.delete(f"/jobs/{job_id}")
    assert again.status_code == 409

    # Submitting the same request again starts a fresh job under the same id.
    resubmitted = client.post("/jobs", json=quote_body("Cancel me Ltd"))
    assert resubmitted.status_code == 202
    assert resubmitted.json()["job_id"] == job_id
    assert client.get(f"/jobs/{job_id}").json()["status"] == "queued"


def test_stale_stop_skips_identical_job(
    client: httpx.Client, workers: Workers, redis: Redis
) -> None:
    job_id = client.post("/jobs", json=quote_body("Stale stop Ltd")).json()["job_id"]
    # A stop request left over from a run that ended before it took effect.
    request_stop(redis, job_id)
    assert client.delete(f"/jobs/{job_id}").status_code == 200

    resubmitted = client.post("/jobs", json=quote_body("Stale stop Ltd"))
    assert resubmitted.json()["job_id"] == job_id
    workers.start(1)
    done = wait_for_job(client, job_id, {"finished", "failed", "canceled"})
    assert done["status"] == "finished"


def test_promoter_discount_applied(client: httpx.Client, workers: Workers) -> None:
    workers.start(1)
    plain = client.post("/jobs", json=quote_body("Promoter Ltd"))
    discounted = client.post(
        "/jobs",
        json=quote_body("Promoter Ltd", promoter="sample developments plc (illustrative)"),
    )
    assert discounted.json()["job_id"] != plain.json()["job_id"]
    full = wait_for_job(client, plain.json()["job_id"], {"finished", "failed"})["result"]
    cut = wait_for_job(client, discounted.json()["job_id"], {"finished", "failed"})["result"]
    assert isinstance(full, dict)
    assert isinstance(cut, dict)
    # The sample promoter's terms are 5 % off every unit price; the admin fee is never
    # discounted, so subtotal falls to 95 % and total = 0.95 x subtotal + 500.
    assert abs(cut["subtotal"] - 0.95 * full["subtotal"]) < 0.01
    assert abs(cut["total"] - (0.95 * full["subtotal"] + 500.0)) < 0.01


def test_unknown_promoter_is_422(client: httpx.Client) -> None:
    response = client.post("/jobs", json=quote_body("Promoter Ltd", promoter="Nobody plc"))
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "promoter"]
    assert "Nobody plc" in problem["msg"]


def test_promoter_with_discount_is_422(client: httpx.Client) -> None:
    body = quote_body(
        "Both terms Ltd",
        promoter="Anyone plc",
        promoter_discount={"type": "percentage", "value": 5},
    )
    response = client.post("/jobs", json=body)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert "give either promoter or promoter_discount, not both" in problem["msg"]


def test_purge_then_resubmit_requeues(client: httpx.Client, workers: Workers) -> None:
    workers.start(1)
    body = quote_body("Purge Ltd")
    job_id = client.post("/jobs", json=body).json()["job_id"]
    wait_for_job(client, job_id, {"finished", "failed"})
    assert client.post("/jobs", json=body).status_code == 200

    purged = client.post("/cache/purge", headers=ADMIN)
    assert purged.json() == {"deleted": 1}
    # The finished job still exists under the same id; it is replaced by a new one.
    again = client.post("/jobs", json=body)
    assert again.status_code == 202
    assert again.json()["job_id"] == job_id
    done = wait_for_job(client, job_id, {"finished", "failed"})
    assert done["status"] == "finished"
    assert client.post("/jobs", json=body).status_code == 200


def test_openapi_docs_served(client: httpx.Client) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/jobs", "/jobs/{job_id}", "/health", "/quotes/{reference}/accept"} <= set(paths)


def test_get_with_wait_returns_finished_job(client: httpx.Client, workers: Workers) -> None:
    workers.start(1)
    queued = client.post("/jobs", json=quote_body("Long poll Ltd"))
    assert queued.status_code == 202

    # One request that waits replaces polling, because it returns once the job has ended.
    done = client.get(f"/jobs/{queued.json()['job_id']}", params={"wait": 30}, timeout=60)
    assert done.status_code == 200
    assert done.json()["status"] == "finished"
    # 1.0 unit is below 2.5, so a small contract with a 500 GBP admin fee.
    assert done.json()["result"]["admin_fee"] == 500.0


def test_get_with_wait_on_queued_job_times_out(client: httpx.Client) -> None:
    # No worker runs, so the job is still queued when the 0.5 s wait ends.
    job_id = client.post("/jobs", json=quote_body("Nobody works Ltd")).json()["job_id"]
    state = client.get(f"/jobs/{job_id}", params={"wait": 0.5})
    assert state.status_code == 200
    assert state.json()["status"] == "queued"


def test_get_wait_above_limit_is_422(client: httpx.Client) -> None:
    job_id = client.post("/jobs", json=quote_body("Waits too long Ltd")).json()["job_id"]
    response = client.get(f"/jobs/{job_id}", params={"wait": 61})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "wait"]
