"""The built web UI (``frontend/dist``), served by the API so one port gives the whole app.

``GET /`` returns ``index.html`` to browsers (see the health route); the bundle's files are
under ``/assets`` and the few top-level files (icons) by name.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

DEFAULT_DIST = Path(__file__).resolve().parent.parent / "frontend" / "dist"


def mount_web_ui(app: FastAPI, dist: Path | None) -> Path | None:
    """Serve ``dist`` if it holds a build; return its ``index.html`` (None when there is none)."""
    if dist is None or not (dist / "index.html").is_file():
        return None
    root = dist.resolve()
    if (root / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=root / "assets"), name="assets")

    @app.get("/{name}", include_in_schema=False)
    async def top_level_file(name: str) -> FileResponse:
        """Files at the top of the build (favicon and the like); never a path outside it."""
        path = (root / name).resolve()
        if name.startswith(".") or path.parent != root or not path.is_file():
            raise HTTPException(404, "Not Found")
        return FileResponse(path)

    return root / "index.html"
