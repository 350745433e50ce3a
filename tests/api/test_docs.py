"""/docs and /redoc load every file from the API itself, so they work without internet access."""

from __future__ import annotations

import re

import httpx
import pytest


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_use_local_files(client: httpx.Client, page: str) -> None:
    response = client.get(page)
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert sources, response.text
    # Every script, stylesheet and icon is a path on this server, none on a CDN.
    assert all(source.startswith("/") for source in sources), sources
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.content) > 1000, source
