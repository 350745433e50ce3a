"""Bad input and oversized bodies get a clear 4xx and leave the service healthy."""

from __future__ import annotations

import httpx
import pytest

from tests.api.samples import quote_body
from tests.api.stack import ADMIN_TOKEN


def assert_healthy(client: httpx.Client) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "redis": "ok", "postgres": "ok"}


def test_malformed_json_is_422(client: httpx.Client) -> None:
    response = client.post(
        "/jobs",
        content=b'{"lpa_code": "E60000016", "demand": [',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["type"] == "json_invalid"
    assert_healthy(client)


def test_unknown_habitat_names_value_and_suggestions(client: httpx.Client) -> None:
    body = quote_body("Typo Ltd")
    body["demand"] = [
        {"habitat": "Grassland - Other neutral grassland", "units": 1},
        {"habitat": "Grasland - Modifed grassland", "units": 1},
    ]
    response = client.post("/jobs", json=body)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "demand", 1, "habitat"]
    assert problem["input"] == "Grasland - Modifed grassland"
    assert "Grassland - Modified grassland" in problem["suggestions"]
    assert_healthy(client)


def test_unknown_nca_is_422(client: httpx.Client) -> None:
    response = client.post("/jobs", json=quote_body("Typo Ltd", nca_number=999))
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "nca_number"]
    assert "999" in problem["msg"]


@pytest.mark.parametrize(
    ("field", "value", "location"),
    [
        ("units", -1, ["body", "demand", 0, "units"]),
        ("units", "lots", ["body", "demand", 0, "units"]),
        ("habitat", "", ["body", "demand", 0, "habitat"]),
    ],
)
def test_invalid_demand_row_is_422(
    client: httpx.Client, field: str, value: object, location: list[object]
) -> None:
    body = quote_body("Bad row Ltd")
    body["demand"] = [{"habitat": "Grassland - Modified grassland", "units": 1, field: value}]
    response = client.post("/jobs", json=body)
    assert response.status_code == 422
    assert [p["loc"] for p in response.json()["detail"]] == [location]


def test_empty_demand_is_422(client: httpx.Client) -> None:
    response = client.post("/jobs", json=quote_body("Empty Ltd", demand=[]))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "demand"]


def test_ten_thousand_rows_is_422(client: httpx.Client) -> None:
    rows = [{"habitat": "Grassland - Modified grassland", "units": 0.5}] * 10_000
    response = client.post("/jobs", json=quote_body("Big Ltd", demand=rows))
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "demand"]
    assert "500" in problem["msg"]
    # The 10,000 rows are not echoed back.
    assert len(response.content) < 2_000
    assert_healthy(client)


def test_fifty_megabyte_body_is_413(client: httpx.Client) -> None:
    body = b'{"lpa_code": "' + b"x" * (50 * 1024 * 1024) + b'"}'
    try:
        response = client.post("/jobs", content=body, headers={"content-type": "application/json"})
    except httpx.TransportError:
        # The server may close the connection before the client finishes sending.
        pytest.fail("the API dropped the connection instead of answering 413")
    assert response.status_code == 413
    # 16 bytes of JSON around 50 x 1024 x 1024 = 52,428,800 letters x, the size in Content-Length.
    assert response.json()["detail"] == (
        "request body is too large: 52,428,816 bytes; at most 1,000,000 bytes are accepted"
    )
    assert_healthy(client)


def test_chunked_body_over_limit_is_413(client: httpx.Client) -> None:
    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(20):
            yield b"x" * 100_000

    response = client.post("/jobs", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    # Reading stops in the chunk that passes 1,000,000 bytes, so the size is a lower bound.
    detail = response.json()["detail"]
    assert detail.startswith("request body is too large: at least 1,")
    assert detail.endswith("bytes; at most 1,000,000 bytes are accepted")
    assert_healthy(client)


def test_admin_token_checks(client: httpx.Client) -> None:
    assert client.post("/cache/purge").status_code == 401
    wrong = client.post("/cache/purge", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 403
    right = client.post("/cache/purge", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert right.status_code == 200
    assert right.json() == {"deleted": 0}
    assert client.get("/admin/queue").status_code == 401
    queue = client.get("/admin/queue", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert queue.status_code == 200
    assert queue.json()["queued"] == 0


def test_import_lists_every_bad_row(client: httpx.Client) -> None:
    import io
    import zipfile

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("banks.csv", "bank_id,name,lpa_code,nca_number,waterbody_id\n"
                        "BNKX1,Bad Bank,E99999999,61,\nBNKX2,Worse Bank,E60000016,999,\n")
        zipped.writestr("stock.csv", "stock_id,bank_id,habitat,units_available,units_held\n")
        zipped.writestr("prices.csv", "bank_id,habitat,contract_size,tier,price\n")
    version_before = client.get("/reference/version").json()["version"]
    response = client.post(
        "/reference/import",
        files={"file": ("bad.zip", archive.getvalue(), "application/zip")},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
    )
    assert response.status_code == 422
    problems = response.json()["detail"]["problems"]
    assert any("E99999999" in p for p in problems)
    assert any("999" in p and "E99999999" not in p for p in problems)
    assert client.get("/reference/version").json()["version"] == version_before


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"hello", "text/plain"),
        (b'{"a":1}', "application/x-www-form-urlencoded"),
    ],
    ids=["text", "form"],
)
def test_non_json_body_is_422(
    client: httpx.Client, content: bytes, content_type: str
) -> None:
    response = client.post("/jobs", content=content, headers={"content-type": content_type})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body"]
    # The raw bytes cannot go in a JSON reply, so they are left out.
    assert "input" not in problem
    assert_healthy(client)


ROW = '{"habitat": "Grassland - Other neutral grassland", "units": %s}'


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ('{"lpa_code": "E60000016", "demand": [%s]}' % (ROW % "Infinity"), ["demand", 0, "units"]),
        ('{"lpa_code": "E60000016", "demand": [%s]}' % (ROW % "NaN"), ["demand", 0, "units"]),
        (
            '{"lpa_code": "E60000016", "demand": [%s], "suo_surplus_units": NaN}' % (ROW % "1"),
            ["suo_surplus_units"],
        ),
    ],
    ids=["infinite-units", "nan-units", "nan-surplus"],
)
def test_non_finite_number_is_422(
    client: httpx.Client, body: str, location: list[object]
) -> None:
    # Python's JSON parser accepts Infinity and NaN, which a strict JSON reply cannot hold.
    response = client.post("/jobs", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    locations = [problem["loc"] for problem in response.json()["detail"]]
    assert ["body", *location] in locations
    assert_healthy(client)
