# Mini Reasoner: the web API and web UI in one image (CPU only).
#
#   docker build -t mini-reasoner .
#   docker run -p 8000:8000 mini-reasoner          # then open http://localhost:8000
#
# The model is trained while the image builds (20-40 minutes on two cores, once), so a container
# answers as soon as it starts; the checkpoint lives in the image at /app/model-cache.

# --- the web UI: frontend/dist --------------------------------------------------------------
FROM node:22-slim AS web
WORKDIR /web
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- the Python app ----------------------------------------------------------------------------
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MINI_REASONER_CACHE_DIR=/app/model-cache \
    MINI_REASONER_HOST=0.0.0.0 \
    PORT=8000

RUN useradd --create-home --uid 10001 app
WORKDIR /app

# CPU-only torch first (the default index would pull a multi-GB CUDA build), then the rest.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY engine/ engine/
COPY api/ api/
COPY tui/ tui/
COPY bots/ bots/
COPY cli/ cli/
# editable, so the app finds the web UI beside its source in /app/frontend/dist
RUN pip install -e .
COPY --from=web /web/dist frontend/dist
RUN mkdir -p "$MINI_REASONER_CACHE_DIR" && chown app:app "$MINI_REASONER_CACHE_DIR"

USER app
RUN mini-reasoner train

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8000\")}/', timeout=4)"
CMD ["mini-reasoner", "serve", "--host", "0.0.0.0"]
