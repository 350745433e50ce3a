"""Reference data endpoints for forms, and the metric workbook upload."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx

from tests.api.stack import REPO

METRIC_EXAMPLE = REPO / "tests" / "data" / "statutory_metric_onsite_example.xlsx"


def test_habitat_search(client: httpx.Client) -> None:
    found = client.get("/reference/habitats", params={"search": "neutral"}).json()
    labels = [h["label"] for h in found]
    assert "Grassland - Other neutral grassland" in labels
    assert all("neutral" in label.lower() for label in labels)
    assert len(client.get("/reference/habitats").json()) == 150 + 3  # catalogue + net-gain rows


def test_lpa_and_nca_search(client: httpx.Client) -> None:
    lpas = client.get("/reference/lpas", params={"search": "cheshire"}).json()
    assert {"code": "E60000016", "name": "Cheshire West and Chester"} in lpas
    ncas = client.get("/reference/ncas", params={"search": "61"}).json()
    assert [n["number"] for n in ncas] == [61]


def test_lpa_neighbours(client: httpx.Client) -> None:
    neighbours = client.get("/reference/lpas/E60000016/neighbours").json()
    assert {"code": "E60000015", "name": "Cheshire East"} in neighbours
    # Cheshire West and Chester borders two Welsh authorities, which have no LPA record.
    assert {"code": "W43000006", "name": "Flintshire (Wales)"} in neighbours
    assert {"code": "W43000007", "name": "Wrexham (Wales)"} in neighbours
    assert client.get("/reference/lpas/E69999999/neighbours").status_code == 404


def test_version_and_promoters(client: httpx.Client) -> None:
    version = client.get("/reference/version").json()
    assert version["version"].startswith("v")
    assert version["banks"] >= 36
    assert "Direct client (no terms)" in client.get("/promoters").json()


def test_metric_upload(client: httpx.Client) -> None:
    with Path(METRIC_EXAMPLE).open("rb") as handle:
        response = client.post("/metric", files={"file": ("example.xlsx", handle)})
    assert response.status_code == 200, response.text
    assert "demand" in response.json()


def test_metric_upload_rejects_non_workbook(client: httpx.Client) -> None:
    response = client.post("/metric", files={"file": ("notes.xlsx", b"not a workbook")})
    assert response.status_code == 422


def test_metric_upload_over_limit_is_413(client: httpx.Client) -> None:
    # Settings.max_upload_bytes defaults to 20 MiB; 21 MiB is over it.
    big = b"0" * (21 * 1024 * 1024)
    response = client.post("/metric", files={"file": ("big.xlsx", big)})
    assert response.status_code == 413


def test_bank_list(client: httpx.Client) -> None:
    banks = client.get("/reference/banks").json()
    ids = [bank["bank_id"] for bank in banks]
    assert ids == sorted(ids)
    gowy = next(bank for bank in banks if bank["bank_id"] == "BNK001")
    assert gowy == {
        "bank_id": "BNK001",
        "name": "Gowy Meadows Habitat Bank",
        "lpa_code": "E60000016",
        "nca_number": 61,
    }


def test_zip_bomb_names_unpacked_size(client: httpx.Client) -> None:
    # 400 MiB + 1 byte of zeros deflates to well under the 20 MiB upload limit.
    unpacked = 400 * 1024 * 1024 + 1
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("[Content_Types].xml", "<Types/>")
        with zipped.open("xl/padding.bin", "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(400):
                member.write(block)
            member.write(b"\0")
    response = client.post("/metric", files={"file": ("bomb.xlsx", archive.getvalue())})
    assert response.status_code == 422
    detail = response.json()["detail"]
    # 8 bytes of [Content_Types].xml plus 419,430,401 bytes of padding = 419,430,409 bytes.
    assert f"unpacks to {unpacked + 8:,} bytes, more than the limit" in detail
    assert "at most 400 MB is accepted" in detail
