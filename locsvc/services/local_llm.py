"""`locsvc llm-server`: the packaged small model served locally for the `llm` engine."""

from __future__ import annotations

from ..adapters.llm_server import packaged_model, server_command
from ..config import Settings


def local_server_command(
    settings: Settings, host: str, port: int, threads: int | None
) -> list[str]:
    """The command that serves the packaged model (joined into the model cache first)."""
    return server_command(packaged_model(settings.model_cache_dir), host, port, threads)
