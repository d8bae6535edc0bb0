"""`locsvc llm-server`: a local OpenAI-compatible server on the packaged small LLM."""

from __future__ import annotations

import os
import sys

import click

from .support import console, load_settings


@click.command("llm-server")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", type=click.IntRange(1, 256), default=None, help="CPU threads.")
def llm_server(host: str, port: int, threads: int | None) -> None:
    """Serve the packaged Gemma 3 270M over the OpenAI API until stopped (Ctrl-C): set
    LOCSVC_LLM_URL to the address it prints to try the `llm` engine."""
    from ..services.local_llm import local_server_command

    command = local_server_command(load_settings(), host, port, threads)
    console.print("locsvc: starting the LLM server (Ctrl-C stops it); then point locsvc at it:")
    click.echo(f"LOCSVC_LLM_URL=http://{host}:{port}/v1", file=sys.stdout)
    sys.stdout.flush()
    sys.stderr.flush()
    # The server takes this process's place: signals (Ctrl-C, a supervisor's TERM) reach it
    # directly and nothing is left running behind it.
    os.execve(command[0], command, {**os.environ, "HF_HUB_OFFLINE": "1"})
