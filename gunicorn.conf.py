"""gunicorn settings for Heard, read from the working directory: `gunicorn 'app:create_app()'`.

Behind a buffering reverse proxy (see the README). Each web process starts the periodic-job
scheduler when the app is configured to (SCHEDULER_IN_WEB, on by default without Redis), so
the documented production command runs periodic work whether or not there is a worker.
"""

import os
import shutil
from typing import Any

import gunicorn.http.wsgi

# Say nothing about the server software or its version in each response's Server header.
gunicorn.http.wsgi.SERVER = "Heard"

bind = "0.0.0.0:8000"
worker_class = "sync"
# The app is built before forking: every worker shares the loaded code.
preload_app = False
timeout = 60
# No management socket: nothing here uses it, and the image's file system is read-only.
control_socket_disable = True

# With LOG_FORMAT=json, gunicorn's own lines are JSON too, in the app's format.
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.logs.json_formatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        # gunicorn's defaults are replaced whole, key by key: the root logger is named too.
        "root": {"handlers": ["stderr"], "level": "INFO"},
        "loggers": {
            "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            # Off: its lines carry the whole address asked for, secret links included; the
            # app's own line per request (heard.request) names the route instead.
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }


def post_worker_init(worker: Any) -> None:
    """Start this web process's scheduler, if the app asks for one, and load the classifier
    now if this process classifies (no Redis)."""
    from app.jobs.scheduler import start_in_web_process
    from app.services.classification.pipeline import warm_up_in_background

    start_in_web_process(worker.wsgi)
    warm_up_in_background(worker.wsgi)


def on_starting(server: Any) -> None:
    """Start with an empty metrics directory (PROMETHEUS_MULTIPROC_DIR), so counters from an
    earlier run of the server are not added to this one's."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """Tidy the metrics files of a web process that has exited."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
