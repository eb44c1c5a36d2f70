"""GET / (health, 503 while not serving) and GET /api/info, and the built web UI."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from api import create_app
from engine.checkpoint import Checkpoint
from engine.recipe import SMALL, TINY
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import SEED_PROMPT, client_for, until


async def test_health_is_ok_with_model_facts(client: httpx.AsyncClient, engine: Engine) -> None:
    response = await client.get("/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert engine.info is not None
    assert body["model"]["checkpoint"] == engine.info.checkpoint
    assert body["model"]["parameters"] == engine.info.parameters
    assert body["model"]["accuracy"]["addition"] > 0.9


async def test_info_has_status_limits_and_examples_of_the_model(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/api/info")).json()
    assert body["status"]["state"] == "ready"
    assert body["model"]["training_steps"] > 0
    assert body["limits"] == {
        "max_prompt_chars": 500,
        "max_tokens": {"min": 1, "max": 256, "default": 128},
        "temperature": {"min": 0.0, "max": 2.0, "default": 0.0},
        "top_k": {"min": 0, "max": 100, "default": 0},
    }
    # the small model knows the seed's families only: no multiplication examples
    assert set(body["examples"]) == {
        "addition",
        "subtraction",
        "parity",
        "ordering",
        "successor",
        "out_of_scope",
    }
    assert "What is 3 plus 4?" in body["examples"]["addition"]


@pytest.fixture
def tiny_settings(tmp_path: Path) -> Settings:
    """A private, empty model cache: the engine must train the tiny recipe."""
    return Settings(cache_dir=tmp_path / "tiny-cache", _env_file=None)


async def test_not_started_engine_gets_503_everywhere(tiny_settings: Settings) -> None:
    engine = Engine(tiny_settings, TINY)
    async with client_for(create_app(engine, tiny_settings, web_ui=None)) as client:
        health = await client.get("/")
        assert health.status_code == 503
        assert health.headers["retry-after"] == "5"
        assert health.json() == {
            "status": "loading",
            "progress": 0.0,
            "detail": "starting",
            "eta_seconds": None,
        }
        for route in ("/api/complete", "/api/complete/stream", "/api/inspect"):
            response = await client.post(route, json={"prompt": SEED_PROMPT})
            assert response.status_code == 503
            assert response.headers["retry-after"] == "5"
            assert response.json() == {"detail": "starting", "progress": 0.0}
        info = await client.get("/api/info")
        assert info.status_code == 200
        assert info.json()["model"] is None
        assert "multiplication" in info.json()["examples"]  # all families until it loads


async def test_training_engine_reports_progress(tiny_settings: Settings) -> None:
    engine = Engine(tiny_settings, TINY)
    engine.start()
    try:
        async with client_for(create_app(engine, tiny_settings, web_ui=None)) as client:
            await until(lambda: engine.status.state == "training", timeout=120)
            health = await client.get("/")
            answer = await client.post("/api/complete", json={"prompt": SEED_PROMPT})
            info = (await client.get("/api/info")).json()
            await engine.wait_ready(300)
            after = await client.get("/")
    finally:
        await engine.close()
    assert health.status_code == 503
    assert 1 <= int(health.headers["retry-after"]) <= 5
    body = health.json()
    assert body["status"] == "training"
    assert 0.0 <= body["progress"] <= 1.0
    assert body["detail"].startswith("training the model: step ")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["detail"].startswith("training the model: step ")
    assert 0.0 <= answer.json()["progress"] <= 1.0
    assert info["status"]["state"] == "training"
    assert after.status_code == 200


async def test_failed_start_is_reported(tiny_settings: Settings) -> None:
    broken = replace(TINY, train=replace(TINY.train, families=("no-such-family",)))
    engine = Engine(tiny_settings, broken)
    engine.start()
    await until(lambda: engine.status.state == "failed", timeout=60)
    async with client_for(create_app(engine, tiny_settings, web_ui=None)) as client:
        health = await client.get("/")
        answer = await client.post("/api/complete", json={"prompt": SEED_PROMPT})
    assert health.status_code == 503
    assert health.json()["status"] == "failed"
    assert health.json()["detail"].startswith("the model failed to start")
    assert answer.status_code == 503
    assert answer.json()["detail"].startswith("the model failed to start")


async def test_owned_engine_is_started_and_closed_by_the_lifespan(
    small_checkpoint: Checkpoint, model_cache_dir: Path
) -> None:
    settings = Settings(cache_dir=model_cache_dir, _env_file=None)
    engine = Engine(settings, SMALL)  # cached by the fixtures: loads at once
    app = create_app(engine, settings, owns_engine=True, web_ui=None)
    async with app.router.lifespan_context(app):
        await engine.wait_ready(60)
        async with client_for(app) as client:
            assert (await client.get("/")).status_code == 200
    assert engine.status.state == "closed"


async def test_a_worker_app_runs_on_ready_once_its_model_serves_before_any_request(
    small_checkpoint: Checkpoint, model_cache_dir: Path
) -> None:
    settings = Settings(cache_dir=model_cache_dir, _env_file=None)
    engine = Engine(settings, SMALL)
    states: list[str] = []
    app = create_app(
        engine,
        settings,
        owns_engine=True,
        wait_ready=True,
        on_ready=lambda: states.append(engine.status.state),
        web_ui=None,
    )
    async with app.router.lifespan_context(app):
        assert states == ["ready"]  # called once, after the model was ready
        async with client_for(app) as client:
            assert (await client.get("/")).status_code == 200
    assert states == ["ready"]


async def test_given_engine_is_left_alone(engine: Engine, settings: Settings) -> None:
    app = create_app(engine, settings, web_ui=None)
    async with app.router.lifespan_context(app):
        pass
    assert engine.status.state == "ready"


@pytest.fixture
def web_ui(tmp_path: Path) -> Path:
    """A stand-in build of the frontend: what ``npm run build`` leaves in frontend/dist."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>Mini Reasoner</title>")
    (dist / "assets" / "index-abc.js").write_text("console.log('hi')")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    return dist


async def test_browsers_get_the_web_ui(engine: Engine, settings: Settings, web_ui: Path) -> None:
    async with client_for(create_app(engine, settings, web_ui=web_ui)) as client:
        page = await client.get("/", headers={"accept": "text/html,application/xhtml+xml"})
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "<title>Mini Reasoner</title>" in page.text
        assert (await client.get("/")).json()["status"] == "ok"  # API clients: health
        script = await client.get("/assets/index-abc.js")
        assert script.status_code == 200
        assert script.text == "console.log('hi')"
        assert (await client.get("/favicon.svg")).text == "<svg/>"
        assert (await client.get("/..%2Fsecret.txt")).status_code == 404
        assert (await client.get("/assets/../../secret.txt")).status_code == 404
        assert (await client.get("/missing.png")).status_code == 404
        docs = await client.get("/docs")
        assert docs.status_code == 200
        assert "swagger" in docs.text.lower()


async def test_without_a_build_html_requests_get_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/", headers={"accept": "text/html"})
    assert response.json()["status"] == "ok"
