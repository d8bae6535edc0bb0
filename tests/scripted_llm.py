"""A scripted OpenAI-compatible server that misbehaves on cue, for the llm engine's failure
handling: a real HTTP server on a free port whose answers to /v1/chat/completions follow
a script (drop a line, merge two, invalid JSON, 429, 500, hang, ...), then translate
"properly" (Apertium's Spanish marked "ES ", placeholders kept, so that a line's origin
shows in the output) once the script runs out."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "scripted-model"
SERVER_MODEL_ID = "scripted-model-2026-12"


def lines_of(request: dict) -> list[dict]:
    """The lines the locsvc prompt asks for (the user message's `lines: [...]`)."""
    user = request["messages"][-1]["content"]
    text = user.split("lines: ", 1)[1]
    lines, _ = json.JSONDecoder().raw_decode(text)
    return lines


def translated(lines: list[dict]) -> list[str]:
    """Stand-in translations that read as Spanish: Apertium's (eng-spa, one call for the
    lines), each marked "ES " so that the model's lines show apart from the fallback's."""
    text = "\n".join(" ".join(line["text"].split()) for line in lines) + "\n"
    result = subprocess.run(["apertium", "-u", "eng-spa"], input=text, capture_output=True,
                            text=True, check=True, timeout=60)  # fmt: skip
    return ["ES " + out.strip() for out in result.stdout.split("\n")[: len(lines)]]


def good(request: dict) -> tuple[int, object]:
    lines = lines_of(request)
    answers = translated(lines)
    return 200, _completion({"lines": [{"id": x["id"], "text": t}
                                       for x, t in zip(lines, answers, strict=True)]})  # fmt: skip


def drop_last(request: dict) -> tuple[int, object]:
    lines = lines_of(request)[:-1]
    answers = translated(lines)
    return 200, _completion({"lines": [{"id": x["id"], "text": t}
                                       for x, t in zip(lines, answers, strict=True)]})  # fmt: skip


def merge_first_two(request: dict) -> tuple[int, object]:
    lines = lines_of(request)
    answers = translated(lines)
    merged = [{"id": lines[0]["id"], "text": answers[0] + " " + answers[1]}]
    rest = [{"id": x["id"], "text": t} for x, t in zip(lines[2:], answers[2:], strict=True)]
    return 200, _completion({"lines": merged + rest})


def shift(request: dict) -> tuple[int, object]:
    """Every line's id kept but the texts moved up by one, the last one empty."""
    lines = lines_of(request)
    texts = translated(lines)[1:] + [""]
    return 200, _completion({"lines": [{"id": x["id"], "text": t}
                                       for x, t in zip(lines, texts, strict=True)]})  # fmt: skip


def untranslated(request: dict) -> tuple[int, object]:
    """The source given back: what a weak model does most."""
    lines = lines_of(request)
    return 200, _completion({"lines": [{"id": x["id"], "text": x["text"]} for x in lines]})


def in_english(request: dict) -> tuple[int, object]:
    """An answer in the source language, reworded (no copy of any line)."""
    lines = lines_of(request)
    return 200, _completion({"lines": [{"id": x["id"], "text": f"Well, {x['text'].lower()}"}
                                       for x in lines]})  # fmt: skip


def invalid_json(request: dict) -> tuple[int, object]:
    return 200, _completion('{"lines": [{"id": 1, "text": "Hola"')


def status(code: int) -> Callable[[dict], tuple[int, object]]:
    def answer(request: dict) -> tuple[int, object]:
        return code, {"error": {"message": f"scripted {code}"}}

    return answer


def hang(seconds: float) -> Callable[[dict], tuple[int, object]]:
    def answer(request: dict) -> tuple[int, object]:
        time.sleep(seconds)
        return good(request)

    return answer


def _completion(content: object) -> dict:
    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "model": SERVER_MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10},
    }  # fmt: skip


class ScriptedLlm:
    """``script``: answers for the next chat requests, in order; then ``default``."""

    def __init__(self, default=good, refuse_json_schema: bool = False) -> None:
        self.script: list[Callable[[dict], tuple[int, object]]] = []
        self.default = default
        self.refuse_json_schema = refuse_json_schema
        self.requests: list[dict] = []  # every chat request, as received
        self.headers: list[dict] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> ScriptedLlm:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def chats(self) -> int:
        return len(self.requests)

    def _next(self, request: dict) -> tuple[int, object]:
        with self._lock:
            self.requests.append(request)
            act = self.script.pop(0) if self.script else self.default
        fmt = (request.get("response_format") or {}).get("type")
        if self.refuse_json_schema and fmt == "json_schema":
            return 400, {"error": {"message": "response_format json_schema unsupported"}}
        return act(request)

    def _handler(self):
        scripted = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(200, {"object": "list", "data": [{"id": MODEL}]})
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                scripted.headers.append(dict(self.headers))
                code, answer = scripted._next(json.loads(body))
                self._send(code, answer)

            def _send(self, code: int, answer: object) -> None:
                data = json.dumps(answer).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a hang)
                    pass

        return Handler
