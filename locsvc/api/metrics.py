"""GET /metrics: the service's state in Prometheus' text format, for an admin token (a
scraper sends it as `authorization: {credentials: ...}` in its scrape config)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, current_app
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    Metric,
    SummaryMetricFamily,
)
from prometheus_client.registry import Collector

from ..app_context import current_context
from ..domain.access import Role, require_role
from ..domain.pipeline import ALL_QUEUES
from ..services.metrics import MetricsSnapshot, metrics_snapshot
from .auth import authenticate_request, principal

blueprint = Blueprint("metrics", __name__)
blueprint.before_request(authenticate_request)

TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"


@blueprint.get("/metrics")
def metrics():
    require_role(principal(), Role.ADMIN)
    queue_messages = current_app.extensions["queue_messages"]  # set by create_app
    depths = {}
    for queue in ALL_QUEUES:
        try:
            depths[queue] = queue_messages(queue)
        except Exception:  # noqa: BLE001 - a broker down is a metric (-1), not an error
            depths[queue] = -1
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SnapshotCollector(metrics_snapshot(current_context(), depths)))
    return Response(generate_latest(registry), mimetype=TEXT_FORMAT)


class SnapshotCollector(Collector):
    """One scrape's snapshot as metric families."""

    def __init__(self, snapshot: MetricsSnapshot) -> None:
        self.snapshot = snapshot

    def collect(self) -> Iterator[Metric]:
        s = self.snapshot
        queues = GaugeMetricFamily("locsvc_queue_messages",
                                   "Messages waiting in the broker per queue (-1: broker "
                                   "unreachable)", labels=["queue"])  # fmt: skip
        for queue, count in sorted(s.queue_messages.items()):
            queues.add_metric([queue], count)
        yield queues
        yield GaugeMetricFamily("locsvc_workers", "Workers with a live heartbeat", s.workers)
        stages = GaugeMetricFamily("locsvc_stages", "Pipeline stages by stage, language and "
                                   "status", labels=["stage", "language", "status"])  # fmt: skip
        for key, count in sorted(s.stages.items()):
            stages.add_metric(list(key), count)
        yield stages
        durations = SummaryMetricFamily(
            "locsvc_stage_duration_seconds", "Finished stages' run time by stage and engine",
            labels=["stage", "engine"])  # fmt: skip
        for key, (count, total) in sorted(s.durations.items()):
            durations.add_metric(list(key), count, total)
        yield durations
        failures = GaugeMetricFamily(
            "locsvc_stage_failures",
            "Stages failed now, by stage, engine and error code",
            labels=["stage", "engine", "code"],
        )
        for key, count in sorted(s.failures.items()):
            failures.add_metric(list(key), count)
        yield failures
        retries = CounterMetricFamily(
            "locsvc_stage_retries",
            "Stage attempts beyond the first (a worker lost, a stage retried)",
            labels=["stage"],
        )
        for key, count in sorted(s.retries.items()):
            retries.add_metric(list(key), count)
        yield retries
        uploads = CounterMetricFamily("locsvc_uploads", "Episodes uploaded, by show",
                                      labels=["show"])  # fmt: skip
        upload_bytes = CounterMetricFamily("locsvc_upload_bytes", "Media bytes uploaded, "
                                           "by show", labels=["show"])  # fmt: skip
        for (show,), (count, size) in sorted(s.uploads.items()):
            uploads.add_metric([show], count)
            upload_bytes.add_metric([show], size)
        yield uploads
        yield upload_bytes
        reviews = GaugeMetricFamily("locsvc_reviews", "Tracks' live review rounds by state and "
                                    "language", labels=["state", "language"])  # fmt: skip
        for key, count in sorted(s.reviews.items()):
            reviews.add_metric(list(key), count)
        yield reviews
