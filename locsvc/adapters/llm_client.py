"""A client for any server with the OpenAI chat completions API (vLLM, llama.cpp's
server, Ollama, a hosted provider): deterministic requests, bounded retries with backoff
on 429, 5xx and timeouts, and a circuit breaker so that a server that keeps failing
stops being called for a while. The API key travels only in the Authorization header:
never in a log line, an error message or a description."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import requests

from ..domain.errors import ModelUnavailable

log = logging.getLogger(__name__)

RETRIES = 3  # further attempts after a 429, a 5xx, a timeout or a refused connection
BACKOFF_S = 0.5  # first wait; doubled each time, or the server's Retry-After (capped)
MAX_WAIT_S = 20.0
BREAKER_FAILURES = 3  # requests failed in a row (each after its retries) ...
BREAKER_COOLDOWN_S = 60.0  # ... and the server is not called for this long
SEED = 1234


@dataclass(frozen=True)
class Completion:
    content: str
    model_id: str  # the model the server says answered
    prompt_tokens: int
    completion_tokens: int
    server_s: float  # time spent waiting for the server


class ServerUnavailable(ModelUnavailable):
    """The server failed every attempt, or is resting after failing too often."""


class SchemaUnsupported(Exception):
    """The server refused a request because of its response format."""


class ChatClient:
    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        timeout_s: float = 120.0,
        retries: int = RETRIES,
        backoff_s: float = BACKOFF_S,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.timeout_s, self.retries, self.backoff_s = timeout_s, retries, backoff_s
        self._failures = 0
        self._resting_until = 0.0
        self._lock = threading.Lock()
        self._session = requests.Session()

    def first_model(self) -> str:
        """The first model the server lists (GET /models)."""
        body = self._call("GET", "/models", None)
        models = body.get("data") if isinstance(body, dict) else None
        if not models or not isinstance(models[0], dict) or "id" not in models[0]:
            raise ServerUnavailable(f"The LLM server at {self.base_url} lists no model.")
        return str(models[0]["id"])

    def chat(
        self,
        model: str,
        messages: list[dict],
        max_tokens: int,
        response_format: dict | None = None,
    ) -> Completion:
        """One deterministic completion (temperature 0, a fixed seed). A server that
        refuses ``response_format`` raises SchemaUnsupported."""
        body: dict = {"model": model, "messages": messages, "temperature": 0, "seed": SEED,
                      "max_tokens": max_tokens, "stream": False}  # fmt: skip
        if response_format is not None:
            body["response_format"] = response_format
        started = time.perf_counter()
        answer = self._call("POST", "/chat/completions", body, bool(response_format))
        elapsed = time.perf_counter() - started
        try:
            choice = answer["choices"][0]
            content = choice["message"]["content"] or ""
            usage = answer.get("usage") or {}
        except (KeyError, IndexError, TypeError) as error:
            raise ServerUnavailable(
                f"The LLM server at {self.base_url} answered without a completion."
            ) from error
        return Completion(str(content), str(answer.get("model") or model),
                          int(usage.get("prompt_tokens") or 0),
                          int(usage.get("completion_tokens") or 0), elapsed)  # fmt: skip

    def _call(self, method: str, path: str, body: dict | None, schema_sent: bool = False) -> dict:
        self._check_breaker()
        url = f"{self.base_url}{path}"
        problem = ""
        for attempt in range(self.retries + 1):
            wait = self.backoff_s * 2**attempt
            try:
                response = self._session.request(method, url, json=body, headers=self._headers,
                                                 timeout=self.timeout_s)  # fmt: skip
            except requests.Timeout:
                problem = f"no answer within {self.timeout_s:g} s"
            except requests.RequestException as error:
                problem = f"cannot be reached ({type(error).__name__})"
            else:
                if response.status_code == 200:
                    return self._success(response)
                if schema_sent and _refuses_format(response):
                    raise SchemaUnsupported(_reason(response))
                problem = f"answered HTTP {response.status_code}"
                if response.status_code != 429 and response.status_code < 500:
                    self._failed()
                    raise ServerUnavailable(
                        f"The LLM server at {self.base_url} {problem}: {_reason(response)}",
                        status=response.status_code,
                    )
                wait = _retry_after(response, wait)
            if attempt < self.retries:
                log.warning("LLM server %s %s; retrying in %.1f s", self.base_url, problem, wait)
                time.sleep(min(wait, MAX_WAIT_S))
        self._failed()
        raise ServerUnavailable(
            f"The LLM server at {self.base_url} {problem} ({self.retries + 1} attempts)."
        )

    def _success(self, response: requests.Response) -> dict:
        try:
            answer = response.json()
        except ValueError as error:
            self._failed()
            raise ServerUnavailable(
                f"The LLM server at {self.base_url} answered something that is not JSON."
            ) from error
        with self._lock:
            self._failures = 0
        return answer if isinstance(answer, dict) else {}

    def _check_breaker(self) -> None:
        with self._lock:
            resting = self._resting_until - time.monotonic()
        if resting > 0:
            raise ServerUnavailable(
                f"The LLM server at {self.base_url} failed {BREAKER_FAILURES} times in a "
                f"row; not calling it for another {resting:.0f} s."
            )

    def _failed(self) -> None:
        with self._lock:
            self._failures += 1
            if self._failures >= BREAKER_FAILURES:
                self._resting_until = time.monotonic() + BREAKER_COOLDOWN_S
                self._failures = 0


def _refuses_format(response: requests.Response) -> bool:
    """A refusal of the response format: a 400 or 422, or the 500 that llama-cpp-python's
    server answers for a request it cannot validate, naming the field."""
    if response.status_code in (400, 422):
        return True
    return response.status_code == 500 and "response_format" in response.text


def _retry_after(response: requests.Response, default: float) -> float:
    try:
        return max(float(response.headers.get("Retry-After", "")), 0.0)
    except ValueError:
        return default


def _reason(response: requests.Response) -> str:
    """The server's own error message, short (never the request, which has the key)."""
    try:
        error = response.json().get("error")
        message = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        message = response.text
    return " ".join(str(message or "").split())[:200]
