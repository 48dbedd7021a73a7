"""Start an RQ worker, with RQ's scheduler, over Heard's queues; and the periodic-job scheduler.

Run one `python worker.py` per machine; add `--no-cron` to any extra workers so periodic jobs
are enqueued by one process only (they are idempotent, so an overlap does no harm).

Jobs run in this process rather than in a fork per job: the classifier takes seconds to load,
and a fresh fork for every message would pay that on every safeguarding check. A job that
kills the process loses nothing: its message is still unclassified, and the sweeper
re-enqueues it once a worker is back.
"""

import argparse
from multiprocessing import Process

from rq import SimpleWorker

import classifiers
from app import create_app
from app.extensions import queues
from app.jobs import QUEUES
from app.jobs.periodic import cron_scheduler


def main() -> None:
    """Parse flags and run the worker until it is stopped."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-cron", action="store_true", help="do not run periodic jobs")
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    args = parser.parse_args()

    app = create_app()
    with app.app_context():
        connection = queues.connection
        if connection is None:
            raise SystemExit("REDIS_URL is not set: without Redis, jobs run inside the web app.")
        if not args.no_cron:
            Process(target=cron_scheduler(connection).start, daemon=True).start()
        classifiers.get(app.config["CLASSIFIER"])  # load once, before the first message waits
        SimpleWorker(QUEUES, connection=connection).work(with_scheduler=True, burst=args.burst)


if __name__ == "__main__":
    main()
