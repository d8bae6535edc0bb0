"""The Celery app, bound to a Flask app (Flask's `examples/celery` shape).

Tasks run inside the Flask app context, where ``app_context.current_context()``
answers the process's Context. The broker is Redis when LOCSVC_BROKER_URL is set,
otherwise kombu's SQLAlchemy transport on a SQLite file in the data dir: a real
broker that keeps queued jobs across restarts, with no service to run.
"""

from __future__ import annotations

from celery import Celery, Task
from flask import Flask

from .adapters.queue_embedded import embedded_broker_url
from .config import Settings
from .domain.pipeline import QUEUE_ASR

# Hours of media per stage are possible; a stage past this is stopped and marked failed.
STAGE_SOFT_TIME_LIMIT_S = 6 * 3600


# Redis keeps one list per priority step and serves the lower step first.
REDIS_PRIORITY = {"queue_order_strategy": "priority", "priority_steps": list(range(10))}


def celery_config(settings: Settings) -> dict:
    # Only Redis gets transport options: the embedded transport would hand them to
    # SQLAlchemy's create_engine, and it has no priorities anyway.
    transport = {"broker_transport_options": REDIS_PRIORITY} if settings.broker_url else {}
    return {
        **transport,
        "broker_url": settings.broker_url or embedded_broker_url(settings.embedded_queue_path),
        "broker_connection_retry_on_startup": True,
        "task_ignore_result": True,
        "result_backend": None,
        # A message is acknowledged only after its task returns, one at a time per process:
        # a long ASR job never sits prefetched behind another.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_default_queue": QUEUE_ASR,
        "task_soft_time_limit": STAGE_SOFT_TIME_LIMIT_S,
        "task_time_limit": STAGE_SOFT_TIME_LIMIT_S + 300,
        "worker_hijack_root_logger": False,
        # Task events on, so Flower (or `celery events`) can watch the queues and workers.
        "worker_send_task_events": True,
        "task_send_sent_event": True,
        "include": ["workers.tasks"],
    }


def celery_init_app(app: Flask, settings: Settings) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    config = celery_config(settings)
    celery = Celery(app.name, task_cls=FlaskTask, include=config.pop("include"))
    celery.config_from_object(config)
    celery.set_default()
    app.extensions["celery"] = celery
    return celery
