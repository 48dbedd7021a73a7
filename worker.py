"""Start an RQ worker over Heard's queues, with the periodic-job scheduler on a thread (which
also moves RQ's due retries onto their queues).

Run as many as you like, on as many machines: every worker runs a scheduler, and each periodic
job still runs once per period (the schedulers claim each period in the database). The
scheduler is a thread of this process, so it stops when the worker stops, however it stops.

Without Redis (REDIS_URL unset) jobs run inside the web app; this then runs only the
scheduler, for web processes that do not run one themselves (SCHEDULER_IN_WEB=false).

Jobs run in this process rather than in a fork per job: the classifier takes seconds to load,
and a fresh fork for every message would pay that on every safeguarding check. A job that
kills the process loses nothing: its message is still unclassified, and the sweeper
re-enqueues it once a worker is back.
"""

import argparse
import signal

from rq import SimpleWorker

import classifiers
from app import create_app
from app.extensions import queues
from app.jobs import QUEUES
from app.jobs.scheduler import Scheduler


class Worker(SimpleWorker):
    """RQ's SimpleWorker, whose command channel waits at most a second at a time.

    RQ listens for commands (such as "stop") on a pubsub thread that waits up to a minute
    for messages; on SIGTERM the worker waits for that thread, so a deploy or a scale-down
    could take a minute per worker. A short wait lets it stop in a second or two.
    """

    def subscribe(self) -> None:
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        # RQ leaves the attribute's type as None (it sets it so in __init__, unannotated).
        self.pubsub_thread = self.pubsub.run_in_thread(  # type: ignore[assignment]
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )


def main() -> None:
    """Parse flags and run the worker until it is stopped."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-cron", action="store_true", help="do not run periodic jobs here")
    parser.add_argument("--burst", action="store_true", help="stop when the queues are empty")
    args = parser.parse_args()

    app = create_app()
    scheduler = None if args.no_cron else Scheduler(app).start()
    with app.app_context():
        connection = queues.connection
        if connection is None:
            if scheduler is None:
                raise SystemExit("Without REDIS_URL this worker only runs periodic jobs.")
            signal.sigwait({signal.SIGINT, signal.SIGTERM})
            scheduler.stop()
            return
        classifiers.get(app.config["CLASSIFIER"])  # load once, before the first message waits
        # RQ's own scheduler would fork a process that outlives a killed worker; retries are
        # moved onto their queues by the scheduler thread instead (app/jobs/scheduler.py).
        Worker(QUEUES, connection=connection).work(with_scheduler=False, burst=args.burst)
    if scheduler is not None:
        scheduler.stop()


if __name__ == "__main__":
    main()
