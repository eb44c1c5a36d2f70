"""CORS: any origin by default (as the seed says); MINI_REASONER_CORS_ORIGINS restricts it."""

from __future__ import annotations

from pathlib import Path

import httpx

from api import create_app
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import SEED_PROMPT, client_for

UI = "https://mini-reasoner.vercel.app"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "content-type",
}


async def test_any_origin_by_default(client: httpx.AsyncClient) -> None:
    preflight = await client.options("/api/complete", headers={"origin": UI, **PREFLIGHT})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    response = await client.post(
        "/api/complete", json={"prompt": SEED_PROMPT}, headers={"origin": UI}
    )
    assert response.headers["access-control-allow-origin"] == "*"
    assert "retry-after" in response.headers["access-control-expose-headers"].lower()


async def test_errors_carry_cors_headers_too(client: httpx.AsyncClient) -> None:
    """A browser can only read an error's detail if the error has the CORS headers."""
    invalid = await client.post("/api/complete", json={"prompt": ""}, headers={"origin": UI})
    too_big = await client.post(
        "/api/complete", json={"prompt": "x" * 20_000}, headers={"origin": UI}
    )
    assert invalid.status_code == 422
    assert too_big.status_code == 413
    for response in (invalid, too_big):
        assert response.headers["access-control-allow-origin"] == "*"


async def test_origins_can_be_restricted(engine: Engine, tmp_path: Path) -> None:
    settings = Settings(
        cache_dir=tmp_path, cors_origins=f"{UI}, http://localhost:5173", _env_file=None
    )
    async with client_for(create_app(engine, settings, web_ui=None)) as client:
        allowed = await client.options("/api/complete", headers={"origin": UI, **PREFLIGHT})
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == UI
        local = await client.post(
            "/api/complete",
            json={"prompt": SEED_PROMPT},
            headers={"origin": "http://localhost:5173"},
        )
        assert local.headers["access-control-allow-origin"] == "http://localhost:5173"
        other = "https://elsewhere.example"
        refused = await client.options("/api/complete", headers={"origin": other, **PREFLIGHT})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        simple = await client.post(
            "/api/complete", json={"prompt": SEED_PROMPT}, headers={"origin": other}
        )
        assert simple.status_code == 200  # served, but the browser will not hand it over
        assert "access-control-allow-origin" not in simple.headers
