"""gunicorn settings for Heard, read from the working directory: `gunicorn 'app:create_app()'`.

Behind a buffering reverse proxy (see the README). Each web process starts the periodic-job
scheduler when the app is configured to (SCHEDULER_IN_WEB, on by default without Redis), so
the documented production command runs periodic work whether or not there is a worker.
"""

from typing import Any

import gunicorn.http.wsgi

# Say nothing about the server software or its version in each response's Server header.
gunicorn.http.wsgi.SERVER = "Heard"

bind = "0.0.0.0:8000"
worker_class = "sync"
# The app is built before forking: every worker shares the loaded code.
preload_app = False
timeout = 60


def post_worker_init(worker: Any) -> None:
    """Start this web process's scheduler, if the app asks for one, and load the classifier
    now if this process classifies (no Redis)."""
    from app.jobs.scheduler import start_in_web_process
    from app.services.classification.pipeline import warm_up_in_background

    start_in_web_process(worker.wsgi)
    warm_up_in_background(worker.wsgi)
