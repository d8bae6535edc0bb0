"""Repositories: the only code that writes SQL, one module per concern."""

from .episodes import EpisodeRepository
from .glossaries import GlossaryRepository, ShowRepository
from .memory import MemoryRepository
from .metrics import MetricsRepository, StageRecord
from .people import AuditLog, UserRepository, WebSessionRepository, WorkerRegistry
from .rollouts import RolloutRepository
from .speakers import SpeakerRepository
from .tracks import ReviewRepository, TrackRepository

__all__ = [
    "AuditLog",
    "EpisodeRepository",
    "GlossaryRepository",
    "MemoryRepository",
    "MetricsRepository",
    "ReviewRepository",
    "RolloutRepository",
    "ShowRepository",
    "SpeakerRepository",
    "StageRecord",
    "TrackRepository",
    "UserRepository",
    "WebSessionRepository",
    "WorkerRegistry",
]
