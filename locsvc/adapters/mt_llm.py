"""The `llm` MT engine: a large language model behind an OpenAI-compatible chat API
translates a track's lines in batches, in context, and every answer is verified before
anything is kept (llm_prompt.py reads it strictly).

A refused batch is asked again as it was, then split in halves (down to single lines);
a line the model still cannot answer is translated by the pair's next engine and marked
so; a server that keeps failing hands the rest to that engine too, or fails the stage
with a clear error when there is none. Never is a shifted, merged or dropped line
written to a track. Lines over their length budget are asked once more with a tighter
one. Answers are cached by model, prompt template, input and attempt, so a track
translated again takes the same path and costs nothing."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..domain.errors import StageFailed
from ..domain.line_translation import (
    LineRequest,
    LineResult,
    SourceLine,
    TranslatedLine,
)
from ..domain.llm_prompt import (
    CONTEXT_LINES,
    PROMPT_VERSION,
    AnswerRefused,
    BatchPrompt,
    read_answer,
    response_schema,
    template_hash,
)
from ..ports import Translator
from .language_id import SourceLanguageCheck
from .llm_client import SEED, ChatClient, SchemaUnsupported, ServerUnavailable

log = logging.getLogger(__name__)

# How answers are constrained, best first: OpenAI's json_schema (vLLM, hosted APIs),
# llama.cpp's json_object with a schema, then plain numbered lines for servers with neither.
ANSWER_FORMATS = ("json_schema", "json_object", "numbered")
BATCH_LINES = 16  # lines per request: enough context, short enough to verify and redo
TIGHTER_SHARE = 0.8  # an over-budget line is asked again within this share of its budget
MAX_TOKENS = 4096


@dataclass
class _Run:
    """What translating one track took, for provenance and the benchmark."""

    requests: int = 0
    cached: int = 0
    refused: int = 0
    retries: int = 0
    splits: int = 0
    tightened: int = 0
    server_s: float = 0.0
    model_ids: set[str] = field(default_factory=set)
    reasons: Counter = field(default_factory=Counter)
    lines_retried: set[int] = field(default_factory=set)  # in a batch asked twice
    lines_split: set[int] = field(default_factory=set)  # in a batch split in halves

    def as_dict(self, origins: Sequence[str], wall_s: float) -> dict:
        ids = sorted(self.model_ids)
        return {
            "model_id": ids[0] if len(ids) == 1 else ids,
            "lines": len(origins),
            "line_origins": list(origins),
            "by_origin": dict(Counter(origins)),
            "requests": self.requests, "cached": self.cached, "refused": self.refused,
            "retries": self.retries, "splits": self.splits, "tightened": self.tightened,
            "lines_retried": len(self.lines_retried), "lines_split": len(self.lines_split),
            "refusals": dict(self.reasons.most_common(10)),
            "server_s": round(self.server_s, 3), "wall_s": round(wall_s, 3),
        }  # fmt: skip


class LlmTranslator:
    name = "llm"
    batch_size = BATCH_LINES

    def __init__(
        self,
        source: str,
        target: str,
        client: ChatClient,
        model: str | None = None,
        cache_dir: Path | None = None,
        fallback: Callable[[], Translator] | None = None,
        fallback_name: str | None = None,
        length_budgets: bool = True,
    ) -> None:
        self.source, self.target = source, target
        self.length_budgets = length_budgets  # off: no max_chars asked, none tightened
        self.client, self._model = client, model
        self.cache_dir = cache_dir
        self._fallback_factory, self.fallback_name = fallback, fallback_name
        self._fallback: Translator | None = None
        self._in_source_language = SourceLanguageCheck(source, target)
        self._formats = list(ANSWER_FORMATS)  # the first is used; a refused one is dropped
        self._lock = threading.Lock()

    # --- the Translator port -----------------------------------------------------------

    def translate_batch(self, sentences: Sequence[str]) -> list[str]:
        """Plain sentences, without context (any caller of the plain port)."""
        lines = tuple(SourceLine(number, text) for number, text in enumerate(sentences, 1))
        result = self.translate_lines(LineRequest(lines))
        return [line.text for line in result.lines]

    def describe(self) -> dict:
        return {
            "engine": self.name,
            "model": self._model,  # None until the first request asks the server
            "server": self.client.base_url,
            "prompt_template": template_hash(),
            "prompt_version": PROMPT_VERSION,
            "parameters": {
                "temperature": 0,
                "seed": SEED,
                "batch_lines": BATCH_LINES,
                "context_lines": CONTEXT_LINES,
                "tighter_share": TIGHTER_SHARE,
                "length_budgets": self.length_budgets,
                "answer_format": self._formats[0],
            },
            "fallback": self.fallback_name,
        }

    @property
    def model(self) -> str:
        with self._lock:
            if self._model is None:
                self._model = self.client.first_model()
            return self._model

    # --- translating in context --------------------------------------------------------

    def translate_lines(
        self, request: LineRequest, on_progress: Callable[[float], None] | None = None
    ) -> LineResult:
        started, run = time.perf_counter(), _Run()
        if not self.length_budgets:
            request = replace(request, lines=tuple(replace(line, max_chars=None)
                                                   for line in request.lines))  # fmt: skip
        done: dict[int, TranslatedLine] = {}
        lines = request.lines
        for begin in range(0, len(lines), BATCH_LINES):
            self._translate(self._prompt(request, begin, BATCH_LINES), request, run, done)
            if on_progress:
                on_progress(min(begin + BATCH_LINES, len(lines)) / max(len(lines), 1))
        self._tighten(request, run, done)
        origins = [done[line.number].origin for line in lines]
        return LineResult(
            tuple(done[line.number] for line in lines),
            run.as_dict(origins, time.perf_counter() - started),
        )

    def _prompt(self, request: LineRequest, begin: int, count: int) -> BatchPrompt:
        lines = request.lines
        return BatchPrompt(
            self.source, self.target, lines[begin : begin + count],
            tuple(line.text for line in lines[max(0, begin - CONTEXT_LINES) : begin]),
            tuple(line.text for line in lines[begin + count : begin + count + CONTEXT_LINES]),
            request.synopsis, request.tone,
        )  # fmt: skip

    def _translate(self, prompt: BatchPrompt, request: LineRequest, run: _Run, done: dict) -> None:
        """The batch from the model, else its halves, else its lines from the fallback."""
        try:
            texts = self._ask(prompt, run)
        except AnswerRefused:
            if len(prompt.lines) == 1:
                self._fall_back(prompt.lines, done)
                return
            run.splits += 1
            run.lines_split.update(prompt.ids)
            first, second = self._halves(prompt, request)
            self._translate(first, request, run, done)
            self._translate(second, request, run, done)
            return
        except ServerUnavailable:
            if self._fallback_factory is None:
                raise
            log.warning("LLM server unavailable: %d lines to %s", len(prompt.lines),
                        self.fallback_name)  # fmt: skip
            self._fall_back(prompt.lines, done)
            return
        for line, text in zip(prompt.lines, texts, strict=True):
            done[line.number] = TranslatedLine(text, self.name)

    def _halves(self, prompt: BatchPrompt, request: LineRequest) -> tuple[BatchPrompt, BatchPrompt]:
        """Each half with the lines around it as its context."""
        first = prompt.lines[0].number
        begin = next(i for i, line in enumerate(request.lines) if line.number == first)
        middle = len(prompt.lines) // 2
        return (self._prompt(request, begin, middle),
                self._prompt(request, begin + middle, len(prompt.lines) - middle))  # fmt: skip

    def _ask(self, prompt: BatchPrompt, run: _Run) -> list[str]:
        """The model's verified answer, asked (and once more as it was when refused).
        AnswerRefused when both answers are refused."""
        for attempt in range(2):
            content = self._complete(prompt, run, attempt)
            try:
                texts = read_answer(content, prompt, self._in_source_language)
            except AnswerRefused as refused:
                run.refused += 1
                run.reasons[str(refused).split(" ", 2)[-1][:40]] += 1
                log.info("LLM answer refused (%s)", refused)
                if attempt == 0:
                    run.retries += 1
                    run.lines_retried.update(prompt.ids)
                    continue
                raise
            return texts
        raise AssertionError("unreachable")

    def _complete(self, prompt: BatchPrompt, run: _Run, attempt: int) -> str:
        """The server's answer to the prompt's ``attempt``-th asking: from the cache when
        the same model, template and input were asked before (refused answers included,
        so that a track translated again takes the same path and costs nothing)."""
        while True:
            answer_format = self._formats[0]
            messages = prompt.messages(json_answer=answer_format != "numbered")
            max_tokens = _token_limit(prompt)
            key = _cache_key(self.model, answer_format, messages, max_tokens, attempt)
            cached = self._cached(key)
            if cached is not None:
                run.cached += 1
                run.model_ids.add(cached["model_id"])
                return cached["content"]
            response_format = _response_format(answer_format, prompt.ids)
            try:
                completion = self.client.chat(self.model, messages, max_tokens, response_format)
            except SchemaUnsupported as refused:
                log.info("LLM server %s refuses %s answers (%s)", self.client.base_url,
                         answer_format, refused)  # fmt: skip
                self._formats.remove(answer_format)
                continue
            run.requests += 1
            run.server_s += completion.server_s
            run.model_ids.add(completion.model_id)
            self._store(key, {"content": completion.content, "model_id": completion.model_id})
            return completion.content

    def _tighten(self, request: LineRequest, run: _Run, done: dict) -> None:
        """Lines from the model over their budget, asked again once within a tighter
        budget; the shorter answer is kept, what still overflows is left to QC."""
        over = [
            replace(line, max_chars=max(1, int(line.max_chars * TIGHTER_SHARE)))
            for line in request.lines
            if line.max_chars and done[line.number].origin == self.name
            and len(done[line.number].text) > line.max_chars
        ]  # fmt: skip
        for begin in range(0, len(over), BATCH_LINES):
            lines = tuple(over[begin : begin + BATCH_LINES])
            prompt = BatchPrompt(self.source, self.target, lines, synopsis=request.synopsis,
                                 tone=request.tone, tighter=True)  # fmt: skip
            try:
                texts = self._ask(prompt, run)
            except (AnswerRefused, ServerUnavailable):
                continue  # the first answers stand
            for line, text in zip(lines, texts, strict=True):
                if len(text) < len(done[line.number].text):
                    done[line.number] = TranslatedLine(text, self.name)
                    run.tightened += 1

    def _fall_back(self, lines: Sequence[SourceLine], done: dict) -> None:
        if self._fallback_factory is None:
            raise StageFailed(
                f"The LLM could not translate line(s) {', '.join(str(n.number) for n in lines)} "
                f"after a retry and a split, and no other engine translates "
                f"{self.source} -> {self.target} to fall back on.",
                engine=self.name,
            )
        with self._lock:
            if self._fallback is None:
                self._fallback = self._fallback_factory()
        texts = self._fallback.translate_batch([line.text for line in lines])
        for line, text in zip(lines, texts, strict=True):
            done[line.number] = TranslatedLine(text, self.fallback_name or "fallback")

    # --- the answer cache --------------------------------------------------------------

    def _cached(self, key: str) -> dict | None:
        if self.cache_dir is None:
            return None
        path = self.cache_dir / key[:2] / f"{key}.json"
        try:
            entry = json.loads(path.read_text())
        except (OSError, ValueError):
            return None
        ok = isinstance(entry, dict) and isinstance(entry.get("content"), str)
        return entry if ok and isinstance(entry.get("model_id"), str) else None

    def _store(self, key: str, entry: dict) -> None:
        if self.cache_dir is None:
            return
        path = self.cache_dir / key[:2] / f"{key}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        temp.write_text(json.dumps(entry, ensure_ascii=False))
        temp.replace(path)  # never a half-written answer


def _token_limit(prompt: BatchPrompt) -> int:
    """Room for the answer and no more: a model that loops stops there. A translation runs
    to about 1.2 times its source's characters, some 3.5 characters a token in European
    languages (nearer one a character in Japanese or Chinese, whose text is shorter);
    three quarters of a token a source character leaves a margin for both, plus the JSON
    around each line."""
    return min(MAX_TOKENS, 48 + sum(len(line.text) * 3 // 4 + 16 for line in prompt.lines))


def _response_format(answer_format: str, ids: Sequence[int]) -> dict | None:
    schema = response_schema(ids)
    if answer_format == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "subtitle_lines", "strict": True, "schema": schema},
        }
    if answer_format == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


def _cache_key(
    model: str, answer_format: str, messages: list[dict], max_tokens: int, attempt: int
) -> str:
    payload = [model, template_hash(), answer_format, SEED, max_tokens, messages, attempt]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()
